// SPDX-License-Identifier: GPL-3.0-or-later
// Parsing and naming the --managed-identity selector (IMDS and azure-identity accept client_id,
// object_id and msi_res_id; MSAL Go apps/managedidentity has the same three kinds).
#include "managed_identity_id.hpp"

#include "errors.hpp"
#include "identifier.hpp"

#include <utility>

namespace cps {
namespace {

// An Azure resource ID of a user-assigned identity; it ends up in a query string.
void check_resource_id(const std::string &value) {
  bool valid = value.rfind("/subscriptions/", 0) == 0 && value.size() <= 512;
  for (char c : value) {
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || std::string_view("-._()/").find(c) !=
                                                    std::string_view::npos);
  }
  if (!valid) {
    throw UsageError("invalid managed identity resource ID '" + value +
                     "': use /subscriptions/SUB/resourceGroups/GROUP/providers/"
                     "Microsoft.ManagedIdentity/userAssignedIdentities/NAME");
  }
}

} // namespace

ManagedIdentityId parse_managed_identity(std::string_view text) {
  static constexpr std::pair<std::string_view, IdentitySelector> prefixes[] = {
      {"client_id:", IdentitySelector::ClientId},
      {"object_id:", IdentitySelector::ObjectId},
      {"resource_id:", IdentitySelector::ResourceId}};
  if (text.empty()) {
    return {};
  }
  ManagedIdentityId id{IdentitySelector::ClientId, std::string(text)};
  for (const auto &[prefix, selector] : prefixes) {
    if (text.rfind(prefix, 0) == 0) {
      id = {selector, std::string(text.substr(prefix.size()))};
    }
  }
  if (id.selector == IdentitySelector::ResourceId) {
    check_resource_id(id.value);
  } else {
    checked_identifier(id.value, id.selector == IdentitySelector::ClientId
                                     ? "managed identity client ID"
                                     : "managed identity object ID");
  }
  return id;
}

std::string describe(const ManagedIdentityId &id) {
  switch (id.selector) {
  case IdentitySelector::System:
    return "system-assigned";
  case IdentitySelector::ClientId:
    return "user-assigned, client ID " + id.value;
  case IdentitySelector::ObjectId:
    return "user-assigned, object ID " + id.value;
  case IdentitySelector::ResourceId:
    return "user-assigned, resource ID " + id.value;
  }
  return {};
}

std::string cache_name(const ManagedIdentityId &id) {
  switch (id.selector) {
  case IdentitySelector::System:
    return "system";
  case IdentitySelector::ClientId:
    return id.value; // as before the other selectors existed: cached tokens stay valid
  case IdentitySelector::ObjectId:
    return "object_id:" + id.value;
  case IdentitySelector::ResourceId:
    return "resource_id:" + id.value;
  }
  return {};
}

} // namespace cps
