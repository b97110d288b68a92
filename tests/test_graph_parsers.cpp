// SPDX-License-Identifier: GPL-3.0-or-later
// Parsing Graph's organization and onPremisesSynchronization answers.
#include "lib/errors.hpp"
#include "lib/graph_parsers.hpp"
#include "lib/json.hpp"

#include <doctest/doctest.h>
#include <string>
#include <string_view>
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

// The body parsed as JSON, then read by `reader` into a fresh SyncStatus.
SyncStatus read_with(void (*reader)(const rapidjson::Value &, std::string_view, SyncStatus &),
                     const std::string &body) {
  rapidjson::Document document = parse_json(body, source);
  SyncStatus status;
  reader(document, source, status);
  return status;
}

SyncStatus organization(const std::string &body) {
  return read_with(parse_organization, body);
}

SyncStatus features(const std::string &body) {
  return read_with(parse_sync_features, body);
}

// Each body is refused by `read` with an ApiFormatError; a failure names the body.
void check_each_refused(SyncStatus (*read)(const std::string &),
                        const std::vector<const char *> &bodies) {
  for (const char *body : bodies) {
    INFO("body := " << std::string(body));
    CHECK_THROWS_AS(read(body), ApiFormatError);
  }
}

// One organization object with the given members, as a collection.
std::string organization_with(const std::string &members) {
  return R"({"value":[{"id":"b93319e6-0000-0000-0000-000000000000")" +
         (members.empty() ? "" : "," + members) + "}]}";
}

} // namespace

TEST_CASE("graph_parsers: parse_organization on the reference payloads") {
  SyncStatus synced = organization(synced_collection);
  CHECK(synced.sync_enabled == SyncEnabled::True);
  CHECK(synced.last_dirsync == 1663610620);       // 2022-09-19T18:03:40Z
  CHECK(synced.last_password_sync == 1663610530); // 2022-09-19T18:02:10Z

  SyncStatus cloud_only = organization(cloud_only_collection);
  CHECK(cloud_only.sync_enabled == SyncEnabled::Null);
  CHECK_FALSE(cloud_only.last_dirsync.has_value());
  CHECK_FALSE(cloud_only.last_password_sync.has_value()); // missing key: no data
}

TEST_CASE("graph_parsers: parse_organization reads the tenant's id and verified domains") {
  SyncStatus status = organization(organization_with(
      R"("verifiedDomains":[{"capabilities":"Email, OfficeCommunicationsOnline","isDefault":true,)"
      R"("isInitial":false,"name":"contoso.com","type":"Managed"},)"
      R"({"isDefault":false,"isInitial":true,"name":"contoso.onmicrosoft.com","type":"Managed"}])"));
  CHECK(status.tenant.id == "b93319e6-0000-0000-0000-000000000000");
  CHECK(status.tenant.verified_domains ==
        std::vector<std::string>{"contoso.com", "contoso.onmicrosoft.com"});
  CHECK(status.tenant.initial_domain == "contoso.onmicrosoft.com");
  for (const char *members : {R"("verifiedDomains":"contoso.com")", R"("verifiedDomains":[1])",
                              R"("verifiedDomains":[{"isInitial":true}])"}) {
    INFO("members := " << std::string(members));
    CHECK_THROWS_AS(organization(organization_with(members)), ApiFormatError);
  }
  CHECK_THROWS_AS(organization(R"({"value":[{"id":42}]})"), ApiFormatError);
}

TEST_CASE("graph_parsers: parse_organization on a single entity") {
  SyncStatus entity = organization(
      R"({"@odata.context":"https://graph.microsoft.com/beta/$metadata#organization/$entity",)"
      R"("id":"b93319e6-0000-0000-0000-000000000000","onPremisesSyncEnabled":false,)"
      R"("onPremisesLastSyncDateTime":"2022-09-19T18:03:40Z",)"
      R"("onPremisesLastPasswordSyncDateTime":null})");
  CHECK(entity.sync_enabled == SyncEnabled::False);
  CHECK(entity.last_dirsync == 1663610620);
  CHECK_FALSE(entity.last_password_sync.has_value());
}

