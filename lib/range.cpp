// SPDX-License-Identifier: GPL-3.0-or-later
// Monitoring Plugins threshold ranges whose numbers are durations.
#include "range.hpp"

#include "duration.hpp"
#include "errors.hpp"

namespace cps {

Range parse_range(std::string_view text) {
  if (text.empty()) {
    throw UsageError("empty threshold range");
  }
  Range range;
  std::string_view rest = text;
  if (rest.front() == '@') {
    range.alert_inside = true;
    rest.remove_prefix(1);
  }
  std::size_t colon = rest.find(':');
  std::string_view end_text = rest;
  if (colon != std::string_view::npos) {
    std::string_view start_text = rest.substr(0, colon);
    end_text = rest.substr(colon + 1);
    if (start_text == "~") {
      range.start_is_minus_infinity = true;
    } else if (!start_text.empty()) {
      range.start = parse_duration(start_text);
    }
  }
  if (end_text.empty()) {
    bool has_start = colon != std::string_view::npos && colon > 0 && !range.start_is_minus_infinity;
    if (!has_start) { // "", ":", "~:" and "@:" would never (or always) alert
      throw UsageError("invalid threshold range '" + std::string(text) + "'");
    }
  } else {
    range.end_is_infinity = false;
    range.end = parse_duration(end_text);
  }
  if (!range.start_is_minus_infinity && !range.end_is_infinity && range.start > range.end) {
    throw UsageError("invalid threshold range '" + std::string(text) +
                     "': start is greater than end");
  }
  return range;
}

bool alerts(const Range &range, std::int64_t value) {
  bool above_start = range.start_is_minus_infinity || value >= range.start;
  bool below_end = range.end_is_infinity || value <= range.end;
  bool inside = above_start && below_end;
  return range.alert_inside ? inside : !inside;
}

std::string range_in_seconds(const Range &range) {
  std::string text = range.alert_inside ? "@" : "";
  bool plain_upper_bound = !range.start_is_minus_infinity && range.start == 0;
  if (range.start_is_minus_infinity) {
    text += "~:";
  } else if (!plain_upper_bound || range.end_is_infinity) {
    text += std::to_string(range.start) + ":";
  }
  if (!range.end_is_infinity) {
    text += std::to_string(range.end);
  }
  return text;
}

std::string describe_alert(const Range &range) {
  std::string start = format_duration(range.start);
  std::string end = format_duration(range.end);
  if (range.alert_inside) {
    if (range.end_is_infinity) {
      return range.start_is_minus_infinity ? "always" : "at or above " + start;
    }
    if (range.start_is_minus_infinity) {
      return "at or below " + end;
    }
    return "within " + start + ".." + end;
  }
  bool has_lower = !range.start_is_minus_infinity && !(range.start <= 0 && !range.end_is_infinity);
  if (range.end_is_infinity) {
    return range.start_is_minus_infinity ? "never" : "below " + start;
  }
  if (!has_lower) {
    return "above " + end;
  }
  return "outside " + start + ".." + end;
}

} // namespace cps
