// SPDX-License-Identifier: GPL-3.0-or-later
// Small text helpers shared by the parsers: trimming, ASCII case folding, line ends.
#pragma once

#include <string>
#include <string_view>

namespace cps {

// Without leading and trailing spaces, tabs and carriage returns.
std::string_view trim(std::string_view text);

// ASCII lower case (header names, media types).
std::string to_lower(std::string_view text);

// True when text starts with prefix, ignoring ASCII case; prefix must be lower case.
bool starts_with_lower(std::string_view text, std::string_view lower_case_prefix);

// Without trailing '\n' and '\r' characters.
std::string_view strip_line_ends(std::string_view text);

} // namespace cps
