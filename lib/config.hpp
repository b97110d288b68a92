// SPDX-License-Identifier: GPL-3.0-or-later
// The check's settings (Config), as the command line, --extra-opts and the environment give them:
// plain data, so that modules which only read settings need not depend on the option parser.
#pragma once

#include "assertion_algorithm.hpp"
#include "range.hpp"
#include "state.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cps {

enum class Action { Check, Help, Version };
enum class PasswordSyncMode { Require, Ignore };

struct Thresholds {
  Range warning;
  std::optional<Range> critical;
};

struct Config {
  Action action = Action::Check;
  std::string tenant; // empty only with a managed identity: no expected tenant
  std::string client_id;
  // Credential options given on the command line or in --extra-opts; when none is given the
  // environment decides (see credentials.hpp for the precedence).
  std::string client_secret_file;        // --client-secret-file
  std::string certificate_file;          // --certificate
  std::string certificate_password_file; // --certificate-password-file
  AssertionAlgorithm assertion_algorithm = AssertionAlgorithm::PS256;
  std::optional<std::string> managed_identity; // --managed-identity: "" system-assigned
  std::optional<std::string> managed_identity_assertion; // --managed-identity-assertion
  std::string federated_token_file;            // --federated-token-file
  std::vector<std::string> extra_opts;         // --extra-opts values, in order
  Thresholds password_sync{parse_range("3d"), std::nullopt};
  Thresholds dirsync{parse_range("3d"), std::nullopt};
  PasswordSyncMode password_sync_mode = PasswordSyncMode::Require;
  // Time left on the check's own credential below which it is WARNING or CRITICAL, in seconds.
  std::int64_t credential_warning = 30 * 86400;
  std::int64_t credential_critical = 7 * 86400;
  std::chrono::milliseconds timeout{10000};
  State timeout_state = State::Critical;
  std::string authority_host = "https://login.microsoftonline.com";
  std::string graph_endpoint = "https://graph.microsoft.com";
  std::string cloud;                 // --cloud; empty: the hosts above (global)
  bool authority_host_given = false; // --authority-host and --graph-endpoint win over --cloud
  bool graph_endpoint_given = false;
  std::string ca_file;
  std::string proxy; // --proxy; empty: libcurl's https_proxy/no_proxy environment
  bool token_cache = true;
  std::string token_cache_dir; // empty: $XDG_CACHE_HOME or ~/.cache, /check_password_sync
  int verbosity = 0;
};

} // namespace cps
