// SPDX-License-Identifier: GPL-3.0-or-later
// Small text helpers shared by the parsers.
#include "text.hpp"

namespace cps {
namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::string to_lower(std::string_view text) {
  std::string folded(text);
  for (char &c : folded) {
    c = lower(c);
  }
  return folded;
}

bool starts_with_lower(std::string_view text, std::string_view lower_case_prefix) {
  if (text.size() < lower_case_prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < lower_case_prefix.size(); ++i) {
    if (lower(text[i]) != lower_case_prefix[i]) {
      return false;
    }
  }
  return true;
}

std::string_view strip_line_ends(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

} // namespace cps
