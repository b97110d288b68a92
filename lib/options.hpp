// The command line: the option table, --help text, and the Config it builds.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "range.hpp"
#include "state.hpp"

namespace cps {

enum class Action { Check, Help, Version };
enum class PasswordSyncMode { Require, Ignore };

struct Thresholds {
  Range warning;
  std::optional<Range> critical;
};

struct Config {
  Action action = Action::Check;
  std::string tenant;
  std::string client_id;
  std::string client_secret_file; // empty: the secret comes from AZURE_CLIENT_SECRET
  Thresholds password_sync{parse_range("3d"), std::nullopt};
  Thresholds dirsync{parse_range("3d"), std::nullopt};
  PasswordSyncMode password_sync_mode = PasswordSyncMode::Require;
  std::chrono::milliseconds timeout{10000};
  State timeout_state = State::Critical;
  std::string authority_host = "https://login.microsoftonline.com";
  std::string graph_endpoint = "https://graph.microsoft.com";
  std::string ca_file;
  bool token_cache = true;
  std::string token_cache_dir; // empty: $XDG_CACHE_HOME or ~/.cache, /check_password_sync
  int verbosity = 0;
};

// Looks up an environment variable; injected so tests need not touch the real environment.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;

Environment process_environment();

// Parses argv (without the program name). Throws UsageError.
Config parse_options(const std::vector<std::string> &args, const Environment &env);

std::string help_text();
std::string version_text();

} // namespace cps
