// SPDX-License-Identifier: GPL-3.0-or-later
// Durations on the command line and ages in output.
#include "duration.hpp"

#include "errors.hpp"

#include <array>
#include <limits>

namespace cps {
namespace {

struct Unit {
  char symbol;
  std::int64_t seconds;
};

constexpr std::array<Unit, 5> units{
    {{'w', 604800}, {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}};

std::int64_t unit_seconds(char symbol, std::size_t &unit_index, std::string_view text) {
  for (std::size_t i = unit_index; i < units.size(); ++i) {
    if (units[i].symbol == symbol) {
      unit_index = i + 1;
      return units[i].seconds;
    }
  }
  throw UsageError("invalid duration '" + std::string(text) +
                   "': use units w, d, h, m, s from the largest down, e.g. 3d12h");
}

} // namespace

std::int64_t parse_duration(std::string_view text) {
  if (text.empty()) {
    throw UsageError("empty duration");
  }
  bool negative = text.front() == '-';
  std::string_view rest = negative ? text.substr(1) : text;
  constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max() / 2;
  std::int64_t total = 0;
  std::size_t unit_index = 0;
  std::size_t pos = 0;
  if (rest.empty()) {
    throw UsageError("invalid duration '" + std::string(text) + "'");
  }
  while (pos < rest.size()) {
    std::int64_t number = 0;
    std::size_t digits = 0;
    while (pos < rest.size() && rest[pos] >= '0' && rest[pos] <= '9') {
      int digit = rest[pos] - '0';
      if (number > (limit - digit) / 10) { // checked before it could overflow
        throw UsageError("duration '" + std::string(text) + "' is too large");
      }
      number = number * 10 + digit;
      ++pos;
      ++digits;
    }
    if (digits == 0) {
      throw UsageError("invalid duration '" + std::string(text) + "'");
    }
    std::int64_t multiplier = 1;
    if (pos < rest.size()) {
      multiplier = unit_seconds(rest[pos], unit_index, text);
      ++pos;
    } else if (unit_index != 0) {
      throw UsageError("invalid duration '" + std::string(text) + "': a number after " +
                       "a unit needs its own unit");
    }
    if (number > (limit - total) / multiplier) {
      throw UsageError("duration '" + std::string(text) + "' is too large");
    }
    total += number * multiplier;
  }
  return negative ? -total : total;
}

std::string format_duration(std::int64_t seconds) {
  if (seconds == 0) {
    return "0s";
  }
  std::uint64_t rest =
      seconds < 0 ? 0 - static_cast<std::uint64_t>(seconds) : static_cast<std::uint64_t>(seconds);
  std::string text = seconds < 0 ? "-" : "";
  for (std::size_t i = 1; i < units.size(); ++i) { // days read better than weeks
    std::uint64_t count = rest / static_cast<std::uint64_t>(units[i].seconds);
    if (count > 0) {
      text += std::to_string(count) + units[i].symbol;
    }
    rest -= count * static_cast<std::uint64_t>(units[i].seconds);
  }
  return text;
}

std::string format_seconds(std::chrono::milliseconds duration) {
  long long ms = duration.count();
  if (ms < 1000) { // "0.0s" would hide a -t of 0.05
    return std::to_string(ms) + "ms";
  }
  std::string text = std::to_string(ms / 1000);
  if (ms % 1000 != 0) {
    text += "." + std::to_string(ms % 1000 / 100);
  }
  return text + "s";
}

std::string format_age(std::int64_t seconds, int precision) {
  if (seconds <= 0) {
    return "0s";
  }
  // Two units from an hour up ("2h5m", "4d2h"), minutes or seconds alone below.
  int wanted = precision <= 2 && seconds < 3600 ? 1 : precision;
  std::uint64_t rest = static_cast<std::uint64_t>(seconds);
  std::string text;
  int shown = 0;
  for (std::size_t i = 1; i < units.size() && shown < wanted; ++i) { // days read better than weeks
    std::uint64_t count = rest / static_cast<std::uint64_t>(units[i].seconds);
    rest -= count * static_cast<std::uint64_t>(units[i].seconds);
    if (shown == 0 && count == 0) {
      continue;
    }
    if (count > 0 || precision > 2) { // "4d", not "4d0h", unless more precision was asked for
      text += std::to_string(count) + units[i].symbol;
    }
    ++shown;
  }
  return text;
}

} // namespace cps
