// SPDX-License-Identifier: GPL-3.0-or-later
// The Graph rounds through their seam: canned $batch answers, recorded requests and waits.
#include "lib/errors.hpp"
#include "lib/graph.hpp"
#include "lib/json.hpp"

#include <chrono>
#include <cstdint>
#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;
using std::chrono::milliseconds;

namespace {

const std::string endpoint = "https://graph.microsoft.com";
const std::string token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln";

// Graph as a list of canned answers, one per $batch: records each request, its retry policy and
// each wait between rounds (recorded, never slept).
struct CannedGraph {
  explicit CannedGraph(std::vector<HttpResponse> canned) : answers(std::move(canned)) {}

  std::vector<HttpResponse> answers;
  std::int64_t now = 1764500000; // 2025-11-30T10:53:20Z, the wall clock Retry-After dates meet
  double jitter = 0.5;
  std::vector<HttpRequest> requests;
  std::vector<RetryPolicy> policies;
  std::vector<milliseconds> waits;

  GraphExchange exchange() {
    RetryTiming timing{[this] { return now; }, [this] { return jitter; },
                       [this](milliseconds wait) { waits.push_back(wait); }};
    return {[this](const HttpRequest &request, const RetryPolicy &policy) {
              requests.push_back(request);
              policies.push_back(policy);
              REQUIRE(requests.size() <= answers.size()); // no round beyond the canned answers
              return answers[requests.size() - 1];
            },
            timing};
  }

  // The ids of the sub-requests in the body of request number n (from 0).
  std::vector<std::string> ids_sent(std::size_t n) const {
    rapidjson::Document body = parse_json(requests.at(n).body, "test");
    std::vector<std::string> ids;
    for (const rapidjson::Value &request : body["requests"].GetArray()) {
      ids.emplace_back(request["id"].GetString());
    }
    return ids;
  }
};

HttpResponse answer(long status, const std::string &body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json;odata.metadata=minimal;charset=utf-8";
  response.body = body;
  return response;
}

// A 200 $batch answer with the given sub-responses.
HttpResponse batch(const std::string &responses) {
  return answer(200, R"({"responses":[)" + responses + "]}");
}

const std::string org_ok =
    R"({"id":"org","status":200,"body":{"value":[{"id":"b93319e6-0000-0000-0000-000000000000",)"
    R"("onPremisesSyncEnabled":true,"onPremisesLastSyncDateTime":"2025-11-30T10:30:00Z",)"
    R"("onPremisesLastPasswordSyncDateTime":"2025-11-30T10:28:00Z"}]}})";
const std::string sync_ok =
    R"({"id":"sync","status":200,"body":{"value":[{"features":{"passwordSyncEnabled":true}}]}})";

// A throttled sub-response; retry_after is a JSON value ("\"2\"", a date in quotes, 2) or empty.
std::string throttled(const std::string &id, long status, const std::string &retry_after) {
  std::string headers = retry_after.empty() ? "{}" : R"({"Retry-After":)" + retry_after + "}";
  return R"({"id":")" + id + R"(","status":)" + std::to_string(status) + R"(,"headers":)" +
         headers + R"(,"body":{"error":{"code":"TooManyRequests","message":"Slow down."}}})";
}

struct Run {
  SyncStatus status;
  GraphQuery query;
};

Run run(CannedGraph &graph, milliseconds budget = milliseconds(30000)) {
  Deadline deadline(budget);
  Trace trace(0);
  Run result;
  result.status =
      fetch_sync_status(graph.exchange(), endpoint, token, result.query, deadline, trace);
  return result;
}

std::string header_value(const HttpRequest &request, const std::string &name) {
  for (const std::string &header : request.headers) {
    if (header.rfind(name + ": ", 0) == 0) {
      return header.substr(name.size() + 2);
    }
  }
  return "";
}

} // namespace

TEST_CASE("graph: a warm check is one $batch of every sub-request") {
  CannedGraph graph{{batch(org_ok + "," + sync_ok)}};
  Run result = run(graph);
  REQUIRE(graph.requests.size() == 1);
  const HttpRequest &request = graph.requests[0];
  CHECK(request.method == "POST");
  CHECK(request.url == "https://graph.microsoft.com/beta/$batch");
  CHECK(header_value(request, "Authorization") == "Bearer " + token);
  CHECK(header_value(request, "client-request-id").size() == 36);
  CHECK(graph.ids_sent(0) == std::vector<std::string>{"org", "sync"});
  // The whole $batch is retried when Graph fails it with 424 for throttling.
  CHECK(graph.policies[0].failed_dependency_is_throttling);
  CHECK(graph.waits.empty());
  CHECK(result.status.sync_enabled == SyncEnabled::True);
  CHECK(result.status.last_password_sync == 1764498480);
  CHECK(result.status.password_sync_feature == PasswordSyncFeature::Enabled);
  CHECK(result.status.password_sync_time_reported);
}

