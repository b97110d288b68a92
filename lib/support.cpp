// SPDX-License-Identifier: GPL-3.0-or-later
// Support identifiers: the client-request-id sent with each Graph and Entra request, and the IDs
// Microsoft support asks for, read from a failed answer.
#include "support.hpp"

#include "assertion.hpp"
#include "errors.hpp"
#include "json.hpp"
#include "text.hpp"

#include <optional>
#include <utility>
#include <vector>

namespace cps {
namespace {

using Field = std::pair<std::string, std::string>;

// A body's JSON, or nothing: a support line never fails the check a second time.
std::optional<rapidjson::Document> json_of(const HttpResponse &response) {
  if (!response.is_json() || response.body.empty()) {
    return std::nullopt;
  }
  try {
    return parse_json(response.body, "support");
  } catch (const ApiFormatError &) {
    return std::nullopt;
  }
}

std::string text_of(const rapidjson::Value *object, const char *name) {
  auto value = object && object->IsObject() ? string_member(*object, name) : std::nullopt;
  return value ? sanitize_text(value->substr(0, 64)) : "";
}

std::string line(const char *service, const std::vector<Field> &fields) {
  std::string text = std::string(service) + " support IDs:";
  bool any = false;
  for (const auto &[name, value] : fields) {
    if (!value.empty()) {
      text += std::string(any ? ", " : " ") + name + " " + value;
      any = true;
    }
  }
  return text;
}

} // namespace

std::string new_client_request_id() {
  return random_guid();
}

std::string graph_support_line(const HttpResponse &response, const std::string &sent_id) {
  std::string request_id = sanitize_text(response.header("request-id").value_or("").substr(0, 64));
  std::string client_id =
      sanitize_text(response.header("client-request-id").value_or("").substr(0, 64));
  std::string date = sanitize_text(response.header("date").value_or("").substr(0, 64));
  if (request_id.empty()) {
    if (auto body = json_of(response)) {
      const rapidjson::Value *error = member(*body, "error");
      const rapidjson::Value *inner = error ? member(*error, "innerError") : nullptr;
      request_id = text_of(inner, "request-id");
      client_id = client_id.empty() ? text_of(inner, "client-request-id") : client_id;
      date = date.empty() ? text_of(inner, "date") : date;
    }
  }
  return line("Graph", {{"request-id", request_id},
                        {"client-request-id", client_id.empty() ? sent_id : client_id},
                        {"date", date}});
}

std::string entra_support_line(const HttpResponse &response, const std::string &sent_id) {
  std::string trace_id, correlation_id, timestamp;
  if (auto body = json_of(response)) {
    trace_id = text_of(&*body, "trace_id");
    correlation_id = text_of(&*body, "correlation_id");
    timestamp = text_of(&*body, "timestamp");
  }
  return line("Entra", {{"trace_id", trace_id},
                        {"correlation_id", correlation_id},
                        {"timestamp", timestamp},
                        {"client-request-id", sent_id}});
}

} // namespace cps
