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

} // namespace cps::wording