TEST_CASE("graph_parsers: onPremisesSyncEnabled true, false, null, missing") {
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

TEST_CASE("graph_parsers: timestamps with fractions and offsets") {
  SyncStatus sync = organization(
      organization_with(R"("onPremisesSyncEnabled":true,)"
                        R"("onPremisesLastSyncDateTime":"2022-09-19T20:03:40.1234567+02:00",)"
                        R"("onPremisesLastPasswordSyncDateTime":"2022-09-19T12:32:10.5-05:30")"));
  CHECK(sync.last_dirsync == 1663610620);
  CHECK(sync.last_password_sync == 1663610530);
}

TEST_CASE("graph_parsers: wrong types and shapes are ApiFormatError") {
  const std::vector<const char *> bodies = {
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
  };
  check_each_refused(organization, bodies);
}

TEST_CASE("graph_parsers: an empty organization list is an ApiFormatError naming the source") {
  CHECK_THROWS_WITH_AS(organization(R"({"value":[]})"),
                       doctest::Contains("unexpected answer from graph.microsoft.com"),
                       ApiFormatError);
}

TEST_CASE("graph_parsers: parse_sync_features") {
  SyncStatus disabled = features(features_entity);
  CHECK(disabled.password_sync_feature == PasswordSyncFeature::Disabled);
  CHECK(disabled.sync_client.version == "2.1.16.0");
  CHECK(disabled.sync_client.machine == "ABCD-SYNC-01");
  CHECK(disabled.sync_client.service_account == "Synchronization-01@contoso.com");
  CHECK(disabled.sync_client.interval_seconds == 1800);           // PT30M
  CHECK(disabled.sync_client.requested_interval_seconds == 3600); // PT1H

  SyncStatus enabled = features(features_collection);
  CHECK(enabled.password_sync_feature == PasswordSyncFeature::Enabled);

  SyncStatus minimal = features(R"({"value":[{"features":{"passwordSyncEnabled":true}}]})");
  CHECK(minimal.password_sync_feature == PasswordSyncFeature::Enabled);

  SyncStatus null_flag = features(R"({"value":[{"features":{"passwordSyncEnabled":null}}]})");
  CHECK(null_flag.password_sync_feature == PasswordSyncFeature::Unreadable);
  CHECK(null_flag.feature_note.find("features.passwordSyncEnabled is null") != std::string::npos);
  CHECK(null_flag.feature_note.find("judged by timestamps") != std::string::npos);

  SyncStatus empty = features(R"({"value":[]})");
  CHECK(empty.password_sync_feature == PasswordSyncFeature::Unreadable);
  CHECK_FALSE(empty.feature_note.empty());
}

TEST_CASE("graph_parsers: sync client facts missing, null or odd are left out, never refused") {
  for (
      const char *configuration :
      {R"("configuration":null)", R"("configuration":{})", R"("configuration":"x")",
       R"("configuration":{"synchronizationClientVersion":null,"currentExportData":null,)"
       R"("synchronizationInterval":null})",
       R"("configuration":{"synchronizationClientVersion":2,"currentExportData":[],)"
       R"("synchronizationInterval":"30 minutes","customerRequestedSynchronizationInterval":"PT"})",
       R"("configuration":{"synchronizationInterval":"PT1H30M5S5"})"}) {
    INFO("configuration := " << std::string(configuration));
    SyncStatus status = features(std::string(R"({"value":[{)") + configuration +
                                 R"(,"features":{"passwordSyncEnabled":true}}]})");
    CHECK(status.password_sync_feature == PasswordSyncFeature::Enabled);
    CHECK(status.sync_client.version.empty());
    CHECK(status.sync_client.machine.empty());
    CHECK(status.sync_client.interval_seconds == 0);
    CHECK(status.sync_client.requested_interval_seconds == 0);
  }
  SyncStatus days = features(R"({"value":[{"configuration":{"synchronizationInterval":"P1DT2H",)"
                             R"("currentExportData":{"clientMachineName":"AADC"}},)"
                             R"("features":{"passwordSyncEnabled":true}}]})");
  CHECK(days.sync_client.interval_seconds == 93600);
  CHECK(days.sync_client.machine == "AADC");
  CHECK(days.sync_client.service_account.empty());
}

TEST_CASE("graph_parsers: parse_sync_features rejects a missing or mistyped flag") {
  const std::vector<const char *> bodies = {
      R"({"value":[{"id":"x"}]})",
      R"({"value":[{"features":null}]})",
      R"({"value":[{"features":{}}]})",
      R"({"value":[{"features":{"passwordSyncEnabled":"true"}}]})",
      R"({"value":[{"features":{"passwordSyncEnabled":1}}]})",
      R"({"value":[{"features":[true]}]})",
      R"({"id":"x"})",
      R"({"value":{}})",
      R"({"value":[1]})",
      R"([])",
      R"(null)",
  };
  check_each_refused(features, bodies);
}

TEST_CASE("graph_parsers: deeply nested documents are neither an organization nor features") {
  // The parser itself copes with the depth (test_json.cpp); the readers must refuse the shapes.
  const std::size_t depth = 100000;
  std::string balanced = std::string(depth, '[') + std::string(depth, ']');
  rapidjson::Document arrays = parse_json(balanced, source);
  SyncStatus status;
  CHECK_THROWS_AS(parse_organization(arrays, source, status), ApiFormatError);
  CHECK_THROWS_AS(parse_sync_features(arrays, source, status), ApiFormatError);

  std::string objects;
  for (std::size_t i = 0; i < depth; ++i) {
    objects += "{\"value\":";
  }
  objects += "1" + std::string(depth, '}');
  rapidjson::Document nested = parse_json(objects, source);
  CHECK_THROWS_AS(parse_organization(nested, source, status), ApiFormatError);

  std::string in_value = R"({"value":[)" + balanced + "]}";
  rapidjson::Document deep_value = parse_json(in_value, source);
  CHECK_THROWS_AS(parse_organization(deep_value, source, status), ApiFormatError);
}

namespace {

ApplicationSecrets application(const std::string &body) {
  return read_with(parse_application, body).application;
}

} // namespace

TEST_CASE("graph_parsers: parse_application reads each passwordCredential") {
  // Microsoft's passwordCredential: customKeyIdentifier, displayName, endDateTime (optional),
  // hint, keyId, secretText (null once created), startDateTime.
  ApplicationSecrets read = application(
      R"({"@odata.context":"https://graph.microsoft.com/beta/$metadata#applications()"
      R"((passwordCredentials)/$entity","passwordCredentials":[)"
      R"({"customKeyIdentifier":null,"displayName":"monitoring","endDateTime":)"
      R"("2026-12-10T08:00:00.1234567Z","hint":"q~Z","keyId":"8a3cd6f2-0b1c-4d5e-8f90-)"
      R"(123456789abc","secretText":null,"startDateTime":"2025-12-10T08:00:00Z"},)"
      R"({"displayName":null,"hint":null,"keyId":"1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b",)"
      R"("endDateTime":null},{"displayName":"undated"}]})");
  REQUIRE(read.read);
  CHECK(read.note.empty());
  REQUIRE(read.secrets.size() == 3);
  CHECK(read.secrets[0].display_name == "monitoring");
  CHECK(read.secrets[0].hint == "q~Z");
  CHECK(read.secrets[0].key_id == "8a3cd6f2-0b1c-4d5e-8f90-123456789abc");
  CHECK(read.secrets[0].end == 1796889600);
  CHECK(read.secrets[1].display_name.empty());
  CHECK(read.secrets[1].hint.empty());
  CHECK_FALSE(read.secrets[1].end.has_value());
  CHECK_FALSE(read.secrets[2].end.has_value());
}

