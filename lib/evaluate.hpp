// SPDX-License-Identifier: GPL-3.0-or-later
// The verdict: Graph's sync status, the thresholds and the current time into a CheckResult.
#pragma once

#include "config.hpp"
#include "credential_expiry.hpp"
#include "result.hpp"
#include "sync_status.hpp"

#include <cstdint>

namespace cps {

struct Policy {
  Thresholds password_sync;
  Thresholds dirsync;
  PasswordSyncMode password_sync_mode = PasswordSyncMode::Require;
  CredentialThresholds credential;
};

Policy policy_from(const Config &config);

// now_unix is injected so tests need no clock. credential is the check's own credential, whose
// end date can raise the state (never lower it); by default nothing of it is judged.
CheckResult evaluate(const SyncStatus &status, const Policy &policy, std::int64_t now_unix,
                     const OwnCredential &credential = OwnCredential{});

} // namespace cps
