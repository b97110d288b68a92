// Inputs the libFuzzer targets (tests/fuzz/) found to break a property, kept as unit tests.
#include "lib/duration.hpp"
#include "lib/errors.hpp"
#include "lib/range.hpp"
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
