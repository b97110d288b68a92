// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes ISO 8601 parsing; a parsed instant must survive format_utc and parse back unchanged.
#include "lib/timestamp.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  std::optional<std::int64_t> parsed = cps::parse_timestamp(text);
  if (!parsed) {
    return 0;
  }
  std::string shown = cps::format_utc(*parsed); // "2026-11-26 10:07:26 UTC"
  if (shown.size() == 23 && shown.compare(19, 4, " UTC") == 0) {
    std::string iso = shown.substr(0, 10) + "T" + shown.substr(11, 8) + "Z";
    std::optional<std::int64_t> again = cps::parse_timestamp(iso);
    cps::fuzz::require(again && *again == *parsed, "format_utc parses back to the same instant",
                       shown);
  }
  return 0;
}
