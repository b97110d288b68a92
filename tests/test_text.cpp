// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests for lib/text.cpp.
#include "lib/text.hpp"

#include <doctest/doctest.h>

using namespace cps;

TEST_CASE("text: trim removes spaces, tabs and carriage returns at both ends only") {
  CHECK(trim("  a b\t\r") == "a b");
  CHECK(trim("\t\tx") == "x");
  CHECK(trim("") == "");
  CHECK(trim(" \t\r ") == "");
  CHECK(trim("a\nb") == "a\nb");
}

TEST_CASE("text: to_lower folds ASCII only") {
  CHECK(to_lower("Retry-After") == "retry-after");
  CHECK(to_lower("APPLICATION/JSON; Charset=UTF-8") == "application/json; charset=utf-8");
  CHECK(to_lower("\xc3\x84") == "\xc3\x84"); // UTF-8 bytes are left alone
}

TEST_CASE("text: starts_with_lower ignores the case of the text, not of the prefix") {
  CHECK(starts_with_lower("Authorization: Bearer x", "authorization:"));
  CHECK(starts_with_lower("BASIC realm=/x", "basic realm="));
  CHECK_FALSE(starts_with_lower("Author", "authorization:"));
  CHECK_FALSE(starts_with_lower("Authorisation:", "authorization:"));
  CHECK(starts_with_lower("anything", ""));
}

TEST_CASE("text: strip_line_ends removes every trailing CR and LF, nothing else") {
  CHECK(strip_line_ends("secret\n") == "secret");
  CHECK(strip_line_ends("secret\r\n\r\n") == "secret");
  CHECK(strip_line_ends("se\ncret ") == "se\ncret ");
  CHECK(strip_line_ends("\n") == "");
}
