// SPDX-License-Identifier: GPL-3.0-or-later
// Which folder holds the token cache when --token-cache does not name one.
#pragma once

#include "environment.hpp"

#include <functional>
#include <optional>
#include <string>

namespace cps {

struct CacheFolder {
  std::string path;
  std::string origin;         // for -v: where the path came from and why
  bool create_parent = false; // ~/.cache or $XDG_CACHE_HOME may be created (mode 0700)
};

// The effective user's home directory from the password database (getpwuid_r), if any.
using HomeLookup = std::function<std::optional<std::string>()>;
HomeLookup password_database_home();

// The first usable of: $XDG_CACHE_HOME/check_password_sync, $HOME/.cache/check_password_sync,
// <home from the password database>/.cache/check_password_sync, and
// /var/tmp/check_password_sync-<uid>. A folder is usable when it is an absolute path to a
// directory owned by the effective user (an absent $XDG_CACHE_HOME: its parent). Icinga 2 started
// from a root shell runs checks as its own user with HOME=/root: that HOME is skipped.
CacheFolder default_cache_folder(const Environment &env,
                                 const HomeLookup &home = password_database_home());

} // namespace cps
