// SPDX-License-Identifier: GPL-3.0-or-later
// The text of one token cache file: a version line, then one `name value` line per field.
#pragma once

#include "auth.hpp"
#include "secret.hpp"

#include <optional>
#include <string_view>

namespace cps {

// What one cache file holds. Adding a field is a member here and a row in token_file.cpp's field
// table; older plugins skip the lines they do not know, so the version line stays.
struct TokenRecord {
  AccessToken token;
};

// The file's text (it holds the token, hence a Secret).
Secret serialise_token_record(const TokenRecord &record);

// The record, or nullopt unless the text is exactly what serialise_token_record writes, give or
// take lines with unknown names: a known field twice, a missing one, a token with characters a
// bearer token cannot have, or a non-positive expiry is refused.
std::optional<TokenRecord> parse_token_record(std::string_view text);

} // namespace cps
