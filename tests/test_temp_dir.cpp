// SPDX-License-Identifier: GPL-3.0-or-later
// The unit tests' temporary folder fixture (tests/temp_dir.hpp): private, and gone afterwards.
#include "tests/temp_dir.hpp"

#include <doctest/doctest.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

bool exists(const std::string &path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0;
}

} // namespace

TEST_CASE("TempDir: a private folder, removed with everything in it") {
  cps::test::TempDir outside;
  std::string kept = outside.file("kept", "not the fixture's\n");
  std::string root;
  {
    cps::test::TempDir temp;
    root = temp.path();
    struct stat info {};
    REQUIRE(::stat(root.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0700);
    CHECK(info.st_uid == ::geteuid());
    std::string locked = temp.folder("locked");
    std::string file = temp.file("locked/secret", "abc\n");
    temp.folder("locked/sealed", 0000);
    REQUIRE(::symlink(outside.path().c_str(), temp.at("link").c_str()) == 0);
    // No write permission: removing its contents needs it back (as any user but root).
    REQUIRE(::chmod(locked.c_str(), 0500) == 0);
    CHECK(exists(file));
  }
  CHECK_FALSE(exists(root));
  CHECK(exists(kept)); // a symbolic link inside is removed, never followed
}
