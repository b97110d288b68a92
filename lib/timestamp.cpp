// SPDX-License-Identifier: GPL-3.0-or-later
// ISO 8601 timestamps as Graph sends them, and UTC formatting.
#include "timestamp.hpp"

#include <cstdio>

namespace cps {
namespace {

bool is_leap(std::int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(std::int64_t year, int month) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

// Days from 1970-01-01 to the given civil date (proleptic Gregorian calendar).
std::int64_t days_since_epoch(std::int64_t year, int month, int day) {
  std::int64_t y = month <= 2 ? year - 1 : year;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t year_of_era = y - era * 400;
  std::int64_t month_index = month > 2 ? month - 3 : month + 9;
  std::int64_t day_of_year = (153 * month_index + 2) / 5 + day - 1;
  std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

struct Cursor {
  std::string_view text;
  std::size_t pos = 0;

  bool number(int digits, int &out) {
    if (pos + digits > text.size()) {
      return false;
    }
    out = 0;
    for (int i = 0; i < digits; ++i) {
      char c = text[pos + i];
      if (c < '0' || c > '9') {
        return false;
      }
      out = out * 10 + (c - '0');
    }
    pos += digits;
    return true;
  }
  bool literal(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool skip_fraction() {
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
      ++digits;
    }
    return digits >= 1 && digits <= 9;
  }
};

std::optional<int> parse_offset_seconds(Cursor &cursor) {
  if (cursor.literal('Z')) {
    return 0;
  }
  int sign = cursor.literal('+') ? 1 : cursor.literal('-') ? -1 : 0;
  int hours = 0;
  int minutes = 0;
  if (sign == 0 || !cursor.number(2, hours) || !cursor.literal(':') || !cursor.number(2, minutes) ||
      hours > 23 || minutes > 59) {
    return std::nullopt;
  }
  return sign * (hours * 3600 + minutes * 60);
}

} // namespace

std::optional<std::int64_t> parse_timestamp(std::string_view text) {
  Cursor cursor{text};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!cursor.number(4, year) || !cursor.literal('-') || !cursor.number(2, month) ||
      !cursor.literal('-') || !cursor.number(2, day) || !cursor.literal('T') ||
      !cursor.number(2, hour) || !cursor.literal(':') || !cursor.number(2, minute) ||
      !cursor.literal(':') || !cursor.number(2, second)) {
    return std::nullopt;
  }
  if (cursor.literal('.') && !cursor.skip_fraction()) {
    return std::nullopt;
  }
  std::optional<int> offset = parse_offset_seconds(cursor);
  if (!offset || cursor.pos != text.size()) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  std::int64_t days = days_since_epoch(year, month, day);
  std::int64_t instant = days * 86400 + hour * 3600 + minute * 60 + second - *offset;
  // The offset must not move the instant out of years 1 to 9999, which format_utc can show.
  static const std::int64_t earliest = days_since_epoch(1, 1, 1) * 86400;
  static const std::int64_t latest = days_since_epoch(10000, 1, 1) * 86400 - 1;
  if (instant < earliest || instant > latest) {
    return std::nullopt;
  }
  return instant;
}

std::string format_utc(std::int64_t unix_seconds) {
  std::int64_t days = unix_seconds / 86400;
  std::int64_t rest = unix_seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  // Inverse of days_since_epoch.
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t day_of_era = z - era * 146097;
  std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  std::int64_t month_index = (5 * day_of_year + 2) / 153;
  std::int64_t day = day_of_year - (153 * month_index + 2) / 5 + 1;
  std::int64_t month = month_index < 10 ? month_index + 3 : month_index - 9;
  std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld UTC",
                static_cast<long long>(year), static_cast<long long>(month),
                static_cast<long long>(day), static_cast<long long>(rest / 3600),
                static_cast<long long>(rest % 3600 / 60), static_cast<long long>(rest % 60));
  return buffer;
}

} // namespace cps
