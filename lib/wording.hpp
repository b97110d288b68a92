// SPDX-License-Identifier: GPL-3.0-or-later
// The sentences of the status line and the detail lines, each built by one named function here:
// grep finds a wording by its visible text, and a change to it is made in this one place.
#pragma once

#include "status_line.hpp"
#include "sync_status.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cps::wording {

// --- Status-line phrases (full text / short form) ----------------------------------------------

// "no password sync recorded (onPremisesLastPasswordSyncDateTime is null)" / "no password sync
// recorded".
Phrase never_recorded(std::string_view name, std::string_view property);

// "last directory sync is 2h in the future: check this host's clock (NTP)" / "last directory sync
// is 2h in the future".
Phrase sync_in_future(std::string_view name, std::string_view ahead);

// "warning above 3d", "critical above 4d": which threshold an age crossed.
std::string threshold_crossed(std::string_view level, std::string_view range);

// "directory sync on AADC-SYNC01 4d2h ago (warning above 3d)" / "directory sync on AADC-SYNC01
// 4d2h ago"; "password sync 31m ago" when no threshold is crossed. server and crossed may be empty.
Phrase sync_age(std::string_view name, std::string_view server, std::string_view age,
                std::string_view crossed);

// "directory sync is disabled (onPremisesSyncEnabled is false)" or "directory sync has never been
// enabled (onPremisesSyncEnabled is null)", and their short forms.
Phrase directory_sync_off(SyncEnabled enabled);

// "password hash sync enabled".
Phrase password_hash_sync_on();

// "password hash sync is disabled (passwordSyncEnabled is false)" / "password hash sync is
// disabled".
Phrase password_hash_sync_off();

// "Graph in this cloud has no password sync time" / "password sync time not in Graph".
Phrase no_password_sync_time();

// --- Detail lines ------------------------------------------------------------------------------

// "last password sync: never recorded (onPremisesLastPasswordSyncDateTime is null)".
std::string never_recorded_detail(std::string_view name, std::string_view property);

// "last directory sync: 2026-01-01 12:00:00 UTC (2h ahead of this host's clock; up to 15m counts
// as normal skew)".
std::string sync_in_future_detail(std::string_view name, std::string_view utc,
                                  std::string_view ahead);

// "last password sync: 2023-11-14 21:42:20 UTC (31m ago)", with "; warning above 3d" when crossed.
std::string sync_age_detail(std::string_view name, std::string_view utc, std::string_view age,
                            std::string_view crossed);

// "directory sync: enabled (onPremisesSyncEnabled is true)", "...: disabled (... is false)",
// "...: never enabled (... is null)".
std::string directory_sync_detail(SyncEnabled enabled);

// "password hash sync: enabled (features.passwordSyncEnabled)".
std::string password_hash_sync_on_detail();

// "password hash sync: disabled (features.passwordSyncEnabled is false)".
std::string password_hash_sync_off_detail();

// "last password sync: not reported (this cloud's Graph schema lacks ...)".
std::string no_password_sync_time_detail();

// "password hash sync: not checked (--password-sync ignore)".
std::string password_sync_not_checked_detail();

// "sync client: Entra Connect 2.4.129.0 on AADC-SYNC01 as ..., every 30m": what Graph told of the
// sync client; empty when it told nothing.
std::string sync_client_detail(const SyncClient &client);

// "troubleshooting password hash sync: <the page the Microsoft 365 admin center links>".
std::string password_sync_help_detail();

// "troubleshooting directory sync: <the page the Microsoft 365 admin center links>".
std::string dirsync_help_detail();

// "password hash sync feature flag not readable (HTTP 403 Authorization_RequestDenied: ...)",
// then ": <remedy>" when there is one: an optional reading Graph would not give.
std::string reading_unavailable(std::string_view subject, std::string_view status,
                                std::string_view remedy);

// "grant OnPremDirectorySynchronization.Read.All to check it": the remedy of a 403.
std::string grant_to_check(std::string_view permission);

// "password hash sync feature flag not readable (Graph kept throttling it: 3 tries, ...)".
std::string reading_throttled(std::string_view subject, std::string_view tries);

// "<why>; judged by timestamps": the feature flag is unknown, the sync times decide.
std::string judged_by_timestamps(std::string_view why);

// "tenant: <id> (<initial domain>)".
std::string tenant_detail(std::string_view described_tenant);

// "checked: Graph beta organization and directory/onPremisesSynchronization in one $batch", with
// "the app's client secrets" among them when they were asked for.
std::string checked_detail(bool app_secrets);

// --- The check's own credential ----------------------------------------------------------------

// "certificate 'CN=monitoring'": the certificate in use, by its subject.
std::string certificate_name(std::string_view subject);

// " (SHA-1 thumbprint 0A1B...)", or "" without a thumbprint: what identifies it in the detail line.
std::string certificate_identified(std::string_view thumbprint);

// A client secret as the admin center names it: "client secret 'monitoring'" by its description,
// else "client secret 1a2b3c4d" by the start of its secret ID, else "client secret".
std::string secret_name(std::string_view display_name, std::string_view key_id);

// " (secret ID <keyId>)", or "" without one.
std::string secret_identified(std::string_view key_id);

