// SPDX-License-Identifier: GPL-3.0-or-later
// The table of Graph sub-requests: one $batch holds them all.
#include "lib/graph_batch.hpp"
#include "lib/graph_requests.hpp"
#include "lib/json.hpp"

#include <cstddef>
#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;

namespace {

std::size_t request_count(const std::string &body) {
  rapidjson::Document document = parse_json(body, "test");
  return document["requests"].Size();
}

} // namespace

TEST_CASE("graph_requests: one $batch holds every sub-request, within Graph's limit of 20") {
  CHECK(max_batch_requests == 20);
  std::vector<std::string> ids = sub_request_ids(GraphQuery{});
  CHECK(ids == std::vector<std::string>{"org", "sync"});
  CHECK(request_count(batch_request_body(GraphQuery{}, BatchState{})) == 2);
  CHECK(ids.size() <= 20);
}

TEST_CASE("graph_requests: the app's client secrets are asked for only with its client ID") {
  GraphQuery query;
  query.application_client_id = "11111111-2222-3333-4444-555555555555";
  CHECK(sub_request_ids(query) == std::vector<std::string>{"org", "sync", "app"});
  rapidjson::Document document = parse_json(batch_request_body(query, BatchState{}), "test");
  REQUIRE(document["requests"].Size() == 3);
  // application-get.md addresses an app by its client ID as /applications(appId='{appId}').
  CHECK(std::string(document["requests"][2]["url"].GetString()) ==
        "/applications(appId='11111111-2222-3333-4444-555555555555')"
        "?$select=passwordCredentials");
  CHECK(sub_request_ids(GraphQuery{}) == std::vector<std::string>{"org", "sync"});
}

TEST_CASE(
    "graph_requests: both credential thresholds 0: the app's client secrets are not asked for") {
  auto urls = [](std::int64_t warning, std::int64_t critical) {
    GraphQuery query;
    query.application_client_id = "11111111-2222-3333-4444-555555555555";
    query.credential = {warning, critical};
    rapidjson::Document document = parse_json(batch_request_body(query, BatchState{}), "test");
    std::vector<std::string> found;
    for (const rapidjson::Value &request : document["requests"].GetArray()) {
      found.emplace_back(request["url"].GetString());
    }
    return found;
  };
  const std::string application =
      "/applications(appId='11111111-2222-3333-4444-555555555555')?$select=passwordCredentials";
  std::vector<std::string> off = urls(0, 0);
  CHECK(off.size() == 2); // the organization and the sync settings: the check itself
  for (const std::string &url : off) {
    CHECK(url.find("/applications") == std::string::npos);
  }
  // One threshold 0 keeps the other alert, and so the read.
  CHECK(urls(0, 7 * 86400).size() == 3);
  CHECK(urls(0, 7 * 86400).back() == application);
  CHECK(urls(30 * 86400, 0).back() == application);
  CHECK(urls(1, 0).back() == application);
}
