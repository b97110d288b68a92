// SPDX-License-Identifier: GPL-3.0-or-later
// Microsoft Graph: the table of sub-requests, one beta $batch of them, its answer into SyncStatus.
#include "graph.hpp"

#include "errors.hpp"
#include "json.hpp"
#include "output.hpp"
#include "support.hpp"
#include "text.hpp"
#include "timestamp.hpp"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <random>
#include <set>

namespace cps {
namespace {

enum class Need { Required, Optional };

// Fills the sub-request's part of SyncStatus from a 200 body; throws ApiFormatError.
using Parser = void (*)(const rapidjson::Value &body, std::string_view source, SyncStatus &status);
// An optional reading Graph would not give (403, 404, throttled): records why in the status.
using Fallback = void (*)(SyncStatus &status, const std::string &why);
// Takes a property the cloud's schema lacks out of the query; false when it was not asked for.
using Narrow = bool (*)(GraphQuery &query);

// One Graph sub-request of the $batch. Adding a reading is one entry here and one parser.
struct SubRequest {
  const char *id;
  std::string (*url)(const GraphQuery &query); // relative to the $batch's version, with $select
  Need need;
  const char *subject;    // how messages name what it reads
  const char *permission; // the application permission a 403 asks for
  const char *not_found;  // what a 404 means, or nullptr when it is an ordinary failure
  Parser parse;
  Fallback fallback;    // Optional entries only
  const char *may_lack; // a $select property some clouds' schemas lack, or nullptr
  Narrow narrow;        // drops may_lack from the query
};

std::string organization_url(const GraphQuery &query) {
  // onPremisesLastPasswordSyncDateTime is beta-only (absent from msgraph-metadata
  // schemas/v1.0-Prod.csdl), hence the beta $batch.
  // id and verifiedDomains name the tenant that answered (checked against -T).
  return std::string("/organization?$select=id,verifiedDomains,onPremisesSyncEnabled,"
                     "onPremisesLastSyncDateTime") +
         (query.password_sync_time ? ",onPremisesLastPasswordSyncDateTime" : "");
}

bool without_password_sync_time(GraphQuery &query) {
  bool asked = query.password_sync_time;
  query.password_sync_time = false;
  return asked;
}

std::string sync_features_url(const GraphQuery &) {
  // configuration carries the sync client's facts (beta: synchronizationClientVersion,
  // currentExportData, synchronizationInterval; msgraph-metadata schemas/beta-USNat.csdl).
  return "/directory/onPremisesSynchronization?$select=features,configuration";
}

void feature_unreadable(SyncStatus &status, const std::string &why) {
  status.password_sync_feature = PasswordSyncFeature::Unreadable;
  status.feature_note = why + "; judged by timestamps";
}

const SubRequest sub_requests[] = {
    // The password sync time is absent from the beta organization of beta-GovSG, beta-USNat and
    // beta-USSec (msgraph-metadata schemas/*.csdl, 2026-08): Graph there answers 400.
    {"org", organization_url, Need::Required, "the organization", "Organization.Read.All", nullptr,
     parse_organization, nullptr, "onPremisesLastPasswordSyncDateTime", without_password_sync_time},
    // App-only access is "Not supported" in Microsoft's permission table, yet works in practice
    // (graph-api reference, section 2): optional, and a 403 degrades to the timestamps.
    {"sync", sync_features_url, Need::Optional, "password hash sync feature flag",
     "OnPremDirectorySynchronization.Read.All", nullptr, parse_sync_features, feature_unreadable,
     nullptr, nullptr},
};
static_assert(std::size(sub_requests) <= max_batch_requests, "Graph takes 20 per $batch");

const SubRequest *find_sub_request(std::string_view id) {
  for (const SubRequest &entry : sub_requests) {
    if (id == entry.id) {
      return &entry;
    }
  }
  return nullptr;
}

constexpr int max_batch_rounds = 3;

struct GraphErrorBody {
  std::string code;
  std::string message;
};

GraphErrorBody error_of(const rapidjson::Value *body) {
  GraphErrorBody error{"no error code", ""};
  const rapidjson::Value *inner = body ? member(*body, "error") : nullptr;
  if (inner != nullptr) {
    // Server text: sanitised here, since an embedded NUL would end an exception's message.
    error.code = sanitize_text(string_member(*inner, "code").value_or(error.code).substr(0, 80));
    error.message = string_member(*inner, "message").value_or("");
    if (error.message.size() > 300) {
      error.message = error.message.substr(0, 300) + "...";
    }
    error.message = sanitize_text(error.message);
  }
  return error;
}

std::string describe_status(long status, const GraphErrorBody &error) {
  std::string text = "HTTP " + std::to_string(status) + " " + error.code;
  return error.message.empty() ? text : text + ": " + error.message;
}

// A sub-response's Retry-After as seconds: "0.1", "30".
std::string seconds_text(std::chrono::milliseconds wait) {
  std::string text = std::to_string(wait.count() / 1000);
  long long tenths = wait.count() % 1000 / 100;
  return tenths == 0 ? text : text + "." + std::to_string(tenths);
}

// Graph's throttling answers: 429, and 424 when throttling fails a whole $batch.
bool is_throttling(long status) {
  return status == 429 || status == 424;
}

[[noreturn]] void throw_graph_failure(long status, const GraphErrorBody &error,
                                      const std::string &what, std::string_view permission,
                                      std::string_view source,
                                      const RetryHistory &retries = RetryHistory{}) {
  if (status == 401) {
    throw GraphError(status, error.code,
                     "Graph rejected the access token (" + describe_status(status, error) + ")");
  }
  if (status == 403) {
    throw GraphError(status, error.code,
                     "Graph denied reading " + what + " (" + describe_status(status, error) +
                         "): grant the application permission " + std::string(permission) +
                         " and admin consent");
  }
  if (is_throttling(status)) {
    throw GraphError(status, error.code,
                     "Graph kept throttling the request for " + what + " (" +
                         describe_status(status, error) + "; " + describe_retries(retries) + ")");
  }
  if (status >= 500) {
    throw ServiceError(std::string(source) + " answered " + describe_status(status, error) +
                       " for " + what);
  }
  throw GraphError(status, error.code,
                   "Graph refused the request for " + what + " (" + describe_status(status, error) +
                       ")");
}

const rapidjson::Value &first_of_collection(const rapidjson::Value &body, std::string_view source,
                                            std::string_view what) {
  if (!body.IsObject()) {
    throw ApiFormatError("unexpected answer from " + std::string(source) + ": " +
                         std::string(what) + " is not a JSON object");
  }
  const rapidjson::Value *value = member(body, "value");
  if (value == nullptr) {
    return body; // a single entity rather than a collection
  }
  if (!value->IsArray()) {
    throw ApiFormatError("unexpected answer from " + std::string(source) + ": " +
                         std::string(what) + " 'value' is not a list");
  }
  if (value->Empty()) {
    static const rapidjson::Value null_value;
    return null_value;
  }
  if (!(*value)[0].IsObject()) {
    throw ApiFormatError("unexpected answer from " + std::string(source) + ": " +
                         std::string(what) + " holds no object");
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
    throw ApiFormatError("unexpected answer from " + std::string(source) + ": " + name +
                         " is not an ISO 8601 timestamp");
  }
  return parsed;
}

SyncEnabled sync_enabled_member(const rapidjson::Value &object, std::string_view source) {
  const rapidjson::Value *value = member(object, "onPremisesSyncEnabled");
  if (value == nullptr || value->IsNull()) {
    return SyncEnabled::Null;
  }
  if (!value->IsBool()) {
    throw ApiFormatError("unexpected answer from " + std::string(source) +
                         ": onPremisesSyncEnabled is not true, false or null");
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

[[noreturn]] void throw_shape(std::string_view source, const std::string &what) {
  throw ApiFormatError("unexpected answer from " + std::string(source) + ": " + what);
}

// id and verifiedDomains (v1.0 and beta: a collection of verifiedDomain {name, isInitial, ...}).
TenantIdentity tenant_members(const rapidjson::Value &organization, std::string_view source) {
  TenantIdentity tenant;
  const rapidjson::Value *id = member(organization, "id");
  if (id != nullptr && !id->IsString()) {
    throw_shape(source, "the organization id is not a string");
  }
  tenant.id =
      id ? sanitize_text(std::string(id->GetString(), id->GetStringLength()).substr(0, 80)) : "";
  const rapidjson::Value *domains = member(organization, "verifiedDomains");
  if (domains == nullptr || domains->IsNull()) {
    return tenant;
  }
  if (!domains->IsArray()) {
    throw_shape(source, "verifiedDomains is not a list");
  }
  for (const rapidjson::Value &domain : domains->GetArray()) {
    auto name = domain.IsObject() ? string_member(domain, "name") : std::nullopt;
    if (!name) {
      throw_shape(source, "a verified domain without a name");
    }
    tenant.verified_domains.push_back(sanitize_text(name->substr(0, 256)));
    const rapidjson::Value *initial = member(domain, "isInitial");
    if (initial != nullptr && initial->IsBool() && initial->GetBool()) {
      tenant.initial_domain = tenant.verified_domains.back();
    }
  }
  return tenant;
}

std::optional<std::chrono::milliseconds> sub_retry_after(const rapidjson::Value &sub) {
  const rapidjson::Value *headers = member(sub, "headers");
  if (headers == nullptr || !headers->IsObject()) {
    return std::nullopt;
  }
  for (const auto &header : headers->GetObject()) {
    std::string_view name(header.name.GetString(), header.name.GetStringLength());
    if (to_lower(name) != "retry-after") {
      continue;
    }
    if (header.value.IsString()) {
      return parse_retry_after(header.value.GetString(), std::time(nullptr));
    }
    if (header.value.IsNumber() && header.value.GetDouble() >= 0 &&
        header.value.GetDouble() <= 86400) {
      return std::chrono::milliseconds(static_cast<long long>(header.value.GetDouble() * 1000));
    }
  }
  return std::nullopt;
}

// Why an optional reading is missing, naming the permission a 403 asks for.
std::string unavailable_note(const SubRequest &entry, long status, const GraphErrorBody &error) {
  std::string note =
      std::string(entry.subject) + " not readable (" + describe_status(status, error) + ")";
  if (status == 403) {
    note += std::string(": grant ") + entry.permission + " to check it";
  } else if (status == 404 && entry.not_found != nullptr) {
    note += std::string(": ") + entry.not_found;
  }
  return note;
}

// Graph's OData answer to a $select of a property its schema lacks: 400 "Could not find a
// property named 'X' on type 'microsoft.graph.organization'." (BadRequest is no finer code).
bool names_unknown_property(long status, const GraphErrorBody &error, const char *property) {
  return status == 400 && property != nullptr &&
         error.message.find(std::string("Could not find a property named '") + property + "'") !=
             std::string::npos;
}

void handle_answer(const SubRequest &entry, GraphQuery &query, BatchState &state, long status,
                   const rapidjson::Value *body, std::string_view source) {
  if (names_unknown_property(status, error_of(body), entry.may_lack) && entry.narrow(query)) {
    state.ask_again = true; // once: the property is no longer asked for
    return;
  }
  if (status == 200 && body != nullptr) {
    entry.parse(*body, source, state.status);
  } else if (entry.need == Need::Required) {
    throw_graph_failure(status, error_of(body), entry.subject, entry.permission, source);
  } else {
    entry.fallback(state.status, unavailable_note(entry, status, error_of(body)));
  }
  state.answered.insert(entry.id);
}

void note_throttled(BatchState &state, const std::string &id, long status,
                    const rapidjson::Value &sub) {
  state.throttled = true;
  GraphErrorBody error = error_of(member(sub, "body"));
  state.throttled_answers[id] = {status, error.code, error.message};
  auto wait = sub_retry_after(sub);
  if (wait && (!state.throttle_wait || *wait > *state.throttle_wait)) {
    state.throttle_wait = wait;
  }
}

void handle_sub_response(GraphQuery &query, BatchState &state, const rapidjson::Value &sub,
                         std::string_view source) {
  auto id = string_member(sub, "id");
  const rapidjson::Value *status_value = member(sub, "status");
  if (!id || status_value == nullptr || !status_value->IsInt()) {
    throw ApiFormatError("unexpected answer from " + std::string(source) +
                         ": a batch response without id or status");
  }
  const SubRequest *entry = find_sub_request(*id);
  if (entry == nullptr) {
    return; // not one of ours: nothing in it is trusted
  }
  long status = status_value->GetInt();
  if (is_retryable_status(status)) {
    note_throttled(state, *id, status, sub);
    return;
  }
  handle_answer(*entry, query, state, status, member(sub, "body"), source);
}

const rapidjson::Value &batch_responses(const rapidjson::Document &document,
                                        std::string_view source) {
  const rapidjson::Value *responses = member(document, "responses");
  if (responses == nullptr || !responses->IsArray()) {
    throw ApiFormatError("unexpected answer from " + std::string(source) +
                         ": a $batch answer without a responses list");
  }
  return *responses;
}

void check_batch_status(const HttpResponse &response, const std::string &source) {
  if (response.status == 200 && response.is_json()) {
    return;
  }
  require_json_answer(response, source);
  rapidjson::Document body = parse_json(response.body, source);
  throw_graph_failure(response.status, error_of(&body), "the $batch request",
                      sub_requests[0].permission, source, response.retries);
}

bool wanted(const SubRequest &entry, const GraphQuery &query, const BatchState &state) {
  (void)query;
  return state.answered.count(entry.id) == 0;
}

HttpRequest batch_request(const std::string &graph_endpoint, const std::string &access_token,
                          const GraphQuery &query, const BatchState &state,
                          const std::string &client_request_id) {
  HttpRequest request;
  request.method = "POST";
  request.url = graph_endpoint + "/beta/$batch";
  // A fresh client-request-id per request, which Graph echoes and support can trace (errors.md).
  request.headers = {"Authorization: Bearer " + access_token, "Content-Type: application/json",
                     "Accept: application/json", "client-request-id: " + client_request_id,
                     "return-client-request-id: true"};
  request.body = batch_request_body(query, state);
  return request;
}

// One round: sends what is still missing and records what came back.
void batch_round(HttpClient &http, const std::string &graph_endpoint,
                 const std::string &access_token, GraphQuery &query, const Deadline &deadline,
                 BatchState &state, Trace &trace) {
  std::string client_request_id = new_client_request_id();
  HttpRequest request =
      batch_request(graph_endpoint, access_token, query, state, client_request_id);
  RetryPolicy policy;
  policy.failed_dependency_is_throttling = true;
  HttpResponse response;
  try {
    response = http.send_with_retries(request, deadline, policy);
    state.support = graph_support_line(response, client_request_id);
    read_batch_answer(response, host_of(request.url), query, state);
  } catch (...) {
    trace.note(0, graph_support_line(response, client_request_id));
    throw;
  }
}

// The rounds ran out with sub-requests still throttled: required ones fail, optional ones are
// left out with a reason.
void give_up_throttled(const GraphQuery &query, BatchState &state, const std::string &source,
                       const RetryHistory &tries) {
  for (const SubRequest &entry : sub_requests) {
    if (!wanted(entry, query, state)) {
      continue;
    }
    const ThrottledAnswer &last = state.throttled_answers[entry.id];
    if (entry.need == Need::Required) {
      throw_graph_failure(last.status, {last.code, last.message}, entry.subject, entry.permission,
                          source, tries);
    }
    entry.fallback(state.status,
                   std::string(entry.subject) +
                       " not readable (Graph kept throttling it: " + describe_retries(tries) + ")");
    state.answered.insert(entry.id);
  }
}

} // namespace

namespace {

constexpr std::string_view graph_notes_magic = "check_password_sync graph notes v1\n";
constexpr std::string_view lacks_password_time = "lacks onPremisesLastPasswordSyncDateTime ";
constexpr std::int64_t graph_notes_lifetime = 7 * 86400;

} // namespace

std::string graph_notes_text(const GraphQuery &query, std::int64_t now_unix) {
  if (query.password_sync_time) {
    return {};
  }
  return std::string(graph_notes_magic) + std::string(lacks_password_time) +
         std::to_string(now_unix) + "\n";
}

void apply_graph_notes(std::string_view text, std::int64_t now_unix, GraphQuery &query) {
  if (text.substr(0, graph_notes_magic.size()) != graph_notes_magic) {
    return;
  }
  std::size_t at = text.find(lacks_password_time);
  if (at == std::string_view::npos) {
    return;
  }
  std::string rest(text.substr(at + lacks_password_time.size(), 20));
  char *end = nullptr;
  long long learnt = std::strtoll(rest.c_str(), &end, 10);
  if (end != rest.c_str() && *end == '\n' && learnt <= now_unix &&
      now_unix - learnt < graph_notes_lifetime) {
    query.password_sync_time = false;
  }
}

std::vector<std::string> sub_request_ids(const GraphQuery &query) {
  std::vector<std::string> ids;
  BatchState nothing_yet;
  for (const SubRequest &entry : sub_requests) {
    if (wanted(entry, query, nothing_yet)) {
      ids.emplace_back(entry.id);
    }
  }
  return ids;
}

bool batch_complete(const GraphQuery &query, const BatchState &state) {
  for (const SubRequest &entry : sub_requests) {
    if (wanted(entry, query, state)) {
      return false;
    }
  }
  return true;
}

void read_batch_answer(const HttpResponse &response, const std::string &source, GraphQuery &query,
                       BatchState &state) {
  check_batch_status(response, source);
  rapidjson::Document document = parse_json(response.body, source);
  state.throttled = false;
  state.ask_again = false;
  state.throttle_wait.reset();
  std::set<std::string> seen_ids;
  for (const rapidjson::Value &sub : batch_responses(document, source).GetArray()) {
    auto id = string_member(sub, "id");
    if (id && !seen_ids.insert(*id).second) {
      throw ApiFormatError("unexpected answer from " + source + ": the $batch answer holds '" +
                           sanitize_text(id->substr(0, 40)) + "' twice");
    }
    handle_sub_response(query, state, sub, source);
  }
  if (!state.throttled && !state.ask_again && !batch_complete(query, state)) {
    throw ApiFormatError("unexpected answer from " + source +
                         ": the $batch answer lacks a requested response");
  }
}

std::string batch_request_body(const GraphQuery &query, const BatchState &state) {
  std::string body = "{\"requests\":[";
  bool first = true;
  for (const SubRequest &entry : sub_requests) {
    if (!wanted(entry, query, state)) {
      continue;
    }
    body += std::string(first ? "" : ",") + "{\"id\":\"" + entry.id +
            "\",\"method\":\"GET\",\"url\":\"" + entry.url(query) + "\"}";
    first = false;
  }
  return body + "]}";
}

void parse_organization(const rapidjson::Value &body, std::string_view source, SyncStatus &status) {
  const rapidjson::Value &organization = first_of_collection(body, source, "the organization");
  if (organization.IsNull()) {
    throw ApiFormatError("unexpected answer from " + std::string(source) +
                         ": the organization list is empty");
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
    feature_unreadable(status, "Graph lists no on-premises synchronization settings");
    return;
  }
  status.sync_client = sync_client_members(settings);
  const rapidjson::Value *features = member(settings, "features");
  const rapidjson::Value *enabled = features ? member(*features, "passwordSyncEnabled") : nullptr;
  if (enabled != nullptr && enabled->IsNull()) {
    // Edm.Boolean, nullable (msgraph-metadata schemas/v1.0-Prod.csdl): a documented answer.
    feature_unreadable(status, "Graph reports no password hash sync feature flag "
                               "(features.passwordSyncEnabled is null)");
    return;
  }
  if (enabled == nullptr || !enabled->IsBool()) {
    throw ApiFormatError("unexpected answer from " + std::string(source) +
                         ": features.passwordSyncEnabled is not true, false or null");
  }
  status.password_sync_feature =
      enabled->GetBool() ? PasswordSyncFeature::Enabled : PasswordSyncFeature::Disabled;
  status.feature_note.clear();
}

SyncStatus fetch_sync_status(HttpClient &http, const std::string &graph_endpoint,
                             const std::string &access_token, GraphQuery &query,
                             const Deadline &deadline, Trace &trace) {
  BatchState state;
  std::random_device seed;
  for (int round = 1;; ++round) {
    batch_round(http, graph_endpoint, access_token, query, deadline, state, trace);
    if (batch_complete(query, state)) {
      break;
    }
    if (state.ask_again && !state.throttled) {
      trace.note(1, "Graph in this cloud lacks onPremisesLastPasswordSyncDateTime; asking again "
                    "without it");
      continue;
    }
    auto wait = state.throttle_wait.value_or(backoff_delay(round, (seed() % 1000) / 1000.0));
    bool last_round = round >= max_batch_rounds;
    if (last_round || !wait_within(deadline, wait)) {
      RetryHistory tries{round, state.throttle_wait ? seconds_text(*state.throttle_wait) : "",
                         !last_round};
      try {
        give_up_throttled(query, state, host_of(graph_endpoint), tries);
      } catch (...) {
        trace.note(0, state.support);
        throw;
      }
      break;
    }
    trace.note(1, "Graph throttled a batch sub-request; retrying");
  }
  state.status.password_sync_time_reported = query.password_sync_time;
  return state.status;
}

} // namespace cps
