// SPDX-License-Identifier: GPL-3.0-or-later
// The $batch request body and reading its answer: sub-responses by id, throttling, narrowing.
#include "lib/errors.hpp"
#include "lib/graph_batch.hpp"
#include "lib/json.hpp"

#include <chrono>
#include <cstdint>
#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;

namespace {

const std::string source = "graph.microsoft.com";
// The wall clock the sub-responses' Retry-After dates are read against.
const std::int64_t now = 1764500000;

// A 200 $batch answer with the given sub-responses.
HttpResponse batch_answer(const std::string &responses) {
  HttpResponse response;
  response.status = 200;
  response.content_type = "application/json;odata.metadata=minimal;charset=utf-8";
  response.body = R"({"responses":[)" + responses + "]}";
  return response;
}

const std::string org_ok =
    R"({"id":"org","status":200,"body":{"value":[{"onPremisesSyncEnabled":true,)"
    R"("onPremisesLastSyncDateTime":"2022-09-19T18:03:40Z",)"
    R"("onPremisesLastPasswordSyncDateTime":"2022-09-19T18:02:10Z"}]}})";
const std::string sync_ok =
    R"({"id":"sync","status":200,"body":{"value":[{"features":{"passwordSyncEnabled":true}}]}})";

std::size_t request_count(const std::string &body) {
  rapidjson::Document document = parse_json(body, "test");
  return document["requests"].Size();
}

} // namespace

TEST_CASE("graph_batch: batch_request_body") {
  std::string body = batch_request_body(GraphQuery{}, BatchState{});
  rapidjson::Document document = parse_json(body, "test");
  REQUIRE(document.IsObject());
  REQUIRE(document.MemberCount() == 1);
  const rapidjson::Value &requests = document["requests"];
  REQUIRE(requests.IsArray());
  REQUIRE(requests.Size() == 2);
  std::vector<std::string> ids;
  for (const rapidjson::Value &request : requests.GetArray()) {
    REQUIRE(request.IsObject());
    std::string id = request["id"].GetString();
    std::string url = request["url"].GetString();
    CHECK(std::string(request["method"].GetString()) == "GET");
    CAPTURE(url);
    CHECK(url.front() == '/');
    CHECK(url.find("beta") == std::string::npos); // relative to the batch's version
    CHECK(url.find("v1.0") == std::string::npos);
    CHECK(url.find("://") == std::string::npos);
    if (id == "org") {
      CHECK(url == "/organization?$select=id,verifiedDomains,onPremisesSyncEnabled,"
                   "onPremisesLastSyncDateTime,onPremisesLastPasswordSyncDateTime");
    } else if (id == "sync") {
      CHECK(url == "/directory/onPremisesSynchronization?$select=features,configuration");
    }
    ids.push_back(id);
  }
  CHECK(ids == std::vector<std::string>{"org", "sync"});
}

TEST_CASE("graph_batch: batch_request_body with one sub-request (a throttled retry)") {
  for (std::string answered : {"org", "sync"}) {
    CAPTURE(answered);
    BatchState state;
    state.answered.insert(answered);
    rapidjson::Document document = parse_json(batch_request_body(GraphQuery{}, state), "test");
    REQUIRE(document["requests"].IsArray());
    REQUIRE(document["requests"].Size() == 1);
    CHECK(std::string(document["requests"][0]["id"].GetString()) ==
          (answered == "org" ? "sync" : "org"));
  }
}

TEST_CASE("graph_batch: read_batch_answer fills SyncStatus from the sub-responses, in any order") {
  for (const std::string &responses : {org_ok + "," + sync_ok, sync_ok + "," + org_ok}) {
    BatchState state;
    GraphQuery query;
    read_batch_answer(batch_answer(responses), source, now, query, state);
    CHECK(batch_complete(GraphQuery{}, state));
    CHECK(state.status.sync_enabled == SyncEnabled::True);
    CHECK(state.status.last_dirsync == 1663610620);
    CHECK(state.status.password_sync_feature == PasswordSyncFeature::Enabled);
  }
}

TEST_CASE("graph_batch: a 403 names the permission: required fails, optional degrades") {
  const std::string denied =
      R"("status":403,"body":{"error":{"code":"Authorization_RequestDenied",)"
      R"("message":"Insufficient privileges to complete the operation."}}})";
  BatchState state;
  GraphQuery query;
  read_batch_answer(batch_answer(org_ok + R"(,{"id":"sync",)" + denied), source, now, query, state);
  CHECK(batch_complete(GraphQuery{}, state));
  CHECK(state.status.password_sync_feature == PasswordSyncFeature::Unreadable);
  CHECK(state.status.feature_note.find("OnPremDirectorySynchronization.Read.All") !=
        std::string::npos);

  BatchState refused;
  CHECK_THROWS_WITH_AS(read_batch_answer(batch_answer(sync_ok + R"(,{"id":"org",)" + denied),
                                         source, now, query, refused),
                       doctest::Contains("Organization.Read.All"), GraphError);
}

