// SPDX-License-Identifier: GPL-3.0-or-later
// Tenant and client IDs: they end up in URLs and forms, so only GUIDs and domain names pass.
#pragma once

#include <string>
#include <string_view>

namespace cps {

// value when it is a GUID or a domain name; otherwise UsageError
// "invalid <what> '<value>': use a GUID or a domain name".
std::string checked_identifier(std::string_view value, std::string_view what);

} // namespace cps
