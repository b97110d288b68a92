// SPDX-License-Identifier: GPL-3.0-or-later
// Small text helpers shared by the parsers: trimming, ASCII case folding, line ends, the one
// UTF-8 decoder, sanitising for output and RFC 6750's b64token.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cps {

// Without leading and trailing spaces, tabs and carriage returns.
std::string_view trim(std::string_view text);

// ASCII lower case (header names, media types).
std::string to_lower(std::string_view text);

// True when text starts with prefix, ignoring ASCII case; prefix must be lower case.
bool starts_with_lower(std::string_view text, std::string_view lower_case_prefix);

// Without trailing '\n' and '\r' characters.
std::string_view strip_line_ends(std::string_view text);

// A UTF-8 character: its code point and how many bytes spell it. well_formed is false for what
// RFC 3629 forbids though its bytes have the shape of a sequence: an overlong form, a surrogate or
// a code point above U+10FFFF.
struct Utf8Char {
  char32_t code;
  std::size_t length;
  bool well_formed;
};

// The character at text[pos], or nullopt when no sequence starts there: a continuation or
// invalid lead byte, a sequence cut short or broken by a byte that is not a continuation.
std::optional<Utf8Char> decode_utf8(std::string_view text, std::size_t pos);

// Valid UTF-8 with no control characters and no '|': invalid bytes become '?', controls and '|'
// become spaces or '/'.
std::string sanitize_text(std::string_view text);

// RFC 6750's b64token (section 2.1): one or more of A-Z a-z 0-9 - . _ ~ + /, then only '='.
// What a bearer token may be; anything else (CR, LF, space, controls) could forge or break an
// Authorization header or a token cache line.
bool is_b64token(std::string_view text);

} // namespace cps
