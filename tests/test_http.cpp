// SPDX-License-Identifier: GPL-3.0-or-later
// The HTTP helpers (host_of, form_encode, responses, RAII handles, deadlines) and HttpClient
// against a plain-HTTP server on 127.0.0.1: how answers are classified, and the retries.
#include "lib/errors.hpp"
#include "lib/http.hpp"
#include "tests/loopback_http.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <memory>
#include <string>
#include <vector>

using namespace cps;
using cps::test::http_answer;
using cps::test::LoopbackHttp;
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
  struct Case {
    const char *type;
    bool json;
  };
  for (const Case &row : std::vector<Case>{
           {"application/json", true},
           {"application/json; charset=utf-8", true},
           {"Application/JSON; charset=UTF-8", true},
           {"application/problem+json", true},
           {"application/vnd.api+json; charset=utf-8", true},
           {"", false},
           {"text/html", false},
           {"text/html; charset=utf-8", false},
           {"text/plain", false},
           {"text/json+html", false},
           {"application/xml", false},
           {"json", false},
       }) {
    INFO("row.type := " << std::string(row.type));
    HttpResponse response;
    response.content_type = row.type;
    CHECK(response.is_json() == row.json);
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
  LoopbackHttp server({http_answer("HTTP/1.1 200 OK", "Content-Type: application/json\r\n", "{}")});
  HttpRequest plain;
  plain.url = server.url();
  CHECK_THROWS_WITH_AS(client.send(plain, deadline), doctest::Contains("\"http\" not supported"),
                       TransportError);
  CHECK(server.requests() == 0); // refused before connecting
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

namespace {

// One HttpClient for a test against LoopbackHttp (plain HTTP, as for identity endpoints).
struct PlainClient {
  explicit PlainClient(std::size_t max_body = 1 << 20) : client(settings(max_body), trace) {}
  static HttpSettings settings(std::size_t max_body) {
    HttpSettings plain;
    plain.allow_plain_http = true;
    plain.bypass_proxy = true;
    plain.max_body = max_body;
    return plain;
  }
  Trace trace{1};
  HttpClient client;
};

HttpRequest get(const LoopbackHttp &server) {
  HttpRequest request;
  request.url = server.url("/answer");
  return request;
}

const std::string json_ok =
    http_answer("HTTP/1.1 200 OK", "Content-Type: application/json\r\n", R"({"ok":true})");

// `answer`, from a server on 127.0.0.1, is refused as "invalid answer from <host>: <reason>".
void check_invalid_answer(const std::string &answer, const std::string &reason) {
  LoopbackHttp server({answer});
  PlainClient plain;
  CHECK_THROWS_WITH_AS(plain.client.send(get(server), Deadline(milliseconds(5000))),
                       ("invalid answer from " + server.host() + ": " + reason).c_str(),
                       ApiFormatError);
}

} // namespace

TEST_CASE("http: a connection made and an answer that is not HTTP is an invalid answer") {
  for (const std::string &answer :
       {std::string("HTTP/1.1 OK\r\nContent-Length: 2\r\n\r\n{}"), // no status code
        std::string("HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 2\r\n\r\n{}"),
        std::string("SSH-2.0-OpenSSH_9.2\r\n\r\n")}) { // not HTTP at all
    CAPTURE(answer);
    LoopbackHttp server({answer});
    PlainClient plain;
    CHECK_THROWS_WITH_AS(plain.client.send(get(server), Deadline(milliseconds(5000))),
                         doctest::Contains(("invalid answer from " + server.host() + ": ").c_str()),
                         ApiFormatError);
  }
}

TEST_CASE("http: response headers over 64 KiB are an invalid answer, not 'cannot reach'") {
  std::string padding; // 70 lines of 1 KB: within libcurl's limits, above the plugin's
  for (int i = 0; i < 70; ++i) {
    padding += "X-Padding-" + std::to_string(i) + ": " + std::string(1000, 'p') + "\r\n";
  }
  check_invalid_answer(http_answer("HTTP/1.1 200 OK", padding, "{}"),
                       "response headers larger than 64 KiB, refused");

  // 60 KB of headers are read, but only the first 100 are kept.
  PlainClient plain;
  LoopbackHttp within({http_answer("HTTP/1.1 200 OK", padding.substr(0, 60 * 1016), "{}")});
  HttpResponse response = plain.client.send(get(within), Deadline(milliseconds(5000)));
  CHECK(response.status == 200);
  std::string many;
  for (int i = 0; i < 150; ++i) {
    many += "X-" + std::to_string(i) + ": " + std::to_string(i) + "\r\n";
  }
  LoopbackHttp crowded({http_answer("HTTP/1.1 200 OK", many, "{}")});
  CHECK(plain.client.send(get(crowded), Deadline(milliseconds(5000))).headers.size() == 100);
}

TEST_CASE("http: one header line above libcurl's limit is an invalid answer, not out of memory") {
  check_invalid_answer(
      http_answer("HTTP/1.1 200 OK", "X-Giant: " + std::string(200000, 'g') + "\r\n", "{}"),
      "a header line above libcurl's size limit");
}

TEST_CASE("http: a connection closed unanswered is lost, a closed port cannot be reached") {
  LoopbackHttp server({""});
  PlainClient plain;
  CHECK_THROWS_WITH_AS(plain.client.send(get(server), Deadline(milliseconds(5000))),
                       doctest::Contains(("lost the connection to " + server.host()).c_str()),
                       TransportError);
  HttpRequest closed;
  closed.url = "http://127.0.0.1:1/";
  CHECK_THROWS_WITH_AS(plain.client.send(closed, Deadline(milliseconds(5000))),
                       doctest::Contains("cannot reach 127.0.0.1:1: "), TransportError);
}

TEST_CASE("http: the headers of an interim answer are not the answer's") {
  LoopbackHttp server({"HTTP/1.1 100 Continue\r\nRetry-After: 30\r\n\r\n" + json_ok});
  PlainClient plain;
  HttpResponse response = plain.client.send(get(server), Deadline(milliseconds(5000)));
  CHECK(response.status == 200);
  CHECK(response.body == R"({"ok":true})");
  CHECK(response.is_json());
  CHECK_FALSE(response.header("retry-after").has_value());
}

TEST_CASE("http: a redirect is refused, not followed") {
  LoopbackHttp server({http_answer("HTTP/1.1 302 Found", "Location: /elsewhere\r\n", ""), json_ok});
  PlainClient plain;
  CHECK_THROWS_WITH_AS(
      plain.client.send(get(server), Deadline(milliseconds(5000))),
      (server.host() + " answered with a redirect (HTTP 302), which is not followed").c_str(),
      ServiceError);
  CHECK(server.requests() == 1);
}

TEST_CASE("http: an answer larger than the limit is refused, with or without a length") {
  const std::string big(2000, 'b');
  for (const std::string &answer :
       {http_answer("HTTP/1.1 200 OK", "", big),
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n7d0\r\n" + big +
            "\r\n0\r\n\r\n"}) {
    LoopbackHttp server({answer});
    PlainClient plain(1024);
    CHECK_THROWS_WITH_AS(
        plain.client.send(get(server), Deadline(milliseconds(5000))),
        ("unexpected answer from " + server.host() + ": larger than 1 KiB, refused").c_str(),
        ApiFormatError);
  }
  LoopbackHttp exact({http_answer("HTTP/1.1 200 OK", "", std::string(1024, 'b'))});
  PlainClient plain(1024);
  CHECK(plain.client.send(get(exact), Deadline(milliseconds(5000))).body.size() == 1024);
}

TEST_CASE("http: a Retry-After over 5 s is not waited for, however much time is left") {
  LoopbackHttp server(
      {http_answer("HTTP/1.1 429 Too Many Requests", "Retry-After: 6\r\n", "{}"), json_ok});
  PlainClient plain;
  auto started = std::chrono::steady_clock::now();
  // 3 s left: a 6 s wait would not fit either, so the reason given tells which limit stopped it.
  HttpResponse response = plain.client.send_with_retries(get(server), Deadline(milliseconds(3000)));
  CHECK(std::chrono::steady_clock::now() - started < milliseconds(2000));
  CHECK(response.status == 429);
  CHECK(server.requests() == 1);
  CHECK(response.retries.attempts == 1);
  CHECK(response.retries.last_retry_after == "6");
  CHECK_FALSE(response.retries.deadline_reached);
  CHECK(describe_retries(response.retries) == "1 try, last Retry-After 6");
  CHECK(plain.trace.lines() ==
        std::vector<std::string>{server.host() + " answered HTTP 429; its wait is too "
                                                 "long to retry"});
}

TEST_CASE("http: a throttled request is tried 3 times, after each Retry-After") {
  LoopbackHttp server(
      {http_answer("HTTP/1.1 503 Service Unavailable", "Retry-After: 0.1\r\n", "{}")});
  PlainClient plain;
  auto started = std::chrono::steady_clock::now();
  HttpResponse response = plain.client.send_with_retries(get(server), Deadline(milliseconds(5000)));
  CHECK(std::chrono::steady_clock::now() - started >= milliseconds(200)); // two waits of 0.1 s
  CHECK(response.status == 503);
  CHECK(server.requests() == 3);
  CHECK(describe_retries(response.retries) == "3 tries, last Retry-After 0.1");

  LoopbackHttp recovers(
      {http_answer("HTTP/1.1 429 Too Many Requests", "Retry-After: 0\r\n", "{}"), json_ok});
  HttpResponse answered =
      plain.client.send_with_retries(get(recovers), Deadline(milliseconds(5000)));
  CHECK(answered.status == 200);
  CHECK(answered.retries.attempts == 2);
  CHECK(answered.retries.last_retry_after == "0");
  CHECK(recovers.requests() == 2);
}

TEST_CASE("http: a 5xx page that is not JSON is a service error, other pages a format error") {
  HttpResponse page;
  page.content_type = "text/html";
  for (long status : {500L, 503L}) {
    page.status = status;
    CHECK_THROWS_WITH_AS(require_json_answer(page, "h.example"),
                         ("h.example answered HTTP " + std::to_string(status)).c_str(),
                         ServiceError);
  }
  page.status = 499;
  CHECK_THROWS_WITH_AS(require_json_answer(page, "h.example"),
                       "unexpected answer from h.example: HTTP 499 with text/html instead of JSON "
                       "(a proxy or captive portal?)",
                       ApiFormatError);
}
