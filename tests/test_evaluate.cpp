// SPDX-License-Identifier: GPL-3.0-or-later
// The verdict table of the plugin, row by row, with an injected clock.
#include "lib/evaluate.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;

namespace {

constexpr std::int64_t now = 1700000000;
constexpr std::int64_t four_days_two_hours = 4 * 86400 + 2 * 3600;

SyncStatus healthy() {
  SyncStatus status;
  status.sync_enabled = SyncEnabled::True;
  status.last_password_sync = now - 1860;
  status.last_dirsync = now - 720;
  status.password_sync_feature = PasswordSyncFeature::Enabled;
  return status;
}

Policy default_policy() {
  return policy_from(Config{});
}

bool has(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

bool any_detail_has(const CheckResult &result, const std::string &part) {
  for (const std::string &line : result.details) {
    if (has(line, part)) {
      return true;
    }
  }
  return false;
}

const PerfValue *perf(const CheckResult &result, const std::string &label) {
  for (const PerfValue &value : result.perfdata) {
    if (value.label == label) {
      return &value;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("evaluate: OK") {
  CheckResult result = evaluate(healthy(), default_policy(), now);
  CHECK(result.state == State::Ok);
  CHECK(result.summary == "password hash sync enabled, password sync 31m ago, "
                          "directory sync 12m ago");
  REQUIRE(result.perfdata.size() == 2);
  CHECK(result.perfdata[0].label == "password_sync_age");
  CHECK(result.perfdata[0].seconds == 1860);
  CHECK(result.perfdata[0].warning == "259200");
  CHECK(result.perfdata[0].critical == "");
  CHECK(result.perfdata[1].label == "dirsync_age");
  CHECK(result.perfdata[1].seconds == 720);
  CHECK(result.perfdata[1].warning == "259200");
  CHECK(result.perfdata[1].critical == "");
  CHECK(any_detail_has(result, "2023-11-14 21:42:20 UTC")); // now - 1860 in UTC
}

TEST_CASE("evaluate: the warning boundary is inclusive") {
  SyncStatus status = healthy();
  status.last_password_sync = now - 259200;
  CHECK(evaluate(status, default_policy(), now).state == State::Ok);
  status.last_password_sync = now - 259201;
  CHECK(evaluate(status, default_policy(), now).state == State::Warning);
}

TEST_CASE("evaluate: password sync older than -w is WARNING") {
  SyncStatus status = healthy();
  status.last_password_sync = now - four_days_two_hours;
  CheckResult result = evaluate(status, default_policy(), now);
  CHECK(result.state == State::Warning);
  CHECK(has(result.summary, "password sync 4d2h ago (warning above 3d)"));
  CHECK(has(result.summary, "directory sync 12m ago"));
  CHECK_FALSE(has(result.summary, "directory sync 12m ago ("));
  REQUIRE(perf(result, "password_sync_age") != nullptr);
  CHECK(perf(result, "password_sync_age")->seconds == four_days_two_hours);
}

TEST_CASE("evaluate: directory sync older than --dirsync-warning is WARNING") {
  SyncStatus status = healthy();
  status.last_dirsync = now - four_days_two_hours;
  CheckResult result = evaluate(status, default_policy(), now);
  CHECK(result.state == State::Warning);
  CHECK(has(result.summary, "directory sync 4d2h ago (warning above 3d)"));
  CHECK_FALSE(has(result.summary, "password sync 31m ago ("));
}

TEST_CASE("evaluate: -w applies to password sync only, --dirsync-warning to directory sync only") {
  Config config;
  config.password_sync.warning = parse_range("10m");
  SyncStatus status = healthy(); // password 31m, directory 12m
  CheckResult result = evaluate(status, policy_from(config), now);
  CHECK(result.state == State::Warning);
  CHECK(has(result.summary, "password sync 31m ago (warning above 10m)"));
  CHECK(perf(result, "password_sync_age")->warning == "600");
  CHECK(perf(result, "dirsync_age")->warning == "259200");

  Config dirsync;
  dirsync.dirsync.warning = parse_range("10m");
  CheckResult second = evaluate(status, policy_from(dirsync), now);
  CHECK(second.state == State::Warning);
  CHECK(has(second.summary, "directory sync 12m ago (warning above 10m)"));
  CHECK(perf(second, "password_sync_age")->warning == "259200");
  CHECK(perf(second, "dirsync_age")->warning == "600");
}

TEST_CASE("evaluate: past the critical range is CRITICAL") {
  Config config;
  config.password_sync.critical = parse_range("5d");
  config.dirsync.critical = parse_range("5d");
  SyncStatus status = healthy();
  status.last_password_sync = now - 6 * 86400;
  CheckResult result = evaluate(status, policy_from(config), now);
  CHECK(result.state == State::Critical);
  CHECK(has(result.summary, "password sync 6d ago (critical above 5d)"));
  CHECK_FALSE(has(result.summary, "warning above"));
  CHECK(perf(result, "password_sync_age")->critical == "432000");
  CHECK(perf(result, "dirsync_age")->critical == "432000");

  SyncStatus directory = healthy();
  directory.last_dirsync = now - 6 * 86400;
  CheckResult second = evaluate(directory, policy_from(config), now);
  CHECK(second.state == State::Critical);
  CHECK(has(second.summary, "directory sync 6d ago (critical above 5d)"));

  // Between warning and critical: WARNING.
  SyncStatus between = healthy();
  between.last_password_sync = now - four_days_two_hours;
  CHECK(evaluate(between, policy_from(config), now).state == State::Warning);
}

TEST_CASE("evaluate: onPremisesSyncEnabled false is CRITICAL") {
  SyncStatus status = healthy();
  status.sync_enabled = SyncEnabled::False;
  CheckResult result = evaluate(status, default_policy(), now);
  CHECK(result.state == State::Critical);
  CHECK(has(result.summary, "directory sync is disabled (onPremisesSyncEnabled is false)"));
}

TEST_CASE("evaluate: onPremisesSyncEnabled null is CRITICAL, without null-timestamp noise") {
  SyncStatus status;
  status.sync_enabled = SyncEnabled::Null;
  status.password_sync_feature = PasswordSyncFeature::Unreadable;
  CheckResult result = evaluate(status, default_policy(), now);
  CHECK(result.state == State::Critical);
  CHECK(
      has(result.summary, "directory sync has never been enabled (onPremisesSyncEnabled is null)"));
  CHECK_FALSE(has(result.summary, "no password sync recorded"));
  CHECK(result.perfdata.empty());
}

TEST_CASE("evaluate: password hash sync disabled with --password-sync require is CRITICAL") {
  SyncStatus status = healthy();
  status.password_sync_feature = PasswordSyncFeature::Disabled;
  CheckResult result = evaluate(status, default_policy(), now);
  CHECK(result.state == State::Critical);
  CHECK(has(result.summary, "password hash sync is disabled (passwordSyncEnabled is false)"));
  CHECK_FALSE(has(result.summary, "password hash sync enabled"));
}

TEST_CASE("evaluate: password hash sync disabled with --password-sync ignore is not critical") {
  Config config;
  config.password_sync_mode = PasswordSyncMode::Ignore;
  SyncStatus status = healthy();
  status.password_sync_feature = PasswordSyncFeature::Disabled;
  status.last_password_sync = now - 30 * 86400; // stale, but not checked
  CheckResult result = evaluate(status, policy_from(config), now);
  CHECK(result.state == State::Ok);
  CHECK_FALSE(has(result.summary, "password"));
  CHECK(perf(result, "password_sync_age") == nullptr);
  REQUIRE(perf(result, "dirsync_age") != nullptr);
  CHECK(any_detail_has(result, "not checked"));

  // Directory sync is still judged.
  status.last_dirsync = now - four_days_two_hours;
  CHECK(evaluate(status, policy_from(config), now).state == State::Warning);
  status.last_password_sync.reset();
  status.last_dirsync = now - 60;
  CHECK(evaluate(status, policy_from(config), now).state == State::Ok);
}

TEST_CASE("evaluate: an unreadable feature flag is judged by timestamps, with the note") {
  const std::string note = "password hash sync feature flag not readable (HTTP 403 "
                           "Authorization_RequestDenied): grant "
                           "OnPremDirectorySynchronization.Read.All to check it; judged by "
                           "timestamps";
  SyncStatus status = healthy();
  status.password_sync_feature = PasswordSyncFeature::Unreadable;
  status.feature_note = note;
  CheckResult result = evaluate(status, default_policy(), now);
  CHECK(result.state == State::Ok);
  CHECK_FALSE(has(result.summary, "password hash sync enabled"));
  CHECK(has(result.summary, "password sync 31m ago"));
  CHECK(any_detail_has(result, "OnPremDirectorySynchronization.Read.All"));
  CHECK(result.perfdata.size() == 2);

  status.last_password_sync = now - four_days_two_hours;
  CHECK(evaluate(status, default_policy(), now).state == State::Warning);
}

TEST_CASE("evaluate: null timestamps with sync enabled are WARNING naming the property") {
  SyncStatus status = healthy();
  status.last_password_sync.reset();
  CheckResult password = evaluate(status, default_policy(), now);
  CHECK(password.state == State::Warning);
  CHECK(password.summary ==
        "no password sync recorded (onPremisesLastPasswordSyncDateTime is null)");
  CHECK(any_detail_has(password, "last password sync: never recorded "
                                 "(onPremisesLastPasswordSyncDateTime is null)"));
  CHECK(perf(password, "password_sync_age") == nullptr);
  CHECK(perf(password, "dirsync_age") != nullptr);

  SyncStatus directory = healthy();
  directory.last_dirsync.reset();
  CheckResult dir = evaluate(directory, default_policy(), now);
  CHECK(dir.state == State::Warning);
  CHECK(dir.summary == "no directory sync recorded (onPremisesLastSyncDateTime is null)");
  CHECK(any_detail_has(dir, "last directory sync: never recorded "
                            "(onPremisesLastSyncDateTime is null)"));
  CHECK(perf(dir, "dirsync_age") == nullptr);
  CHECK(perf(dir, "password_sync_age") != nullptr);

  SyncStatus both = healthy();
  both.last_password_sync.reset();
  both.last_dirsync.reset();
  CheckResult none = evaluate(both, default_policy(), now);
  CHECK(none.state == State::Warning);
  CHECK(none.perfdata.empty());
  // Both explanations do not fit in a 100-character status line: the detail lines hold them.
  CHECK(none.summary == "no password sync recorded, no directory sync recorded");
  CHECK(any_detail_has(none, "last password sync: never recorded "
                             "(onPremisesLastPasswordSyncDateTime is null)"));
  CHECK(any_detail_has(none, "last directory sync: never recorded "
                             "(onPremisesLastSyncDateTime is null)"));
}

TEST_CASE("evaluate: a cloud without the password sync time is judged by directory sync and flag") {
  SyncStatus status = healthy();
  status.last_password_sync.reset();
  status.password_sync_time_reported = false;
  CheckResult result = evaluate(status, default_policy(), now);
  CHECK(result.state == State::Ok); // a missing time is not "never recorded" here
  CHECK(has(result.summary, "Graph in this cloud has no password sync time"));
  CHECK_FALSE(has(result.summary, "no password sync recorded"));
  CHECK(perf(result, "password_sync_age") == nullptr);
  REQUIRE(perf(result, "dirsync_age") != nullptr);
  CHECK(perf(result, "dirsync_age")->seconds == 720);

  status.last_dirsync = now - four_days_two_hours;
  CHECK(evaluate(status, default_policy(), now).state == State::Warning);
  status.last_dirsync = now - 720;
  status.password_sync_feature = PasswordSyncFeature::Disabled;
  CHECK(evaluate(status, default_policy(), now).state == State::Critical);
}

TEST_CASE("evaluate: a WARNING or CRITICAL links the admin center's troubleshooting page") {
  const std::string password_page = "https://learn.microsoft.com/entra/identity/hybrid/connect/"
                                    "tshoot-connect-password-hash-synchronization";
  const std::string dirsync_page = "https://learn.microsoft.com/microsoft-365/enterprise/"
                                   "fix-problems-with-directory-synchronization";
  CheckResult ok = evaluate(healthy(), default_policy(), now);
  CHECK_FALSE(any_detail_has(ok, "https://"));

  SyncStatus stale_password = healthy();
  stale_password.last_password_sync = now - four_days_two_hours;
  CheckResult password = evaluate(stale_password, default_policy(), now);
  CHECK(any_detail_has(password, password_page));
  CHECK_FALSE(any_detail_has(password, dirsync_page));

  SyncStatus phs_off = healthy();
  phs_off.password_sync_feature = PasswordSyncFeature::Disabled;
  CHECK(any_detail_has(evaluate(phs_off, default_policy(), now), password_page));

  SyncStatus stale_directory = healthy();
  stale_directory.last_dirsync = now - four_days_two_hours;
  CheckResult directory = evaluate(stale_directory, default_policy(), now);
  CHECK(any_detail_has(directory, dirsync_page));
  CHECK_FALSE(any_detail_has(directory, password_page));

  SyncStatus sync_off = healthy();
  sync_off.sync_enabled = SyncEnabled::False;
  CHECK(any_detail_has(evaluate(sync_off, default_policy(), now), dirsync_page));
}

TEST_CASE("evaluate: the sync client's facts in a detail line, the server named when stale") {
  SyncStatus status = healthy();
  status.sync_client = {"2.4.129.0", "AADC-SYNC01", "", 1800, 1800};
  CheckResult ok = evaluate(status, default_policy(), now);
  CHECK(any_detail_has(ok, "sync client: Entra Connect 2.4.129.0 on AADC-SYNC01, every 30m"));
  CHECK_FALSE(has(ok.summary, "AADC-SYNC01")); // healthy: line 1 stays short

  status.last_dirsync = now - four_days_two_hours;
  CheckResult stale = evaluate(status, default_policy(), now);
  CHECK(has(stale.summary, "directory sync on AADC-SYNC01 4d2h ago (warning above 3d)"));

  SyncStatus partial = healthy();
  partial.sync_client.machine = "SYNC02";
  partial.sync_client.service_account = "Sync_SYNC02@contoso.onmicrosoft.com";
  partial.sync_client.requested_interval_seconds = 3600;
  CHECK(any_detail_has(evaluate(partial, default_policy(), now),
                       "sync client: on SYNC02 as Sync_SYNC02@contoso.onmicrosoft.com "
                       "(customer requested every 1h)"));
  CHECK_FALSE(any_detail_has(evaluate(healthy(), default_policy(), now), "sync client"));
}

TEST_CASE("evaluate: timestamps up to 15 minutes in the future count as age 0") {
  SyncStatus status = healthy();
  status.last_password_sync = now + 900;
  status.last_dirsync = now + 1;
  CheckResult result = evaluate(status, default_policy(), now);
  CHECK(result.state == State::Ok);
  CHECK(perf(result, "password_sync_age")->seconds == 0);
  CHECK(perf(result, "dirsync_age")->seconds == 0);
  CHECK(has(result.summary, "password sync 0s ago"));

  // "0:" alerts below 0: a negative age would warn, the clamped age does not.
  Config config;
  config.password_sync.warning = parse_range("0:");
  CHECK(evaluate(status, policy_from(config), now).state == State::Ok);
}

TEST_CASE("evaluate: perfdata echoes ranges in seconds") {
  Config config;
  config.password_sync.warning = parse_range("1h:2h");
  config.password_sync.critical = parse_range("@1w:");
  config.dirsync.warning = parse_range("~:36h");
  config.dirsync.critical = parse_range("3d12h");
  CheckResult result = evaluate(healthy(), policy_from(config), now);
  CHECK(perf(result, "password_sync_age")->warning == "3600:7200");
  CHECK(perf(result, "password_sync_age")->critical == "@604800:");
  CHECK(perf(result, "dirsync_age")->warning == "~:129600");
  CHECK(perf(result, "dirsync_age")->critical == "302400");
  CHECK(result.state == State::Warning); // 31m is outside 1h:2h
  CHECK(has(result.summary, "(warning outside 1h..2h)"));
}

TEST_CASE("evaluate: the worst state wins") {
  SyncStatus status = healthy();
  status.sync_enabled = SyncEnabled::False;
  status.last_password_sync = now - four_days_two_hours;
  status.password_sync_feature = PasswordSyncFeature::Disabled;
  CheckResult result = evaluate(status, default_policy(), now);
  CHECK(result.state == State::Critical);
  CHECK(has(result.summary, "onPremisesSyncEnabled is false"));
  CHECK(has(result.summary, "passwordSyncEnabled is false"));
  CHECK(has(result.summary, "(warning above 3d)"));
}

TEST_CASE("evaluate: policy_from copies the thresholds and mode") {
  Config config;
  config.password_sync.critical = parse_range("5d");
  config.dirsync.warning = parse_range("1h");
  config.password_sync_mode = PasswordSyncMode::Ignore;
  Policy policy = policy_from(config);
  REQUIRE(policy.password_sync.critical.has_value());
  CHECK(range_in_seconds(*policy.password_sync.critical) == "432000");
  CHECK(range_in_seconds(policy.dirsync.warning) == "3600");
  CHECK(policy.password_sync_mode == PasswordSyncMode::Ignore);
}

TEST_CASE("evaluate: a sync time more than 15 minutes ahead is UNKNOWN, naming the clock") {
  SyncStatus status = healthy();
  status.last_password_sync = now + 10 * 86400;
  CheckResult result = evaluate(status, default_policy(), now);
  CHECK(result.state == State::Unknown);
  CHECK(has(result.summary,
            "last password sync is 10d in the future: check this host's clock (NTP)"));
  CHECK(has(result.summary, "directory sync 12m ago"));
  CHECK(perf(result, "password_sync_age") == nullptr); // no age to report
  CHECK(perf(result, "dirsync_age") != nullptr);
  CHECK(any_detail_has(result, "last password sync: 2023-11-24 22:13:20 UTC (10d ahead of "
                               "this host's clock"));

  // One second past the tolerance.
  status.last_password_sync = now + 901;
  CheckResult skewed = evaluate(status, default_policy(), now);
  CHECK(skewed.state == State::Unknown);
  CHECK(has(skewed.summary, "last password sync is 15m in the future"));

  // The directory sync time, and the latest instant Graph could send.
  SyncStatus directory = healthy();
  directory.last_dirsync = 253402300799; // 9999-12-31T23:59:59Z
  CheckResult far = evaluate(directory, default_policy(), now);
  CHECK(far.state == State::Unknown);
  CHECK(has(far.summary, "last directory sync is "));
  CHECK(has(far.summary, " in the future: check this host's clock (NTP)"));
  CHECK(perf(far, "dirsync_age") == nullptr);

  // A disabled directory sync still outranks the clock: CRITICAL.
  directory.sync_enabled = SyncEnabled::False;
  CHECK(evaluate(directory, default_policy(), now).state == State::Critical);
}

TEST_CASE("evaluate: a shown age never contradicts its verdict") {
  struct Case {
    std::int64_t age;
    State state;
    const char *summary_part;
  };
  for (const Case &row : std::vector<Case>{
           {259200, State::Ok, "password sync 3d ago"},
           {259199, State::Ok, "password sync 2d23h ago"},
           {259201, State::Warning, "password sync 3d0h0m1s ago (warning above 3d)"},
           {259260, State::Warning, "password sync 3d0h1m ago (warning above 3d)"},
           {262800, State::Warning, "password sync 3d1h ago (warning above 3d)"},
           {four_days_two_hours + 59, State::Warning, "password sync 4d2h ago (warning above 3d)"},
       }) {
    CAPTURE(row.age);
    SyncStatus status = healthy();
    status.last_password_sync = now - row.age;
    CheckResult result = evaluate(status, default_policy(), now);
    CHECK(result.state == row.state);
    CHECK(has(result.summary, row.summary_part));
  }
  // The same for a range with a lower end: 59m59s is not "1h ago (warning outside 1h..2h)".
  Config config;
  config.password_sync.warning = parse_range("1h:2h");
  SyncStatus status = healthy();
  status.last_password_sync = now - 3599;
  CheckResult result = evaluate(status, policy_from(config), now);
  CHECK(result.state == State::Warning);
  CHECK(has(result.summary, "password sync 59m ago (warning outside 1h..2h)"));
  status.last_password_sync = now - 7201;
  CHECK(has(evaluate(status, policy_from(config), now).summary,
            "password sync 2h0m1s ago (warning outside 1h..2h)"));
}

TEST_CASE("evaluate: password hash sync is not called enabled while directory sync is off") {
  SyncStatus status = healthy();
  status.sync_enabled = SyncEnabled::False;
  CheckResult result = evaluate(status, default_policy(), now);
  CHECK(result.state == State::Critical);
  CHECK_FALSE(has(result.summary, "password hash sync enabled"));
  status.sync_enabled = SyncEnabled::Null;
  CHECK_FALSE(has(evaluate(status, default_policy(), now).summary, "password hash sync enabled"));
}

TEST_CASE("evaluate: with directory sync off, a recorded directory sync time is still judged") {
  SyncStatus status = healthy();
  status.sync_enabled = SyncEnabled::False;
  status.last_dirsync = now - four_days_two_hours;
  CheckResult result = evaluate(status, default_policy(), now);
  CHECK(result.state == State::Critical);
  REQUIRE(perf(result, "dirsync_age") != nullptr);
  CHECK(perf(result, "dirsync_age")->seconds == four_days_two_hours);
  CHECK(has(result.summary, "directory sync 4d2h ago (warning above 3d)"));
}

TEST_CASE("evaluate: OK and WARNING status lines fit in 100 characters") {
  auto line_length = [](const CheckResult &result) {
    return std::string("PASSWORD_SYNC ").size() + std::string(state_name(result.state)).size() +
           3 + result.summary.size();
  };
  // Both ages stale with five-character ages: the thresholds do not both fit.
  SyncStatus stale = healthy();
  stale.last_password_sync = now - (4 * 86400 + 23 * 3600);
  stale.last_dirsync = now - (4 * 86400 + 23 * 3600);
  CheckResult both = evaluate(stale, default_policy(), now);
  CHECK(both.state == State::Warning);
  CHECK(both.summary ==
        "password sync 4d23h ago (warning above 3d), directory sync 4d23h ago");
  CHECK(line_length(both) <= 100);
  CHECK(any_detail_has(both, "(4d23h ago; warning above 3d)"));

  // One stale age: the healthy one stays, "password hash sync enabled" goes to the details.
  SyncStatus one = healthy();
  one.last_password_sync = now - four_days_two_hours;
  CheckResult single = evaluate(one, default_policy(), now);
  CHECK(single.summary == "password sync 4d2h ago (warning above 3d), directory sync 12m ago");
  CHECK(any_detail_has(single, "password hash sync: enabled"));

  // Long ranges: the last problem loses its explanation.
  Config config;
  config.password_sync.warning = parse_range("@1s:3w1d1h1m1s");
  config.dirsync.warning = parse_range("@0:1w1d1h1m1s");
  SyncStatus healthy_status = healthy();
  CheckResult ranged = evaluate(healthy_status, policy_from(config), now);
  CHECK(ranged.state == State::Warning);
  CHECK(line_length(ranged) <= 100);
  CHECK(ranged.summary ==
        "password sync 31m ago (warning within 1s..22d1h1m1s), directory sync 12m ago");
  // A stale directory sync named with its server: the healthy age goes before the explanation.
  SyncStatus named = healthy();
  named.sync_client.machine = "AADC-SYNC01.corp.contoso.com";
  named.last_dirsync = now - four_days_two_hours;
  CheckResult server = evaluate(named, default_policy(), now);
  CHECK(server.summary ==
        "directory sync on AADC-SYNC01.corp.contoso.com 4d2h ago (warning above 3d)");

  // Every age from 0 to 30 days, both timestamps, each state: OK and WARNING fit.
  for (std::int64_t age = 0; age < 30 * 86400; age += 3593) {
    SyncStatus status = healthy();
    status.last_password_sync = now - age;
    status.last_dirsync = now - (30 * 86400 - age);
    CheckResult result = evaluate(status, default_policy(), now);
    CAPTURE(result.summary);
    CHECK(line_length(result) <= 100);
  }
}

namespace {

OwnCredential certificate_left(std::int64_t seconds) {
  OwnCredential own;
  own.source = ExpirySource::LocalCertificate;
  own.certificate_subject = "CN=monitoring";
  own.not_after = now + seconds;
  return own;
}

} // namespace

TEST_CASE("evaluate: a credential running out raises an OK check and leads the status line") {
  CheckResult result = evaluate(healthy(), default_policy(), now, certificate_left(10 * 86400));
  CHECK(result.state == State::Warning);
  CHECK(result.summary.rfind("certificate 'CN=monitoring' expires in 10d (2023-11-24)", 0) == 0);
  REQUIRE(perf(result, "credential_expires_in") != nullptr);
  CHECK(perf(result, "credential_expires_in")->seconds == 864000);
  CHECK(perf(result, "credential_expires_in")->warning == "2592000:");
  CHECK(perf(result, "credential_expires_in")->critical == "604800:");
  CHECK(result.perfdata.size() == 3);
}

TEST_CASE("evaluate: a healthy credential changes nothing but a detail line and its perfdata") {
  CheckResult plain = evaluate(healthy(), default_policy(), now);
  CheckResult result = evaluate(healthy(), default_policy(), now, certificate_left(90 * 86400));
  CHECK(result.state == State::Ok);
  CHECK(result.summary == plain.summary);
  CHECK(any_detail_has(result, "credential: certificate 'CN=monitoring' expires"));
  CHECK(perf(result, "credential_expires_in")->seconds == 7776000);
}

TEST_CASE("evaluate: a sync problem as bad or worse comes first, the credential after it") {
  SyncStatus disabled = healthy();
  disabled.sync_enabled = SyncEnabled::False;
  CheckResult result = evaluate(disabled, default_policy(), now, certificate_left(10 * 86400));
  CHECK(result.state == State::Critical);
  CHECK(result.summary.rfind("directory sync is disabled", 0) == 0);
  CHECK(has(result.summary, ", certificate 'CN=monitoring' expires in 10d (2023-11-24)"));

  SyncStatus stale = healthy();
  stale.last_password_sync = now - four_days_two_hours;
  CheckResult both = evaluate(stale, default_policy(), now, certificate_left(20 * 86400));
  CHECK(both.state == State::Warning);
  // Both WARNING, 100 characters at most: the sync first, each in its short form.
  CHECK(both.summary == "password sync 4d2h ago, certificate expires in 20d (2023-12-04)");
  CHECK(any_detail_has(both, "certificate 'CN=monitoring' expires 2023-12-04 22:13:20 UTC"));
}

TEST_CASE("evaluate: a worse credential comes first and never lowers the state") {
  SyncStatus stale = healthy();
  stale.last_password_sync = now - four_days_two_hours;
  CheckResult expired = evaluate(stale, default_policy(), now, certificate_left(-2 * 86400));
  CHECK(expired.state == State::Critical);
  CHECK(expired.summary == "certificate 'CN=monitoring' expired 2d ago (2023-11-12), "
                           "password hash sync enabled, password sync 4d2h ago (warning above 3d), "
                           "directory sync 12m ago");
  CHECK(perf(expired, "credential_expires_in")->seconds == -172800);

  CheckResult fine = evaluate(stale, default_policy(), now, certificate_left(90 * 86400));
  CHECK(fine.state == State::Warning);
}

TEST_CASE("evaluate: --credential-warning and --credential-critical reach the verdict") {
  Config config;
  config.credential_warning = 60 * 86400;
  config.credential_critical = 45 * 86400;
  Policy policy = policy_from(config);
  CHECK(evaluate(healthy(), policy, now, certificate_left(50 * 86400)).state == State::Warning);
  CHECK(evaluate(healthy(), policy, now, certificate_left(40 * 86400)).state == State::Critical);
  CHECK(
      perf(evaluate(healthy(), policy, now, certificate_left(40 * 86400)), "credential_expires_in")
          ->warning == "5184000:");
}
