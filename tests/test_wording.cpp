// SPDX-License-Identifier: GPL-3.0-or-later
// The sentences of the status line and the detail lines, word for word.
#include "lib/wording.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;

namespace {

// A sentence as the wording made it, and the words it must be.
struct Sentence {
  std::string call; // which call made it, named in a failure
  std::string made;
  std::string expected;
};

// Each row's sentence is word for word the expected one; a failure names the row.
void check_sentences(const std::vector<Sentence> &rows) {
  for (const Sentence &row : rows) {
    INFO("row: " << row.call);
    CHECK(row.made == row.expected);
  }
}

} // namespace

TEST_CASE("wording: status-line phrases and their short forms") {
  Phrase never = wording::never_recorded("password sync", "onPremisesLastPasswordSyncDateTime");
  CHECK(never.text == "no password sync recorded (onPremisesLastPasswordSyncDateTime is null)");
  CHECK(never.short_text == "no password sync recorded");

  Phrase future = wording::sync_in_future("directory sync", "2h");
  CHECK(future.text == "last directory sync is 2h in the future: check this host's clock (NTP)");
  CHECK(future.short_text == "last directory sync is 2h in the future");

  CHECK(wording::threshold_crossed("warning", "above 3d") == "warning above 3d");

  Phrase stale = wording::sync_age("directory sync", "AADC-SYNC01", "4d2h", "warning above 3d");
  CHECK(stale.text == "directory sync on AADC-SYNC01 4d2h ago (warning above 3d)");
  CHECK(stale.short_text == "directory sync on AADC-SYNC01 4d2h ago");
  Phrase fresh = wording::sync_age("password sync", "", "31m", "");
  CHECK(fresh.text == "password sync 31m ago");
  CHECK(fresh.short_text == "password sync 31m ago");

  Phrase disabled = wording::directory_sync_off(SyncEnabled::False);
  CHECK(disabled.text == "directory sync is disabled (onPremisesSyncEnabled is false)");
  CHECK(disabled.short_text == "directory sync is disabled");
  Phrase never_enabled = wording::directory_sync_off(SyncEnabled::Null);
  CHECK(never_enabled.text ==
        "directory sync has never been enabled (onPremisesSyncEnabled is null)");
  CHECK(never_enabled.short_text == "directory sync has never been enabled");

  CHECK(wording::password_hash_sync_on().text == "password hash sync enabled");
  CHECK(wording::password_hash_sync_off().text ==
        "password hash sync is disabled (passwordSyncEnabled is false)");
  CHECK(wording::password_hash_sync_off().short_text == "password hash sync is disabled");
  CHECK(wording::no_password_sync_time().text == "Graph in this cloud has no password sync time");
  CHECK(wording::no_password_sync_time().short_text == "password sync time not in Graph");
}

TEST_CASE("wording: detail lines") {
  check_sentences({
      {"never_recorded_detail",
       wording::never_recorded_detail("directory sync", "onPremisesLastSyncDateTime"),
       "last directory sync: never recorded (onPremisesLastSyncDateTime is null)"},
      {"sync_in_future_detail",
       wording::sync_in_future_detail("password sync", "2026-01-01 12:00:00 UTC", "2h"),
       "last password sync: 2026-01-01 12:00:00 UTC (2h ahead of this host's clock; up to 15m "
       "counts as normal skew)"},
      {"sync_age_detail, no limit crossed",
       wording::sync_age_detail("password sync", "2023-11-14 21:42:20 UTC", "31m", ""),
       "last password sync: 2023-11-14 21:42:20 UTC (31m ago)"},
      {"sync_age_detail, critical",
       wording::sync_age_detail("directory sync", "2023-11-10 19:00:00 UTC", "4d2h",
                                "critical above 4d"),
       "last directory sync: 2023-11-10 19:00:00 UTC (4d2h ago; critical above 4d)"},
      {"directory_sync_detail(True)", wording::directory_sync_detail(SyncEnabled::True),
       "directory sync: enabled (onPremisesSyncEnabled is true)"},
      {"directory_sync_detail(False)", wording::directory_sync_detail(SyncEnabled::False),
       "directory sync: disabled (onPremisesSyncEnabled is false)"},
      {"directory_sync_detail(Null)", wording::directory_sync_detail(SyncEnabled::Null),
       "directory sync: never enabled (onPremisesSyncEnabled is null)"},
      {"password_hash_sync_on_detail", wording::password_hash_sync_on_detail(),
       "password hash sync: enabled (features.passwordSyncEnabled)"},
      {"password_hash_sync_off_detail", wording::password_hash_sync_off_detail(),
       "password hash sync: disabled (features.passwordSyncEnabled is false)"},
      {"no_password_sync_time_detail", wording::no_password_sync_time_detail(),
       "last password sync: not reported (this cloud's Graph schema lacks "
       "onPremisesLastPasswordSyncDateTime)"},
      {"password_sync_not_checked_detail", wording::password_sync_not_checked_detail(),
       "password hash sync: not checked (--password-sync ignore)"},
      {"password_sync_help_detail", wording::password_sync_help_detail(),
       "troubleshooting password hash sync: https://learn.microsoft.com/entra/identity/hybrid/"
       "connect/tshoot-connect-password-hash-synchronization"},
      {"dirsync_help_detail", wording::dirsync_help_detail(),
       "troubleshooting directory sync: https://learn.microsoft.com/microsoft-365/enterprise/"
       "fix-problems-with-directory-synchronization"},
      {"tenant_detail",
       wording::tenant_detail("b93319e6-0000-0000-0000-000000000000 (contoso.onmicrosoft.com)"),
       "tenant: b93319e6-0000-0000-0000-000000000000 (contoso.onmicrosoft.com)"},
      {"checked_detail(false)", wording::checked_detail(false),
       "checked: Graph beta organization and directory/onPremisesSynchronization in one $batch"},
      {"checked_detail(true)", wording::checked_detail(true),
       "checked: Graph beta organization, directory/onPremisesSynchronization and the app's "
       "client secrets in one $batch"},
  });
}

