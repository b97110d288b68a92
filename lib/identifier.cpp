// SPDX-License-Identifier: GPL-3.0-or-later
// Tenant and client IDs: GUIDs and domain names only.
#include "identifier.hpp"

#include "errors.hpp"

namespace cps {
namespace {

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

} // namespace

std::string checked_identifier(std::string_view value, std::string_view what) {
  bool valid = !value.empty() && value.size() <= 253 && value.front() != '.' &&
               value.find("..") == std::string_view::npos;
  for (char c : value) {
    valid = valid && is_identifier_char(c);
  }
  if (!valid) {
    throw UsageError("invalid " + std::string(what) + " '" + std::string(value) +
                     "': use a GUID or a domain name");
  }
  return std::string(value);
}

} // namespace cps
