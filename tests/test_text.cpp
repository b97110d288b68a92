// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests for lib/text.cpp.
#include "lib/text.hpp"
#include "tests/text_oracle.hpp"

#include <doctest/doctest.h>
#include <optional>
#include <random>
#include <string>
#include <vector>

using namespace cps;

namespace {

bool valid_utf8(const std::string &text) {
  return oracle::is_valid_utf8(text);
}

bool has_control(const std::string &text) {
  return oracle::has_control_character(text, false);
}

} // namespace

TEST_CASE("text: trim removes spaces, tabs and carriage returns at both ends only") {
  CHECK(trim("  a b\t\r") == "a b");
  CHECK(trim("\t\tx") == "x");
  CHECK(trim("") == "");
  CHECK(trim(" \t\r ") == "");
  CHECK(trim("a\nb") == "a\nb");
}

TEST_CASE("text: to_lower folds ASCII only") {
  CHECK(to_lower("Retry-After") == "retry-after");
  CHECK(to_lower("APPLICATION/JSON; Charset=UTF-8") == "application/json; charset=utf-8");
  CHECK(to_lower("\xc3\x84") == "\xc3\x84"); // UTF-8 bytes are left alone
}

TEST_CASE("text: starts_with_lower ignores the case of the text, not of the prefix") {
  CHECK(starts_with_lower("Authorization: Bearer x", "authorization:"));
  CHECK(starts_with_lower("BASIC realm=/x", "basic realm="));
  CHECK_FALSE(starts_with_lower("Author", "authorization:"));
  CHECK_FALSE(starts_with_lower("Authorisation:", "authorization:"));
  CHECK(starts_with_lower("anything", ""));
}

TEST_CASE("text: strip_line_ends removes every trailing CR and LF, nothing else") {
  CHECK(strip_line_ends("secret\n") == "secret");
  CHECK(strip_line_ends("secret\r\n\r\n") == "secret");
  CHECK(strip_line_ends("se\ncret ") == "se\ncret ");
  CHECK(strip_line_ends("\n") == "");
}

TEST_CASE("text: sanitize_text") {
  struct Case {
    std::string input;
    std::string output;
  };
  for (const Case &row : std::vector<Case>{
           {"plain text", "plain text"},
           {"a|b||c", "a/b//c"},
           {"line\nbreak\r\n", "line break  "},
           {"tab\there", "tab here"},
           {std::string("nul\0byte", 8), "nul byte"},
           {"esc\x1b[31mred", "esc [31mred"},
           {"del\x7f", "del "},
           {"\xc2\x80\xc2\x85\xc2\x9f", "   "},      // C1 controls
           {"\xc2\xa0nbsp", "\xc2\xa0nbsp"},         // U+00A0 is not a control
           {"caf\xc3\xa9", "caf\xc3\xa9"},           // é
           {"\xe2\x82\xac 5", "\xe2\x82\xac 5"},     // €
           {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"}, // emoji
           {"\xef\xbf\xbd", "\xef\xbf\xbd"},         // U+FFFD
           {"\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"}, // U+10FFFF
           {"\xff", "?"},                            // never valid
           {"\xfe\xfe", "??"},                       // never valid
           {"\x80", "?"},                            // lone continuation
           {"\xc0\xaf", "??"},                       // overlong '/'
           {"\xc1\xbf", "??"},                       // overlong
           {"\xe0\x80\xaf", "???"},                  // overlong 3-byte
           {"\xe0\x9f\xbf", "???"},                  // U+07FF overlong in 3 bytes
           {"\xe0\xa0\x80", "\xe0\xa0\x80"},         // U+0800, the first 3-byte character
           {"\xf0\x8f\xbf\xbf", "????"},             // U+FFFF overlong in 4 bytes
           {"\xf0\x90\x80\x80", "\xf0\x90\x80\x80"}, // U+10000, the first 4-byte character
           {"\xf0\x80\x80\xaf", "????"},             // overlong 4-byte
           {"\xed\xa0\x80", "???"},                  // surrogate U+D800
           {"\xed\xbf\xbf", "???"},                  // surrogate U+DFFF
           {"\xf4\x90\x80\x80", "????"},             // above U+10FFFF
           {"\xf8\x88\x80\x80\x80", "?????"},        // 5-byte form
           {"\xe2\x82", "??"},                       // truncated at the end
           {"\xe2\x82x", "??x"},                     // truncated in the middle
           {"\xc3", "?"},                            // truncated 2-byte
           {"ok\xc3\xa9|\xff\n", "ok\xc3\xa9/? "},
       }) {
    CAPTURE(row.input);
    CHECK(sanitize_text(row.input) == row.output);
  }
}

TEST_CASE("text: sanitize_text always yields valid UTF-8 without controls or '|'") {
  for (int byte = 0; byte < 256; ++byte) {
    std::string clean = sanitize_text(std::string(1, static_cast<char>(byte)));
    CAPTURE(byte);
    CHECK(valid_utf8(clean));
    CHECK_FALSE(has_control(clean));
    CHECK(clean.find('|') == std::string::npos);
  }
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 24);
  for (int round = 0; round < 20000; ++round) {
    std::string input;
    for (int i = length(random); i > 0; --i) {
      input += static_cast<char>(byte(random));
    }
    std::string clean = sanitize_text(input);
    if (!valid_utf8(clean) || has_control(clean) || clean.find('|') != std::string::npos) {
      CAPTURE(input);
      FAIL("sanitize_text let something through");
    }
    if (valid_utf8(input) && !has_control(input) && input.find('|') == std::string::npos) {
      CHECK(clean == input); // clean text is never changed
    }
  }
}

