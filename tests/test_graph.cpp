// SPDX-License-Identifier: GPL-3.0-or-later
// The $batch request body and parsing Graph's organization and onPremisesSynchronization answers.
#include "lib/errors.hpp"
#include "lib/graph.hpp"
#include "lib/json.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;

namespace {

const std::string source = "graph.microsoft.com";

// The reference's beta example for a synced tenant with password hash sync.
const char *synced_collection = R"json({
  "@odata.context": "https://graph.microsoft.com/beta/$metadata#organization(id,onPremisesSyncEnabled,onPremisesLastSyncDateTime,onPremisesLastPasswordSyncDateTime)",
  "value": [
    {
      "id": "b93319e6-0000-0000-0000-000000000000",
      "onPremisesSyncEnabled": true,
      "onPremisesLastSyncDateTime": "2022-09-19T18:03:40Z",
      "onPremisesLastPasswordSyncDateTime": "2022-09-19T18:02:10Z"
    }
  ]
})json";

// The reference's v1.0 example for a cloud-only tenant.
const char *cloud_only_collection = R"json({
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#organization(id,displayName,onPremisesSyncEnabled,onPremisesLastSyncDateTime)",
  "value": [
    {
      "id": "84841066-274d-4ec0-a5c1-276be684bdd3",
      "displayName": "Contoso",
      "onPremisesSyncEnabled": null,
      "onPremisesLastSyncDateTime": null
    }
  ]
})json";

// The reference's documented beta single entity (passwordSyncEnabled false), trimmed of nothing
// that matters to the parser.
const char *features_entity = R"json({
  "@odata.context": "https://graph.microsoft.com/beta/$metadata#directory/onPremisesSynchronization/$entity",
  "id": "12cce4b4-4ab8-40b7-be4d-f5d7742ec185",
  "configuration": {
    "accidentalDeletionPrevention": { "synchronizationPreventionType": "enabledForCount", "alertThreshold": 500 },
    "synchronizationInterval": "PT30M",
    "customerRequestedSynchronizationInterval": "PT1H",
    "anchorAttribute": "extensionAttribute4",
    "applicationId": "1651564e-7ce4-4d99-88be-0a65050d8dc3",
    "synchronizationClientVersion": "2.1.16.0",
    "currentExportData": {
      "pendingObjectsAddition": 63, "pendingObjectsDeletion": 18, "pendingObjectsUpdate": 290,
      "successfulLinksProvisioningCount": 0, "successfulObjectsProvisioningCount": 0,
      "clientMachineName": "ABCD-SYNC-01", "serviceAccount": "Synchronization-01@contoso.com",
      "totalConnectorSpaceObjects": 123456789
    },
    "writebackConfiguration": { "unifiedGroupContainer": "unified-group-container-value", "userContainer": "user-container-value" }
  },
  "features": {
    "passwordSyncEnabled": false, "passwordWritebackEnabled": false, "directoryExtensionsEnabled": false,
    "quarantineUponUpnConflictEnabled": true, "quarantineUponProxyAddressesConflictEnabled": true,
    "softMatchOnUpnEnabled": true, "cloudPasswordPolicyForPasswordSyncedUsersEnabled": false,
    "fopeConflictResolutionEnabled": false, "unifiedGroupWritebackEnabled": false, "userWritebackEnabled": false,
    "deviceWritebackEnabled": false, "synchronizeUpnForManagedUsersEnabled": true,
    "userForcePasswordChangeOnLogonEnabled": false, "concurrentOrgIdProvisioningEnabled": false,
    "concurrentCredentialUpdateEnabled": false, "groupWriteBackEnabled": false, "blockSoftMatchEnabled": false,
    "blockCloudObjectTakeoverThroughHardMatchEnabled": false, "bypassDirSyncOverridesEnabled": false
  }
})json";

// The reference's v1.0 collection (passwordSyncEnabled true).
const char *features_collection = R"json({
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directory/onPremisesSynchronization",
  "value": [
    {
      "id": "12cce4b4-4ab8-40b7-be4d-f5d7742ec185",
      "configuration": {
        "accidentalDeletionPrevention": { "synchronizationPreventionType": "enabledForCount", "alertThreshold": 500 }
      },
      "features": {
        "passwordSyncEnabled": true,
        "passwordWritebackEnabled": false,
        "directoryExtensionsEnabled": false
      }
    }
  ]
})json";

OrganizationSync organization(const std::string &body) {
  rapidjson::Document document = parse_json(body, source);
  return parse_organization(document, source);
}

FeatureReading features(const std::string &body) {
  rapidjson::Document document = parse_json(body, source);
  return parse_sync_features(document, source);
}

