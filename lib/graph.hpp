// SPDX-License-Identifier: GPL-3.0-or-later
// Microsoft Graph: the rounds of the $batch (a throttled sub-request is asked again), behind a seam
// unit tests feed with canned answers.
#pragma once

#include "clock.hpp"
#include "deadline.hpp"
#include "graph_batch.hpp"
#include "graph_requests.hpp"
#include "http.hpp"
#include "retry.hpp"
#include "sync_status.hpp"
#include "trace.hpp"

#include <functional>
#include <string>

namespace cps {

// The seam between the Graph rounds and the network. send posts one $batch and returns its answer
// (after the retries policy allows of a whole throttled request); timing gives the wall clock for
// Retry-After dates, the backoff jitter and the waits between rounds. A check uses
// graph_exchange(); unit tests give canned answers and record the waits.
struct GraphExchange {
  std::function<HttpResponse(const HttpRequest &request, const RetryPolicy &policy)> send;
  RetryTiming timing;
};

// The real exchange: http's send_with_retries within the deadline, with http's timing.
GraphExchange graph_exchange(HttpClient &http, const Deadline &deadline);

// Asks Graph with one $batch (more only when a sub-request is throttled, at most 3 in all, or once
// more without a property the cloud's schema lacks: query then says so). Throws GraphError,
// ServiceError, ApiFormatError, and what exchange.send throws (TransportError, TimeoutError).
SyncStatus fetch_sync_status(const GraphExchange &exchange, const std::string &graph_endpoint,
                             const std::string &access_token, GraphQuery &query,
                             const Deadline &deadline, Trace &trace);

} // namespace cps
