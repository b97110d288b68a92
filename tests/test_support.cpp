// SPDX-License-Identifier: GPL-3.0-or-later
// Support identifiers: a fresh client-request-id, and the IDs read from Graph and Entra failures.
#include "lib/support.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace cps;

namespace {

HttpResponse json_answer(long status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

} // namespace

TEST_CASE("support: client-request-ids are fresh version 4 GUIDs") {
  std::string first = new_client_request_id();
  std::string second = new_client_request_id();
  CHECK(first.size() == 36);
  CHECK(first[14] == '4');
  CHECK(first != second);
}

TEST_CASE("support: Graph IDs from the headers, else from innerError, else the ID sent") {
  HttpResponse headers = json_answer(403, "{}");
  headers.headers = {{"request-id", "11111111-1111-4111-8111-111111111111"},
                     {"client-request-id", "22222222-2222-4222-8222-222222222222"},
                     {"date", "Mon, 30 Nov 2026 10:00:00 GMT"}};
  CHECK(graph_support_line(headers, "sent") ==
        "Graph support IDs: request-id 11111111-1111-4111-8111-111111111111, client-request-id "
        "22222222-2222-4222-8222-222222222222, date Mon, 30 Nov 2026 10:00:00 GMT");

  HttpResponse inner = json_answer(
      401, R"({"error":{"code":"InvalidAuthenticationToken","message":"x","innerError":)"
           R"({"date":"2023-02-20T05:06:48","request-id":"33333333-3333-4333-8333-333333333333",)"
           R"("client-request-id":"44444444-4444-4444-8444-444444444444"}}})");
  CHECK(graph_support_line(inner, "sent") ==
        "Graph support IDs: request-id 33333333-3333-4333-8333-333333333333, client-request-id "
        "44444444-4444-4444-8444-444444444444, date 2023-02-20T05:06:48");

  CHECK(graph_support_line(HttpResponse{}, "55555555-5555-4555-8555-555555555555") ==
        "Graph support IDs: client-request-id 55555555-5555-4555-8555-555555555555");
}

TEST_CASE("support: Entra IDs from the error body") {
  HttpResponse error = json_answer(
      401, R"({"error":"invalid_client","trace_id":"66666666-6666-4666-8666-666666666666",)"
           R"("correlation_id":"77777777-7777-4777-8777-777777777777",)"
           R"("timestamp":"2026-11-30 10:00:00Z"})");
  CHECK(entra_support_line(error, "77777777-7777-4777-8777-777777777777") ==
        "Entra support IDs: trace_id 66666666-6666-4666-8666-666666666666, correlation_id "
        "77777777-7777-4777-8777-777777777777, timestamp 2026-11-30 10:00:00Z, "
        "client-request-id 77777777-7777-4777-8777-777777777777");
  HttpResponse html;
  html.status = 502;
  html.content_type = "text/html";
  html.body = "<html>{not json</html>";
  CHECK(entra_support_line(html, "sent-id") == "Entra support IDs: client-request-id sent-id");
}
