// SPDX-License-Identifier: GPL-3.0-or-later
// Finding secrets in text, in every form a server or libcurl may echo them, and replacing them.
#include "redact.hpp"

#include "text.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <set>

namespace cps {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

// The number written with `digits` hex digits at text[pos], in either case.
std::optional<unsigned> hex_at(std::string_view text, std::size_t pos, std::size_t digits) {
  if (pos + digits > text.size()) {
    return std::nullopt;
  }
  unsigned number = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    int digit = hex_digit(text[pos + i]);
    if (digit < 0) {
      return std::nullopt;
    }
    number = number * 16 + static_cast<unsigned>(digit);
  }
  return number;
}

// A character as written in the text or in a secret: its code and how many bytes spell it.
struct Spelled {
  unsigned code;
  std::size_t length;
};

// A JSON escape at text[pos]: \/ \" \\ \b \f \n \r \t or \uXXXX (a surrogate pair as one).
std::optional<Spelled> json_escape_at(std::string_view text, std::size_t pos) {
  if (pos + 1 >= text.size() || text[pos] != '\\') {
    return std::nullopt;
  }
  static constexpr std::string_view shorts = "/\"\\bfnrt";
  static constexpr std::array<unsigned, 8> codes{'/', '"', '\\', 8, 12, 10, 13, 9};
  if (std::size_t which = shorts.find(text[pos + 1]); which != std::string_view::npos) {
    return Spelled{codes[which], 2};
  }
  auto code = text[pos + 1] == 'u' ? hex_at(text, pos + 2, 4) : std::nullopt;
  if (!code) {
    return std::nullopt;
  }
  if (*code >= 0xD800 && *code < 0xDC00 && text.substr(pos + 6, 2) == "\\u") {
    auto low = hex_at(text, pos + 8, 4);
    if (low && *low >= 0xDC00 && *low < 0xE000) {
      return Spelled{0x10000 + ((*code - 0xD800) << 10) + (*low - 0xDC00), 12};
    }
  }
  return Spelled{*code, 6};
}

// A percent sign as written: '%' or its JSON escape \u0025.
std::size_t percent_sign_length(std::string_view text, std::size_t pos) {
  if (text[pos] == '%') {
    return 1;
  }
  auto escaped = json_escape_at(text, pos);
  return escaped && escaped->code == '%' && escaped->length == 6 ? 6 : 0;
}

// Where one step can go from (value index i, text position p): (next i, next p) pairs.
template <typename Visit>
void steps(std::string_view text, std::size_t p, std::string_view value, std::size_t i,
           Visit &&visit) {
  if (p >= text.size()) {
    return;
  }
  auto byte = static_cast<unsigned char>(value[i]);
  if (text[p] == value[i]) {
    visit(i + 1, p + 1);
  }
  if (value[i] == ' ' && text[p] == '+') {
    visit(i + 1, p + 1);
  }
  if (std::size_t sign = percent_sign_length(text, p); sign > 0) {
    auto code = hex_at(text, p + sign, 2);
    if (code && *code == byte) {
      visit(i + 1, p + sign + 2);
    }
  }
  if (auto escaped = json_escape_at(text, p)) {
    // Not well formed is no matter here: only to compare with the code point a \u escape spells.
    auto character = decode_utf8(value, i);
    if (character && character->code == escaped->code) {
      visit(i + character->length, p + escaped->length);
    }
  }
}

// Could a form of value start with this byte?
bool may_start(char c, std::string_view value) {
  return c == value[0] || c == '%' || c == '\\' || (c == '+' && value[0] == ' ');
}

// "client_secret=abc&x=y" -> "client_secret=[redacted]&x=y" for key "client_secret=".
void redact_form_field(std::string &text, std::string_view key) {
  for (std::size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + 1)) {
    bool starts_field = pos == 0 || text[pos - 1] == '&' || text[pos - 1] == ' ';
    if (!starts_field) {
      continue;
    }
    std::size_t value_start = pos + key.size();
    std::size_t value_end = std::min(text.find_first_of("& \r\n", value_start), text.size());
    text.replace(value_start, value_end - value_start, redaction_marker);
  }
}

void redact_form_fields(std::string &text) {
  for (std::string_view key : {"client_secret=", "client_assertion=", "assertion="}) {
    redact_form_field(text, key);
  }
}

struct JsonString {
  std::string decoded; // escapes resolved; non-ASCII escapes as '?'
  std::size_t end;     // the closing quote, or the text's end
};

// The JSON string whose opening quote is text[quote]; decoding stops after `limit` characters.
JsonString json_string_at(std::string_view text, std::size_t quote, std::size_t limit) {
  JsonString string{"", quote + 1};
  std::size_t &p = string.end;
  while (p < text.size() && text[p] != '"' && string.decoded.size() <= limit) {
    auto escaped = json_escape_at(text, p);
    if (escaped) {
      string.decoded += escaped->code < 0x80 ? static_cast<char>(escaped->code) : '?';
    } else if (text[p] != '\\') {
      string.decoded += text[p];
    }
    p += escaped ? escaped->length : text[p] == '\\' ? 2 : 1;
  }
  p = std::min(p, text.size());
  return string;
}

