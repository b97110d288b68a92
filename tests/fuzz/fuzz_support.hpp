// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the libFuzzer targets: a property failure aborts, so libFuzzer keeps the input.
#pragma once

#include "tests/text_oracle.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace cps::fuzz {

using oracle::has_control_character;
using oracle::is_valid_utf8;

[[noreturn]] inline void violated(const char *property, std::string_view text) {
  std::fprintf(stderr, "property violated: %s\n  text (%zu bytes): %.*s\n", property, text.size(),
               static_cast<int>(text.size() < 2000 ? text.size() : 2000), text.data());
  std::abort();
}

inline void require(bool holds, const char *property, std::string_view text = {}) {
  if (!holds) {
    violated(property, text);
  }
}

// The text an error becomes in the plugin's output must be printable as a summary.
inline void require_printable_message(std::string_view message) {
  require(!message.empty(), "an error message is not empty", message);
}

} // namespace cps::fuzz
