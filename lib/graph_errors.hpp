// SPDX-License-Identifier: GPL-3.0-or-later
// Graph's error answers: their code and message, and the one place they become exceptions.
#pragma once

#include "graph_requests.hpp"
#include "http.hpp"

#include <rapidjson/document.h>
#include <string>
#include <string_view>

namespace cps {

// The code and message of Graph's error body ({"error": {"code", "message"}}), sanitised and cut.
struct GraphErrorBody {
  std::string code;
  std::string message;
};
GraphErrorBody graph_error_body(const rapidjson::Value *body);

// "HTTP 403 Authorization_RequestDenied: Insufficient privileges ...", for messages.
std::string describe_graph_status(long status, const GraphErrorBody &error);

// Graph's throttling answers: 429, and 424 when throttling fails a whole $batch.
bool is_throttling(long status);

// Throws the error a final failed answer about what is: GraphError for 401, 403 (naming the
// permission), throttling past retries and other 4xx; ServiceError for 5xx.
[[noreturn]] void throw_graph_failure(long status, const GraphErrorBody &error,
                                      const std::string &what, std::string_view permission,
                                      std::string_view source,
                                      const RetryHistory &retries = RetryHistory{});

// Why an optional reading is missing, naming the permission a 403 asks for.
std::string unavailable_note(const SubRequest &entry, long status, const GraphErrorBody &error);

} // namespace cps
