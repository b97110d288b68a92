// SPDX-License-Identifier: GPL-3.0-or-later
// The default token cache folder: $XDG_CACHE_HOME, $HOME, the password database's home, /var/tmp.
#include "lib/cache_folder.hpp"
#include "tests/fake_environment.hpp"
#include "tests/temp_dir.hpp"

#include <doctest/doctest.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace cps;

namespace {

HomeLookup home_is(std::optional<std::string> home) {
  return [home] { return home; };
}

const std::string fallback = "/var/tmp/check_password_sync-" + std::to_string(::geteuid());

} // namespace

TEST_CASE("cache_folder: $XDG_CACHE_HOME first, then $HOME, when the user owns them") {
  test::TempDir temp;
  std::string xdg = temp.folder("xdg"), home = temp.folder("home");
  CacheFolder folder = default_cache_folder(
      environment({{"XDG_CACHE_HOME", xdg}, {"HOME", home}}), home_is(std::nullopt));
  CHECK(folder.path == xdg + "/check_password_sync");
  CHECK(folder.origin == "from $XDG_CACHE_HOME");
  CHECK(folder.create_parent);
  // Not created yet: the specification asks to create it, so its parent counts.
  folder = default_cache_folder(environment({{"XDG_CACHE_HOME", xdg + "/new"}}),
                                home_is(std::nullopt));
  CHECK(folder.path == xdg + "/new/check_password_sync");

  folder = default_cache_folder(environment({{"HOME", home}}), home_is(std::nullopt));
  CHECK(folder.path == home + "/.cache/check_password_sync");
  CHECK(folder.origin == "from $HOME");
  // A relative XDG_CACHE_HOME is invalid (XDG base directory specification): skipped.
  folder = default_cache_folder(environment({{"XDG_CACHE_HOME", "cache"}, {"HOME", home}}),
                                home_is(std::nullopt));
  CHECK(folder.path == home + "/.cache/check_password_sync");
  CHECK(folder.origin == "from $HOME; skipped $XDG_CACHE_HOME cache (not an absolute path)");
}

TEST_CASE("cache_folder: a HOME that is not the user's gives way to the password database") {
  test::TempDir temp;
  std::string own = temp.folder("own");
  CacheFolder folder =
      default_cache_folder(environment({{"HOME", temp.path() + "/missing"}}), home_is(own));
  CHECK(folder.path == own + "/.cache/check_password_sync");
  CHECK(folder.origin == "the user's home from the password database; skipped $HOME " +
                             temp.path() + "/missing (not a directory)");
  if (::geteuid() == 0) { // Icinga 2 started from a root shell: HOME=/root for its own user
    std::string foreign = temp.folder("foreign");
    REQUIRE(::chown(foreign.c_str(), 65534, 65534) == 0);
    folder = default_cache_folder(environment({{"HOME", foreign}, {"XDG_CACHE_HOME", foreign}}),
                                  home_is(own));
    CHECK(folder.path == own + "/.cache/check_password_sync");
    CHECK(folder.origin.find("skipped $XDG_CACHE_HOME " + foreign +
                             " (belongs to uid 65534, not to uid 0), $HOME " + foreign +
                             " (belongs to uid 65534, not to uid 0)") != std::string::npos);
  }
}

TEST_CASE("cache_folder: no usable home at all: the per-user folder under /var/tmp") {
  CacheFolder folder = default_cache_folder(environment({}), home_is(std::nullopt));
  CHECK(folder.path == fallback);
  CHECK_FALSE(folder.create_parent);
  folder = default_cache_folder(environment({{"HOME", "/nonexistent"}}),
                                home_is(std::string("/nonexistent")));
  CHECK(folder.path == fallback);
  CHECK(folder.origin == "the per-user fallback, no usable home; skipped $HOME /nonexistent (not a "
                         "directory), home /nonexistent (not a directory)");
}

TEST_CASE("cache_folder: the password database knows the effective user's home") {
  std::optional<std::string> home = password_database_home()();
  REQUIRE(home.has_value());
  CHECK(home->rfind("/", 0) == 0);
}
