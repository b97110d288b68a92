// SPDX-License-Identifier: GPL-3.0-or-later
// The source tree, for the tests that hold the docs to the code: where it is, and its files' text.
#pragma once

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cps::test {

// This file is tests/source_tree.hpp in the tree. __FILE__ is relative to the folder the build
// ran in, which is where `make unit` runs the tests too.
inline std::filesystem::path source_root() {
  return std::filesystem::path(__FILE__).parent_path().parent_path();
}

// The whole text of a file of the tree; a missing file fails the test that asked.
inline std::string read_source_text(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path.string() << " (run from the source tree)");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace cps::test
