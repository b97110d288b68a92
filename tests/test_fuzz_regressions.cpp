// SPDX-License-Identifier: GPL-3.0-or-later
// Inputs the libFuzzer targets (tests/fuzz/) found to break a property, kept as unit tests.
#include "lib/duration.hpp"
#include "lib/errors.hpp"
#include "lib/range.hpp"
#include "lib/timestamp.hpp"
#include "lib/trace.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace cps;

TEST_CASE("fuzz regression: a duration with many digits is refused without overflowing") {
  // fuzz_duration: "922337203687587045" * 10 overflowed int64 before the size check (UBSan).
  CHECK_THROWS_AS(parse_duration("9223372036875870451"), UsageError);
  CHECK_THROWS_AS(parse_duration("99999999999999999999999999s"), UsageError);
  CHECK_THROWS_AS(parse_duration("-22033333310210120220"), UsageError);
  CHECK(parse_duration("4611686018427387903") == 4611686018427387903LL);
}

TEST_CASE("fuzz regression: a range with an overflowing end is a usage error") {
  // fuzz_range reached the same overflow through parse_range's end.
  CHECK_THROWS_AS(parse_range("1:22033333310210120220"), UsageError);
  CHECK_THROWS_AS(parse_range("@~:92233720368758704519d"), UsageError);
}

TEST_CASE("fuzz regression: a redaction never rebuilds a protected value") {
  // fuzz_redact: a protected value beginning with ']' reappeared from "[redacted]" and the
  // text after it.
  Trace trace(3);
  const std::string secret = "]aaaaaaaa";
  trace.protect(secret);
  std::string shown = trace.redact("x" + secret + "aaaaaaaa y");
  CHECK(shown.find(secret) == std::string::npos);
  CHECK(trace.redact("nothing secret here") == "nothing secret here");
  trace.note(1, secret + "aaaaaaaa");
  REQUIRE(trace.lines().size() == 1);
  CHECK(trace.lines()[0].find(secret) == std::string::npos);
}

TEST_CASE("fuzz regression: an offset cannot move a timestamp out of years 1 to 9999") {
  // fuzz_timestamp: "0000-01-01T00:37:12+02:00" is in year 0 (1 BC), which format_utc cannot show
  // and parse_timestamp could not read back.
  CHECK_FALSE(parse_timestamp("0000-01-01T00:37:12+02:00"));
  CHECK_FALSE(parse_timestamp("0001-01-01T00:37:12+02:00"));
  CHECK_FALSE(parse_timestamp("9999-12-31T23:00:00-02:00"));
  REQUIRE(parse_timestamp("0001-01-01T00:00:00Z"));
  CHECK(format_utc(*parse_timestamp("0001-01-01T00:00:00Z")) == "0001-01-01 00:00:00 UTC");
  REQUIRE(parse_timestamp("9999-12-31T23:59:59Z"));
  CHECK(format_utc(*parse_timestamp("9999-12-31T23:59:59Z")) == "9999-12-31 23:59:59 UTC");
}
