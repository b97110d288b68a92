// SPDX-License-Identifier: GPL-3.0-or-later
// The verdict: Graph's sync status, the thresholds and the current time into a CheckResult.
#include "evaluate.hpp"

#include "sync_age.hpp"
#include "verdict.hpp"
#include "wording.hpp"

#include <string>
#include <utility>

namespace cps {
namespace {

// The directory sync switch.
void judge_sync_enabled(Verdict &verdict, SyncEnabled enabled) {
  verdict.details.push_back(wording::directory_sync_detail(enabled));
  if (enabled != SyncEnabled::True) {
    problem(verdict, Topic::DirectorySync, State::Critical, wording::directory_sync_off(enabled));
  }
}

void judge_password_feature(Verdict &verdict, const SyncStatus &status) {
  switch (status.password_sync_feature) {
  case PasswordSyncFeature::Enabled:
    if (status.sync_enabled == SyncEnabled::True) { // "enabled" reads as healthy; not with sync off
      verdict.summary.push_back({wording::password_hash_sync_on(), Weight::Note});
    }
    verdict.details.push_back(wording::password_hash_sync_on_detail());
    break;
  case PasswordSyncFeature::Disabled:
    problem(verdict, Topic::PasswordSync, State::Critical, wording::password_hash_sync_off());
    verdict.details.push_back(wording::password_hash_sync_off_detail());
    break;
  case PasswordSyncFeature::Unreadable:
    verdict.details.push_back(status.feature_note);
    break;
  }
}

// Password hash sync as --password-sync asks: its flag and its age, or not at all.
void judge_password_sync(Verdict &verdict, const SyncStatus &status, const Policy &policy,
                         std::int64_t now_unix) {
  if (policy.password_sync_mode != PasswordSyncMode::Require) {
    verdict.details.push_back(wording::password_sync_not_checked_detail());
    return;
  }
  judge_password_feature(verdict, status);
  if (!status.password_sync_time_reported) {
    // No invented age and no password_sync_age perfdata: the directory sync and the flag judge.
    verdict.summary.push_back({wording::no_password_sync_time(), Weight::Remark});
    verdict.details.push_back(wording::no_password_sync_time_detail());
  } else if (status.sync_enabled == SyncEnabled::True || status.last_password_sync) {
    judge_age(verdict,
              {"password_sync_age", "password sync", "onPremisesLastPasswordSyncDateTime",
               status.last_password_sync, policy.password_sync, Topic::PasswordSync, ""},
              now_unix);
  }
}

// The credential's end date: worst state first in the status line (before the sync's problems
// when it is worse than they are, after them otherwise); its detail lines after the sync's.
void add_credential_verdict(Verdict &verdict, CredentialVerdict credential) {
  if (credential.state != State::Ok) {
    SummaryItem item{{std::move(credential.summary), std::move(credential.short_summary)},
                     Weight::Problem};
    bool worse = severity(credential.state) > severity(verdict.state);
    verdict.summary.insert(worse ? verdict.summary.begin() : verdict.summary.end(),
                           std::move(item));
    verdict.raise(credential.state);
  }
  verdict.details.insert(verdict.details.end(), credential.details.begin(),
                         credential.details.end());
  if (credential.perfdata) {
    verdict.perfdata.push_back(std::move(*credential.perfdata));
  }
}

} // namespace

Policy policy_from(const Config &config) {
  return Policy{config.password_sync, config.dirsync, config.password_sync_mode,
                CredentialThresholds{config.credential_warning, config.credential_critical}};
}

CheckResult evaluate(const SyncStatus &status, const Policy &policy, std::int64_t now_unix,
                     const OwnCredential &credential) {
  Verdict verdict;
  judge_sync_enabled(verdict, status.sync_enabled);
  bool synced = status.sync_enabled == SyncEnabled::True;
  judge_password_sync(verdict, status, policy, now_unix);
  if (synced || status.last_dirsync) {
    judge_age(verdict,
              {"dirsync_age", "directory sync", "onPremisesLastSyncDateTime", status.last_dirsync,
               policy.dirsync, Topic::DirectorySync, status.sync_client.machine},
              now_unix);
  }
  if (std::string client = wording::sync_client_detail(status.sync_client); !client.empty()) {
    verdict.details.push_back(std::move(client));
  }
  add_help_links(verdict);
  add_credential_verdict(
      verdict, judge_credential(credential, status.application, policy.credential, now_unix));
  return result_of(std::move(verdict));
}

} // namespace cps
