// SPDX-License-Identifier: GPL-3.0-or-later
// Verbose output with secrets and tokens redacted.
#include "trace.hpp"

#include "text.hpp"

#include <array>

namespace cps {
namespace {

constexpr std::string_view redacted = "[redacted]";
constexpr std::string_view withheld = "[line withheld: it would show a secret]";

void replace_all(std::string &text, std::string_view needle) {
  if (needle.empty()) {
    return;
  }
  for (std::size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + redacted.size())) {
    text.replace(pos, needle.size(), redacted);
  }
}

// "client_secret=abc&x=y" -> "client_secret=[redacted]&x=y".
void redact_form_field(std::string &text, std::string_view field) {
  std::string key = std::string(field) + "=";
  for (std::size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + 1)) {
    bool starts_field = pos == 0 || text[pos - 1] == '&' || text[pos - 1] == ' ';
    if (!starts_field) {
      continue;
    }
    std::size_t value_start = pos + key.size();
    std::size_t value_end = text.find_first_of("& \r\n", value_start);
    if (value_end == std::string::npos) {
      value_end = text.size();
    }
    text.replace(value_start, value_end - value_start, redacted);
  }
}

// "\"access_token\":\"abc\"" -> "\"access_token\":\"[redacted]\"".
void redact_json_field(std::string &text, std::string_view field) {
  std::string key = "\"" + std::string(field) + "\"";
  for (std::size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + 1)) {
    std::size_t quote = text.find_first_not_of(" \t\r\n:", pos + key.size());
    if (quote == std::string::npos || text[quote] != '"' ||
        text.find(':', pos + key.size()) > quote) {
      continue;
    }
    std::size_t end = quote + 1;
    while (end < text.size() && text[end] != '"') {
      end += text[end] == '\\' ? 2 : 1;
    }
    end = end < text.size() ? end : text.size();
    text.replace(quote + 1, end - quote - 1, redacted);
  }
}

// "Authorization: Bearer abc" -> "Authorization: [redacted]", case-insensitively.
void redact_authorization_header(std::string &text) {
  static constexpr std::string_view header = "authorization:";
  for (std::size_t pos = 0; pos + header.size() <= text.size(); ++pos) {
    if (!starts_with_lower(std::string_view(text).substr(pos), header)) {
      continue;
    }
    std::size_t value_start = pos + header.size();
    std::size_t value_end = text.find_first_of("\r\n", value_start);
    if (value_end == std::string::npos) {
      value_end = text.size();
    }
    text.replace(value_start, value_end - value_start, std::string(" ") + std::string(redacted));
  }
}

// "http://user:password@proxy:3128" -> "http://[redacted]@proxy:3128", wherever a URL with
// credentials appears (a proxy taken from https_proxy, as libcurl reports it).
void redact_url_userinfo(std::string &text) {
  for (std::size_t scheme = text.find("://"); scheme != std::string::npos;
       scheme = text.find("://", scheme + 3)) {
    std::size_t start = scheme + 3;
    std::size_t end = text.find_first_of("/ \t\r\n\"'<>", start);
    std::size_t at = text.rfind('@', end == std::string::npos ? text.size() : end);
    if (at != std::string::npos && at >= start) {
      text.replace(start, at - start, redacted);
    }
  }
}

} // namespace

void Trace::protect(std::string_view value) {
  if (!value.empty()) {
    protected_.emplace_back(value);
  }
}

void Trace::note(int level, std::string_view line) {
  if (wants(level)) {
    lines_.push_back(redact(line));
  }
}

std::string Trace::redact(std::string_view text) const {
  std::string result(text);
  for (const std::string &value : protected_) {
    replace_all(result, value);
  }
  static constexpr std::array<std::string_view, 3> form_fields{"client_secret", "client_assertion",
                                                               "assertion"};
  for (std::string_view field : form_fields) {
    redact_form_field(result, field);
  }
  static constexpr std::array<std::string_view, 4> json_fields{"access_token", "refresh_token",
                                                               "id_token", "client_secret"};
  for (std::string_view field : json_fields) {
    redact_json_field(result, field);
  }
  redact_authorization_header(result);
  redact_url_userinfo(result);
  // A replacement can join with its neighbours into a protected value again (a secret starting
  // with "]" after "[redacted]"); rather than show it, withhold the whole text.
  for (const std::string &value : protected_) {
    if (result.find(value) != std::string::npos) {
      return std::string(withheld);
    }
  }
  return result;
}

} // namespace cps
