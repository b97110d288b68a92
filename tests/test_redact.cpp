// SPDX-License-Identifier: GPL-3.0-or-later
// Secrets found and removed in every form a server or libcurl may echo them.
#include "lib/redact.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;

TEST_SUITE_BEGIN("redact");

TEST_CASE("redact: a secret in its raw, percent-encoded and JSON-escaped forms") {
  Redactor redactor;
  redactor.protect("sim8Q~a_b/c d+e");
  struct Case {
    const char *text;
    const char *expected;
  };
  for (const Case &row : std::vector<Case>{
           {"x sim8Q~a_b/c d+e y", "x [redacted] y"},
           {"x sim8Q~a_b%2Fc%20d%2Be y", "x [redacted] y"},               // form_encode
           {"x sim8Q%7Ea_b%2fc+d%2be y", "x [redacted] y"},               // %7E, lower hex, +
           {"x %73%69%6D8Q~a_b/c d+e y", "x [redacted] y"},               // any byte as %XX
           {"x sim8Q~a\\u005fb\\/c d+e y", "x [redacted] y"},             // \u005f and \/
           {"x \\u0073im8Q\\u007Ea_b\\/c\\u0020d+e y", "x [redacted] y"}, // \u for any char
           {"x sim8Q\\u00257Ea_b%2Fc+d%2Be y", "x [redacted] y"},         // a JSON-escaped %
           {"x sim8Q~a_b/c_d+e y", "x sim8Q~a_b/c_d+e y"},                // not the secret
           {"x sim8Q~a_b/c d+ y", "x sim8Q~a_b/c d+ y"},                  // cut short
       }) {
    CAPTURE(row.text);
    CHECK(redactor.redact(row.text) == row.expected);
  }
}

TEST_CASE("redact: non-ASCII characters as \\u escapes and surrogate pairs") {
  Redactor redactor;
  redactor.protect("p\xC3\xA4ss\xF0\x9F\x94\x91"); // "päss" and U+1F511
  CHECK(redactor.redact("a p\\u00e4ss\\ud83d\\udd11 b") == "a [redacted] b");
  CHECK(redactor.redact("a p\\u00C4ss\\uD83D\\uDD11 b") == "a p\\u00C4ss\\uD83D\\uDD11 b");
  CHECK(redactor.redact("a p%C3%A4ss%F0%9F%94%91 b") == "a [redacted] b");
}

TEST_CASE("redact: JSON token fields whatever escapes spell their names") {
  Redactor redactor;
  for (const char *text :
       {R"({"access\u005ftoken":"eyJ0eXAi.abc"})", R"({"\u0061ccess_token" : "eyJ0eXAi.abc"})",
        R"({"client\u005Fsecret":"eyJ0eXAi.abc"})", R"({"client_assertion":"eyJ0eXAi.abc"})"}) {
    CAPTURE(text);
    std::string redacted = redactor.redact(text);
    CHECK(redacted.find("eyJ0eXAi") == std::string::npos);
    CHECK(redacted.find("[redacted]") != std::string::npos);
  }
  CHECK(redactor.redact(R"({"access_tokens":"kept"})") == R"({"access_tokens":"kept"})");
}

TEST_CASE("redact: a client secret's hint and text in Graph's passwordCredential") {
  Redactor redactor;
  CHECK(redactor.redact(R"({"displayName":"monitoring","hint":"q~Z","keyId":"8a3c"})") ==
        R"({"displayName":"monitoring","hint":"[redacted]","keyId":"8a3c"})");
  CHECK(redactor.redact(R"({"secretText":"q~Z8Q~abc","hints":"kept"})") ==
        R"({"secretText":"[redacted]","hints":"kept"})");
}

TEST_CASE("redact: an Authorization header ends where its credential ends") {
  Redactor redactor;
  CHECK(redactor.redact("(HTTP 401 x: Authorization: Bearer eyJ.a-b_c~d+e/f= was refused)") ==
        "(HTTP 401 x: Authorization: [redacted] was refused)");
  CHECK(redactor.redact(R"({"message":"Proxy-Authorization: Basic bW9uOnB3","code":"y"})") ==
        R"({"message":"Proxy-Authorization: [redacted]","code":"y"})");
}

TEST_CASE("redact: a marker joined into a secret again withholds the text") {
  Redactor redactor;
  redactor.protect("]x");
  redactor.protect("abc");
  CHECK(redactor.redact("abcx") == std::string(withheld_line));
  CHECK(redactor.reveals("%5dx"));
  CHECK_FALSE(redactor.reveals("]y"));
}

TEST_CASE("redact: the secret of a proxy URL, as written and decoded") {
  struct Case {
    const char *url;
    std::vector<std::string> secrets;
  };
  for (const Case &row : std::vector<Case>{
           {"http://monitor:Pa/ss#w0rd@proxy:3128", {"Pa/ss#w0rd"}},
           {"http://monitor:Pa%2Fss%23w0rd@proxy:3128", {"Pa%2Fss%23w0rd", "Pa/ss#w0rd"}},
           {"monitor:pw@127.0.0.1:3128", {"pw"}},
           {"https://t0ken@proxy", {"t0ken"}},
           {"http://monitor:@proxy:3128", {}},
           {"http://proxy:3128", {}},
           {"", {}},
       }) {
    CAPTURE(row.url);
    CHECK(proxy_url_secrets(row.url) == row.secrets);
  }
}

TEST_CASE("redact: a value is registered once, an empty one never") {
  Redactor redactor;
  redactor.protect("abc");
  redactor.protect("abc");
  redactor.protect("");
  CHECK(redactor.values() == std::vector<std::string>{"abc"});
  CHECK(redactor.redact("plain text") == "plain text");
}

TEST_SUITE_END();