TEST_CASE("text: decode_utf8 gives the code point and length, and says what is not well formed") {
  struct Case {
    std::string text;
    char32_t code;
    std::size_t length;
    bool well_formed;
  };
  for (const Case &row : std::vector<Case>{
           {"A", 0x41, 1, true},
           {std::string(1, '\0'), 0, 1, true},
           {"\x7f", 0x7F, 1, true},
           {"\xc2\x80", 0x80, 2, true},
           {"\xc3\xa9", 0xE9, 2, true},
           {"\xdf\xbf", 0x7FF, 2, true},
           {"\xe0\xa0\x80", 0x800, 3, true},
           {"\xe2\x82\xac", 0x20AC, 3, true},
           {"\xef\xbf\xbd", 0xFFFD, 3, true},
           {"\xf0\x90\x80\x80", 0x10000, 4, true},
           {"\xf0\x9f\x98\x80", 0x1F600, 4, true},
           {"\xf4\x8f\xbf\xbf", 0x10FFFF, 4, true},
           {"\xc0\xaf", 0x2F, 2, false},             // overlong '/'
           {"\xe0\x9f\xbf", 0x7FF, 3, false},        // overlong in 3 bytes
           {"\xf0\x8f\xbf\xbf", 0xFFFF, 4, false},   // overlong in 4 bytes
           {"\xed\xa0\x80", 0xD800, 3, false},       // surrogate
           {"\xed\xbf\xbf", 0xDFFF, 3, false},       // surrogate
           {"\xf4\x90\x80\x80", 0x110000, 4, false}, // above U+10FFFF
       }) {
    CAPTURE(row.text);
    std::optional<Utf8Char> character = decode_utf8(row.text + "tail", 0);
    REQUIRE(character.has_value());
    CHECK(character->code == row.code);
    CHECK(character->length == row.length);
    CHECK(character->well_formed == row.well_formed);
  }
  for (const char *text : {"\x80", "\xbf", "\xff", "\xfe", "\xf8\x88\x80\x80\x80", "\xe2\x82",
                           "\xe2\x82x", "\xc3", "\xc3(", "\xf0\x9f\x98"}) {
    CAPTURE(text);
    CHECK_FALSE(decode_utf8(text, 0).has_value());
  }
  std::string text = "a\xc3\xa9z";
  REQUIRE(decode_utf8(text, 1).has_value());
  CHECK(decode_utf8(text, 1)->code == 0xE9);
  CHECK_FALSE(decode_utf8(text, 2).has_value()); // the middle of a character
  CHECK(decode_utf8(text, 3)->code == 'z');
}

TEST_CASE("text: is_b64token takes RFC 6750's token characters, then only '=' padding") {
  for (const char *token : {"a", "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2ln", "A-Z.a_z~0+9/",
                            "abc=", "abc==", "x/+=", "0123456789",
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-._~+/"}) {
    CAPTURE(token);
    CHECK(is_b64token(token));
  }
  for (const char *token : {"", "=", "==", "a=b", "a b", "a\tb", "a\r\nb", "a\n", " a", "a,b",
                            "a;b", "a\"b", "a:b", "a@b", "a%20", "caf\xc3\xa9", "a|b", "a\\b"}) {
    CAPTURE(token);
    CHECK_FALSE(is_b64token(token));
  }
  CHECK_FALSE(is_b64token(std::string("a\0b", 3)));
}
