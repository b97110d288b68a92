// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes durations: parse_duration, and format_duration/format_age on what it yields and on any
// 64-bit value (ages come from server timestamps).
#include "lib/duration.hpp"
#include "lib/errors.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  try {
    std::int64_t seconds = cps::parse_duration(text);
    std::string shown = cps::format_duration(seconds);
    cps::fuzz::require(cps::parse_duration(shown) == seconds,
                       "format_duration parses back to the same duration", shown);
    cps::format_age(seconds);
  } catch (const cps::UsageError &error) {
    cps::fuzz::require_printable_message(error.what());
  }
  if (size >= sizeof(std::int64_t)) {
    std::int64_t any = 0;
    std::memcpy(&any, data, sizeof any);
    cps::format_duration(any);
    cps::format_age(any);
  }
  return 0;
}
