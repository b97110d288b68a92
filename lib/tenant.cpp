// SPDX-License-Identifier: GPL-3.0-or-later
// The tenant check: Graph answered for the tenant -T names (a GUID or a verified domain).
#include "tenant.hpp"

#include "errors.hpp"
#include "text.hpp"

#include <algorithm>
#include <cctype>

namespace cps {

bool is_guid(std::string_view text) {
  if (text.size() != 36) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

std::string describe_tenant(const TenantIdentity &tenant) {
  std::string id = tenant.id.empty() ? "(no id)" : tenant.id;
  return tenant.initial_domain.empty() ? id : id + " (" + tenant.initial_domain + ")";
}

void verify_tenant(std::string_view expected, const TenantIdentity &answered) {
  if (expected.empty()) {
    return;
  }
  bool same = false;
  if (is_guid(expected)) {
    same = to_lower(expected) == to_lower(answered.id);
  } else {
    same = std::any_of(
        answered.verified_domains.begin(), answered.verified_domains.end(),
        [&](const std::string &domain) { return to_lower(domain) == to_lower(expected); });
  }
  if (!same) {
    // Managed identities always get their home tenant's token (no tenant in the IMDS request),
    // so this is how -T naming a customer's tenant shows.
    throw ConfigError("signed in to tenant " + describe_tenant(answered) + ", not " +
                      std::string(expected) +
                      (is_guid(expected) ? "" : " (not one of its verified domains)"));
  }
}

} // namespace cps
