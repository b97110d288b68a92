// SPDX-License-Identifier: GPL-3.0-or-later
// The default token cache folder: environment, then the password database, then /var/tmp.
#include "cache_folder.hpp"

#include <array>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cps {
namespace {

constexpr const char *folder_name = "check_password_sync";

std::string parent_of(const std::string &path) {
  std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos || slash == 0 ? std::string("/") : path.substr(0, slash);
}

// Why dir cannot hold the user's cache folder, or empty when it can.
std::string unusable(const std::string &dir) {
  if (dir.empty() || dir.front() != '/') {
    return "not an absolute path";
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return "not a directory";
  }
  if (info.st_uid != ::geteuid()) {
    return "belongs to uid " + std::to_string(info.st_uid) + ", not to uid " +
           std::to_string(::geteuid());
  }
  return {};
}

// $XDG_CACHE_HOME may not exist yet (the XDG base directory specification asks to create it).
std::string unusable_xdg(const std::string &dir) {
  struct stat info {};
  if (!dir.empty() && dir.front() == '/' && ::lstat(dir.c_str(), &info) != 0) {
    return unusable(parent_of(dir));
  }
  return unusable(dir);
}

} // namespace

HomeLookup password_database_home() {
  return []() -> std::optional<std::string> {
    std::array<char, 4096> buffer{};
    struct passwd entry {};
    struct passwd *found = nullptr;
    if (::getpwuid_r(::geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 &&
        found != nullptr && found->pw_dir != nullptr) {
      return std::string(found->pw_dir);
    }
    return std::nullopt;
  };
}

CacheFolder default_cache_folder(const Environment &env, const HomeLookup &home) {
  std::string skipped;
  auto skip = [&skipped](const std::string &what, const std::string &why) {
    skipped += (skipped.empty() ? "; skipped " : ", ") + what + " (" + why + ")";
  };
  if (auto xdg = env("XDG_CACHE_HOME"); xdg && !xdg->empty()) {
    if (std::string why = unusable_xdg(*xdg); why.empty()) {
      return {*xdg + "/" + folder_name, "from $XDG_CACHE_HOME", true};
    } else {
      skip("$XDG_CACHE_HOME " + *xdg, why);
    }
  }
  if (auto env_home = env("HOME"); env_home && !env_home->empty()) {
    if (std::string why = unusable(*env_home); why.empty()) {
      return {*env_home + "/.cache/" + folder_name, "from $HOME" + skipped, true};
    } else {
      skip("$HOME " + *env_home, why);
    }
  }
  std::optional<std::string> user_home = home();
  if (user_home) {
    if (std::string why = unusable(*user_home); why.empty()) {
      return {*user_home + "/.cache/" + folder_name,
              "the user's home from the password database" + skipped, true};
    } else {
      skip("home " + *user_home, why);
    }
  }
  return {std::string("/var/tmp/") + folder_name + "-" + std::to_string(::geteuid()),
          "the per-user fallback, no usable home" + skipped, false};
}

} // namespace cps
