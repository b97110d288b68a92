// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the sanitiser and the renderer with server-controlled text in the summary and details.
// Properties: valid UTF-8, no control characters except '\n', the only '|' is line 1's perfdata
// separator, at most 4096 bytes; sanitize_text is idempotent.
#include "lib/output.hpp"
#include "lib/text.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <fuzzer/FuzzedDataProvider.h>
#include <string>
#include <string_view>

namespace {

using cps::fuzz::require;

void check_sanitized(std::string_view input) {
  std::string clean = cps::sanitize_text(input);
  require(cps::fuzz::is_valid_utf8(clean), "sanitize_text gives valid UTF-8", clean);
  require(!cps::fuzz::has_control_character(clean, false), "sanitize_text removes controls", clean);
  require(clean.find('|') == std::string::npos, "sanitize_text removes '|'", clean);
  require(cps::sanitize_text(clean) == clean, "sanitize_text is idempotent", clean);
}

cps::CheckResult result_from(FuzzedDataProvider &input) {
  cps::CheckResult result;
  result.state = static_cast<cps::State>(input.ConsumeIntegralInRange<int>(0, 3));
  result.summary = input.ConsumeRandomLengthString(8192);
  int perf_values = input.ConsumeIntegralInRange<int>(0, 2);
  for (int i = 0; i < perf_values; ++i) {
    result.perfdata.push_back({i == 0 ? "password_sync_age" : "dirsync_age",
                               input.ConsumeIntegral<std::int64_t>(), "259200", "3600:7200"});
  }
  while (input.remaining_bytes() > 0 && result.details.size() < 200) {
    result.details.push_back(input.ConsumeRandomLengthString(6000));
  }
  return result;
}

void check_rendered(const cps::CheckResult &result) {
  std::string output = cps::render(result, cps::Redactor{});
  require(output.size() <= 4096, "output is at most 4096 bytes", output);
  require(cps::fuzz::is_valid_utf8(output), "output is valid UTF-8", output);
  require(!cps::fuzz::has_control_character(output, true), "output has no control characters",
          output);
  require(!output.empty() && output.back() == '\n', "output ends with a newline", output);
  std::size_t line1_end = output.find('\n');
  std::string_view line1(output.data(), line1_end);
  std::size_t bars = 0;
  for (char c : line1) {
    bars += c == '|';
  }
  require(bars == (result.perfdata.empty() ? 0 : 1), "line 1 has one '|' exactly with perfdata",
          output);
  require(output.find('|', line1_end) == std::string::npos, "no '|' after line 1", output);
  require(line1.rfind("PASSWORD_SYNC ", 0) == 0, "line 1 starts with PASSWORD_SYNC", output);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  check_sanitized(std::string_view(reinterpret_cast<const char *>(data), size));
  FuzzedDataProvider input(data, size);
  check_rendered(result_from(input));
  return 0;
}
