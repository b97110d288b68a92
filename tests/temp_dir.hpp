// SPDX-License-Identifier: GPL-3.0-or-later
// The unit tests' one temporary folder fixture: a fresh private folder per test, removed with
// everything in it when the test ends (std::filesystem, never a shell).
#pragma once

#include <cstdio>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <stdlib.h>
#include <string>
#include <sys/stat.h>
#include <system_error>

namespace cps::test {

class TempDir {
public:
  // mkdtemp makes the folder 0700 and owned by the test's user, as the token cache wants its
  // folders; TMPDIR moves it (temp_directory_path reads it).
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "cps-unit-test.XXXXXX").string();
    REQUIRE_MESSAGE(::mkdtemp(pattern.data()) != nullptr, "cannot make a temporary folder");
    path_ = pattern;
  }

  // Tests take write permission away from folders on purpose: give it back first, so that
  // remove_all can empty them. A destructor must not throw: a failure is reported, not raised.
  ~TempDir() {
    make_writable();
    std::error_code error;
    std::filesystem::remove_all(path_, error);
    if (error) {
      std::fprintf(stderr, "could not remove %s: %s\n", path_.c_str(), error.message().c_str());
    }
  }

  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string &path() const { return path_; }

  // The full path of `name` inside the folder (nothing is created).
  std::string at(const std::string &name) const { return path_ + "/" + name; }

  // Writes `content` (bytes as given) to `name` inside the folder; returns its full path.
  std::string file(const std::string &name, const std::string &content) const {
    std::string full = at(name);
    std::ofstream out(full, std::ios::binary);
    out << content;
    out.close();
    REQUIRE_MESSAGE(out.good(), "cannot write " << full);
    return full;
  }

  // Creates the folder `name` inside the folder with `mode`; returns its full path.
  std::string folder(const std::string &name, mode_t mode = 0700) const {
    std::string full = at(name);
    REQUIRE_MESSAGE(::mkdir(full.c_str(), mode) == 0, "cannot create " << full);
    return full;
  }

private:
  void make_writable() const {
    namespace fs = std::filesystem;
    std::error_code error;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, error);
    // The iterator opens a folder only when it steps into it: fixing each one as it is listed
    // lets it descend into the folders that had lost their permissions.
    for (fs::recursive_directory_iterator it(path_, error), end; !error && it != end;
         it.increment(error)) {
      std::error_code ignored; // a folder that cannot be fixed shows in remove_all's error
      if (it->symlink_status(ignored).type() == fs::file_type::directory) {
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ignored);
      }
    }
  }

  std::string path_;
};

} // namespace cps::test
