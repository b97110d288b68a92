// SPDX-License-Identifier: GPL-3.0-or-later
// Monitoring Plugins ranges over durations: the guideline table, durations, rejects and echoes.
#include "lib/errors.hpp"
#include "lib/range.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;

namespace {

struct AlertCase {
  const char *range;
  std::int64_t value;
  bool alert;
};

// The table of the Monitoring Plugins development guidelines, with every endpoint case.
const std::vector<AlertCase> guideline_table = {
    // "10": alert when < 0 or > 10
    {"10", 0, false},
    {"10", 10, false},
    {"10", 9, false},
    {"10", 11, true},
    {"10", -1, true},
    {"10", -100, true},
    // "10:": alert when < 10
    {"10:", 10, false},
    {"10:", 9, true},
    {"10:", 11, false},
    {"10:", 0, true},
    {"10:", -1, true},
    {"10:", 1000000000, false},
    // "~:10": alert when > 10
    {"~:10", 10, false},
    {"~:10", 11, true},
    {"~:10", 9, false},
    {"~:10", 0, false},
    {"~:10", -1, false},
    {"~:10", -1000000000, false},
    // "10:20": alert when < 10 or > 20
    {"10:20", 10, false},
    {"10:20", 20, false},
    {"10:20", 9, true},
    {"10:20", 11, false},
    {"10:20", 19, false},
    {"10:20", 21, true},
    {"10:20", 0, true},
    {"10:20", -5, true},
    // "@10:20": alert when >= 10 and <= 20
    {"@10:20", 10, true},
    {"@10:20", 20, true},
    {"@10:20", 9, false},
    {"@10:20", 11, true},
    {"@10:20", 19, true},
    {"@10:20", 21, false},
    {"@10:20", 0, false},
    {"@10:20", -5, false},
};

const std::vector<AlertCase> duration_table = {
    {"3d", 259200, false},      {"3d", 259201, true},      {"3d", 259199, false},
    {"3d", 0, false},           {"3d", -1, true},          {"1h:2h", 3599, true},
    {"1h:2h", 3600, false},     {"1h:2h", 7200, false},    {"1h:2h", 7201, true},
    {"1h:2h", 0, true},         {"@1h:2h", 3599, false},   {"@1h:2h", 3600, true},
    {"@1h:2h", 7200, true},     {"@1h:2h", 7201, false},   {"@1h:2h", 0, false},
    {"~:3d12h", 302400, false}, {"~:3d12h", 302401, true}, {"~:3d12h", 302399, false},
    {"~:3d12h", 0, false},      {"~:3d12h", -7, false},    {"45m:", 2699, true},
    {"45m:", 2700, false},      {"1w", 604800, false},     {"1w", 604801, true},
    {"@90", 90, true},          {"@90", 91, false},        {"@90", 0, true},
};

void check_table(const std::vector<AlertCase> &table) {
  for (const AlertCase &row : table) {
    INFO("row.range := " << std::string(row.range));
    CAPTURE(row.value);
    CHECK(alerts(parse_range(row.range), row.value) == row.alert);
  }
}

} // namespace

TEST_CASE("range: the Monitoring Plugins guideline table, every endpoint") {
  check_table(guideline_table);
}

TEST_CASE("range: numbers may be durations") {
  check_table(duration_table);
}

TEST_CASE("range: parsed fields") {
  Range plain = parse_range("10");
  CHECK_FALSE(plain.start_is_minus_infinity);
  CHECK(plain.start == 0);
  CHECK_FALSE(plain.end_is_infinity);
  CHECK(plain.end == 10);
  CHECK_FALSE(plain.alert_inside);

  Range open = parse_range("10:");
  CHECK(open.start == 10);
  CHECK(open.end_is_infinity);

  Range minus = parse_range("~:3d12h");
  CHECK(minus.start_is_minus_infinity);
  CHECK(minus.end == 302400);

  Range inside = parse_range("@1h:2h");
  CHECK(inside.alert_inside);
  CHECK(inside.start == 3600);
  CHECK(inside.end == 7200);

  Range equal = parse_range("5:5"); // start == end is allowed
  CHECK_FALSE(alerts(equal, 5));
  CHECK(alerts(equal, 4));
  CHECK(alerts(equal, 6));
}

TEST_CASE("range: rejects") {
  // "6:5" and "86401:1d": a start one second above the end.
  for (const char *text : {"", "@", "5:1", "abc", "1:2:3", "1x", "3d1w", "--1", "2h:1h", "@5:1",
                           "10::", "~", "@~", " 10", "10 ", "1.5", "~:abc", "abc:10", "6:5",
                           "86401:1d"}) {
    INFO("text := " << std::string(text));
    CHECK_THROWS_AS(parse_range(text), UsageError);
  }
}

// ":" has neither a start nor an end: a range that can never alert is a mistake, not a threshold.
TEST_CASE("range: a bare colon is rejected") {
  for (const char *text : {":", "@:", "~:"}) {
    INFO("text := " << std::string(text));
    CHECK_THROWS_AS(parse_range(text), UsageError);
  }
}

TEST_CASE("range: range_in_seconds echoes the range for perfdata") {
  struct Case {
    const char *range;
    const char *seconds;
  };
  for (const Case &row : std::vector<Case>{{"3d", "259200"},
                                           {"5d", "432000"},
                                           {"10", "10"},
                                           {"90", "90"},
                                           {"10:", "10:"},
                                           {"3d:", "259200:"},
                                           {"0:", "0:"},
                                           {"~:10", "~:10"},
                                           {"~:3d12h", "~:302400"},
                                           {"10:20", "10:20"},
                                           {"1h:2h", "3600:7200"},
                                           {"@10:20", "@10:20"},
                                           {"@1h:2h", "@3600:7200"},
                                           {"@10", "@10"},
                                           {"0:10", "10"},
                                           {"-10:20", "-10:20"},
                                           {"-1h:1h", "-3600:3600"},
                                           {"-1h:", "-3600:"},
                                           {"@-10:20", "@-10:20"}}) {
    INFO("row.range := " << std::string(row.range));
    CHECK(range_in_seconds(parse_range(row.range)) == row.seconds);
  }
}

TEST_CASE("range: describe_alert says when it alerts") {
  struct Case {
    const char *range;
    const char *text;
  };
  for (const Case &row : std::vector<Case>{{"3d", "above 3d"},
                                           {"5d", "above 5d"},
                                           {"~:3d12h", "above 3d12h"},
                                           {"1h:", "below 1h"},
                                           {"1h:2h", "outside 1h..2h"},
                                           {"@1h:2h", "within 1h..2h"},
                                           {"@1h:", "at or above 1h"},
                                           {"@~:3d", "at or below 3d"},
                                           {"90", "above 1m30s"}}) {
    INFO("row.range := " << std::string(row.range));
    CHECK(describe_alert(parse_range(row.range)) == row.text);
  }
}
