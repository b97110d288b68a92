// SPDX-License-Identifier: GPL-3.0-or-later
// The token cache file format: what is written, what is read back, what is refused.
#include "lib/token_file.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace cps;

TEST_CASE("token_file: the written text, read back") {
  TokenRecord record{AccessToken{Secret("eyJ0.x-_~+/="), 1800003599}};
  Secret text = serialise_token_record(record);
  CHECK(text.reveal() ==
        "check_password_sync token v2\nexpires_at 1800003599\naccess_token eyJ0.x-_~+/=\n");
  std::optional<TokenRecord> back = parse_token_record(text.reveal());
  REQUIRE(back.has_value());
  CHECK(back->token.value.reveal() == "eyJ0.x-_~+/=");
  CHECK(back->token.expires_at == 1800003599);
}

TEST_CASE("token_file: fields in any order; unknown names skipped, known names once") {
  const std::string v2 = "check_password_sync token v2\n";
  auto parsed = parse_token_record(v2 + "access_token t\nnewer_flag on\nexpires_at 9\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->token.value.reveal() == "t");
  CHECK(parsed->token.expires_at == 9);
  for (const std::string &bad :
       {v2 + "access_token t\nexpires_at 9\naccess_token u\n", v2 + "access_token t\n",
        v2 + "expires_at 09\naccess_token t\n", v2 + "expires_at -9\naccess_token t\n",
        v2 + "expires_at 0\naccess_token t\n", v2 + "expires_at 9\naccess_token t\r\n",
        v2 + "expires_at 9\naccess_token t\n\n", v2 + "expires_at 9\nAccess_token t\n",
        v2 + "expires_at 9\naccess_token t\nflag\n", v2 + "expires_at 99999999999999999999\naccess_token t\n",
        std::string("check_password_sync token v3\nexpires_at 9\naccess_token t\n")}) {
    CHECK_MESSAGE(!parse_token_record(bad).has_value(), bad);
  }
}
