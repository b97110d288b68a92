// SPDX-License-Identifier: GPL-3.0-or-later
// The sentences of the status line and the detail lines, word for word.
#include "lib/wording.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace cps;

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
  CHECK(wording::never_recorded_detail("directory sync", "onPremisesLastSyncDateTime") ==
        "last directory sync: never recorded (onPremisesLastSyncDateTime is null)");
  CHECK(wording::sync_in_future_detail("password sync", "2026-01-01 12:00:00 UTC", "2h") ==
        "last password sync: 2026-01-01 12:00:00 UTC (2h ahead of this host's clock; up to 15m "
        "counts as normal skew)");
  CHECK(wording::sync_age_detail("password sync", "2023-11-14 21:42:20 UTC", "31m", "") ==
        "last password sync: 2023-11-14 21:42:20 UTC (31m ago)");
  CHECK(wording::sync_age_detail("directory sync", "2023-11-10 19:00:00 UTC", "4d2h",
                                 "critical above 4d") ==
        "last directory sync: 2023-11-10 19:00:00 UTC (4d2h ago; critical above 4d)");
  CHECK(wording::directory_sync_detail(SyncEnabled::True) ==
        "directory sync: enabled (onPremisesSyncEnabled is true)");
  CHECK(wording::directory_sync_detail(SyncEnabled::False) ==
        "directory sync: disabled (onPremisesSyncEnabled is false)");
  CHECK(wording::directory_sync_detail(SyncEnabled::Null) ==
        "directory sync: never enabled (onPremisesSyncEnabled is null)");
  CHECK(wording::password_hash_sync_on_detail() ==
        "password hash sync: enabled (features.passwordSyncEnabled)");
  CHECK(wording::password_hash_sync_off_detail() ==
        "password hash sync: disabled (features.passwordSyncEnabled is false)");
  CHECK(wording::no_password_sync_time_detail() ==
        "last password sync: not reported (this cloud's Graph schema lacks "
        "onPremisesLastPasswordSyncDateTime)");
  CHECK(wording::password_sync_not_checked_detail() ==
        "password hash sync: not checked (--password-sync ignore)");
  CHECK(wording::password_sync_help_detail() ==
        "troubleshooting password hash sync: https://learn.microsoft.com/entra/identity/hybrid/"
        "connect/tshoot-connect-password-hash-synchronization");
  CHECK(wording::dirsync_help_detail() ==
        "troubleshooting directory sync: https://learn.microsoft.com/microsoft-365/enterprise/"
        "fix-problems-with-directory-synchronization");
  CHECK(wording::tenant_detail("b93319e6-0000-0000-0000-000000000000 (contoso.onmicrosoft.com)") ==
        "tenant: b93319e6-0000-0000-0000-000000000000 (contoso.onmicrosoft.com)");
  CHECK(wording::checked_detail(false) ==
        "checked: Graph beta organization and directory/onPremisesSynchronization in one $batch");
  CHECK(wording::checked_detail(true) ==
        "checked: Graph beta organization, directory/onPremisesSynchronization and the app's "
        "client secrets in one $batch");
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
