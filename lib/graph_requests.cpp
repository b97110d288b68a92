// SPDX-License-Identifier: GPL-3.0-or-later
// The table of Graph sub-requests of the $batch: the one place a reading is added.
#include "graph_requests.hpp"

#include "graph_parsers.hpp"

#include <iterator>

namespace cps {
namespace {

std::string organization_url(const GraphQuery &query) {
  // onPremisesLastPasswordSyncDateTime is beta-only (absent from msgraph-metadata
  // schemas/v1.0-Prod.csdl), hence the beta $batch.
  // id and verifiedDomains name the tenant that answered (checked against -T).
  return std::string("/organization?$select=id,verifiedDomains,onPremisesSyncEnabled,"
                     "onPremisesLastSyncDateTime") +
         (query.password_sync_time ? ",onPremisesLastPasswordSyncDateTime" : "");
}

bool without_password_sync_time(GraphQuery &query) {
  bool asked = query.password_sync_time;
  query.password_sync_time = false;
  return asked;
}

std::string sync_features_url(const GraphQuery &) {
  // configuration carries the sync client's facts (beta: synchronizationClientVersion,
  // currentExportData, synchronizationInterval; msgraph-metadata schemas/beta-USNat.csdl).
  return "/directory/onPremisesSynchronization?$select=features,configuration";
}

// The app's own entry, addressed by its client ID (application-get.md: "GET
// /applications(appId='{appId}')"). Only passwordCredentials: a certificate's end date is read
// from its file, and a $select of keyCredentials returns the public keys and is throttled at 150
// requests a minute per tenant (same page).
std::string application_url(const GraphQuery &query) {
  return "/applications(appId='" + query.application_client_id + "')?$select=passwordCredentials";
}

// Only for a client secret, and only when its end date can raise an alert (not both thresholds
// 0): an MSP that watches the secret in its home tenant turns the alerts off in its customers'
// tenants, where the application read answers 404 and would spend, for a detail line, resource
// units of the app's identity-and-access throttling budget in that tenant (throttling.md: a
// token bucket per app and tenant).
bool application_wanted(const GraphQuery &query) {
  return !query.application_client_id.empty() && !query.credential.off();
}

const SubRequest sub_requests[] = {
    // The password sync time is absent from the beta organization of beta-GovSG, beta-USNat and
    // beta-USSec (msgraph-metadata schemas/*.csdl, 2026-08): Graph there answers 400.
    {"org", organization_url, nullptr, Need::Required, "the organization", "Organization.Read.All",
     nullptr, parse_organization, nullptr, "onPremisesLastPasswordSyncDateTime",
     without_password_sync_time},
    // App-only access is "Not supported" in Microsoft's permission table, yet works in practice
    // (graph-api reference, section 2): optional, and a 403 degrades to the timestamps.
    {"sync", sync_features_url, nullptr, Need::Optional, "password hash sync feature flag",
     "OnPremDirectorySynchronization.Read.All", nullptr, parse_sync_features, feature_unreadable,
     nullptr, nullptr},
    // The app's client secrets, when application_wanted says so. Application.Read.All is the least
    // privileged application permission for it (application-get.md). A multi-tenant app seen from
    // a customer's tenant has only a service principal there: its application object, and so its
    // secrets, live in its home tenant, and Graph answers 404.
    {"app", application_url, application_wanted, Need::Optional, "the client secret's end date",
     "Application.Read.All",
     "the app is not registered in this tenant (a multi-tenant app: its secrets are in its home "
     "tenant; watch them there, and --credential-warning 0 --credential-critical 0 stops asking "
     "here)",
     parse_application, application_unreadable, nullptr, nullptr},
};
static_assert(std::size(sub_requests) <= max_batch_requests, "Graph takes 20 per $batch");

} // namespace

SubRequestTable graph_sub_requests() {
  return {std::begin(sub_requests), std::end(sub_requests)};
}

const SubRequest *find_sub_request(std::string_view id) {
  for (const SubRequest &entry : sub_requests) {
    if (id == entry.id) {
      return &entry;
    }
  }
  return nullptr;
}

bool asks_for(const SubRequest &entry, const GraphQuery &query) {
  return entry.wanted == nullptr || entry.wanted(query);
}

std::vector<std::string> sub_request_ids(const GraphQuery &query) {
  std::vector<std::string> ids;
  for (const SubRequest &entry : sub_requests) {
    if (asks_for(entry, query)) {
      ids.emplace_back(entry.id);
    }
  }
  return ids;
}

} // namespace cps