// Graph's passwordCredential holds parts of a secret: hint, "the first three characters of the
// password", and secretText, the password itself (only in addPassword's answer).
bool is_secret_json_field(const std::string &name) {
  static constexpr std::array<std::string_view, 8> fields{
      "access_token",     "refresh_token", "id_token", "client_secret",
      "client_assertion", "assertion",     "hint",     "secretText"};
  return std::find(fields.begin(), fields.end(), name) != fields.end();
}

// "\"access_token\":\"abc\"" (the name in any escaped spelling) -> its value [redacted].
void redact_json_fields(std::string &text) {
  for (std::size_t pos = text.find('"'); pos != std::string::npos; pos = text.find('"', pos + 1)) {
    JsonString name = json_string_at(text, pos, 20);
    if (name.end >= text.size() || !is_secret_json_field(name.decoded)) {
      continue;
    }
    std::size_t colon = text.find_first_not_of(" \t\r\n", name.end + 1);
    if (colon == std::string::npos || text[colon] != ':') {
      continue;
    }
    std::size_t quote = text.find_first_not_of(" \t\r\n", colon + 1);
    if (quote == std::string::npos || text[quote] != '"') {
      continue;
    }
    std::size_t end = json_string_at(text, quote, std::string::npos).end;
    text.replace(quote + 1, end - quote - 1, redaction_marker);
  }
}

// "Authorization: Bearer abc" -> "Authorization: [redacted]", in any case, also as
// "Proxy-Authorization"; the value ends where a credential's characters end.
void redact_authorization_headers(std::string &text) {
  static constexpr std::string_view header = "authorization:";
  static constexpr std::string_view credential_chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=%\\";
  for (std::size_t pos = 0; pos + header.size() <= text.size(); ++pos) {
    if (!starts_with_lower(std::string_view(text).substr(pos), header)) {
      continue;
    }
    std::size_t start = pos + header.size();
    std::size_t end = std::min(text.find_first_not_of(" \t", start), text.size());
    end = std::min(text.find_first_not_of(credential_chars, end), text.size()); // the scheme
    std::size_t after_space = std::min(text.find_first_not_of(" \t", end), text.size());
    if (after_space > end && after_space < text.size()) {
      end = std::min(text.find_first_not_of(credential_chars, after_space), text.size());
    }
    text.replace(start, end - start, " " + std::string(redaction_marker));
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
      text.replace(start, at - start, redaction_marker);
    }
  }
}

std::string percent_decode(std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto code = text[i] == '%' ? hex_at(text, i + 1, 2) : std::nullopt;
    decoded += code ? static_cast<char>(*code) : text[i];
    i += code ? 2 : 0;
  }
  return decoded;
}

} // namespace

std::size_t encoded_match_length(std::string_view text, std::size_t pos, std::string_view value) {
  if (value.empty() || pos >= text.size() || !may_start(text[pos], value)) {
    return 0;
  }
  // (bytes of value matched, text position): taken smallest first; stays a handful wide.
  std::set<std::pair<std::size_t, std::size_t>> pending{{0, pos}};
  std::size_t longest_end = 0;
  while (!pending.empty()) {
    auto [i, p] = *pending.begin();
    pending.erase(pending.begin());
    if (i == value.size()) {
      longest_end = std::max(longest_end, p);
      continue;
    }
    steps(text, p, value, i,
          [&](std::size_t next_i, std::size_t next_p) { pending.emplace(next_i, next_p); });
  }
  return longest_end == 0 ? 0 : longest_end - pos;
}

void Redactor::protect(std::string_view value) {
  if (!value.empty() && std::find(values_.begin(), values_.end(), value) == values_.end()) {
    values_.emplace_back(value);
  }
}

std::size_t Redactor::longest_match(std::string_view text, std::size_t pos) const {
  std::size_t longest = 0;
  for (const std::string &value : values_) {
    longest = std::max(longest, encoded_match_length(text, pos, value));
  }
  return longest;
}

bool Redactor::reveals(std::string_view text) const {
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    if (longest_match(text, pos) > 0) {
      return true;
    }
  }
  return false;
}

std::string Redactor::redact(std::string_view text) const {
  std::string result;
  result.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t length = longest_match(text, pos);
    result += length > 0 ? std::string(redaction_marker) : std::string(1, text[pos]);
    pos += std::max<std::size_t>(length, 1);
  }
  redact_form_fields(result);
  redact_json_fields(result);
  redact_authorization_headers(result);
  redact_url_userinfo(result);
  // A marker can join with its neighbours into a secret again (a secret starting with "]");
  // rather than show it, withhold the whole text.
  return reveals(result) ? std::string(withheld_line) : result;
}

std::vector<std::string> proxy_url_secrets(std::string_view url) {
  std::size_t scheme = url.find("://");
  std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  std::size_t at = url.rfind('@');
  if (at == std::string_view::npos || at < start) {
    return {};
  }
  std::string_view userinfo = url.substr(start, at - start);
  std::size_t colon = userinfo.find(':');
  std::string_view secret = colon == std::string_view::npos ? userinfo : userinfo.substr(colon + 1);
  if (secret.empty()) {
    return {};
  }
  std::vector<std::string> secrets{std::string(secret)};
  if (std::string decoded = percent_decode(secret); decoded != secret && !decoded.empty()) {
    secrets.push_back(decoded);
  }
  return secrets;
}

} // namespace cps
