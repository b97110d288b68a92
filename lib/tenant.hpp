// SPDX-License-Identifier: GPL-3.0-or-later
// The tenant check: Graph answered for the tenant -T names (a GUID or a verified domain).
#pragma once

#include "sync_status.hpp"

#include <string>
#include <string_view>

namespace cps {

// 8-4-4-4-12 hexadecimal digits, as Entra writes tenant IDs.
bool is_guid(std::string_view text);

// "0c0c…-… (contoso.onmicrosoft.com)": the ID and, when known, the initial domain.
std::string describe_tenant(const TenantIdentity &tenant);

// Throws ConfigError naming both tenants unless expected (-T) is the answered tenant: a GUID must
// equal its id, a domain must be one of its verified domains (case-insensitive). An empty
// expected (a managed identity without -T) checks nothing: its home tenant is the one answered.
void verify_tenant(std::string_view expected, const TenantIdentity &answered);

} // namespace cps
