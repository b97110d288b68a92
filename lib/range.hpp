// SPDX-License-Identifier: GPL-3.0-or-later
// Monitoring Plugins threshold ranges ([@][start:][end], "~" for minus infinity) over durations.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cps {

struct Range {
  bool start_is_minus_infinity = false;
  std::int64_t start = 0;
  bool end_is_infinity = true;
  std::int64_t end = 0;
  bool alert_inside = false; // the leading '@'
};

// Throws UsageError for an empty, malformed or inverted (start > end) range.
Range parse_range(std::string_view text);

// True when value raises an alert: outside [start, end] (endpoints count as inside), or inside it
// with '@'.
bool alerts(const Range &range, std::int64_t value);

// The range with its numbers in seconds, as performance data echoes it: "259200", "3600:7200".
std::string range_in_seconds(const Range &range);

// The alert condition for humans: "above 3d", "below 1h", "outside 1h..2h", "within 1h..2h".
std::string describe_alert(const Range &range);

} // namespace cps
