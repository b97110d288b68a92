// SPDX-License-Identifier: GPL-3.0-or-later
// Microsoft Graph: the rounds of the $batch (a throttled sub-request is asked again), behind a seam
// unit tests feed with canned answers.
#include "graph.hpp"

#include "support.hpp"

namespace cps {
namespace {

constexpr int max_batch_rounds = 3;

// A sub-response's Retry-After as seconds: "0.1", "30".
std::string seconds_text(std::chrono::milliseconds wait) {
  std::string text = std::to_string(wait.count() / 1000);
  long long tenths = wait.count() % 1000 / 100;
  return tenths == 0 ? text : text + "." + std::to_string(tenths);
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
void batch_round(const GraphExchange &exchange, const std::string &graph_endpoint,
                 const std::string &access_token, GraphQuery &query, BatchState &state,
                 Trace &trace) {
  std::string client_request_id = new_client_request_id();
  HttpRequest request =
      batch_request(graph_endpoint, access_token, query, state, client_request_id);
  RetryPolicy policy;
  policy.failed_dependency_is_throttling = true;
  HttpResponse response;
  try {
    response = exchange.send(request, policy);
    state.support = graph_support_line(response, client_request_id);
    read_batch_answer(response, host_of(request.url), exchange.timing.now(), query, state);
  } catch (...) {
    trace.note(0, graph_support_line(response, client_request_id));
    throw;
  }
}

} // namespace

GraphExchange graph_exchange(HttpClient &http, const Deadline &deadline) {
  return {[&http, &deadline](const HttpRequest &request, const RetryPolicy &policy) {
            return http.send_with_retries(request, deadline, policy);
          },
          http.timing()};
}

SyncStatus fetch_sync_status(const GraphExchange &exchange, const std::string &graph_endpoint,
                             const std::string &access_token, GraphQuery &query,
                             const Deadline &deadline, Trace &trace) {
  BatchState state;
  for (int round = 1;; ++round) {
    batch_round(exchange, graph_endpoint, access_token, query, state, trace);
    if (batch_complete(query, state)) {
      break;
    }
    if (state.ask_again && !state.throttled) {
      trace.note(1, "Graph in this cloud lacks onPremisesLastPasswordSyncDateTime; asking again "
                    "without it");
      continue;
    }
    auto wait = state.throttle_wait.value_or(backoff_delay(round, exchange.timing.jitter()));
    bool last_round = round >= max_batch_rounds;
    if (last_round || !wait_within(deadline, wait, exchange.timing.sleep)) {
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
