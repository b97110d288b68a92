// SPDX-License-Identifier: GPL-3.0-or-later
// ISO 8601 timestamps as Graph sends them, and UTC formatting for detail lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cps {

// Seconds since the Unix epoch for "YYYY-MM-DDTHH:MM:SS[.fffffff](Z|+hh:mm|-hh:mm)"; fractions are
// truncated. Anything else, including impossible dates, gives nullopt.
std::optional<std::int64_t> parse_timestamp(std::string_view text);

// "2026-11-26 10:07:26 UTC".
std::string format_utc(std::int64_t unix_seconds);

} // namespace cps
