// SPDX-License-Identifier: GPL-3.0-or-later
// The HTTP helpers that need no server: host_of, form_encode, responses, RAII handles, deadlines.
#include "lib/errors.hpp"
#include "lib/http.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <memory>
#include <string>
#include <vector>

using namespace cps;
using std::chrono::milliseconds;

TEST_CASE("http: host_of") {
  struct Case {
    const char *url;
    const char *host;
  };
  for (const Case &row : std::vector<Case>{
           {"https://login.microsoftonline.com/contoso/oauth2/v2.0/token",
            "login.microsoftonline.com"},
           {"https://graph.microsoft.com/beta/$batch", "graph.microsoft.com"},
           {"https://127.0.0.1:8443/beta/$batch", "127.0.0.1:8443"},
           {"https://[::1]:8443/x", "[::1]:8443"},
           {"https://user:password@host.example:1/x", "host.example:1"}, // never the userinfo
           {"https://host.example?x=1", "host.example"},
           {"https://host.example#fragment", "host.example"},
           {"https://host.example", "host.example"},
           {"http://169.254.169.254/metadata", "169.254.169.254"},
           {"host.example/path", "host.example"},
           {"", ""},
       }) {
    INFO("row.url := " << std::string(row.url));
    CHECK(host_of(row.url) == row.host);
  }
}

TEST_CASE("http: form_encode") {
  struct Case {
    std::string value;
    std::string encoded;
  };
  for (const Case &row : std::vector<Case>{
           {"", ""},
           {"abcXYZ0189-._~", "abcXYZ0189-._~"},
           {" ", "%20"},
           {"&=+%", "%26%3D%2B%25"},
           {"a b&c=d+e%f", "a%20b%26c%3Dd%2Be%25f"},
           {"https://graph.microsoft.com/.default", "https%3A%2F%2Fgraph.microsoft.com%2F.default"},
           {"\"'<>?#[]@!$()*,;", "%22%27%3C%3E%3F%23%5B%5D%40%21%24%28%29%2A%2C%3B"},
           {"\xc3\xa9", "%C3%A9"},
           {std::string("\0\n\xff", 3), "%00%0A%FF"},
       }) {
    CAPTURE(row.value);
    CHECK(form_encode(row.value) == row.encoded);
  }
}

TEST_CASE("http: HttpResponse::header finds lower-case names") {
  HttpResponse response;
  response.headers = {{"content-type", "application/json"},
                      {"retry-after", "2.128"},
                      {"request-id", "abc"},
                      {"retry-after", "99"}};
  CHECK(response.header("retry-after") == std::optional<std::string>("2.128"));
  CHECK(response.header("request-id") == std::optional<std::string>("abc"));
  CHECK_FALSE(response.header("location").has_value());
  CHECK_FALSE(response.header("Retry-After").has_value()); // callers pass lower case
}

TEST_CASE("http: HttpResponse::is_json") {
  for (const char *type :
       {"application/json", "application/json; charset=utf-8", "Application/JSON; charset=UTF-8",
        "application/problem+json", "application/vnd.api+json; charset=utf-8"}) {
    INFO("type := " << std::string(type));
    HttpResponse response;
    response.content_type = type;
    CHECK(response.is_json());
  }
  for (const char *type : {"", "text/html", "text/html; charset=utf-8", "text/plain",
                           "text/json+html", "application/xml", "json"}) {
    INFO("type := " << std::string(type));
    HttpResponse response;
    response.content_type = type;
    CHECK_FALSE(response.is_json());
  }
}