TEST_CASE("graph_parsers: parse_application: no list is no secret, an odd one is a note") {
  CHECK(application(R"({"passwordCredentials":[]})").read);
  CHECK(application(R"({"passwordCredentials":null})").secrets.empty());
  CHECK(application(R"({})").read);
  for (const char *odd :
       {R"({"passwordCredentials":"abc"})", R"({"passwordCredentials":[{"endDateTime":"soon"}]})",
        R"({"passwordCredentials":[{"endDateTime":12}]})", R"({"passwordCredentials":[7]})"}) {
    CAPTURE(odd);
    ApplicationSecrets unread = application(odd);
    CHECK_FALSE(unread.read);
    CHECK_FALSE(unread.note.empty());
    CHECK(unread.secrets.empty());
  }
}

TEST_CASE("graph_parsers: parse_application sanitises what it will show, cuts what is long") {
  ApplicationSecrets read = application(R"({"passwordCredentials":[{"displayName":"a|b\u001b[31m)" +
                                        std::string(200, 'x') + R"(","hint":"abc"}]})");
  REQUIRE(read.secrets.size() == 1);
  CHECK(read.secrets[0].display_name.find('|') == std::string::npos);
  CHECK(read.secrets[0].display_name.find('\x1b') == std::string::npos);
  CHECK(read.secrets[0].display_name.size() == 80);
}