// One organization object with the given members, as a collection.
std::string organization_with(const std::string &members) {
  return R"({"value":[{"id":"b93319e6-0000-0000-0000-000000000000")" +
         (members.empty() ? "" : "," + members) + "}]}";
}

} // namespace

TEST_CASE("graph: batch_request_body") {
  std::string body = batch_request_body(true, true);
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
      CHECK(url == "/organization?$select=onPremisesSyncEnabled,onPremisesLastSyncDateTime,"
                   "onPremisesLastPasswordSyncDateTime");
    } else if (id == "sync") {
      CHECK(url == "/directory/onPremisesSynchronization?$select=features");
    }
    ids.push_back(id);
  }
  CHECK(ids == std::vector<std::string>{"org", "sync"});
}

TEST_CASE("graph: batch_request_body with one sub-request (a throttled retry)") {
  for (bool org : {true, false}) {
    CAPTURE(org);
    rapidjson::Document document = parse_json(batch_request_body(org, !org), "test");
    REQUIRE(document["requests"].IsArray());
    REQUIRE(document["requests"].Size() == 1);
    CHECK(std::string(document["requests"][0]["id"].GetString()) == (org ? "org" : "sync"));
  }
}

TEST_CASE("graph: parse_organization on the reference payloads") {
  OrganizationSync synced = organization(synced_collection);
  CHECK(synced.sync_enabled == SyncEnabled::True);
  CHECK(synced.last_dirsync == 1663610620);       // 2022-09-19T18:03:40Z
  CHECK(synced.last_password_sync == 1663610530); // 2022-09-19T18:02:10Z

  OrganizationSync cloud_only = organization(cloud_only_collection);
  CHECK(cloud_only.sync_enabled == SyncEnabled::Null);
  CHECK_FALSE(cloud_only.last_dirsync.has_value());
  CHECK_FALSE(cloud_only.last_password_sync.has_value()); // missing key: no data
}

TEST_CASE("graph: parse_organization on a single entity") {
  OrganizationSync entity = organization(
      R"({"@odata.context":"https://graph.microsoft.com/beta/$metadata#organization/$entity",)"
      R"("id":"b93319e6-0000-0000-0000-000000000000","onPremisesSyncEnabled":false,)"
      R"("onPremisesLastSyncDateTime":"2022-09-19T18:03:40Z",)"
      R"("onPremisesLastPasswordSyncDateTime":null})");
  CHECK(entity.sync_enabled == SyncEnabled::False);
  CHECK(entity.last_dirsync == 1663610620);
  CHECK_FALSE(entity.last_password_sync.has_value());
}

TEST_CASE("graph: onPremisesSyncEnabled true, false, null, missing") {
  struct Case {
    const char *members;
    SyncEnabled expected;
  };
  for (const Case &row : std::vector<Case>{{R"("onPremisesSyncEnabled":true)", SyncEnabled::True},
                                           {R"("onPremisesSyncEnabled":false)", SyncEnabled::False},
                                           {R"("onPremisesSyncEnabled":null)", SyncEnabled::Null},
                                           {"", SyncEnabled::Null}}) {
    INFO("row.members := " << std::string(row.members));
    CHECK(organization(organization_with(row.members)).sync_enabled == row.expected);
  }
}

TEST_CASE("graph: timestamps with fractions and offsets") {
  OrganizationSync sync = organization(
      organization_with(R"("onPremisesSyncEnabled":true,)"
                        R"("onPremisesLastSyncDateTime":"2022-09-19T20:03:40.1234567+02:00",)"
                        R"("onPremisesLastPasswordSyncDateTime":"2022-09-19T12:32:10.5-05:30")"));
  CHECK(sync.last_dirsync == 1663610620);
  CHECK(sync.last_password_sync == 1663610530);
}

TEST_CASE("graph: wrong types and shapes are ApiFormatError") {
  for (const char *body : {
           R"({"value":[{"onPremisesSyncEnabled":"true"}]})",
           R"({"value":[{"onPremisesSyncEnabled":1}]})",
           R"({"value":[{"onPremisesSyncEnabled":[]}]})",
           R"({"value":[{"onPremisesLastSyncDateTime":1663610620}]})",
           R"({"value":[{"onPremisesLastSyncDateTime":true}]})",
           R"({"value":[{"onPremisesLastSyncDateTime":{}}]})",
           R"({"value":[{"onPremisesLastSyncDateTime":"yesterday"}]})",
           R"({"value":[{"onPremisesLastSyncDateTime":""}]})",
           R"({"value":[{"onPremisesLastPasswordSyncDateTime":"2022-09-19T18:02:10"}]})",
           R"({"value":[{"onPremisesLastPasswordSyncDateTime":"2023-02-29T18:02:10Z"}]})",
           R"({"value":[{"onPremisesLastPasswordSyncDateTime":1.5}]})",
           R"({"value":[]})",
           R"({"value":{}})",
           R"({"value":null})",
           R"({"value":"x"})",
           R"({"value":[1]})",
           R"({"value":[null]})",
           R"({"value":[[]]})",
           R"([])",
           R"([{"onPremisesSyncEnabled":true}])",
           R"("organization")",
           R"(null)",
           R"(42)",
       }) {
    INFO("body := " << std::string(body));
    CHECK_THROWS_AS(organization(body), ApiFormatError);
  }
}

