// Shared by the libFuzzer targets: a property failure aborts, so libFuzzer keeps the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace cps::fuzz {

[[noreturn]] inline void violated(const char *property, std::string_view text) {
  std::fprintf(stderr, "property violated: %s\n  text (%zu bytes): %.*s\n", property, text.size(),
               static_cast<int>(text.size() < 2000 ? text.size() : 2000), text.data());
  std::abort();
}

inline void require(bool holds, const char *property, std::string_view text = {}) {
  if (!holds) {
    violated(property, text);
  }
}

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
inline bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80                 ? 1
                         : c >= 0xC2 && c <= 0xDF ? 2
                         : c >= 0xE0 && c <= 0xEF ? 3
                         : c >= 0xF0 && c <= 0xF4 ? 4
                                                  : 0;
    if (length == 0 || i + length > text.size()) {
      return false;
    }
    unsigned int code = length == 1 ? c : c & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) {
        return false;
      }
      code = (code << 6) | (next & 0x3F);
    }
    static constexpr unsigned int minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < minimum[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

// C0 controls, DEL and C1 controls (U+0080..U+009F), except the allowed newline.
inline bool has_control_character(std::string_view text, bool newline_allowed) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n' && newline_allowed) {
      continue;
    }
    if (c < 0x20 || c == 0x7F) {
      return true;
    }
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      return true;
    }
  }
  return false;
}

// The text an error becomes in the plugin's output must be printable as a summary.
inline void require_printable_message(std::string_view message) {
  require(!message.empty(), "an error message is not empty", message);
}

} // namespace cps::fuzz
