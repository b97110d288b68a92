// SPDX-License-Identifier: GPL-3.0-or-later
// Which managed identity: system-assigned, or user-assigned by client, object or resource ID.
#pragma once

#include <string>
#include <string_view>

namespace cps {

// Which identity: the system-assigned one, or a user-assigned one by client ID, object
// (principal) ID or Azure resource ID, the three selectors IMDS and azure-identity accept.
enum class IdentitySelector { System, ClientId, ObjectId, ResourceId };
struct ManagedIdentityId {
  IdentitySelector selector = IdentitySelector::System;
  std::string value;
};

// The --managed-identity value: "" (system-assigned), CLIENT_ID, client_id:ID, object_id:ID or
// resource_id:/subscriptions/... Throws UsageError.
ManagedIdentityId parse_managed_identity(std::string_view text);

// "system-assigned", "user-assigned, client ID X", "user-assigned, object ID X", ...
std::string describe(const ManagedIdentityId &id);

// Names the identity in a token cache key: "system", the client ID, "object_id:X",
// "resource_id:X".
std::string cache_name(const ManagedIdentityId &id);

} // namespace cps
