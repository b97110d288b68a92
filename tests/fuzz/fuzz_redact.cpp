// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes trace redaction: a value registered with Trace::protect never survives redact(), and
// the form and JSON secret fields are emptied.
#include "lib/trace.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <fuzzer/FuzzedDataProvider.h>
#include <string>
#include <vector>

namespace {

// Text the redaction itself writes; a "secret" that is part of it cannot be told apart from it.
bool part_of_redaction_text(const std::string &value) {
  static const std::vector<std::string> written = {"[redacted]", " [redacted]",
                                                   "[line withheld: it would show a secret]"};
  for (const std::string &text : written) {
    if (text.find(value) != std::string::npos) {
      return true;
    }
  }
  return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  cps::Trace trace(3);
  std::vector<std::string> secrets;
  int count = input.ConsumeIntegralInRange<int>(1, 3);
  for (int i = 0; i < count; ++i) {
    secrets.push_back(input.ConsumeRandomLengthString(64));
    trace.protect(secrets.back());
  }
  std::string text = input.ConsumeRemainingBytesAsString();
  std::string redacted = trace.redact(text);
  for (const std::string &secret : secrets) {
    if (secret.empty() || part_of_redaction_text(secret)) {
      continue;
    }
    cps::fuzz::require(redacted.find(secret) == std::string::npos,
                       "a protected value never survives redaction", redacted);
  }
  trace.note(1, text);
  return 0;
}
