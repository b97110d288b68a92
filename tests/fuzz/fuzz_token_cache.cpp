// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the token cache file parser: what it accepts, it writes back the same way.
#include "lib/text.hpp"
#include "lib/token_file.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  std::optional<cps::TokenRecord> record = cps::parse_token_record(text);
  if (!record) {
    return 0;
  }
  const std::string &token = record->token.value.reveal();
  cps::fuzz::require(cps::is_b64token(token), "a cached token is bearer-token text", text);
  cps::fuzz::require(record->token.expires_at > 0, "an expiry is positive", text);
  // Written again, it reads back as the same record, and writing is a fixed point.
  cps::Secret written = cps::serialise_token_record(*record);
  std::optional<cps::TokenRecord> again = cps::parse_token_record(written.reveal());
  cps::fuzz::require(again && again->token.value.reveal() == token &&
                         again->token.expires_at == record->token.expires_at,
                     "a parsed record survives being written and read", text);
  cps::fuzz::require(cps::serialise_token_record(*again).reveal() == written.reveal(),
                     "writing a record twice gives the same text", text);
  cps::fuzz::require(written.reveal().size() <= text.size(),
                     "the written text is never longer than the text read", text);
  return 0;
}
