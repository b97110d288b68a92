// SPDX-License-Identifier: GPL-3.0-or-later
// The token cache file format: parse and write, one table of fields.
#include "token_file.hpp"

#include "text.hpp"

#include <array>
#include <charconv>
#include <string>

namespace cps {
namespace {

constexpr std::string_view version_line = "check_password_sync token v2\n";

bool read_expiry(std::string_view value, TokenRecord &record) {
  std::int64_t seconds = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (error != std::errc() || end != value.data() + value.size() || seconds <= 0 ||
      value.front() == '0') {
    return false;
  }
  record.token.expires_at = seconds;
  return true;
}

bool read_token(std::string_view value, TokenRecord &record) {
  if (!is_b64token(value)) {
    return false;
  }
  record.token.value = Secret(std::string(value));
  return true;
}

std::string write_expiry(const TokenRecord &record) {
  return std::to_string(record.token.expires_at);
}

std::string write_token(const TokenRecord &record) {
  return record.token.value.reveal();
}

struct Field {
  std::string_view name;
  bool (*read)(std::string_view value, TokenRecord &record);
  std::string (*write)(const TokenRecord &record);
};

// Every field is required; a new optional field would carry its own default in TokenRecord.
constexpr std::array<Field, 2> fields{{
    {"expires_at", read_expiry, write_expiry},
    {"access_token", read_token, write_token},
}};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || c == '_';
}

// One `name value` line (without its newline) into record; false when it is malformed or a
// known name comes twice. Unknown names are skipped: a newer plugin may write more fields.
bool read_line(std::string_view line, TokenRecord &record, std::array<bool, fields.size()> &seen) {
  std::size_t space = line.find(' ');
  if (space == 0 || space == std::string_view::npos || space + 1 == line.size()) {
    return false;
  }
  std::string_view name = line.substr(0, space);
  for (char c : name) {
    if (!is_name_char(c)) {
      return false;
    }
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) {
      if (seen[i] || !fields[i].read(line.substr(space + 1), record)) {
        return false;
      }
      seen[i] = true;
    }
  }
  return true;
}

} // namespace

Secret serialise_token_record(const TokenRecord &record) {
  std::string text(version_line);
  for (const Field &field : fields) {
    text += field.name;
    text += ' ';
    text += field.write(record);
    text += '\n';
  }
  return Secret(std::move(text));
}

std::optional<TokenRecord> parse_token_record(std::string_view text) {
  if (text.substr(0, version_line.size()) != version_line || text.back() != '\n') {
    return std::nullopt;
  }
  TokenRecord record;
  std::array<bool, fields.size()> seen{};
  text.remove_prefix(version_line.size());
  while (!text.empty()) {
    std::size_t newline = text.find('\n');
    if (!read_line(text.substr(0, newline), record, seen)) {
      return std::nullopt;
    }
    text.remove_prefix(newline + 1);
  }
  for (bool found : seen) {
    if (!found) {
      return std::nullopt;
    }
  }
  return record;
}

} // namespace cps