TEST_CASE("graph: an empty organization list is an ApiFormatError naming the source") {
  CHECK_THROWS_WITH_AS(organization(R"({"value":[]})"),
                       doctest::Contains("unexpected answer from graph.microsoft.com"),
                       ApiFormatError);
}

TEST_CASE("graph: parse_sync_features") {
  FeatureReading disabled = features(features_entity);
  CHECK(disabled.feature == PasswordSyncFeature::Disabled);

  FeatureReading enabled = features(features_collection);
  CHECK(enabled.feature == PasswordSyncFeature::Enabled);

  FeatureReading minimal = features(R"({"value":[{"features":{"passwordSyncEnabled":true}}]})");
  CHECK(minimal.feature == PasswordSyncFeature::Enabled);

  FeatureReading empty = features(R"({"value":[]})");
  CHECK(empty.feature == PasswordSyncFeature::Unreadable);
  CHECK_FALSE(empty.note.empty());
}

TEST_CASE("graph: parse_sync_features rejects a missing or mistyped flag") {
  for (const char *body : {
           R"({"value":[{"id":"x"}]})",
           R"({"value":[{"features":null}]})",
           R"({"value":[{"features":{}}]})",
           R"({"value":[{"features":{"passwordSyncEnabled":null}}]})",
           R"({"value":[{"features":{"passwordSyncEnabled":"true"}}]})",
           R"({"value":[{"features":{"passwordSyncEnabled":1}}]})",
           R"({"value":[{"features":[true]}]})",
           R"({"id":"x"})",
           R"({"value":{}})",
           R"({"value":[1]})",
           R"([])",
           R"(null)",
       }) {
    INFO("body := " << std::string(body));
    CHECK_THROWS_AS(features(body), ApiFormatError);
  }
}

TEST_CASE("graph: parse_json rejects invalid JSON with ApiFormatError") {
  for (const char *body : {"", " ", "{", "}", "{\"a\":}", "[1,]", "<html></html>", "nul",
                           "{\"a\":1}{", "\"unterminated", "{'a':1}"}) {
    INFO("body := " << std::string(body));
    CHECK_THROWS_WITH_AS(parse_json(body, source), doctest::Contains("graph.microsoft.com"),
                         ApiFormatError);
  }
  // The view's length counts, not a terminating NUL.
  std::string padded = "{\"a\":1}garbage";
  CHECK_NOTHROW(parse_json(std::string_view(padded).substr(0, 7), source));
}

TEST_CASE("graph: deeply nested JSON neither crashes nor recurses") {
  const std::size_t depth = 100000;
  std::string open(depth, '[');
  CHECK_THROWS_AS(parse_json(open, source), ApiFormatError);

  std::string balanced = open + std::string(depth, ']');
  rapidjson::Document arrays = parse_json(balanced, source);
  CHECK(arrays.IsArray());
  CHECK_THROWS_AS(parse_organization(arrays, source), ApiFormatError);
  CHECK_THROWS_AS(parse_sync_features(arrays, source), ApiFormatError);

  std::string objects;
  for (std::size_t i = 0; i < depth; ++i) {
    objects += "{\"value\":";
  }
  objects += "1" + std::string(depth, '}');
  rapidjson::Document nested = parse_json(objects, source);
  CHECK_THROWS_AS(parse_organization(nested, source), ApiFormatError);

  std::string in_value = R"({"value":[)" + balanced + "]}";
  rapidjson::Document deep_value = parse_json(in_value, source);
  CHECK_THROWS_AS(parse_organization(deep_value, source), ApiFormatError);
}

TEST_CASE("graph: member and string_member") {
  rapidjson::Document document = parse_json(R"({"s":"a\u0000b","n":1,"o":{}})", source);
  REQUIRE(string_member(document, "s").has_value());
  CHECK(string_member(document, "s")->size() == 3); // embedded NUL kept
  CHECK_FALSE(string_member(document, "n").has_value());
  CHECK_FALSE(string_member(document, "missing").has_value());
  CHECK(member(document, "o") != nullptr);
  CHECK(member(document["n"], "x") == nullptr); // not an object
}
