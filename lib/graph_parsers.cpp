// SPDX-License-Identifier: GPL-3.0-or-later
// Graph's organization and onPremisesSynchronization answers into SyncStatus.
#include "graph_parsers.hpp"

#include "errors.hpp"
#include "json.hpp"
#include "text.hpp"
#include "timestamp.hpp"
#include "wording.hpp"

#include <cstdint>
#include <optional>

namespace cps {
namespace {

const rapidjson::Value &first_of_collection(const rapidjson::Value &body, std::string_view source,
                                            std::string_view what) {
  if (!body.IsObject()) {
    throw unexpected_answer(source, std::string(what) + " is not a JSON object");
  }
  const rapidjson::Value *value = member(body, "value");
  if (value == nullptr) {
    return body; // a single entity rather than a collection
  }
  if (!value->IsArray()) {
    throw unexpected_answer(source, std::string(what) + " 'value' is not a list");
  }
  if (value->Empty()) {
    static const rapidjson::Value null_value;
    return null_value;
  }
  if (!(*value)[0].IsObject()) {
    throw unexpected_answer(source, std::string(what) + " holds no object");
  }
  return (*value)[0];
}

std::optional<std::int64_t> timestamp_member(const rapidjson::Value &object, const char *name,
                                             std::string_view source) {
  const rapidjson::Value *value = member(object, name);
  if (value == nullptr || value->IsNull()) {
    return std::nullopt;
  }
  std::optional<std::int64_t> parsed;
  if (value->IsString()) {
    parsed = parse_timestamp(std::string_view(value->GetString(), value->GetStringLength()));
  }
  if (!parsed) {
    throw unexpected_answer(source, std::string(name) + " is not an ISO 8601 timestamp");
  }
  return parsed;
}

SyncEnabled sync_enabled_member(const rapidjson::Value &object, std::string_view source) {
  const rapidjson::Value *value = member(object, "onPremisesSyncEnabled");
  if (value == nullptr || value->IsNull()) {
    return SyncEnabled::Null;
  }
  if (!value->IsBool()) {
    throw unexpected_answer(source, "onPremisesSyncEnabled is not true, false or null");
  }
  return value->GetBool() ? SyncEnabled::True : SyncEnabled::False;
}

// An ISO 8601 duration as Graph writes Edm.Duration ("PT30M", "PT1H", "P1D"), or 0 when it is not
// one: these facts are shown, never judged, so an odd value is left out rather than refused.
std::int64_t iso_duration_seconds(std::string_view text) {
  if (text.size() < 3 || text.size() > 32 || text[0] != 'P') {
    return 0;
  }
  std::int64_t total = 0;
  std::int64_t number = -1;
  bool in_time = false;
  for (char c : text.substr(1)) {
    if (c == 'T' && !in_time && number < 0) {
      in_time = true;
    } else if (c >= '0' && c <= '9') {
      number = (number < 0 ? 0 : number) * 10 + (c - '0');
      if (number > 100000000) {
        return 0;
      }
    } else if (number >= 0 &&
               ((!in_time && c == 'D') || (in_time && (c == 'H' || c == 'M' || c == 'S')))) {
      total += number * (c == 'D' ? 86400 : c == 'H' ? 3600 : c == 'M' ? 60 : 1);
      number = -1;
    } else {
      return 0;
    }
  }
  return number < 0 ? total : 0;
}

std::string short_text(const rapidjson::Value *object, const char *name) {
  auto value = object && object->IsObject() ? string_member(*object, name) : std::nullopt;
  return value ? sanitize_text(value->substr(0, 64)) : "";
}

SyncClient sync_client_members(const rapidjson::Value &settings) {
  SyncClient client;
  const rapidjson::Value *configuration = member(settings, "configuration");
  if (configuration == nullptr || !configuration->IsObject()) {
    return client;
  }
  client.version = short_text(configuration, "synchronizationClientVersion");
  const rapidjson::Value *export_data = member(*configuration, "currentExportData");
  client.machine = short_text(export_data, "clientMachineName");
  client.service_account = short_text(export_data, "serviceAccount");
  client.interval_seconds =
      iso_duration_seconds(short_text(configuration, "synchronizationInterval"));
  client.requested_interval_seconds =
      iso_duration_seconds(short_text(configuration, "customerRequestedSynchronizationInterval"));
  return client;
}

// id and verifiedDomains (v1.0 and beta: a collection of verifiedDomain {name, isInitial, ...}).
TenantIdentity tenant_members(const rapidjson::Value &organization, std::string_view source) {
  TenantIdentity tenant;
  const rapidjson::Value *id = member(organization, "id");
  if (id != nullptr && !id->IsString()) {
    throw unexpected_answer(source, "the organization id is not a string");
  }
  tenant.id =
      id ? sanitize_text(std::string(id->GetString(), id->GetStringLength()).substr(0, 80)) : "";
  const rapidjson::Value *domains = member(organization, "verifiedDomains");
  if (domains == nullptr || domains->IsNull()) {
    return tenant;
  }
  if (!domains->IsArray()) {
    throw unexpected_answer(source, "verifiedDomains is not a list");
  }
  for (const rapidjson::Value &domain : domains->GetArray()) {
    auto name = domain.IsObject() ? string_member(domain, "name") : std::nullopt;
    if (!name) {
      throw unexpected_answer(source, "a verified domain without a name");
    }
    tenant.verified_domains.push_back(sanitize_text(name->substr(0, 256)));
    const rapidjson::Value *initial = member(domain, "isInitial");
    if (initial != nullptr && initial->IsBool() && initial->GetBool()) {
      tenant.initial_domain = tenant.verified_domains.back();
    }
  }
  return tenant;
}

// A string member shown in output: sanitised and cut; "" when missing, null or not a string.
std::string shown_member(const rapidjson::Value &object, const char *name, std::size_t max) {
  return sanitize_text(string_member(object, name).value_or("").substr(0, max));
}

// One passwordCredential; false when its endDateTime is neither null nor a timestamp.
bool read_password_credential(const rapidjson::Value &entry, PasswordCredential &secret) {
  secret.display_name = shown_member(entry, "displayName", 80);
  secret.key_id = shown_member(entry, "keyId", 40);
  secret.hint = string_member(entry, "hint").value_or("").substr(0, 8); // compared, never shown
  const rapidjson::Value *end = member(entry, "endDateTime");
  if (end == nullptr || end->IsNull()) {
    return true; // "Optional" (passwordCredential resource type): no end date
  }
  secret.end = end->IsString()
                   ? parse_timestamp(std::string_view(end->GetString(), end->GetStringLength()))
                   : std::nullopt;
  return secret.end.has_value();
}

} // namespace

void application_unreadable(SyncStatus &status, const std::string &why) {
  status.application = ApplicationSecrets{};
  status.application.note = why;
}

void parse_application(const rapidjson::Value &body, std::string_view, SyncStatus &status) {
  const rapidjson::Value *list = body.IsObject() ? member(body, "passwordCredentials") : nullptr;
  if (list != nullptr && !list->IsNull() && !list->IsArray()) {
    application_unreadable(status, wording::secrets_not_a_list());
    return;
  }
  ApplicationSecrets application;
  application.read = true; // a missing or null list: the app has no client secret
  for (std::size_t i = 0; list != nullptr && list->IsArray() && i < list->Size(); ++i) {
    PasswordCredential secret;
    if (!(*list)[i].IsObject() || !read_password_credential((*list)[i], secret)) {
      application_unreadable(status, wording::secret_end_not_a_timestamp());
      return;
    }
    application.secrets.push_back(std::move(secret));
  }
  status.application = std::move(application);
}

void feature_unreadable(SyncStatus &status, const std::string &why) {
  status.password_sync_feature = PasswordSyncFeature::Unreadable;
  status.feature_note = wording::judged_by_timestamps(why);
}

void parse_organization(const rapidjson::Value &body, std::string_view source, SyncStatus &status) {
  const rapidjson::Value &organization = first_of_collection(body, source, "the organization");
  if (organization.IsNull()) {
    throw unexpected_answer(source, "the organization list is empty");
  }
  status.tenant = tenant_members(organization, source);
  status.sync_enabled = sync_enabled_member(organization, source);
  status.last_dirsync = timestamp_member(organization, "onPremisesLastSyncDateTime", source);
  status.last_password_sync =
      timestamp_member(organization, "onPremisesLastPasswordSyncDateTime", source);
}

void parse_sync_features(const rapidjson::Value &body, std::string_view source,
                         SyncStatus &status) {
  const rapidjson::Value &settings = first_of_collection(body, source, "onPremisesSynchronization");
  if (settings.IsNull()) {
    feature_unreadable(status, wording::no_sync_settings());
    return;
  }
  status.sync_client = sync_client_members(settings);
  const rapidjson::Value *features = member(settings, "features");
  const rapidjson::Value *enabled = features ? member(*features, "passwordSyncEnabled") : nullptr;
  if (enabled != nullptr && enabled->IsNull()) {
    // Edm.Boolean, nullable (msgraph-metadata schemas/v1.0-Prod.csdl): a documented answer.
    feature_unreadable(status, wording::feature_flag_null());
    return;
  }
  if (enabled == nullptr || !enabled->IsBool()) {
    throw unexpected_answer(source, "features.passwordSyncEnabled is not true, false or null");
  }
  status.password_sync_feature =
      enabled->GetBool() ? PasswordSyncFeature::Enabled : PasswordSyncFeature::Disabled;
  status.feature_note.clear();
}

} // namespace cps