TEST_CASE("http: RAII handles move without double frees") {
  CurlHeaders headers;
  CHECK(headers.get() == nullptr);
  headers.append("Accept: application/json");
  headers.append("Content-Type: application/json");
  REQUIRE(headers.get() != nullptr);
  CHECK(std::string(headers.get()->data) == "Accept: application/json");
  CurlHeaders moved(std::move(headers));
  CHECK(headers.get() == nullptr); // NOLINT(bugprone-use-after-move)
  CHECK(moved.get() != nullptr);
  CurlHeaders assigned;
  assigned.append("X: 1");
  assigned = std::move(moved);   // frees the old list
  CHECK(moved.get() == nullptr); // NOLINT(bugprone-use-after-move)
  CHECK(std::string(assigned.get()->data) == "Accept: application/json");

  CurlEasy easy;
  CURL *handle = easy.get();
  REQUIRE(handle != nullptr);
  CurlEasy other(std::move(easy));
  CHECK(easy.get() == nullptr); // NOLINT(bugprone-use-after-move)
  CHECK(other.get() == handle);
  CurlEasy third;
  third = std::move(other);
  CHECK(third.get() == handle);
  CHECK_NOTHROW(third.set(CURLOPT_NOSIGNAL, 1L));
  CHECK_THROWS_AS(third.set(CURLOPT_PROTOCOLS_STR, "nonsense-protocol"), ConfigError);
}

TEST_CASE("http: HttpClient refuses a missing CA file") {
  Trace trace(0);
  CHECK_THROWS_AS(HttpClient(HttpSettings{"/nonexistent/ca.pem"}, trace), ConfigError);
}

TEST_CASE("http: an expired deadline is a TimeoutError before any request") {
  auto now = std::make_shared<Deadline::Clock::time_point>(Deadline::Clock::now());
  Deadline deadline(milliseconds(2000), [now] { return *now; });
  *now += milliseconds(2000);
  Trace trace(0);
  HttpClient client(HttpSettings{}, trace);
  HttpRequest request;
  request.url = "https://127.0.0.1:1/never";
  CHECK_THROWS_WITH_AS(client.send(request, deadline), doctest::Contains("timed out after 2s"),
                       TimeoutError);
  CHECK(client.requests_sent() == 0);
}

TEST_CASE("http: plain http is refused, a closed port is a TransportError naming the host") {
  Deadline deadline(milliseconds(3000));
  Trace trace(0);
  HttpClient client(HttpSettings{}, trace);
  HttpRequest plain;
  plain.url = "http://127.0.0.1:1/";
  CHECK_THROWS_AS(client.send(plain, deadline), TransportError);
  HttpRequest closed;
  closed.url = "https://127.0.0.1:1/";
  CHECK_THROWS_WITH_AS(client.send(closed, deadline), doctest::Contains("127.0.0.1:1"),
                       TransportError);
}

TEST_CASE("http: wait_within never sleeps past the deadline") {
  auto now = std::make_shared<Deadline::Clock::time_point>(Deadline::Clock::now());
  Deadline fake(milliseconds(1000), [now] { return *now; });
  auto started = std::chrono::steady_clock::now();
  CHECK_FALSE(wait_within(fake, milliseconds(800))); // 800 ms + a margin does not fit in 1 s
  CHECK_FALSE(wait_within(fake, milliseconds(5000)));
  CHECK(std::chrono::steady_clock::now() - started < milliseconds(100)); // refused at once

  Deadline real(milliseconds(5000));
  started = std::chrono::steady_clock::now();
  CHECK(wait_within(real, milliseconds(20)));
  CHECK(std::chrono::steady_clock::now() - started >= milliseconds(20));
}

TEST_CASE("http: wait_within waits through the injected sleep, only when the wait fits") {
  std::vector<milliseconds> waits;
  Sleep record = [&waits](milliseconds wait) { waits.push_back(wait); };
  auto now = std::make_shared<Deadline::Clock::time_point>(Deadline::Clock::now());
  Deadline deadline(milliseconds(1000), [now] { return *now; });
  CHECK(wait_within(deadline, milliseconds(700), record));       // 700 + 250 ms margin < 1000 ms
  CHECK_FALSE(wait_within(deadline, milliseconds(750), record)); // 750 + 250 ms does not fit
  CHECK(waits == std::vector<milliseconds>{milliseconds(700)});
}
