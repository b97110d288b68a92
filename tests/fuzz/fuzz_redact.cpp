// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes redaction: a value registered with Trace::protect never survives redact() in any of the
// forms a server or libcurl may echo it (raw, percent-encoded, JSON-escaped), and the form and
// JSON secret fields are emptied.
#include "lib/trace.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <fuzzer/FuzzedDataProvider.h>
#include <string>
#include <vector>

namespace {

// Text the redaction itself writes; a "secret" that is part of it cannot be told apart from it.
bool part_of_redaction_text(const std::string &form) {
  static const std::vector<std::string> written = {"[redacted]", " [redacted]",
                                                   "[line withheld: it would show a secret]"};
  for (const std::string &text : written) {
    if (text.find(form) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string hex_byte(unsigned char c, const char *digits) {
  return {'%', digits[c >> 4], digits[c & 15]};
}

// Percent-encoded with upper or lower hex, '~' plain or as %7E, a space as '+' or %20.
std::vector<std::string> percent_forms(const std::string &value) {
  std::vector<std::string> forms(4);
  for (unsigned char c : value) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_';
    forms[0] += plain || c == '~' ? std::string(1, static_cast<char>(c))
                                  : hex_byte(c, "0123456789ABCDEF");
    forms[1] += plain ? std::string(1, static_cast<char>(c)) : hex_byte(c, "0123456789abcdef");
    forms[2] += c == ' ' ? std::string("+") : hex_byte(c, "0123456789ABCDEF");
    forms[3] += plain ? std::string(1, static_cast<char>(c)) : hex_byte(c, "0123456789ABCDEF");
  }
  return forms;
}

// JSON-escaped: every byte below 0x80 as \u00XX, or only '/' as \/ (other bytes as they are).
std::vector<std::string> json_forms(const std::string &value) {
  std::string every;
  std::string slashes;
  for (unsigned char c : value) {
    if (c < 0x80) {
      every += "\\u00" + hex_byte(c, "0123456789abcdef").substr(1);
    } else {
      every += static_cast<char>(c);
    }
    slashes += c == '/' ? std::string("\\/") : std::string(1, static_cast<char>(c));
  }
  return {every, slashes};
}

std::vector<std::string> forms_of(const std::string &value) {
  std::vector<std::string> forms{value};
  for (const auto &form : percent_forms(value)) {
    forms.push_back(form);
  }
  for (const auto &form : json_forms(value)) {
    forms.push_back(form);
  }
  return forms;
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
  // The forms the text could hold, planted so the property is tested on echoes, not luck.
  for (const std::string &secret : secrets) {
    for (const std::string &form : forms_of(secret)) {
      text += " " + form;
    }
  }
  std::string redacted = trace.redact(text);
  for (const std::string &secret : secrets) {
    for (const std::string &form : forms_of(secret)) {
      if (form.empty() || part_of_redaction_text(form)) {
        continue;
      }
      cps::fuzz::require(redacted.find(form) == std::string::npos,
                         "a protected value never survives redaction, in any encoded form",
                         redacted);
    }
  }
  trace.note(1, text);
  return 0;
}
