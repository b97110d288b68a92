// SPDX-License-Identifier: GPL-3.0-or-later
// The table of Graph sub-requests of the $batch: the one place a reading is added.
#pragma once

#include "credential_expiry.hpp"
#include "sync_status.hpp"

#include <cstddef>
#include <rapidjson/document.h>
#include <string>
#include <string_view>
#include <vector>

namespace cps {

// Graph's limit on the sub-requests of one $batch (json-batching.md: "at most 20").
constexpr std::size_t max_batch_requests = 20;

// What this check asks Graph for; the table of sub-requests reads it.
struct GraphQuery {
  // onPremisesLastPasswordSyncDateTime in the organization's $select. Cleared when Graph answers
  // that its schema has no such property; the caller may remember that for the tenant.
  bool password_sync_time = true;
  // The app whose client secrets to list (the credential in use is one of them); empty: the
  // application is not asked for.
  std::string application_client_id;
  // --credential-warning and --credential-critical: with both 0 no alert can come from the
  // secret's end date, and the app's secrets are not asked for either.
  CredentialThresholds credential;
};

enum class Need { Required, Optional };

// Fills the sub-request's part of SyncStatus from a 200 body; throws ApiFormatError.
using Parser = void (*)(const rapidjson::Value &body, std::string_view source, SyncStatus &status);
// An optional reading Graph would not give (403, 404, throttled): records why in the status.
using Fallback = void (*)(SyncStatus &status, const std::string &why);
// Takes a property the cloud's schema lacks out of the query; false when it was not asked for.
using Narrow = bool (*)(GraphQuery &query);
// Whether this query makes the sub-request at all.
using Wanted = bool (*)(const GraphQuery &query);

// One Graph sub-request of the $batch. Adding a reading is one entry in the table and its parser.
struct SubRequest {
  const char *id;
  std::string (*url)(const GraphQuery &query); // relative to the $batch's version, with $select
  Wanted wanted;                               // nullptr: every query makes it
  Need need;
  const char *subject;    // how messages name what it reads
  const char *permission; // the application permission a 403 asks for
  const char *not_found;  // what a 404 means, or nullptr when it is an ordinary failure
  Parser parse;
  Fallback fallback;    // Optional entries only
  const char *may_lack; // a $select property some clouds' schemas lack, or nullptr
  Narrow narrow;        // drops may_lack from the query
};

// The table, in the order the $batch lists its sub-requests, for range-for.
struct SubRequestTable {
  const SubRequest *first;
  const SubRequest *last;
  const SubRequest *begin() const { return first; }
  const SubRequest *end() const { return last; }
};
SubRequestTable graph_sub_requests();

// The entry with this id, or nullptr.
const SubRequest *find_sub_request(std::string_view id);

// True when the query makes this sub-request: the one place that decides it.
bool asks_for(const SubRequest &entry, const GraphQuery &query);

// The ids of the sub-requests the query makes, in the table's order.
std::vector<std::string> sub_request_ids(const GraphQuery &query);

} // namespace cps
