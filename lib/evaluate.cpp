// SPDX-License-Identifier: GPL-3.0-or-later
// The verdict: Graph's sync status, the thresholds and the current time into a CheckResult.
#include "evaluate.hpp"

#include "duration.hpp"
#include "output.hpp"
#include "timestamp.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace cps {
namespace {

// Graph's timestamps come from Microsoft's clocks, the age from this host's. A sync time up to
// 15 minutes ahead is ordinary skew between the two and counts as 0 s old; further ahead, one
// of the clocks is wrong and no age can be trusted.
constexpr std::int64_t tolerated_clock_skew = 15 * 60;

// How much a part of the summary matters when the status line must be shortened.
enum class Weight {
  Problem, // why the state is not OK: kept, in its short form if need be
  Remark,  // what the check could not judge: kept, shortened first
  Age,     // a healthy age: left to the detail lines before a problem is shortened
  Note     // reassurance ("password hash sync enabled"): the first to go
};

struct SummaryItem {
  std::string text;
  std::string short_text;
  Weight weight;
};

struct Verdict {
  State state = State::Ok;
  std::vector<SummaryItem> summary;
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

// A problem about a topic: raises the state, and says why in the summary.
void problem(Verdict &verdict, Topic topic, State to, std::string text, std::string short_text) {
  raise_about(verdict, topic, to);
  verdict.summary.push_back({std::move(text), std::move(short_text), Weight::Problem});
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

bool same_verdict(const Thresholds &thresholds, std::int64_t a, std::int64_t b) {
  return alerts(thresholds.warning, a) == alerts(thresholds.warning, b) &&
         (!thresholds.critical || alerts(*thresholds.critical, a) == alerts(*thresholds.critical, b));
}

// The age rounded for humans, with more units where the rounding would cross a threshold: never
// "3d ago (warning above 3d)", but "3d0h0m1s ago (warning above 3d)".
std::string shown_age(std::int64_t age, const Thresholds &thresholds) {
  std::string text = format_age(age);
  for (int precision = 3; precision <= 4 && !same_verdict(thresholds, parse_duration(text), age);
       ++precision) {
    text = format_age(age, precision);
  }
  return text;
}

// A sync time further ahead than the tolerated skew: UNKNOWN, naming the clock to check.
void judge_future(Verdict &verdict, const AgeCheck &check, std::int64_t ahead) {
  std::string when = std::string("last ") + check.name + " is " + format_age(ahead) + " in the future";
  verdict.raise(State::Unknown); // not a sync problem: no troubleshooting link
  verdict.summary.push_back({when + ": check this host's clock (NTP)", when, Weight::Problem});
  verdict.details.push_back(std::string("last ") + check.name + ": " + format_utc(*check.last) +
                            " (" + format_age(ahead) + " ahead of this host's clock; up to 15m " +
                            "counts as normal skew)");
}

// Judges one timestamp against its ranges and records summary, detail and perfdata.
void judge_age(Verdict &verdict, const AgeCheck &check, std::int64_t now_unix) {
  if (!check.last) {
    std::string none = std::string("no ") + check.name + " recorded";
    problem(verdict, check.topic, State::Warning, none + " (" + check.property + " is null)",
            none);
    verdict.details.push_back(std::string("last ") + check.name + ": never recorded (" +
                              check.property + " is null)");
    return;
  }
  std::int64_t ahead = *check.last - now_unix;
  if (ahead > tolerated_clock_skew) {
    judge_future(verdict, check, ahead);
    return;
  }
  std::int64_t age = std::max<std::int64_t>(0, -ahead);
  std::string alert;
  if (check.thresholds.critical && alerts(*check.thresholds.critical, age)) {
    alert = "critical " + describe_alert(*check.thresholds.critical);
    raise_about(verdict, check.topic, State::Critical);
  } else if (alerts(check.thresholds.warning, age)) {
    alert = "warning " + describe_alert(check.thresholds.warning);
    raise_about(verdict, check.topic, State::Warning);
  }
  std::string text = std::string(check.name) +
                     (alert.empty() || check.server.empty() ? "" : " on " + check.server) + " " +
                     shown_age(age, check.thresholds) + " ago";
  verdict.summary.push_back({alert.empty() ? text : text + " (" + alert + ")", text,
                             alert.empty() ? Weight::Age : Weight::Problem});
  verdict.details.push_back(std::string("last ") + check.name + ": " + format_utc(*check.last) +
                            " (" + shown_age(age, check.thresholds) + " ago" +
                            (alert.empty() ? "" : "; " + alert) + ")");
  verdict.perfdata.push_back(
      {check.label, age, range_in_seconds(check.thresholds.warning),
       check.thresholds.critical ? range_in_seconds(*check.thresholds.critical) : ""});
}

// The directory sync switch.
void judge_sync_enabled(Verdict &verdict, SyncEnabled enabled) {
  if (enabled == SyncEnabled::True) {
    verdict.details.push_back("directory sync: enabled (onPremisesSyncEnabled is true)");
    return;
  }
  bool disabled = enabled == SyncEnabled::False;
  std::string text = disabled ? "directory sync is disabled" : "directory sync has never been enabled";
  std::string why = disabled ? "onPremisesSyncEnabled is false" : "onPremisesSyncEnabled is null";
  problem(verdict, Topic::DirectorySync, State::Critical, text + " (" + why + ")", text);
  verdict.details.push_back("directory sync: " + std::string(disabled ? "disabled" : "never enabled") +
                            " (" + why + ")");
}

void judge_password_feature(Verdict &verdict, const SyncStatus &status) {
  switch (status.password_sync_feature) {
  case PasswordSyncFeature::Enabled:
    if (status.sync_enabled == SyncEnabled::True) { // "enabled" reads as healthy; not with sync off
      verdict.summary.push_back(
          {"password hash sync enabled", "password hash sync enabled", Weight::Note});
    }
    verdict.details.push_back("password hash sync: enabled (features.passwordSyncEnabled)");
    break;
  case PasswordSyncFeature::Disabled:
    problem(verdict, Topic::PasswordSync, State::Critical,
            "password hash sync is disabled (passwordSyncEnabled is false)",
            "password hash sync is disabled");
    verdict.details.push_back("password hash sync: disabled (features.passwordSyncEnabled is false)");
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

// The credential's end date: worst state first in the status line (before the sync's problems
// when it is worse than they are, after them otherwise); its detail lines after the sync's.
void add_credential_verdict(Verdict &verdict, CredentialVerdict credential) {
  if (credential.state != State::Ok) {
    SummaryItem item{std::move(credential.summary), std::move(credential.short_summary),
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

std::string join(const std::vector<SummaryItem> &items) {
  std::string text;
  for (const SummaryItem &item : items) {
    text += (text.empty() ? "" : ", ") + item.text;
  }
  return text;
}

// An OK or WARNING status line fits in 100 characters (Icinga Web's list view, an SMS): first
// the notes go, then remarks take their short form, then healthy ages go, then problems lose
// their explanation from the last one up.
// Everything left out is in the detail lines. CRITICAL and UNKNOWN keep their whole explanation.
std::string fit_summary(std::vector<SummaryItem> items, State state) {
  std::size_t budget = summary_budget(state);
  if (state == State::Critical || state == State::Unknown || join(items).size() <= budget) {
    return join(items);
  }
  auto drop = [&](Weight weight) {
    items.erase(std::remove_if(items.begin(), items.end(),
                               [&](const SummaryItem &item) { return item.weight == weight; }),
                items.end());
  };
  drop(Weight::Note);
  for (SummaryItem &item : items) {
    if (item.weight == Weight::Remark && join(items).size() > budget) {
      item.text = item.short_text;
    }
  }
  if (join(items).size() > budget) {
    drop(Weight::Age);
  }
  for (auto item = items.rbegin(); item != items.rend() && join(items).size() > budget; ++item) {
    item->text = item->short_text;
  }
  return join(items);
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
  if (policy.password_sync_mode == PasswordSyncMode::Require) {
    judge_password_feature(verdict, status);
    if (!status.password_sync_time_reported) {
      // No invented age and no password_sync_age perfdata: the directory sync and the flag judge.
      verdict.summary.push_back({"Graph in this cloud has no password sync time",
                                 "password sync time not in Graph", Weight::Remark});
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
  add_credential_verdict(
      verdict, judge_credential(credential, status.application, policy.credential, now_unix));
  CheckResult result;
  result.state = verdict.state;
  result.summary = fit_summary(std::move(verdict.summary), verdict.state);
  result.details = std::move(verdict.details);
  result.perfdata = std::move(verdict.perfdata);
  return result;
}

} // namespace cps
