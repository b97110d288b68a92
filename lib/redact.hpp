// SPDX-License-Identifier: GPL-3.0-or-later
// Finding secrets in text, in every form a server or libcurl may echo them, and replacing them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cps {

// The marker a secret becomes, and the text that replaces a whole line it cannot be cut out of.
constexpr std::string_view redaction_marker = "[redacted]";
constexpr std::string_view withheld_line = "[line withheld: it would show a secret]";

// Knows every secret a check holds and removes it from text, whether written raw,
// percent-encoded (%XX in either case, %7E or ~, + for a space) or JSON-escaped (\/, \", \\,
// \uXXXX for any character, surrogate pairs), and also removes what is secret by its place:
// Authorization headers, credentials in URLs, secret form fields and token fields in JSON
// (whatever escapes spell the field's name).
class Redactor {
public:
  // Registers a value that must never be shown. Empty values are ignored.
  void protect(std::string_view value);

  // The text with every secret replaced by redaction_marker, or withheld_line when a secret
  // would still show (a marker joined with its neighbours into a secret again).
  std::string redact(std::string_view text) const;

  // True when a registered value shows in text, in any of the forms above.
  bool reveals(std::string_view text) const;

  const std::vector<std::string> &values() const { return values_; }

private:
  std::size_t longest_match(std::string_view text, std::size_t pos) const;
  std::vector<std::string> values_;
};

// The length of the text at pos that spells value in one of the encoded forms, or 0.
std::size_t encoded_match_length(std::string_view text, std::size_t pos, std::string_view value);

// The secret part of a proxy URL's credentials ("http://user:password@host" -> "password",
// "http://token@host" -> "token"), as written and percent-decoded; empty when it holds none.
std::vector<std::string> proxy_url_secrets(std::string_view url);

} // namespace cps
