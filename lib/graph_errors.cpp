// SPDX-License-Identifier: GPL-3.0-or-later
// Graph's error answers: their code and message, and the one place they become exceptions.
#include "graph_errors.hpp"

#include "errors.hpp"
#include "json.hpp"
#include "text.hpp"
#include "wording.hpp"

namespace cps {

GraphErrorBody graph_error_body(const rapidjson::Value *body) {
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

std::string describe_graph_status(long status, const GraphErrorBody &error) {
  std::string text = "HTTP " + std::to_string(status) + " " + error.code;
  return error.message.empty() ? text : text + ": " + error.message;
}

bool is_throttling(long status) {
  return status == 429 || status == 424;
}

[[noreturn]] void throw_graph_failure(long status, const GraphErrorBody &error,
                                      const std::string &what, std::string_view permission,
                                      std::string_view source, const RetryHistory &retries) {
  if (status == 401) {
    throw GraphError(status, error.code,
                     "Graph rejected the access token (" + describe_graph_status(status, error) +
                         ")");
  }
  if (status == 403) {
    throw GraphError(status, error.code,
                     "Graph denied reading " + what + " (" + describe_graph_status(status, error) +
                         "): grant the application permission " + std::string(permission) +
                         " and admin consent");
  }
  if (is_throttling(status)) {
    throw GraphError(status, error.code,
                     "Graph kept throttling the request for " + what + " (" +
                         describe_graph_status(status, error) + "; " + describe_retries(retries) +
                         ")");
  }
  if (status >= 500) {
    throw ServiceError(std::string(source) + " answered " + describe_graph_status(status, error) +
                       " for " + what);
  }
  throw GraphError(status, error.code,
                   "Graph refused the request for " + what + " (" +
                       describe_graph_status(status, error) + ")");
}

std::string unavailable_note(const SubRequest &entry, long status, const GraphErrorBody &error) {
  std::string remedy;
  if (status == 403) {
    remedy = wording::grant_to_check(entry.permission);
  } else if (status == 404 && entry.not_found != nullptr) {
    remedy = entry.not_found;
  }
  return wording::reading_unavailable(entry.subject, describe_graph_status(status, error), remedy);
}

} // namespace cps
