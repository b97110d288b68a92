// SPDX-License-Identifier: GPL-3.0-or-later
// ISO 8601 timestamps as Graph sends them, and UTC formatting.
#include "lib/timestamp.hpp"

#include <cstdio>
#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;

namespace {

constexpr std::int64_t sample = 1663610530; // 2022-09-19T18:02:10Z

// "2026-11-26 10:07:26 UTC" -> "2026-11-26T10:07:26Z".
std::string iso_from_utc(const std::string &utc) {
  std::string iso = utc.substr(0, 19);
  iso[10] = 'T';
  return iso + "Z";
}

} // namespace

TEST_CASE("timestamp: accepted forms") {
  struct Case {
    const char *text;
    std::int64_t seconds;
  };
  for (const Case &row : std::vector<Case>{
           {"2022-09-19T18:02:10Z", sample},
           {"2022-09-19T18:02:10.1Z", sample},
           {"2022-09-19T18:02:10.12Z", sample},
           {"2022-09-19T18:02:10.123Z", sample},
           {"2022-09-19T18:02:10.1234Z", sample},
           {"2022-09-19T18:02:10.12345Z", sample},
           {"2022-09-19T18:02:10.123456Z", sample},
           {"2022-09-19T18:02:10.9999999Z", sample}, // fractions are truncated
           {"2022-09-19T18:02:10.12345678Z", sample},   // 8 digits
           {"2022-09-19T18:02:10.999999999Z", sample},  // 9 digits (nanoseconds), the most
           {"2022-09-19T18:02:10+00:00", sample},
           {"2022-09-19T20:02:10+02:00", sample},
           {"2022-09-19T12:32:10-05:30", sample},
           {"2022-09-19T12:32:10.5-05:30", sample},
           {"2017-01-01T00:02:42.7451887+00:00", 1483228962},
           {"2024-02-29T12:00:00Z", 1709208000},
           {"2000-02-29T00:00:00Z", 951782400},
           {"1970-01-01T00:00:00Z", 0},
           {"1969-12-31T23:59:59Z", -1},
           {"1970-01-01T01:00:00+01:00", 0},
           {"1969-07-20T20:17:40Z", -14182940},
           {"2100-03-01T00:00:00Z", 4107542400},
           {"2400-02-29T23:59:59Z", 13574649599},
           {"9999-12-31T23:59:59Z", 253402300799},
           {"9999-12-31T23:59:59.9Z", 253402300799},
           {"9999-12-31T23:59:59+00:00", 253402300799},
           {"9999-12-31T23:58:59-00:01", 253402300799}, // the latest instant through an offset
           {"0001-01-01T00:00:00Z", -62135596800},
       }) {
    INFO("row.text := " << std::string(row.text));
    auto parsed = parse_timestamp(row.text);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == row.seconds);
  }
}

TEST_CASE("timestamp: rejected forms") {
  for (const char *text : {
           "",
           "2023-02-29T12:00:00Z",            // not a leap year
           "1900-02-29T12:00:00Z",            // century, not a leap year
           "2023-04-31T12:00:00Z",            // April has 30 days
           "2022-13-01T00:00:00Z",            // month 13
           "2022-00-01T00:00:00Z",            // month 0
           "2022-01-00T00:00:00Z",            // day 0
           "2022-01-32T00:00:00Z",            // day 32
           "2022-09-19T24:00:00Z",            // hour 24
           "2022-09-19T18:60:00Z",            // minute 60
           "2022-09-19T18:02:60Z",            // second 60
           "2022-09-19 18:02:10Z",            // missing T
           "2022-09-1918:02:10Z",             // missing T
           "2022-09-19t18:02:10Z",            // lowercase t
           "2022-09-19T18:02:10z",            // lowercase z
           "2022-09-19T18:02:10",             // no zone (Graph's innerError.date)
           "2022-09-19T18:02:10Zjunk",        // trailing garbage
           "2022-09-19T18:02:10Z ",           // trailing space
           " 2022-09-19T18:02:10Z",           // leading space
           "2022-09-19T18:02:10.Z",           // a dot without digits
           "2022-09-19T18:02:10.1234567890Z", // 10-digit fraction
           "2022-09-19T18:02:10+0200",        // offset without colon
           "2022-09-19T18:02:10+02",          // offset without minutes
           "2022-09-19T18:02:10+24:00",       // offset hour 24
           "2022-09-19T18:02:10+02:60",       // offset minute 60
           "2022-09-19T18:02:10+02:00Z",      // two zones
           "22-09-19T18:02:10Z",              // two-digit year
           "2022-9-19T18:02:10Z",             // one-digit month
           "2022-09-19T18:2:10Z",             // one-digit minute
           "2022/09/19T18:02:10Z",            // wrong separator
           "2016-01-09 02:02:12Z",            // the token endpoint's own timestamp format
           "yesterday",
           "9999-12-31T23:59:00-00:01",       // 10000-01-01T00:00:00Z, one second too late
           "0001-01-01T00:00:00+00:01",       // 0000-12-31T23:59:00Z, before year 1
       }) {
    INFO("text := " << std::string(text));
    CHECK_FALSE(parse_timestamp(text).has_value());
  }
}

TEST_CASE("timestamp: a timestamp with an embedded NUL is rejected") {
  std::string text("2022-09-19T18:02:10Z\0", 21);
  CHECK_FALSE(parse_timestamp(text).has_value());
}

TEST_CASE("timestamp: format_utc") {
  struct Case {
    std::int64_t seconds;
    const char *text;
  };
  for (const Case &row : std::vector<Case>{{0, "1970-01-01 00:00:00 UTC"},
                                           {-1, "1969-12-31 23:59:59 UTC"},
                                           {-86400, "1969-12-31 00:00:00 UTC"},
                                           {-86401, "1969-12-30 23:59:59 UTC"},
                                           {sample, "2022-09-19 18:02:10 UTC"},
                                           {1709208000, "2024-02-29 12:00:00 UTC"},
                                           {-14182940, "1969-07-20 20:17:40 UTC"},
                                           {4107542400, "2100-03-01 00:00:00 UTC"},
                                           {4107542399, "2100-02-28 23:59:59 UTC"},
                                           {13574649599, "2400-02-29 23:59:59 UTC"},
                                           {253402300799, "9999-12-31 23:59:59 UTC"},
                                           {-62135596800, "0001-01-01 00:00:00 UTC"}}) {
    CAPTURE(row.seconds);
    CHECK(format_utc(row.seconds) == row.text);
  }
}

TEST_CASE("timestamp: format_utc and parse_timestamp round trip from year 1 to 9999") {
  // A step that is not a whole number of days visits every time of day and every day of month.
  constexpr std::int64_t first = -62135596800;
  constexpr std::int64_t last = 253402300799;
  constexpr std::int64_t step = 86400LL * 367 + 3661;
  int checked = 0;
  for (std::int64_t seconds = first; seconds <= last; seconds += step) {
    std::string iso = iso_from_utc(format_utc(seconds));
    auto parsed = parse_timestamp(iso);
    if (!parsed || *parsed != seconds) {
      CAPTURE(seconds);
      CAPTURE(iso);
      FAIL("round trip failed");
    }
    ++checked;
  }
  CHECK(checked > 9000);
  for (std::int64_t seconds : {0LL, -1LL, 1LL, 951782399LL, 951782400LL, 4107542400LL}) {
    CAPTURE(seconds);
    CHECK(parse_timestamp(iso_from_utc(format_utc(seconds))) == seconds);
  }
}