// "expires in 10d" / "expired 2d ago": left is the seconds until the end date (<= 0: expired).
std::string expires_relative(std::int64_t left);

// "client secret 'monitoring' expires in 10d (2026-12-10)" / "client secret expires in 10d
// (2026-12-10)": name is the full form, kind the short one.
Phrase credential_expiry(std::string_view name, std::string_view kind, std::int64_t left,
                         std::string_view date);

// "warning below 30d, critical below 7d": the --credential-warning/-critical limits.
std::string credential_limits(std::string_view warning, std::string_view critical);

// "no alert: --credential-warning and --credential-critical are 0": the limits when both are off.
std::string credential_alerts_off();

// "credential expiry: the client secret's end date not read: ...": both thresholds 0, so the
// app's secrets were not asked for (said at -v).
std::string secret_expiry_not_read();

// "credential: client secret 'monitoring' (secret ID ...) expires 2026-12-10 12:00:00 UTC (in 10d;
// warning below 30d, critical below 7d)".
std::string credential_expiry_detail(std::string_view name, std::string_view identified,
                                     std::int64_t left, std::string_view utc,
                                     std::string_view limits);

// "renew it: Microsoft Entra admin center > App registrations > ...": where to renew it, for
// whoever is paged.
std::string renew_credential_detail();

// "the certificate 'CN=monitoring' (SHA-1 thumbprint 0A1B...) expired 2d ago (2026-11-28); renew
// it: ...": a certificate past its notAfter, found before a token request Entra would refuse.
std::string certificate_expired_before_request(std::string_view identified_name,
                                               std::int64_t left, std::string_view date);

// "credential: <why the app's secrets could not be read>".
std::string credential_note_detail(std::string_view note);

// "credential: none of the app's 3 listed client secrets has a hint matching the secret in use;
// its end date is not checked".
std::string no_secret_matches_detail(std::size_t listed);

// "credential: 2 of the app's client secrets begin like the secret in use; judging the one that
// expires first".
std::string several_secrets_match_detail(std::size_t matching);

// "credential: client secret 'monitoring' has no end date (endDateTime is null)".
std::string secret_without_end_detail(std::string_view name);

// --- The token endpoint's rejections (lib/entra_errors picks the hint by AADSTS code) ---------

// "token request rejected: AADSTS7000215 (invalid_client): <hint>; Entra: <description>", or,
// for a code without a hint, "token request rejected: AADSTS1 (x): <description>".
std::string token_rejected(std::string_view cause, std::string_view hint,
                           std::string_view description);

// "the client secret has expired (AADSTS7000222); <hint>; Entra: <description>".
std::string secret_expired_rejected(std::string_view code, std::string_view hint,
                                    std::string_view description);

// AADSTS7000215: "give the plugin the client secret's Value, not its Secret ID ...".
std::string secret_value_hint();

// AADSTS90002: "check -T; a tenant in another Microsoft cloud needs --cloud".
std::string tenant_not_found_hint();

// AADSTS500011: "Graph's endpoint is not in the tenant's cloud: ... use --cloud ...".
std::string graph_not_in_cloud_hint();

// AADSTS900023: "-T must be the tenant's Directory (tenant) ID or one of its domains".
std::string tenant_malformed_hint();

// AADSTS700016: "check -C against the app's Application (client) ID ...".
std::string app_not_found_hint();

// AADSTS700027: "upload the certificate to the app under Certificates & secrets ...".
std::string certificate_not_registered_hint();

// AADSTS1000502: "Entra says the certificate is outside its validity window: ...".
std::string certificate_window_hint();

// AADSTS7000112: "enable the app: Microsoft Entra admin center > Enterprise applications > ...".
std::string app_disabled_hint();

// AADSTS53003: "a Conditional Access policy blocks the app: ...".
std::string conditional_access_hint();

// AADSTS70011: "--graph-endpoint must be Graph's bare URL ...".
std::string invalid_scope_hint();

// AADSTS700024: "check this host's clock (NTP); ...".
std::string assertion_time_hint();

// AADSTS70021: "no federated credential of the app matches the token: ...".
std::string no_federated_match_hint();

// AADSTS700211 / 700212 / 700213: "compare the Issuer / Audience / Subject of the app's federated
// credential with the token's iss / aud / sub".
std::string federated_issuer_hint();
std::string federated_audience_hint();
std::string federated_subject_hint();

// --- Notes on what Graph answered --------------------------------------------------------------

// "Graph's passwordCredentials is not a list": the app's secrets cannot be judged.
std::string secrets_not_a_list();

// "Graph lists a client secret whose endDateTime is not a timestamp".
std::string secret_end_not_a_timestamp();

// "Graph lists no on-premises synchronization settings": no feature flag to read.
std::string no_sync_settings();

// "Graph reports no password hash sync feature flag (features.passwordSyncEnabled is null)".
std::string feature_flag_null();

// --- The watchdog's status lines, made before the check starts ---------------------------------

// "stopped by SIGTERM from another process before the check finished (not a timeout)".
std::string stopped_by_signal(std::string_view signal_name);

// "timed out after 10s (the check did not finish; stopped by the watchdog)".
std::string watchdog_timed_out(std::string_view timeout);

} // namespace cps::wording
