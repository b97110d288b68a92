// SPDX-License-Identifier: GPL-3.0-or-later
// The verdict: Graph's sync status, the thresholds and the current time into a CheckResult.
#pragma once

#include "sync_status.hpp"
#include "config.hpp"
#include "result.hpp"

#include <cstdint>

namespace cps {

struct Policy {
  Thresholds password_sync;
  Thresholds dirsync;
  PasswordSyncMode password_sync_mode = PasswordSyncMode::Require;
};

Policy policy_from(const Config &config);

// now_unix is injected so tests need no clock.
CheckResult evaluate(const SyncStatus &status, const Policy &policy, std::int64_t now_unix);

} // namespace cps
