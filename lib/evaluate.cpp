// SPDX-License-Identifier: GPL-3.0-or-later
// The verdict: Graph's sync status, the thresholds and the current time into a CheckResult.
#include "evaluate.hpp"

#include "duration.hpp"
#include "timestamp.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace cps {
namespace {

struct Verdict {
  State state = State::Ok;
  std::vector<std::string> summary;
  std::vector<std::string> details;
  std::vector<PerfValue> perfdata;

  bool password_alert = false; // a WARNING or CRITICAL about password hash sync
  bool dirsync_alert = false;  // ... about directory sync

  void raise(State to) { state = worst(state, to); }
};

enum class Topic { PasswordSync, DirectorySync };

void raise_about(Verdict &verdict, Topic topic, State to) {
  verdict.raise(to);
  (topic == Topic::PasswordSync ? verdict.password_alert : verdict.dirsync_alert) = true;
}

// The pages the Microsoft 365 admin center links from its sync warnings (graph-api reference,
// section 9: entra-docs tshoot-connect-password-hash-synchronization.md and microsoft-365-docs
// fix-problems-with-directory-synchronization.md).
constexpr const char *password_sync_help =
    "https://learn.microsoft.com/entra/identity/hybrid/connect/"
    "tshoot-connect-password-hash-synchronization";
constexpr const char *dirsync_help =
    "https://learn.microsoft.com/microsoft-365/enterprise/"
    "fix-problems-with-directory-synchronization";

void add_help_links(Verdict &verdict) {
  if (verdict.password_alert) {
    verdict.details.push_back(std::string("troubleshooting password hash sync: ") +
                              password_sync_help);
  }
  if (verdict.dirsync_alert) {
    verdict.details.push_back(std::string("troubleshooting directory sync: ") + dirsync_help);
  }
}

struct AgeCheck {
  const char *label;    // perfdata label
  const char *name;     // "password sync", "directory sync"
  const char *property; // Graph property name, for the null case
  std::optional<std::int64_t> last;
  const Thresholds &thresholds;
  Topic topic;
  std::string server; // the sync server, named when this age alerts (whom to log in to)
};

// Judges one timestamp against its ranges and records summary, detail and perfdata.
void judge_age(Verdict &verdict, const AgeCheck &check, std::int64_t now_unix) {
  if (!check.last) {
    raise_about(verdict, check.topic, State::Warning);
    verdict.summary.push_back(std::string("no ") + check.name + " recorded (" + check.property +
                              " is null)");
    verdict.details.push_back(std::string("last ") + check.name + ": never recorded");
    return;
  }
  std::int64_t age = std::max<std::int64_t>(0, now_unix - *check.last); // future: clock skew
  std::string text = std::string("last ") + check.name + " " + format_age(age) + " ago";
  bool alerting = (check.thresholds.critical && alerts(*check.thresholds.critical, age)) ||
                  alerts(check.thresholds.warning, age);
  if (alerting && !check.server.empty()) {
    text = std::string("last ") + check.name + " on " + check.server + " " + format_age(age) +
           " ago";
  }
  if (check.thresholds.critical && alerts(*check.thresholds.critical, age)) {
    raise_about(verdict, check.topic, State::Critical);
    text += " (critical " + describe_alert(*check.thresholds.critical) + ")";
  } else if (alerts(check.thresholds.warning, age)) {
    raise_about(verdict, check.topic, State::Warning);
    text += " (warning " + describe_alert(check.thresholds.warning) + ")";
  }
  verdict.summary.push_back(text);
  verdict.details.push_back(std::string("last ") + check.name + ": " + format_utc(*check.last) +
                            " (" + format_age(age) + " ago)");
  verdict.perfdata.push_back(
      {check.label, age, range_in_seconds(check.thresholds.warning),
       check.thresholds.critical ? range_in_seconds(*check.thresholds.critical) : ""});
}

// The directory sync switch; false when sync is off and nothing else matters as much.
void judge_sync_enabled(Verdict &verdict, SyncEnabled enabled) {
  if (enabled == SyncEnabled::True) {
    verdict.details.push_back("directory sync: enabled (onPremisesSyncEnabled is true)");
    return;
  }
  raise_about(verdict, Topic::DirectorySync, State::Critical);
  verdict.summary.push_back(enabled == SyncEnabled::False
                                ? "directory sync is disabled (onPremisesSyncEnabled is false)"
                                : "directory sync has never been enabled (onPremisesSyncEnabled "
                                  "is null)");
}

void judge_password_feature(Verdict &verdict, const SyncStatus &status) {
  switch (status.password_sync_feature) {
  case PasswordSyncFeature::Enabled:
    if (status.sync_enabled == SyncEnabled::True) { // "enabled" reads as healthy; not with sync off
      verdict.summary.push_back("password hash sync enabled");
    }
    verdict.details.push_back("password hash sync: enabled (features.passwordSyncEnabled)");
    break;
  case PasswordSyncFeature::Disabled:
    raise_about(verdict, Topic::PasswordSync, State::Critical);
    verdict.summary.push_back("password hash sync is disabled (passwordSyncEnabled is false)");
    break;
  case PasswordSyncFeature::Unreadable:
    verdict.details.push_back(status.feature_note);
    break;
  }
}

// "sync client: Entra Connect 2.4.129.0 on AADC-SYNC01 as ..., every 30m": what Graph told of it.
void describe_sync_client(Verdict &verdict, const SyncClient &client) {
  std::string text;
  auto add = [&text](const std::string &part) { text += (text.empty() ? "" : " ") + part; };
  if (!client.version.empty()) {
    add("Entra Connect " + client.version);
  }
  if (!client.machine.empty()) {
    add("on " + client.machine);
  }
  if (!client.service_account.empty()) {
    add("as " + client.service_account);
  }
  if (client.interval_seconds > 0) {
    text += (text.empty() ? "every " : ", every ") + format_age(client.interval_seconds);
  }
  if (client.requested_interval_seconds > 0 &&
      client.requested_interval_seconds != client.interval_seconds) {
    add("(customer requested every " + format_age(client.requested_interval_seconds) + ")");
  }
  if (!text.empty()) {
    verdict.details.push_back("sync client: " + text);
  }
}

std::string join(const std::vector<std::string> &parts, std::string_view separator) {
  std::string text;
  for (const std::string &part : parts) {
    text += (text.empty() ? "" : std::string(separator)) + part;
  }
  return text;
}

} // namespace

