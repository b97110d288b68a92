// SPDX-License-Identifier: GPL-3.0-or-later
// The one registry of credential kinds: each kind's option, environment variable, precedence,
// cache identity and description. Options, --help, credential choice and the docs read it.
#pragma once

#include "credential_expiry.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cps {

struct Config;

// The order of the enumerators is the order of credential_kinds().
enum class CredentialKind {
  ClientSecret,
  Certificate,
  ManagedIdentity,
  ManagedIdentityAssertion,
  Federated
};
inline constexpr std::size_t credential_kind_count = 5;

struct CredentialKindSpec {
  CredentialKind kind;
  std::string_view option;   // the long option that chooses it, without "--"
  std::string_view argument; // its value, e.g. "FILE"
  bool optional_value;       // --option, --option=VALUE or --option VALUE
  std::string_view help;     // --help lines, separated by '\n'
  // The variable that chooses this kind when no option does; empty: only the option does.
  // Variables are tried in table order (the Azure SDKs' order).
  std::string_view environment;
  bool needs_client_id;     // -C names the app that signs in (false: the identity is the app)
  bool uses_token_endpoint; // signs in at the Entra token endpoint of -T
  std::string_view description;    // what -v says it is
  std::string_view cache_identity; // how the token cache key names it (see Credential::identity)
  // How its end date is read (--credential-warning/-critical), and for kinds where nothing the
  // plugin holds expires, why (-v says it).
  ExpirySource expiry;
  std::string_view nothing_expires;
  // The option's value when the option was given (from the command line or --extra-opts).
  std::optional<std::string> (*option_value)(const Config &config);
  void (*set)(Config &config, std::string_view value);
  void (*clear)(Config &config);
};

// All kinds, in precedence order: two options given at once are refused; without an option,
// the first kind whose environment variable is set and not empty wins.
const std::array<CredentialKindSpec, credential_kind_count> &credential_kinds();

const CredentialKindSpec &credential_kind(CredentialKind kind);

// The kind whose option is --name, or nullptr.
const CredentialKindSpec *credential_kind_for_option(std::string_view name);

// "--client-secret-file FILE or AZURE_CLIENT_SECRET, ..., or --managed-identity[=CLIENT_ID]":
// every way to give a credential, for the "no credential" message.
std::string every_credential_way();

// The --help paragraph on credentials: options, then the environment order.
std::string credential_help_paragraph();

} // namespace cps
