// SPDX-License-Identifier: GPL-3.0-or-later
// The sentences of the status line and the detail lines, each built by one named function here:
// grep finds a wording by its visible text, and a change to it is made in this one place.
#include "wording.hpp"

#include "duration.hpp"

namespace cps::wording {
namespace {

std::string str(std::string_view text) {
  return std::string(text);
}

// The pages the Microsoft 365 admin center links from its sync warnings (graph-api reference,
// section 9: entra-docs tshoot-connect-password-hash-synchronization.md and microsoft-365-docs
// fix-problems-with-directory-synchronization.md).
constexpr const char *password_sync_help =
    "https://learn.microsoft.com/entra/identity/hybrid/connect/"
    "tshoot-connect-password-hash-synchronization";
constexpr const char *dirsync_help = "https://learn.microsoft.com/microsoft-365/enterprise/"
                                     "fix-problems-with-directory-synchronization";

// "in 10d" / "2d ago": a credential's end date from now (left <= 0: past).
std::string from_now(std::int64_t left) {
  return left <= 0 ? format_age(-left) + " ago" : "in " + format_age(left);
}

std::string expires_verb(std::int64_t left) {
  return left <= 0 ? "expired" : "expires";
}

} // namespace

Phrase never_recorded(std::string_view name, std::string_view property) {
  std::string none = "no " + str(name) + " recorded";
  return {none + " (" + str(property) + " is null)", none};
}

Phrase sync_in_future(std::string_view name, std::string_view ahead) {
  std::string when = "last " + str(name) + " is " + str(ahead) + " in the future";
  return {when + ": check this host's clock (NTP)", when};
}

std::string threshold_crossed(std::string_view level, std::string_view range) {
  return str(level) + " " + str(range);
}

Phrase sync_age(std::string_view name, std::string_view server, std::string_view age,
                std::string_view crossed) {
  std::string text =
      str(name) + (server.empty() ? "" : " on " + str(server)) + " " + str(age) + " ago";
  return {crossed.empty() ? text : text + " (" + str(crossed) + ")", text};
}

Phrase directory_sync_off(SyncEnabled enabled) {
  bool disabled = enabled == SyncEnabled::False;
  std::string text =
      disabled ? "directory sync is disabled" : "directory sync has never been enabled";
  std::string why = disabled ? "onPremisesSyncEnabled is false" : "onPremisesSyncEnabled is null";
  return {text + " (" + why + ")", text};
}

Phrase password_hash_sync_on() {
  return {"password hash sync enabled", "password hash sync enabled"};
}

Phrase password_hash_sync_off() {
  return {"password hash sync is disabled (passwordSyncEnabled is false)",
          "password hash sync is disabled"};
}

Phrase no_password_sync_time() {
  return {"Graph in this cloud has no password sync time", "password sync time not in Graph"};
}

std::string never_recorded_detail(std::string_view name, std::string_view property) {
  return "last " + str(name) + ": never recorded (" + str(property) + " is null)";
}

std::string sync_in_future_detail(std::string_view name, std::string_view utc,
                                  std::string_view ahead) {
  return "last " + str(name) + ": " + str(utc) + " (" + str(ahead) +
         " ahead of this host's clock; up to 15m counts as normal skew)";
}

std::string sync_age_detail(std::string_view name, std::string_view utc, std::string_view age,
                            std::string_view crossed) {
  return "last " + str(name) + ": " + str(utc) + " (" + str(age) + " ago" +
         (crossed.empty() ? "" : "; " + str(crossed)) + ")";
}

std::string directory_sync_detail(SyncEnabled enabled) {
  switch (enabled) {
  case SyncEnabled::True:
    return "directory sync: enabled (onPremisesSyncEnabled is true)";
  case SyncEnabled::False:
    return "directory sync: disabled (onPremisesSyncEnabled is false)";
  case SyncEnabled::Null:
    break;
  }
  return "directory sync: never enabled (onPremisesSyncEnabled is null)";
}

std::string password_hash_sync_on_detail() {
  return "password hash sync: enabled (features.passwordSyncEnabled)";
}

std::string password_hash_sync_off_detail() {
  return "password hash sync: disabled (features.passwordSyncEnabled is false)";
}

std::string no_password_sync_time_detail() {
  return "last password sync: not reported (this cloud's Graph schema lacks "
         "onPremisesLastPasswordSyncDateTime)";
}

std::string password_sync_not_checked_detail() {
  return "password hash sync: not checked (--password-sync ignore)";
}

std::string sync_client_detail(const SyncClient &client) {
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
  return text.empty() ? text : "sync client: " + text;
}

std::string password_sync_help_detail() {
  return std::string("troubleshooting password hash sync: ") + password_sync_help;
}

std::string dirsync_help_detail() {
  return std::string("troubleshooting directory sync: ") + dirsync_help;
}

std::string reading_unavailable(std::string_view subject, std::string_view status,
                                std::string_view remedy) {
  std::string note = str(subject) + " not readable (" + str(status) + ")";
  return remedy.empty() ? note : note + ": " + str(remedy);
}

std::string grant_to_check(std::string_view permission) {
  return "grant " + str(permission) + " to check it";
}

std::string reading_throttled(std::string_view subject, std::string_view tries) {
  return str(subject) + " not readable (Graph kept throttling it: " + str(tries) + ")";
}

std::string judged_by_timestamps(std::string_view why) {
  return str(why) + "; judged by timestamps";
}

std::string tenant_detail(std::string_view described_tenant) {
  return "tenant: " + str(described_tenant);
}

std::string checked_detail(bool app_secrets) {
  return app_secrets ? "checked: Graph beta organization, directory/onPremisesSynchronization and "
                       "the app's client secrets in one $batch"
                     : "checked: Graph beta organization and "
                       "directory/onPremisesSynchronization in one $batch";
}

std::string certificate_name(std::string_view subject) {
  return "certificate '" + str(subject) + "'";
}

std::string certificate_identified(std::string_view thumbprint) {
  return thumbprint.empty() ? "" : " (SHA-1 thumbprint " + str(thumbprint) + ")";
}

std::string secret_name(std::string_view display_name, std::string_view key_id) {
  if (!display_name.empty()) {
    return "client secret '" + str(display_name) + "'";
  }
  return key_id.empty() ? "client secret" : "client secret " + str(key_id.substr(0, 8));
}

std::string secret_identified(std::string_view key_id) {
  return key_id.empty() ? "" : " (secret ID " + str(key_id) + ")";
}

std::string expires_relative(std::int64_t left) {
  return expires_verb(left) + " " + from_now(left);
}

Phrase credential_expiry(std::string_view name, std::string_view kind, std::int64_t left,
                         std::string_view date) {
  std::string when = " " + expires_relative(left) + " (" + str(date) + ")";
  return {str(name) + when, str(kind) + when};
}

std::string credential_limits(std::string_view warning, std::string_view critical) {
  return "warning below " + str(warning) + ", critical below " + str(critical);
}

std::string credential_alerts_off() {
  return "no alert: --credential-warning and --credential-critical are 0";
}

std::string secret_expiry_not_read() {
  return "credential expiry: the client secret's end date not read: --credential-warning and "
         "--credential-critical are both 0";
}

std::string credential_expiry_detail(std::string_view name, std::string_view identified,
                                     std::int64_t left, std::string_view utc,
                                     std::string_view limits) {
  return "credential: " + str(name) + str(identified) + " " + expires_verb(left) + " " + str(utc) +
         " (" + from_now(left) + "; " + str(limits) + ")";
}

std::string renew_credential_detail() {
  return "renew it: Microsoft Entra admin center > App registrations > the app > Certificates & "
         "secrets, then give the plugin the new one";
}

std::string certificate_expired_before_request(std::string_view identified_name, std::int64_t left,
                                               std::string_view date) {
  return "the " + credential_expiry(identified_name, "", left, date).text + "; " +
         renew_credential_detail();
}

std::string credential_note_detail(std::string_view note) {
  return "credential: " + str(note);
}

std::string no_secret_matches_detail(std::size_t listed) {
  return "credential: none of the app's " + std::to_string(listed) +
         " listed client secrets has a hint matching the secret in use; its end date is not "
         "checked";
}

std::string several_secrets_match_detail(std::size_t matching) {
  return "credential: " + std::to_string(matching) +
         " of the app's client secrets begin like the secret in use; judging the one that "
         "expires first";
}

std::string secret_without_end_detail(std::string_view name) {
  return "credential: " + str(name) + " has no end date (endDateTime is null)";
}

namespace {

// "<hint>; Entra: <description>": the fix first, then Microsoft's own words for support.
std::string hint_then_entra(std::string_view hint, std::string_view description) {
  return str(hint) + "; Entra: " + str(description);
}

} // namespace

std::string token_rejected(std::string_view cause, std::string_view hint,
                           std::string_view description) {
  std::string text = "token request rejected: " + str(cause) + ": ";
  return text + (hint.empty() ? str(description) : hint_then_entra(hint, description));
}

std::string secret_expired_rejected(std::string_view code, std::string_view hint,
                                    std::string_view description) {
  return "the client secret has expired (" + str(code) + "); " + hint_then_entra(hint, description);
}

std::string secret_value_hint() {
  return "give the plugin the client secret's Value, not its Secret ID (the Value is shown only "
         "once: if it is lost, create a new secret)";
}

std::string tenant_not_found_hint() {
  return "check -T; a tenant in another Microsoft cloud needs --cloud";
}

std::string graph_not_in_cloud_hint() {
  return "Graph's endpoint is not in the tenant's cloud: use --cloud rather than "
         "--graph-endpoint and --authority-host";
}

std::string tenant_malformed_hint() {
  return "-T must be the tenant's Directory (tenant) ID or one of its domains";
}

std::string app_not_found_hint() {
  return "check -C against the app's Application (client) ID, and that the app is registered in "
         "the tenant -T names (a new app takes a few minutes to appear)";
}

std::string certificate_not_registered_hint() {
  return "upload the certificate to the app under Certificates & secrets, and give the plugin "
         "the key that belongs to it";
}

std::string certificate_window_hint() {
  return "Entra says the certificate is outside its validity window: check its notBefore and "
         "notAfter, and this host's clock (NTP)";
}

std::string app_disabled_hint() {
  return "enable the app: Microsoft Entra admin center > Enterprise applications > the app > "
         "Properties > Enabled for users to sign-in? > Yes";
}

std::string conditional_access_hint() {
  return "a Conditional Access policy blocks the app: exclude it, or allow this host's public "
         "address";
}

std::string invalid_scope_hint() {
  return "--graph-endpoint must be Graph's bare URL (the scope is <graph-endpoint>/.default), or "
         "use --cloud";
}

std::string assertion_time_hint() {
  return "check this host's clock (NTP); a federated token file must be renewed by its issuer";
}

std::string no_federated_match_hint() {
  return "no federated credential of the app matches the token: compare their Issuer, Subject "
         "and Audience (a new federated credential takes a few minutes to work)";
}

std::string federated_issuer_hint() {
  return "compare the Issuer of the app's federated credential with the token's iss";
}

std::string federated_audience_hint() {
  return "compare the Audience of the app's federated credential with the token's aud";
}

std::string federated_subject_hint() {
  return "compare the Subject of the app's federated credential with the token's sub";
}

std::string secrets_not_a_list() {
  return "Graph's passwordCredentials is not a list";
}

std::string secret_end_not_a_timestamp() {
  return "Graph lists a client secret whose endDateTime is not a timestamp";
}

std::string no_sync_settings() {
  return "Graph lists no on-premises synchronization settings";
}

std::string feature_flag_null() {
  return "Graph reports no password hash sync feature flag (features.passwordSyncEnabled is null)";
}

std::string stopped_by_signal(std::string_view signal_name) {
  return "stopped by " + str(signal_name) +
         " from another process before the check finished (not a timeout)";
}

std::string watchdog_timed_out(std::string_view timeout) {
  return "timed out after " + str(timeout) + " (the check did not finish; stopped by the watchdog)";
}

} // namespace cps::wording
