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
