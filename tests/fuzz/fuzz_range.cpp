// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes threshold ranges: a parsed range echoed in seconds (perfdata) parses back to itself.
#include "lib/errors.hpp"
#include "lib/range.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

bool same(const cps::Range &a, const cps::Range &b) {
  return a.alert_inside == b.alert_inside &&
         a.start_is_minus_infinity == b.start_is_minus_infinity &&
         a.end_is_infinity == b.end_is_infinity &&
         (a.start_is_minus_infinity || a.start == b.start) && (a.end_is_infinity || a.end == b.end);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  cps::Range range;
  try {
    range = cps::parse_range(text);
  } catch (const cps::UsageError &error) {
    cps::fuzz::require_printable_message(error.what());
    return 0;
  }
  std::string seconds = cps::range_in_seconds(range);
  cps::fuzz::require(seconds.find('|') == std::string::npos &&
                         seconds.find(' ') == std::string::npos,
                     "perfdata range text has no '|' or space", seconds);
  try {
    cps::fuzz::require(same(cps::parse_range(seconds), range),
                       "range_in_seconds parses back to the same range", seconds);
  } catch (const cps::UsageError &) {
    cps::fuzz::violated("range_in_seconds output is a valid range", seconds);
  }
  cps::describe_alert(range);
  for (std::int64_t value : {std::int64_t{0}, range.start, range.end, range.end + 1}) {
    cps::alerts(range, value);
  }
  return 0;
}