TEST_CASE("graph: a throttled sub-request is asked again alone, after its Retry-After") {
  CannedGraph graph{{batch(org_ok + "," + throttled("sync", 429, R"("2")")), batch(sync_ok)}};
  Run result = run(graph);
  REQUIRE(graph.requests.size() == 2);
  CHECK(graph.ids_sent(1) == std::vector<std::string>{"sync"});
  CHECK(graph.waits == std::vector<milliseconds>{milliseconds(2000)});
  CHECK(header_value(graph.requests[0], "client-request-id") !=
        header_value(graph.requests[1], "client-request-id"));
  CHECK(result.status.password_sync_feature == PasswordSyncFeature::Enabled);
  CHECK(result.status.sync_enabled == SyncEnabled::True);
}

TEST_CASE("graph: a Retry-After date is read against the injected clock") {
  // Three seconds after graph.now; the real clock would find this date long past (no wait).
  CannedGraph graph{
      {batch(org_ok + "," + throttled("sync", 429, R"("Sun, 30 Nov 2025 10:53:23 GMT")")),
       batch(sync_ok)}};
  run(graph);
  CHECK(graph.waits == std::vector<milliseconds>{milliseconds(3000)});

  CannedGraph later{
      {batch(org_ok + "," + throttled("sync", 429, R"("Sun, 30 Nov 2025 10:53:23 GMT")")),
       batch(sync_ok)}};
  later.now = 1764500002; // one second before the date
  run(later);
  CHECK(later.waits == std::vector<milliseconds>{milliseconds(1000)});
}

TEST_CASE("graph: a Retry-After in seconds, as a JSON number or text, with a fraction") {
  struct Case {
    const char *retry_after;
    long long expected_ms;
  };
  for (const Case &row : std::vector<Case>{{"2", 2000}, {"0.25", 250}, {R"("1.5")", 1500}}) {
    CAPTURE(row.retry_after);
    CannedGraph graph{
        {batch(org_ok + "," + throttled("sync", 429, row.retry_after)), batch(sync_ok)}};
    run(graph);
    CHECK(graph.waits == std::vector<milliseconds>{milliseconds(row.expected_ms)});
  }
}

TEST_CASE("graph: of two throttled sub-requests, the longer Retry-After is waited for") {
  for (bool org_first : {true, false}) {
    CAPTURE(org_first);
    std::string org = throttled("org", 429, R"("1")");
    std::string sync = throttled("sync", 429, R"("3")");
    CannedGraph graph{
        {batch(org_first ? org + "," + sync : sync + "," + org), batch(org_ok + "," + sync_ok)}};
    run(graph);
    CHECK(graph.waits == std::vector<milliseconds>{milliseconds(3000)});
    CHECK(graph.ids_sent(1) == std::vector<std::string>{"org", "sync"});
  }
}

TEST_CASE("graph: without a Retry-After the rounds back off with the injected jitter") {
  // 200 ms doubling per round: half of it fixed, half scaled by the jitter (0.5 here).
  CannedGraph graph{{batch(org_ok + "," + throttled("sync", 503, "")),
                     batch(throttled("sync", 503, "")), batch(sync_ok)}};
  run(graph);
  CHECK(graph.waits == std::vector<milliseconds>{milliseconds(150), milliseconds(300)});

  CannedGraph no_jitter{{batch(org_ok + "," + throttled("sync", 429, "")), batch(sync_ok)}};
  no_jitter.jitter = 0.0;
  run(no_jitter);
  CHECK(no_jitter.waits == std::vector<milliseconds>{milliseconds(100)});
}

TEST_CASE("graph: a required sub-request throttled in all 3 rounds fails naming the tries") {
  CannedGraph graph{{batch(throttled("org", 429, R"("1")") + "," + sync_ok),
                     batch(throttled("org", 429, R"("1")")),
                     batch(throttled("org", 429, R"("1")"))}};
  CHECK_THROWS_WITH_AS(run(graph),
                       "Graph kept throttling the request for the organization (HTTP 429 "
                       "TooManyRequests: Slow down.; 3 tries, last Retry-After 1)",
                       GraphError);
  CHECK(graph.requests.size() == 3);
  CHECK(graph.waits == std::vector<milliseconds>{milliseconds(1000), milliseconds(1000)});
}

TEST_CASE("graph: an optional sub-request throttled in all 3 rounds is left out with a reason") {
  CannedGraph graph{{batch(org_ok + "," + throttled("sync", 429, R"("0.5")")),
                     batch(throttled("sync", 429, R"("0.5")")),
                     batch(throttled("sync", 429, R"("0.5")"))}};
  Run result = run(graph);
  CHECK(graph.requests.size() == 3);
  CHECK(result.status.sync_enabled == SyncEnabled::True);
  CHECK(result.status.password_sync_feature == PasswordSyncFeature::Unreadable);
  CHECK(result.status.feature_note ==
        "password hash sync feature flag not readable (Graph kept throttling it: 3 tries, last "
        "Retry-After 0.5); judged by timestamps");
}

