// SPDX-License-Identifier: GPL-3.0-or-later
// One Graph $batch: its request body from the table of sub-requests, its answer read into a state.
#include "graph_batch.hpp"

#include "errors.hpp"
#include "graph_errors.hpp"
#include "json.hpp"
#include "retry.hpp"
#include "text.hpp"
#include "wording.hpp"

#include <set>

namespace cps {
namespace {

std::optional<std::chrono::milliseconds> sub_retry_after(const rapidjson::Value &sub,
                                                         std::int64_t now_unix) {
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
      return parse_retry_after(header.value.GetString(), now_unix);
    }
    if (header.value.IsNumber() && header.value.GetDouble() >= 0 &&
        header.value.GetDouble() <= 86400) {
      return std::chrono::milliseconds(static_cast<long long>(header.value.GetDouble() * 1000));
    }
  }
  return std::nullopt;
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
  if (names_unknown_property(status, graph_error_body(body), entry.may_lack) &&
      entry.narrow(query)) {
    state.ask_again = true; // once: the property is no longer asked for
    return;
  }
  if (status == 200 && body != nullptr) {
    entry.parse(*body, source, state.status);
  } else if (entry.need == Need::Required) {
    throw_graph_failure(status, graph_error_body(body), entry.subject, entry.permission, source);
  } else {
    entry.fallback(state.status, unavailable_note(entry, status, graph_error_body(body)));
  }
  state.answered.insert(entry.id);
}

void note_throttled(BatchState &state, const std::string &id, long status,
                    const rapidjson::Value &sub, std::int64_t now_unix) {
  state.throttled = true;
  GraphErrorBody error = graph_error_body(member(sub, "body"));
  state.throttled_answers[id] = {status, error.code, error.message};
  auto wait = sub_retry_after(sub, now_unix);
  if (wait && (!state.throttle_wait || *wait > *state.throttle_wait)) {
    state.throttle_wait = wait;
  }
}

void handle_sub_response(GraphQuery &query, BatchState &state, const rapidjson::Value &sub,
                         std::string_view source, std::int64_t now_unix) {
  auto id = string_member(sub, "id");
  const rapidjson::Value *status_value = member(sub, "status");
  if (!id || status_value == nullptr || !status_value->IsInt()) {
    throw unexpected_answer(source, "a batch response without id or status");
  }
  const SubRequest *entry = find_sub_request(*id);
  if (entry == nullptr) {
    return; // not one of ours: nothing in it is trusted
  }
  long status = status_value->GetInt();
  if (is_retryable_status(status)) {
    note_throttled(state, *id, status, sub, now_unix);
    return;
  }
  handle_answer(*entry, query, state, status, member(sub, "body"), source);
}

const rapidjson::Value &batch_responses(const rapidjson::Document &document,
                                        std::string_view source) {
  const rapidjson::Value *responses = member(document, "responses");
  if (responses == nullptr || !responses->IsArray()) {
    throw unexpected_answer(source, "a $batch answer without a responses list");
  }
  return *responses;
}

void check_batch_status(const HttpResponse &response, const std::string &source) {
  if (response.status == 200 && response.is_json()) {
    return;
  }
  require_json_answer(response, source);
  rapidjson::Document body = parse_json(response.body, source);
  throw_graph_failure(response.status, graph_error_body(&body), "the $batch request",
                      graph_sub_requests().begin()->permission, source, response.retries);
}

bool wanted(const SubRequest &entry, const GraphQuery &query, const BatchState &state) {
  return asks_for(entry, query) && state.answered.count(entry.id) == 0;
}

} // namespace

void give_up_throttled(const GraphQuery &query, BatchState &state, const std::string &source,
                       const RetryHistory &tries) {
  for (const SubRequest &entry : graph_sub_requests()) {
    if (!wanted(entry, query, state)) {
      continue;
    }
    const ThrottledAnswer &last = state.throttled_answers[entry.id];
    if (entry.need == Need::Required) {
      throw_graph_failure(last.status, {last.code, last.message}, entry.subject, entry.permission,
                          source, tries);
    }
    entry.fallback(state.status,
                   wording::reading_throttled(entry.subject, describe_retries(tries)));
    state.answered.insert(entry.id);
  }
}

bool batch_complete(const GraphQuery &query, const BatchState &state) {
  for (const SubRequest &entry : graph_sub_requests()) {
    if (wanted(entry, query, state)) {
      return false;
    }
  }
  return true;
}

void read_batch_answer(const HttpResponse &response, const std::string &source,
                       std::int64_t now_unix, GraphQuery &query, BatchState &state) {
  check_batch_status(response, source);
  rapidjson::Document document = parse_json(response.body, source);
  state.throttled = false;
  state.ask_again = false;
  state.throttle_wait.reset();
  std::set<std::string> seen_ids;
  for (const rapidjson::Value &sub : batch_responses(document, source).GetArray()) {
    auto id = string_member(sub, "id");
    if (id && !seen_ids.insert(*id).second) {
      throw unexpected_answer(source, "the $batch answer holds '" +
                                          sanitize_text(id->substr(0, 40)) + "' twice");
    }
    handle_sub_response(query, state, sub, source, now_unix);
  }
  if (!state.throttled && !state.ask_again && !batch_complete(query, state)) {
    throw unexpected_answer(source, "the $batch answer lacks a requested response");
  }
}

std::string batch_request_body(const GraphQuery &query, const BatchState &state) {
  std::string body = "{\"requests\":[";
  bool first = true;
  for (const SubRequest &entry : graph_sub_requests()) {
    if (!wanted(entry, query, state)) {
      continue;
    }
    body += std::string(first ? "" : ",") + "{\"id\":\"" + entry.id +
            "\",\"method\":\"GET\",\"url\":\"" + entry.url(query) + "\"}";
    first = false;
  }
  return body + "]}";
}

} // namespace cps
