// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the --extra-opts ini parser and its [section][@file] argument: any file text gives
// arguments that start with "--", or a UsageError.
#include "lib/errors.hpp"
#include "lib/extra_opts.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <fuzzer/FuzzedDataProvider.h>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  std::string section = input.ConsumeRandomLengthString(40);
  std::string text = input.ConsumeRemainingBytesAsString();
  try {
    for (const std::string &argument : cps::ini_section_arguments(text, section, "fuzz.ini")) {
      cps::fuzz::require(argument.rfind("--", 0) == 0, "every ini argument starts with --",
                         argument);
    }
  } catch (const cps::UsageError &error) {
    cps::fuzz::require_printable_message(error.what());
  }
  try {
    cps::parse_extra_opts_spec(section);
  } catch (const cps::UsageError &error) {
    cps::fuzz::require_printable_message(error.what());
  }
  return 0;
}