TEST_CASE("wording: notes on an optional reading Graph would not give") {
  CHECK(wording::reading_unavailable(
            "password hash sync feature flag",
            "HTTP 403 Authorization_RequestDenied: Insufficient privileges",
            wording::grant_to_check("OnPremDirectorySynchronization.Read.All")) ==
        "password hash sync feature flag not readable (HTTP 403 Authorization_RequestDenied: "
        "Insufficient privileges): grant OnPremDirectorySynchronization.Read.All to check it");
  CHECK(wording::reading_unavailable("the client secret's end date", "HTTP 500 UnknownError", "") ==
        "the client secret's end date not readable (HTTP 500 UnknownError)");
  CHECK(wording::reading_throttled("password hash sync feature flag", "3 tries") ==
        "password hash sync feature flag not readable (Graph kept throttling it: 3 tries)");
  CHECK(wording::judged_by_timestamps("Graph lists no on-premises synchronization settings") ==
        "Graph lists no on-premises synchronization settings; judged by timestamps");
}

TEST_CASE("wording: the sync client line says only what Graph told") {
  SyncClient client;
  CHECK(wording::sync_client_detail(client).empty());
  client.interval_seconds = 1800;
  CHECK(wording::sync_client_detail(client) == "sync client: every 30m");
  client.version = "2.4.129.0";
  client.machine = "AADC-SYNC01";
  client.service_account = "Sync_AADC@contoso.onmicrosoft.com";
  client.requested_interval_seconds = 3600;
  CHECK(wording::sync_client_detail(client) ==
        "sync client: Entra Connect 2.4.129.0 on AADC-SYNC01 as Sync_AADC@contoso.onmicrosoft.com, "
        "every 30m (customer requested every 1h)");
  client.requested_interval_seconds = 1800; // the same as the interval: not repeated
  CHECK(wording::sync_client_detail(client) ==
        "sync client: Entra Connect 2.4.129.0 on AADC-SYNC01 as Sync_AADC@contoso.onmicrosoft.com, "
        "every 30m");
}

