// SPDX-License-Identifier: GPL-3.0-or-later
// Verbose output with secrets and tokens redacted.
#include "lib/trace.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;

namespace {

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("trace: protected values are replaced everywhere") {
  Trace trace(3);
  trace.protect("s3cr3t");
  trace.protect("eyJ0eXAiOiJKV1Q.token");
  std::string text = trace.redact("a s3cr3t b s3cr3ts3cr3t c eyJ0eXAiOiJKV1Q.token");
  CHECK_FALSE(contains(text, "s3cr3t"));
  CHECK_FALSE(contains(text, "eyJ0eXAiOiJKV1Q"));
  CHECK(text == "a [redacted] b [redacted][redacted] c [redacted]");
}

TEST_CASE("trace: an empty protected value changes nothing") {
  Trace trace(3);
  trace.protect("");
  CHECK(trace.redact("plain text") == "plain text");
}

TEST_CASE("trace: a protected value that is part of the marker does not loop") {
  Trace trace(3);
  trace.protect("d");
  trace.protect("[redacted]");
  // Every marker spells "d" again, so no redacted text can be shown: replacing ends, and the
  // whole text is withheld instead, as redact() and as a kept line.
  CHECK(trace.redact("ddd") == "[line withheld: it would show a secret]");
  trace.note(1, "sent ddd to [redacted]");
  REQUIRE(trace.lines().size() == 1);
  CHECK(trace.lines()[0] == "[line withheld: it would show a secret]");
  CHECK_FALSE(contains(trace.lines()[0], "sent"));
  CHECK_FALSE(contains(trace.lines()[0], "dd"));
}

TEST_CASE("trace: Authorization headers in any case") {
  Trace trace(3);
  struct Case {
    const char *text;
    const char *expected;
  };
  for (const Case &row : std::vector<Case>{
           {"Authorization: Bearer eyJabc.def.ghi", "Authorization: [redacted]"},
           {"> authorization: bearer eyJabc", "> authorization: [redacted]"},
           {"AUTHORIZATION:Bearer eyJabc", "AUTHORIZATION: [redacted]"},
           {"AuThOrIzAtIoN: Basic dXNlcjpwYXNz", "AuThOrIzAtIoN: [redacted]"},
           {"Authorization: Bearer eyJabc\r\nAccept: application/json",
            "Authorization: [redacted]\r\nAccept: application/json"},
           {"Authorization: Bearer one\nAuthorization: Bearer two",
            "Authorization: [redacted]\nAuthorization: [redacted]"},
           {"Authorization:", "Authorization: [redacted]"},
       }) {
    INFO("row.text := " << std::string(row.text));
    CHECK(trace.redact(row.text) == row.expected);
  }
}

TEST_CASE("trace: secret form fields") {
  Trace trace(3);
  struct Case {
    const char *text;
    const char *expected;
  };
  for (const Case &row : std::vector<Case>{
           {"grant_type=client_credentials&client_id=abc&client_secret=x%26y%3Dz&scope=s",
            "grant_type=client_credentials&client_id=abc&client_secret=[redacted]&scope=s"},
           {"client_secret=abc", "client_secret=[redacted]"},
           {"client_secret=", "client_secret=[redacted]"},
           {"a=1&client_secret=abc", "a=1&client_secret=[redacted]"},
           {"client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-"
            "bearer&client_assertion=eyJh.eyJi.sig&scope=s",
            "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-"
            "bearer&client_assertion=[redacted]&scope=s"},
           {"assertion=eyJh.eyJi.sig", "assertion=[redacted]"},
           {"my_client_secret=abc", "my_client_secret=abc"}, // not that field
       }) {
    INFO("row.text := " << std::string(row.text));
    CHECK(trace.redact(row.text) == row.expected);
  }
}

TEST_CASE("trace: token fields in JSON") {
  Trace trace(3);
  struct Case {
    const char *text;
    const char *gone; // must not survive
    const char *kept; // must survive
  };
  for (const Case &row : std::vector<Case>{
           {R"({"token_type":"Bearer","expires_in":3599,"access_token":"eyJ0eXAi.abc"})",
            "eyJ0eXAi", R"("expires_in":3599)"},
           {R"({"access_token" : "eyJ0eXAi.abc", "x":1})", "eyJ0eXAi", R"("x":1)"},
           {R"({"access_token":	"eyJ0eXAi.abc"})", "eyJ0eXAi", "access_token"},
           {R"({"access_token":"ab\"cd\"ef","x":"y"})", "cd", R"("x":"y")"},
           {R"({"access_token":"ab\\","x":"y"})", "ab", R"("x":"y")"},
           {R"({"refresh_token":"r3fr3sh","id_token":"1dt0k3n"})", "r3fr3sh", "refresh_token"},
           {R"({"id_token":"1dt0k3n"})", "1dt0k3n", "id_token"},
           {R"({"client_secret":"s3cr3t"})", "s3cr3t", "client_secret"},
           {R"({"access_token":"unterminated)", "unterminated", "access_token"},
           {R"({"access_token":"ends with a backslash\)", "backslash", "access_token"},
       }) {
    INFO("row.text := " << std::string(row.text));
    std::string text = trace.redact(row.text);
    CAPTURE(text);
    CHECK_FALSE(contains(text, row.gone));
    CHECK(contains(text, row.kept));
    CHECK(contains(text, "[redacted]"));
  }
  // Not a value: the key named in a sentence, or a non-string value.
  CHECK(trace.redact(R"(no "access_token" here)") == R"(no "access_token" here)");
  CHECK(trace.redact(R"({"access_token":null})") == R"({"access_token":null})");
}

TEST_CASE("trace: note keeps lines at or below the verbosity, redacted") {
  Trace quiet(0);
  quiet.note(1, "one");
  CHECK(quiet.lines().empty());
  CHECK_FALSE(quiet.wants(1));

  Trace trace(2);
  trace.protect("s3cr3t");
  trace.note(1, "level one s3cr3t");
  trace.note(2, "Authorization: Bearer abc");
  trace.note(3, "level three");
  REQUIRE(trace.lines().size() == 2);
  CHECK(trace.lines()[0] == "level one [redacted]");
  CHECK(trace.lines()[1] == "Authorization: [redacted]");
  CHECK(trace.wants(2));
  CHECK_FALSE(trace.wants(3));
  CHECK(trace.verbosity() == 2);
}

TEST_CASE("trace: credentials inside URLs (a proxy from https_proxy)") {
  Trace trace(3);
  struct Case {
    const char *text;
    const char *expected;
  };
  for (const Case &row : std::vector<Case>{
           {"* Uses proxy env variable https_proxy == 'http://mon:Pr0xy@127.0.0.1:3128'",
            "* Uses proxy env variable https_proxy == 'http://[redacted]@127.0.0.1:3128'"},
           {"proxy: http://user@proxy.example:8080/",
            "proxy: http://[redacted]@proxy.example:8080/"},
           {"https://p:a@ss@host/x", "https://[redacted]@host/x"},
           {"https://host/path?mail=a@b", "https://host/path?mail=a@b"},
           {"https://login.microsoftonline.com/t/oauth2/v2.0/token",
            "https://login.microsoftonline.com/t/oauth2/v2.0/token"},
       }) {
    CAPTURE(row.text);
    CHECK(trace.redact(row.text) == row.expected);
  }
}

TEST_CASE("trace: the redactor knows what the trace protects") {
  Trace trace(0);
  trace.protect("s3cr3t");
  CHECK(trace.redactor().reveals("x s%33cr3t"));
  CHECK(trace.lines().empty());
}
