// SPDX-License-Identifier: GPL-3.0-or-later
// One Graph $batch: its request body from the table of sub-requests, its answer read into a state.
#pragma once

#include "graph_requests.hpp"
#include "http.hpp"
#include "sync_status.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace cps {

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

// The body of the $batch request: the sub-requests not yet answered.
std::string batch_request_body(const GraphQuery &query, const BatchState &state);

// True when every sub-request of the query has a final answer.
bool batch_complete(const GraphQuery &query, const BatchState &state);

// Reads one $batch answer (status, content type, JSON, sub-responses matched by id) into state;
// now_unix (the wall clock) turns a sub-response's Retry-After date into a wait.
// Throws GraphError, ServiceError or ApiFormatError.
// A sub-request whose $select names a property the cloud lacks narrows query and stays pending.
void read_batch_answer(const HttpResponse &response, const std::string &source,
                       std::int64_t now_unix, GraphQuery &query, BatchState &state);

// The rounds ran out with sub-requests still throttled (tries says how): a required one throws
// its GraphError, optional ones are left out with a reason.
void give_up_throttled(const GraphQuery &query, BatchState &state, const std::string &source,
                       const RetryHistory &tries);

} // namespace cps