TEST_CASE("wording: the check's own credential") {
  check_sentences({
      {"certificate_name", wording::certificate_name("CN=monitoring"),
       "certificate 'CN=monitoring'"},
      {"certificate_identified", wording::certificate_identified("0A1B2C"),
       " (SHA-1 thumbprint 0A1B2C)"},
      {"certificate_identified, no thumbprint", wording::certificate_identified(""), ""},
      {"secret_name, described", wording::secret_name("monitoring", "1a2b3c4d-5e6f"),
       "client secret 'monitoring'"},
      {"secret_name, no description", wording::secret_name("", "1a2b3c4d-5e6f"),
       "client secret 1a2b3c4d"},
      {"secret_name, nothing known", wording::secret_name("", ""), "client secret"},
      {"secret_identified", wording::secret_identified("1a2b3c4d-5e6f"),
       " (secret ID 1a2b3c4d-5e6f)"},
      {"secret_identified, no ID", wording::secret_identified(""), ""},
      {"expires_relative(10d)", wording::expires_relative(10 * 86400), "expires in 10d"},
      {"expires_relative(0)", wording::expires_relative(0), "expired 0s ago"},
      {"expires_relative(-2d1h)", wording::expires_relative(-2 * 86400 - 3600), "expired 2d1h ago"},
      {"credential_expiry in 5d, text",
       wording::credential_expiry("client secret 'monitoring'", "client secret", 5 * 86400,
                                  "2026-12-10")
           .text,
       "client secret 'monitoring' expires in 5d (2026-12-10)"},
      {"credential_expiry in 5d, short_text",
       wording::credential_expiry("client secret 'monitoring'", "client secret", 5 * 86400,
                                  "2026-12-10")
           .short_text,
       "client secret expires in 5d (2026-12-10)"},
      {"credential_expiry 1h ago, text",
       wording::credential_expiry("certificate 'CN=x'", "certificate", -3600, "2026-12-10").text,
       "certificate 'CN=x' expired 1h ago (2026-12-10)"},
      {"credential_expiry 1h ago, short_text",
       wording::credential_expiry("certificate 'CN=x'", "certificate", -3600, "2026-12-10")
           .short_text,
       "certificate expired 1h ago (2026-12-10)"},
      {"credential_limits", wording::credential_limits("30d", "7d"),
       "warning below 30d, critical below 7d"},
      {"credential_alerts_off", wording::credential_alerts_off(),
       "no alert: --credential-warning and --credential-critical are 0"},
      {"secret_expiry_not_read", wording::secret_expiry_not_read(),
       "credential expiry: the client secret's end date not read: --credential-warning and "
       "--credential-critical are both 0"},
      {"credential_expiry_detail in 5d",
       wording::credential_expiry_detail("client secret 'monitoring'", " (secret ID 1a2b)",
                                         5 * 86400, "2026-12-10 12:00:00 UTC",
                                         "warning below 30d, critical below 7d"),
       "credential: client secret 'monitoring' (secret ID 1a2b) expires 2026-12-10 12:00:00 UTC "
       "(in 5d; warning below 30d, critical below 7d)"},
      {"credential_expiry_detail 2h ago",
       wording::credential_expiry_detail("certificate 'CN=x'", "", -7200, "2026-12-10 12:00:00 UTC",
                                         "warning below 30d, critical below 7d"),
       "credential: certificate 'CN=x' expired 2026-12-10 12:00:00 UTC (2h ago; warning "
       "below 30d, critical below 7d)"},
      {"renew_credential_detail", wording::renew_credential_detail(),
       "renew it: Microsoft Entra admin center > App registrations > the app > Certificates & "
       "secrets, then give the plugin the new one"},
      {"credential_note_detail",
       wording::credential_note_detail("Graph's passwordCredentials is not a list"),
       "credential: Graph's passwordCredentials is not a list"},
      {"no_secret_matches_detail(3)", wording::no_secret_matches_detail(3),
       "credential: none of the app's 3 listed client secrets has a hint matching the secret in "
       "use; its end date is not checked"},
      {"several_secrets_match_detail(2)", wording::several_secrets_match_detail(2),
       "credential: 2 of the app's client secrets begin like the secret in use; judging the one "
       "that expires first"},
      {"secret_without_end_detail", wording::secret_without_end_detail("client secret 'forever'"),
       "credential: client secret 'forever' has no end date (endDateTime is null)"},
  });
}

TEST_CASE("wording: notes on what Graph answered") {
  CHECK(wording::secrets_not_a_list() == "Graph's passwordCredentials is not a list");
  CHECK(wording::secret_end_not_a_timestamp() ==
        "Graph lists a client secret whose endDateTime is not a timestamp");
  CHECK(wording::no_sync_settings() == "Graph lists no on-premises synchronization settings");
  CHECK(wording::feature_flag_null() ==
        "Graph reports no password hash sync feature flag (features.passwordSyncEnabled is null)");
}

TEST_CASE("wording: the watchdog's status lines") {
  CHECK(wording::stopped_by_signal("SIGTERM") ==
        "stopped by SIGTERM from another process before the check finished (not a timeout)");
  CHECK(wording::watchdog_timed_out("10s") ==
        "timed out after 10s (the check did not finish; stopped by the watchdog)");
}
