// SPDX-License-Identifier: GPL-3.0-or-later
// Small text helpers shared by the parsers: trimming, ASCII case folding, line ends, the one
// UTF-8 decoder, sanitising for output and RFC 6750's b64token.
#include "text.hpp"

namespace cps {
namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// The length a UTF-8 lead byte announces, or 0 for a continuation or invalid lead byte.
std::size_t utf8_length(unsigned char lead) {
  return lead < 0x80           ? 1
         : (lead >> 5) == 0x6  ? 2
         : (lead >> 4) == 0xE  ? 3
         : (lead >> 3) == 0x1E ? 4
                               : 0;
}

bool is_c1_control(const Utf8Char &character) {
  return character.length == 2 && character.code < 0xA0;
}

bool is_b64token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

} // namespace

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::string to_lower(std::string_view text) {
  std::string folded(text);
  for (char &c : folded) {
    c = lower(c);
  }
  return folded;
}

bool starts_with_lower(std::string_view text, std::string_view lower_case_prefix) {
  if (text.size() < lower_case_prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < lower_case_prefix.size(); ++i) {
    if (lower(text[i]) != lower_case_prefix[i]) {
      return false;
    }
  }
  return true;
}

std::string_view strip_line_ends(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<Utf8Char> decode_utf8(std::string_view text, std::size_t pos) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  std::size_t length = utf8_length(lead);
  if (length == 0 || pos + length > text.size()) {
    return std::nullopt;
  }
  char32_t code = length == 1 ? lead : lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      return std::nullopt;
    }
    code = (code << 6) | (byte(pos + i) & 0x3F);
  }
  static constexpr char32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
  // Overlong, out of range or a surrogate: not well formed.
  bool well_formed =
      !(code < minimum[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF));
  return Utf8Char{code, length, well_formed};
}

std::string sanitize_text(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    std::optional<Utf8Char> character = decode_utf8(text, pos);
    if (!character || !character->well_formed) {
      clean += '?';
      ++pos;
      continue;
    }
    char32_t c = character->code;
    if (character->length == 1 && (c < 0x20 || c == 0x7F)) {
      clean += ' ';
    } else if (character->length == 1 && c == '|') {
      clean += '/';
    } else if (is_c1_control(*character)) {
      clean += ' ';
    } else {
      clean += text.substr(pos, character->length);
    }
    pos += character->length;
  }
  return clean;
}

bool is_b64token(std::string_view text) {
  std::size_t end = 0;
  while (end < text.size() && is_b64token_char(text[end])) {
    ++end;
  }
  return end > 0 && text.find_first_not_of('=', end) == std::string_view::npos;
}

} // namespace cps
