// SPDX-License-Identifier: GPL-3.0-or-later
// Durations on the command line ("90", "45m", "3d12h") and ages in output ("4d2h").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace cps {

// Seconds in a duration: a whole number with optional units s, m, h, d, w, combined from the
// largest unit down ("1w2d", "3d12h"); a bare number is seconds. Throws UsageError.
std::int64_t parse_duration(std::string_view text);

// The exact duration in days down to seconds, e.g. 259200 -> "3d", 302400 -> "3d12h", 90 ->
// "1m30s".
std::string format_duration(std::int64_t seconds);

// A timeout as set with -t: "10s", "2.5s" (tenths), below one second in milliseconds: "250ms".
std::string format_seconds(std::chrono::milliseconds duration);

// A rounded age for humans: "45s", "31m", "2h5m", "4d2h". With more than two units it keeps the
// zeros after the first unit, so the precision shows: (259201, 4) -> "3d0h0m1s".
std::string format_age(std::int64_t seconds, int units = 2);

} // namespace cps