TEST_CASE(
    "graph_batch: a throttled sub-request stays pending; a missing one is an ApiFormatError") {
  BatchState state;
  GraphQuery query;
  read_batch_answer(batch_answer(org_ok + R"(,{"id":"sync","status":429,"headers":)"
                                          R"({"Retry-After":"2"},"body":{}})"),
                    source, now, query, state);
  CHECK(state.throttled);
  CHECK_FALSE(batch_complete(GraphQuery{}, state));
  CHECK(state.throttle_wait == std::chrono::milliseconds(2000));
  CHECK(request_count(batch_request_body(GraphQuery{}, state)) == 1);

  BatchState lacking;
  CHECK_THROWS_AS(read_batch_answer(batch_answer(org_ok), source, now, query, lacking),
                  ApiFormatError);
}

TEST_CASE(
    "graph_batch: a cloud whose schema lacks the password sync time is asked again without it") {
  const std::string unknown_property =
      R"({"id":"org","status":400,"body":{"error":{"code":"BadRequest","message":)"
      R"("Could not find a property named 'onPremisesLastPasswordSyncDateTime' on type )"
      R"('microsoft.graph.organization'."}}})";
  GraphQuery query;
  BatchState state;
  read_batch_answer(batch_answer(unknown_property + "," + sync_ok), source, now, query, state);
  CHECK(state.ask_again);
  CHECK_FALSE(query.password_sync_time);
  CHECK_FALSE(batch_complete(query, state));
  std::string again = batch_request_body(query, state);
  CHECK(again == R"({"requests":[{"id":"org","method":"GET","url":"/organization?$select=)"
                 R"(id,verifiedDomains,onPremisesSyncEnabled,onPremisesLastSyncDateTime"}]})");
  // Once only: the same answer to the narrowed query is a failure, not another round.
  BatchState second;
  second.answered.insert("sync");
  CHECK_THROWS_AS(read_batch_answer(batch_answer(unknown_property), source, now, query, second),
                  GraphError);
  // Another 400 is not taken for a missing property.
  GraphQuery other;
  BatchState third;
  CHECK_THROWS_AS(
      read_batch_answer(batch_answer(R"({"id":"org","status":400,"body":{"error":{"code":)"
                                     R"("BadRequest","message":"Invalid request."}}},)" +
                                     sync_ok),
                        source, now, other, third),
      GraphError);
  CHECK(other.password_sync_time);
}

TEST_CASE("graph_batch: the app's secrets: 403 names Application.Read.All, 404 another tenant") {
  GraphQuery query;
  query.application_client_id = "11111111-2222-3333-4444-555555555555";
  const std::string app_ok =
      R"({"id":"app","status":200,"body":{"passwordCredentials":[{"displayName":"monitoring",)"
      R"("hint":"abc","keyId":"8a3cd6f2-0b1c-4d5e-8f90-123456789abc",)"
      R"("endDateTime":"2026-12-10T08:00:00Z"}]}})";
  BatchState state;
  read_batch_answer(batch_answer(org_ok + "," + sync_ok + "," + app_ok), source, now, query, state);
  CHECK(batch_complete(query, state));
  REQUIRE(state.status.application.read);
  REQUIRE(state.status.application.secrets.size() == 1);
  CHECK(state.status.application.secrets[0].end == 1796889600);

  BatchState lacking;
  CHECK_THROWS_AS(
      read_batch_answer(batch_answer(org_ok + "," + sync_ok), source, now, query, lacking),
      ApiFormatError);

  BatchState denied;
  read_batch_answer(
      batch_answer(org_ok + "," + sync_ok +
                   R"(,{"id":"app","status":403,"body":{"error":{"code":)"
                   R"("Authorization_RequestDenied","message":"Insufficient privileges."}}})"),
      source, now, query, denied);
  CHECK(batch_complete(query, denied));
  CHECK_FALSE(denied.status.application.read);
  CHECK(denied.status.application.note ==
        "the client secret's end date not readable (HTTP 403 Authorization_RequestDenied: "
        "Insufficient privileges.): grant Application.Read.All to check it");

  BatchState missing;
  read_batch_answer(
      batch_answer(org_ok + "," + sync_ok +
                   R"(,{"id":"app","status":404,"body":{"error":{"code":)"
                   R"("Request_ResourceNotFound","message":"Resource does not exist."}}})"),
      source, now, query, missing);
  // An MSP's multi-tenant app: the note says where the secrets are and how to stop asking here.
  CHECK(missing.status.application.note ==
        "the client secret's end date not readable (HTTP 404 Request_ResourceNotFound: Resource "
        "does not exist.): the app is not registered in this tenant (a multi-tenant app: its "
        "secrets are in its home tenant; watch them there, and --credential-warning 0 "
        "--credential-critical 0 stops asking here)");
}
