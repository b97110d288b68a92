// SPDX-License-Identifier: GPL-3.0-or-later
// Graph's organization, onPremisesSynchronization and application answers into SyncStatus.
#pragma once

#include "sync_status.hpp"

#include <rapidjson/document.h>
#include <string>
#include <string_view>

namespace cps {

// The body of a 200 answer to GET /organization (a collection with one object) into status.
// Throws ApiFormatError.
void parse_organization(const rapidjson::Value &body, std::string_view source, SyncStatus &status);

// The body of a 200 answer to GET /directory/onPremisesSynchronization into status.
void parse_sync_features(const rapidjson::Value &body, std::string_view source, SyncStatus &status);

// The feature flag cannot be read (why says how): the verdict then goes by the timestamps.
void feature_unreadable(SyncStatus &status, const std::string &why);

// The body of a 200 answer to GET /applications(appId='...')?$select=passwordCredentials (one
// application entity) into status.application. An odd list is noted there, never thrown: the
// credential's end date is an extra, not what the check is for.
void parse_application(const rapidjson::Value &body, std::string_view source, SyncStatus &status);

// The app's client secrets cannot be listed (why says how): their end date is not judged.
void application_unreadable(SyncStatus &status, const std::string &why);

} // namespace cps