TEST_CASE("graph: a Retry-After past the deadline ends the rounds at once") {
  CannedGraph graph{{batch(throttled("org", 429, R"("60")") + "," + sync_ok)}};
  CHECK_THROWS_WITH_AS(run(graph, milliseconds(30000)),
                       "Graph kept throttling the request for the organization (HTTP 429 "
                       "TooManyRequests: Slow down.; 1 try, last Retry-After 60, no time left "
                       "before the deadline for another)",
                       GraphError);
  CHECK(graph.requests.size() == 1);
  CHECK(graph.waits.empty());
}

TEST_CASE("graph: a whole $batch failed with 424 is described as throttling") {
  HttpResponse failed =
      answer(424, R"({"error":{"code":"TooManyRequests","message":"Throttled."}})");
  failed.retries = RetryHistory{3, "2", false};
  CannedGraph graph{{failed}};
  CHECK_THROWS_WITH_AS(run(graph),
                       "Graph kept throttling the request for the $batch request (HTTP 424 "
                       "TooManyRequests: Throttled.; 3 tries, last Retry-After 2)",
                       GraphError);
  CHECK(graph.requests.size() == 1);
}

TEST_CASE("graph: a 5xx is a service error naming the host and what was asked") {
  SUBCASE("the whole $batch") {
    CannedGraph graph{
        {answer(500, R"({"error":{"code":"InternalServerError","message":"Boom."}})")}};
    CHECK_THROWS_WITH_AS(run(graph),
                         "graph.microsoft.com answered HTTP 500 InternalServerError: Boom. for "
                         "the $batch request",
                         ServiceError);
  }
  SUBCASE("a sub-request, not retried") {
    CannedGraph graph{{batch(R"({"id":"org","status":500,"body":{"error":{"code":"UnknownError",)"
                             R"("message":"Boom."}}},)" +
                             sync_ok)}};
    CHECK_THROWS_WITH_AS(run(graph),
                         "graph.microsoft.com answered HTTP 500 UnknownError: Boom. for the "
                         "organization",
                         ServiceError);
    CHECK(graph.requests.size() == 1);
  }
  SUBCASE("a sub-request unavailable in every round") {
    CannedGraph graph{{batch(throttled("org", 503, "") + "," + sync_ok),
                       batch(throttled("org", 503, "")), batch(throttled("org", 503, ""))}};
    CHECK_THROWS_WITH_AS(run(graph),
                         "graph.microsoft.com answered HTTP 503 TooManyRequests: Slow down. for "
                         "the organization",
                         ServiceError);
    CHECK(graph.requests.size() == 3);
  }
}

TEST_CASE("graph: sub-responses missing, twice or not asked for") {
  SUBCASE("missing") {
    CannedGraph graph{{batch(org_ok)}};
    CHECK_THROWS_WITH_AS(run(graph),
                         "unexpected answer from graph.microsoft.com: the $batch answer lacks a "
                         "requested response",
                         ApiFormatError);
  }
  SUBCASE("twice") {
    CannedGraph graph{{batch(org_ok + "," + sync_ok + "," + org_ok)}};
    CHECK_THROWS_WITH_AS(run(graph),
                         "unexpected answer from graph.microsoft.com: the $batch answer holds "
                         "'org' twice",
                         ApiFormatError);
  }
  SUBCASE("not asked for: ignored, whatever it says") {
    CannedGraph graph{{batch(
        org_ok + R"(,{"id":"other","status":403,"body":{"error":{"code":"Denied"}}},)" + sync_ok)}};
    Run result = run(graph);
    CHECK(result.status.password_sync_feature == PasswordSyncFeature::Enabled);
    CHECK(graph.requests.size() == 1);
  }
  SUBCASE("not asked for, in place of one that was") {
    CannedGraph graph{{batch(org_ok + R"(,{"id":"syncx","status":200,"body":{}})")}};
    CHECK_THROWS_AS(run(graph), ApiFormatError);
  }
}

TEST_CASE("graph: a cloud lacking the password sync time is asked again at once, without it") {
  const std::string unknown_property =
      R"({"id":"org","status":400,"body":{"error":{"code":"BadRequest","message":)"
      R"("Could not find a property named 'onPremisesLastPasswordSyncDateTime' on type )"
      R"('microsoft.graph.organization'."}}})";
  CannedGraph graph{{batch(unknown_property + "," + sync_ok), batch(org_ok)}};
  Run result = run(graph);
  REQUIRE(graph.requests.size() == 2);
  CHECK(graph.ids_sent(1) == std::vector<std::string>{"org"});
  CHECK(graph.requests[1].body.find("onPremisesLastPasswordSyncDateTime") == std::string::npos);
  CHECK(graph.waits.empty());
  CHECK_FALSE(result.query.password_sync_time);
  CHECK_FALSE(result.status.password_sync_time_reported);
}

TEST_CASE("graph: what the exchange throws reaches the caller") {
  Trace trace(0);
  Deadline deadline(milliseconds(30000));
  GraphQuery query;
  GraphExchange failing{[](const HttpRequest &, const RetryPolicy &) -> HttpResponse {
                          throw TransportError("could not connect to graph.microsoft.com");
                        },
                        RetryTiming{}};
  CHECK_THROWS_WITH_AS(fetch_sync_status(failing, endpoint, token, query, deadline, trace),
                       "could not connect to graph.microsoft.com", TransportError);
}
