// SPDX-License-Identifier: GPL-3.0-or-later
// Graph's organization and onPremisesSynchronization answers into SyncStatus.
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

} // namespace cps
