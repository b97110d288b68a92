// SPDX-License-Identifier: GPL-3.0-or-later
// Microsoft Graph: one beta $batch of the sub-requests in one table, parsed into SyncStatus.
#pragma once

#include "deadline.hpp"
#include "http.hpp"
#include "sync_status.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <rapidjson/document.h>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cps {

// Graph's limit on the sub-requests of one $batch (json-batching.md: "at most 20").
constexpr std::size_t max_batch_requests = 20;

// What this check asks Graph for; the table of sub-requests reads it.
struct GraphQuery {
  // onPremisesLastPasswordSyncDateTime in the organization's $select. Cleared when Graph answers
  // that its schema has no such property; the caller may remember that for the tenant.
  bool password_sync_time = true;
};

// The latest throttled (429, 503, 504) answer to a sub-request, kept to name it if it persists.
struct ThrottledAnswer {
  long status = 0;
  std::string code;
  std::string message;
};

// What the $batch answers said so far, and the throttling of the latest round.
struct BatchState {
  SyncStatus status;
  std::set<std::string> answered; // ids of the sub-requests with a final answer
  std::map<std::string, ThrottledAnswer> throttled_answers;
  std::optional<std::chrono::milliseconds> throttle_wait; // the longest Retry-After this round
  bool throttled = false;
  bool ask_again = false; // a sub-request is to be sent again at once, with a narrower $select
  std::string support;    // the support IDs of the latest answer, shown if the check fails
};

// What a check learnt about the tenant's Graph, as text kept next to its token: one line
// "lacks <property> <unix time>" per property the cloud's schema lacks. Empty when nothing was
// learnt. Unknown lines are skipped, so the format can grow.
std::string graph_notes_text(const GraphQuery &query, std::int64_t now_unix);

// Narrows query by notes learnt within the last week (after that, Graph is asked again, so a cloud
// that gains the property is noticed).
void apply_graph_notes(std::string_view text, std::int64_t now_unix, GraphQuery &query);

// The ids of the sub-requests the query makes, in the table's order.
std::vector<std::string> sub_request_ids(const GraphQuery &query);

// The body of the $batch request: the sub-requests not yet answered.
std::string batch_request_body(const GraphQuery &query, const BatchState &state);

// True when every sub-request of the query has a final answer.
bool batch_complete(const GraphQuery &query, const BatchState &state);

// The body of a 200 answer to GET /organization (a collection with one object) into status.
// Throws ApiFormatError.
void parse_organization(const rapidjson::Value &body, std::string_view source, SyncStatus &status);

// The body of a 200 answer to GET /directory/onPremisesSynchronization into status.
void parse_sync_features(const rapidjson::Value &body, std::string_view source, SyncStatus &status);

// Reads one $batch answer (status, content type, JSON, sub-responses matched by id) into state.
// Throws GraphError, ServiceError or ApiFormatError.
// A sub-request whose $select names a property the cloud lacks narrows query and stays pending.
void read_batch_answer(const HttpResponse &response, const std::string &source, GraphQuery &query,
                       BatchState &state);

// Asks Graph with one $batch (more only when a sub-request is throttled, or once more without
// a property the cloud's schema lacks: query then says so). Throws GraphError, ServiceError,
// ApiFormatError, TransportError or TimeoutError.
SyncStatus fetch_sync_status(HttpClient &http, const std::string &graph_endpoint,
                             const std::string &access_token, GraphQuery &query,
                             const Deadline &deadline, Trace &trace);

} // namespace cps
