// SPDX-License-Identifier: GPL-3.0-or-later
// The one registry of the Entra token endpoint's AADSTS codes the plugin explains: each code's
// fix for whoever is paged, and whether it means the plugin's own credential has expired.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace cps {

// What a rejection tells the check. lib/auth throws the typed error of the kind, and lib/errors
// maps that type to a state: a kind never names a state itself.
enum class EntraRejection {
  Refused,           // the credential or the settings are wrong: AuthError (UNKNOWN)
  CredentialExpired, // the plugin's own credential ran out: CredentialExpiredError (CRITICAL)
};

struct EntraErrorCode {
  std::string_view code; // "AADSTS7000222", as the status line and doc/troubleshooting.md spell it
  EntraRejection rejection;
  std::string (*hint)(); // the fix, worded in lib/wording
};

inline constexpr std::size_t entra_error_count = 16;

// Every code with a hint, in the order of doc/troubleshooting.md's table.
const std::array<EntraErrorCode, entra_error_count> &entra_error_codes();

// The entry of a code such as "AADSTS7000222", or nullptr for a code without a hint.
const EntraErrorCode *find_entra_error(std::string_view code);

} // namespace cps
