// SPDX-License-Identifier: GPL-3.0-or-later
// Microsoft Graph: one beta $batch for the organization's sync state and the password-sync feature.
#pragma once

#include "deadline.hpp"
#include "http.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <rapidjson/document.h>
#include <string>
#include <string_view>

namespace cps {

enum class SyncEnabled { True, False, Null };
enum class PasswordSyncFeature { Enabled, Disabled, Unreadable };

struct SyncStatus {
  SyncEnabled sync_enabled = SyncEnabled::Null;
  std::optional<std::int64_t> last_dirsync;       // onPremisesLastSyncDateTime, Unix seconds
  std::optional<std::int64_t> last_password_sync; // onPremisesLastPasswordSyncDateTime
  PasswordSyncFeature password_sync_feature = PasswordSyncFeature::Unreadable;
  std::string feature_note; // why the feature flag could not be read
};

struct OrganizationSync {
  SyncEnabled sync_enabled = SyncEnabled::Null;
  std::optional<std::int64_t> last_dirsync;
  std::optional<std::int64_t> last_password_sync;
};

struct FeatureReading {
  PasswordSyncFeature feature = PasswordSyncFeature::Unreadable;
  std::string note;
};

// The latest throttled (429, 503, 504) answer to a sub-request, kept to name it if it persists.
struct ThrottledAnswer {
  long status = 0;
  std::string code;
  std::string message;
};

// What the $batch answers said so far, and the throttling of the latest round.
struct BatchState {
  std::optional<OrganizationSync> organization;
  std::optional<FeatureReading> features;
  std::optional<std::chrono::milliseconds> throttle_wait; // the longest Retry-After this round
  bool throttled = false;
  ThrottledAnswer organization_throttle;
};

// The body of the $batch request.
std::string batch_request_body(bool organization, bool features);

// The body of a 200 answer to GET /organization (a collection with one object). Throws
// ApiFormatError.
OrganizationSync parse_organization(const rapidjson::Value &body, std::string_view source);

// The body of a 200 answer to GET /directory/onPremisesSynchronization.
FeatureReading parse_sync_features(const rapidjson::Value &body, std::string_view source);

// Reads one $batch answer (status, content type, JSON, sub-responses matched by id) into state.
// Throws GraphError, ServiceError or ApiFormatError.
void read_batch_answer(const HttpResponse &response, const std::string &source, BatchState &state);

// Asks Graph with one $batch (more only when a sub-request is throttled). Throws GraphError,
// ServiceError, ApiFormatError, TransportError or TimeoutError.
SyncStatus fetch_sync_status(HttpClient &http, const std::string &graph_endpoint,
                             const std::string &access_token, const Deadline &deadline,
                             Trace &trace);

} // namespace cps
