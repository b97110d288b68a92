// SPDX-License-Identifier: GPL-3.0-or-later
// Durations on the command line and ages in output.
#include "lib/duration.hpp"
#include "lib/errors.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;

TEST_CASE("duration: parse_duration accepts seconds and units from the largest down") {
  struct Case {
    const char *text;
    std::int64_t seconds;
  };
  for (const Case &row : std::vector<Case>{{"90", 90},
                                           {"0", 0},
                                           {"1", 1},
                                           {"10s", 10},
                                           {"45m", 2700},
                                           {"36h", 129600},
                                           {"3d", 259200},
                                           {"1w", 604800},
                                           {"3d12h", 302400},
                                           {"1w2d3h4m5s", 788645},
                                           {"2h30m", 9000},
                                           {"1m30s", 90},
                                           {"0d", 0},
                                           {"007", 7},
                                           {"7625142226235w", 7625142226235LL * 604800}}) {
    INFO("row.text := " << std::string(row.text));
    CHECK(parse_duration(row.text) == row.seconds);
  }
}

TEST_CASE("duration: parse_duration rejects") {
  for (const char *text : {"",
                           "h",
                           "3dd",
                           "3dh", // a unit without a number, after a whole part
                           "1w2d3hm",
                           "3h2d",
                           "1.5h",
                           "9223372036854775807",
                           "4611686018427387904",
                           "7625142226236w",
                           " 3d",
                           "3d ",
                           "1h30",
                           "3x",
                           "d3",
                           "1d1d",
                           "-",
                           "--1",
                           "+5",
                           "3D",
                           "1y",
                           "3d-1h",
                           "1,5"}) {
    INFO("text := " << std::string(text));
    CHECK_THROWS_AS(parse_duration(text), UsageError);
  }
}

// 20 digits would overflow std::int64_t while the digits are read; UBSan catches a regression.
TEST_CASE("duration: parse_duration rejects numbers longer than int64 without overflowing") {
  for (const char *text : {"99999999999999999999w", "99999999999999999999", "10000000000000000000",
                           "1d99999999999999999999h", "123456789012345678901234567890s"}) {
    INFO("text := " << std::string(text));
    CHECK_THROWS_AS(parse_duration(text), UsageError);
  }
}

TEST_CASE("duration: format_duration is exact, in days down to seconds") {
  struct Case {
    std::int64_t seconds;
    const char *text;
  };
  for (const Case &row : std::vector<Case>{{0, "0s"},
                                           {1, "1s"},
                                           {59, "59s"},
                                           {60, "1m"},
                                           {90, "1m30s"},
                                           {3600, "1h"},
                                           {3661, "1h1m1s"},
                                           {86400, "1d"},
                                           {259200, "3d"},
                                           {302400, "3d12h"},
                                           {432000, "5d"},
                                           {604800, "7d"},
                                           {788645, "9d3h4m5s"},
                                           {-90, "-1m30s"}}) {
    CAPTURE(row.seconds);
    CHECK(format_duration(row.seconds) == row.text);
  }
}

TEST_CASE("duration: format_duration inverts parse_duration") {
  for (std::int64_t seconds : {1LL, 59LL, 61LL, 3599LL, 3601LL, 86399LL, 90061LL, 1234567LL}) {
    CAPTURE(seconds);
    CHECK(parse_duration(format_duration(seconds)) == seconds);
  }
}

TEST_CASE("duration: format_age rounds down to two units at most") {
  struct Case {
    std::int64_t seconds;
    const char *text;
  };
  for (const Case &row : std::vector<Case>{{0, "0s"},
                                           {1, "1s"},
                                           {59, "59s"},
                                           {60, "1m"},
                                           {119, "1m"},
                                           {720, "12m"},
                                           {1860, "31m"},
                                           {3599, "59m"},
                                           {3600, "1h"},
                                           {3660, "1h1m"},
                                           {7199, "1h59m"},
                                           {86399, "23h59m"},
                                           {86400, "1d"},
                                           {90000, "1d1h"},
                                           {352800, "4d2h"},
                                           {352859, "4d2h"},
                                           {-1, "0s"},
                                           {-86400, "0s"}}) {
    CAPTURE(row.seconds);
    CHECK(format_age(row.seconds) == row.text);
  }
}

TEST_CASE("duration: format_seconds shows -t in seconds with tenths, below 1 s in ms") {
  CHECK(format_seconds(std::chrono::milliseconds(10000)) == "10s");
  CHECK(format_seconds(std::chrono::milliseconds(2500)) == "2.5s");
  CHECK(format_seconds(std::chrono::milliseconds(1000)) == "1s");
  CHECK(format_seconds(std::chrono::milliseconds(999)) == "999ms");
  CHECK(format_seconds(std::chrono::milliseconds(50)) == "50ms");
  CHECK(format_seconds(std::chrono::milliseconds(1)) == "1ms");
  CHECK(format_seconds(std::chrono::milliseconds(3600000)) == "3600s");
}

TEST_CASE("duration: format_age with more units keeps the zeros") {
  CHECK(format_age(259201, 3) == "3d0h0m");
  CHECK(format_age(259201, 4) == "3d0h0m1s");
  CHECK(format_age(259260, 3) == "3d0h1m");
  CHECK(format_age(3601, 3) == "1h0m1s");
  CHECK(format_age(61, 3) == "1m1s");
  CHECK(format_age(59, 4) == "59s");
  CHECK(format_age(0, 4) == "0s");
  CHECK(format_age(259201, 2) == "3d");
}