Policy policy_from(const Config &config) {
  return Policy{config.password_sync, config.dirsync, config.password_sync_mode};
}

CheckResult evaluate(const SyncStatus &status, const Policy &policy, std::int64_t now_unix) {
  Verdict verdict;
  judge_sync_enabled(verdict, status.sync_enabled);
  bool synced = status.sync_enabled == SyncEnabled::True;
  if (policy.password_sync_mode == PasswordSyncMode::Require) {
    judge_password_feature(verdict, status);
    if (!status.password_sync_time_reported) {
      // No invented age and no password_sync_age perfdata: the directory sync and the flag judge.
      verdict.summary.push_back("Graph in this cloud has no password sync time");
      verdict.details.push_back("last password sync: not reported (this cloud's Graph schema "
                                "lacks onPremisesLastPasswordSyncDateTime)");
    } else if (synced || status.last_password_sync) {
      judge_age(verdict,
                {"password_sync_age", "password sync", "onPremisesLastPasswordSyncDateTime",
                 status.last_password_sync, policy.password_sync, Topic::PasswordSync, ""},
                now_unix);
    }
  } else {
    verdict.details.push_back("password hash sync: not checked (--password-sync ignore)");
  }
  if (synced || status.last_dirsync) {
    judge_age(verdict,
              {"dirsync_age", "directory sync", "onPremisesLastSyncDateTime", status.last_dirsync,
               policy.dirsync, Topic::DirectorySync, status.sync_client.machine},
              now_unix);
  }
  describe_sync_client(verdict, status.sync_client);
  add_help_links(verdict);
  CheckResult result;
  result.state = verdict.state;
  result.summary = join(verdict.summary, ", ");
  result.details = std::move(verdict.details);
  result.perfdata = std::move(verdict.perfdata);
  return result;
}

} // namespace cps
