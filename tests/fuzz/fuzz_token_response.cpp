// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the token endpoint's answer: status and content type from the first byte, body after it.
#include "lib/auth.hpp"
#include "lib/errors.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  static constexpr long statuses[] = {200, 400, 401, 403, 429, 500, 503, 302};
  static constexpr const char *types[] = {"application/json; charset=utf-8", "text/html", "",
                                          "application/problem+json"};
  if (size == 0) {
    return 0;
  }
  cps::HttpResponse response;
  response.status = statuses[data[0] & 7];
  response.content_type = types[(data[0] >> 3) & 3];
  response.body.assign(reinterpret_cast<const char *>(data + 1), size - 1);
  constexpr std::int64_t now = 1764150000;
  try {
    cps::AccessToken token = cps::parse_token_response(response, "login.example", now);
    cps::fuzz::require(response.status == 200, "only a 200 answer yields a token");
    cps::fuzz::require(!token.value.empty(), "a token is never empty");
    cps::fuzz::require(token.expires_at > now && token.expires_at <= now + 86400 * 30,
                       "a token expires within 30 days");
  } catch (const cps::AuthError &error) {
    cps::fuzz::require_printable_message(error.what());
  } catch (const cps::ServiceError &error) {
    cps::fuzz::require_printable_message(error.what());
  } catch (const cps::ThrottledError &error) {
    cps::fuzz::require(response.status == 429, "only a 429 answer is throttling");
    cps::fuzz::require_printable_message(error.what());
  } catch (const cps::ApiFormatError &error) {
    cps::fuzz::require_printable_message(error.what());
  }
  return 0;
}
