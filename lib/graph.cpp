// SPDX-License-Identifier: GPL-3.0-or-later
// Microsoft Graph: one beta $batch for the organization's sync state and the password-sync feature.
#include "graph.hpp"

#include "errors.hpp"
#include "json.hpp"
#include "output.hpp"
#include "text.hpp"
#include "timestamp.hpp"

#include <algorithm>
#include <random>
#include <set>

namespace cps {
namespace {

constexpr const char *organization_id = "org";
constexpr const char *features_id = "sync";
constexpr const char *organization_url =
    "/organization?$select=onPremisesSyncEnabled,onPremisesLastSyncDateTime,"
    "onPremisesLastPasswordSyncDateTime";
constexpr const char *features_url = "/directory/onPremisesSynchronization?$select=features";
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

// Graph's throttling answers: 429, and 424 when throttling fails a whole $batch.
bool is_throttling(long status) {
  return status == 429 || status == 424;
}

[[noreturn]] void throw_graph_failure(long status, const GraphErrorBody &error,
                                      const std::string &what, std::string_view source) {
  if (status == 401) {
    throw GraphError(status, error.code,
                     "Graph rejected the access token (" + describe_status(status, error) + ")");
  }
  if (status == 403) {
    throw GraphError(status, error.code,
                     "Graph denied reading " + what + " (" + describe_status(status, error) +
                         "): grant the application permission Organization.Read.All "
                         "and admin consent");
  }
  if (is_throttling(status)) {
    throw GraphError(status, error.code,
                     "Graph kept throttling the request for " + what + " (" +
                         describe_status(status, error) + ") until the deadline");
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

void handle_organization(BatchState &state, long status, const rapidjson::Value *body,
                         std::string_view source) {
  if (status == 200 && body != nullptr) {
    state.organization = parse_organization(*body, source);
    return;
  }
  throw_graph_failure(status, error_of(body), "the organization", source);
}

void handle_features(BatchState &state, long status, const rapidjson::Value *body,
                     std::string_view source) {
  if (status == 200 && body != nullptr) {
    state.features = parse_sync_features(*body, source);
    return;
  }
  GraphErrorBody error = error_of(body);
  std::string note =
      "password hash sync feature flag not readable (" + describe_status(status, error) + ")";
  if (status == 403) {
    note += ": grant OnPremDirectorySynchronization.Read.All to check it";
  }
  state.features = FeatureReading{PasswordSyncFeature::Unreadable, note + "; judged by timestamps"};
}

void handle_sub_response(BatchState &state, const rapidjson::Value &sub, std::string_view source) {
  auto id = string_member(sub, "id");
  const rapidjson::Value *status_value = member(sub, "status");
  if (!id || status_value == nullptr || !status_value->IsInt()) {
    throw ApiFormatError("unexpected answer from " + std::string(source) +
                         ": a batch response without id or status");
  }
  long status = status_value->GetInt();
  const rapidjson::Value *body = member(sub, "body");
  if (is_retryable_status(status)) {
    state.throttled = true;
    if (*id == organization_id) {
      GraphErrorBody error = error_of(body);
      state.organization_throttle = {status, error.code, error.message};
    }
    auto wait = sub_retry_after(sub);
    if (wait && (!state.throttle_wait || *wait > *state.throttle_wait)) {
      state.throttle_wait = wait;
    }
    return;
  }
  if (*id == organization_id) {
    handle_organization(state, status, body, source);
  } else if (*id == features_id) {
    handle_features(state, status, body, source);
  }
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
  throw_graph_failure(response.status, error_of(&body), "the $batch request", source);
}

HttpRequest batch_request(const std::string &graph_endpoint, const std::string &access_token,
                          bool organization, bool features) {
  HttpRequest request;
  request.method = "POST";
  request.url = graph_endpoint + "/beta/$batch";
  request.headers = {"Authorization: Bearer " + access_token, "Content-Type: application/json",
                     "Accept: application/json"};
  request.body = batch_request_body(organization, features);
  return request;
}

// One round: sends what is still missing and records what came back.
void batch_round(HttpClient &http, const std::string &graph_endpoint,
                 const std::string &access_token, const Deadline &deadline, BatchState &state) {
  HttpRequest request =
      batch_request(graph_endpoint, access_token, !state.organization, !state.features);
  RetryPolicy policy;
  policy.failed_dependency_is_throttling = true;
  HttpResponse response = http.send_with_retries(request, deadline, policy);
  read_batch_answer(response, host_of(request.url), state);
}

} // namespace

void read_batch_answer(const HttpResponse &response, const std::string &source, BatchState &state) {
  check_batch_status(response, source);
  rapidjson::Document document = parse_json(response.body, source);
  state.throttled = false;
  state.throttle_wait.reset();
  std::set<std::string> seen_ids;
  for (const rapidjson::Value &sub : batch_responses(document, source).GetArray()) {
    auto id = string_member(sub, "id");
    if (id && !seen_ids.insert(*id).second) {
      throw ApiFormatError("unexpected answer from " + source + ": the $batch answer holds '" +
                           sanitize_text(id->substr(0, 40)) + "' twice");
    }
    handle_sub_response(state, sub, source);
  }
  if (!state.throttled && (!state.organization || !state.features)) {
    throw ApiFormatError("unexpected answer from " + source +
                         ": the $batch answer lacks a requested response");
  }
}

std::string batch_request_body(bool organization, bool features) {
  std::string body = "{\"requests\":[";
  if (organization) {
    body += std::string("{\"id\":\"") + organization_id + "\",\"method\":\"GET\",\"url\":\"" +
            organization_url + "\"}";
  }
  if (features) {
    body += std::string(organization ? "," : "") + "{\"id\":\"" + features_id +
            "\",\"method\":\"GET\",\"url\":\"" + features_url + "\"}";
  }
  return body + "]}";
}

OrganizationSync parse_organization(const rapidjson::Value &body, std::string_view source) {
  const rapidjson::Value &organization = first_of_collection(body, source, "the organization");
  if (organization.IsNull()) {
    throw ApiFormatError("unexpected answer from " + std::string(source) +
                         ": the organization list is empty");
  }
  OrganizationSync sync;
  sync.sync_enabled = sync_enabled_member(organization, source);
  sync.last_dirsync = timestamp_member(organization, "onPremisesLastSyncDateTime", source);
  sync.last_password_sync =
      timestamp_member(organization, "onPremisesLastPasswordSyncDateTime", source);
  return sync;
}

FeatureReading parse_sync_features(const rapidjson::Value &body, std::string_view source) {
  const rapidjson::Value &settings = first_of_collection(body, source, "onPremisesSynchronization");
  if (settings.IsNull()) {
    return {PasswordSyncFeature::Unreadable,
            "Graph lists no on-premises synchronization settings; judged by timestamps"};
  }
  const rapidjson::Value *features = member(settings, "features");
  const rapidjson::Value *enabled = features ? member(*features, "passwordSyncEnabled") : nullptr;
  if (enabled == nullptr || !enabled->IsBool()) {
    throw ApiFormatError("unexpected answer from " + std::string(source) +
                         ": features.passwordSyncEnabled is not true or false");
  }
  return {enabled->GetBool() ? PasswordSyncFeature::Enabled : PasswordSyncFeature::Disabled, ""};
}

SyncStatus fetch_sync_status(HttpClient &http, const std::string &graph_endpoint,
                             const std::string &access_token, const Deadline &deadline,
                             Trace &trace) {
  BatchState state;
  std::random_device seed;
  for (int round = 1;; ++round) {
    batch_round(http, graph_endpoint, access_token, deadline, state);
    if (state.organization && state.features) {
      break;
    }
    auto wait = state.throttle_wait.value_or(backoff_delay(round, (seed() % 1000) / 1000.0));
    if (round >= max_batch_rounds || !wait_within(deadline, wait)) {
      if (!state.organization) {
        const ThrottledAnswer &last = state.organization_throttle;
        throw_graph_failure(last.status, {last.code, last.message}, "the organization",
                            host_of(graph_endpoint));
      }
      state.features = FeatureReading{PasswordSyncFeature::Unreadable,
                                      "password hash sync feature flag not readable (Graph kept "
                                      "throttling it); judged by timestamps"};
      break;
    }
    trace.note(1, "Graph throttled a batch sub-request; retrying");
  }
  SyncStatus status;
  status.sync_enabled = state.organization->sync_enabled;
  status.last_dirsync = state.organization->last_dirsync;
  status.last_password_sync = state.organization->last_password_sync;
  status.password_sync_feature = state.features->feature;
  status.feature_note = state.features->note;
  return status;
}

} // namespace cps
