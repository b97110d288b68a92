// SPDX-License-Identifier: GPL-3.0-or-later
// HTTPS requests over libcurl: RAII handles, one deadline, verified TLS, no redirects, capped
// bodies.
#pragma once

#include "clock.hpp"
#include "deadline.hpp"
#include "retry.hpp"
#include "trace.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <curl/curl.h>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cps {

// libcurl's process-wide state, set up once in main.
class CurlGlobal {
public:
  CurlGlobal();
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal &) = delete;
  CurlGlobal &operator=(const CurlGlobal &) = delete;
};

// A move-only owner of a curl_slist.
class CurlHeaders {
public:
  CurlHeaders() = default;
  CurlHeaders(const CurlHeaders &) = delete;
  CurlHeaders &operator=(const CurlHeaders &) = delete;
  CurlHeaders(CurlHeaders &&other) noexcept : list_(std::exchange(other.list_, nullptr)) {}
  CurlHeaders &operator=(CurlHeaders &&other) noexcept;
  ~CurlHeaders() { curl_slist_free_all(list_); }

  void append(const std::string &header);
  curl_slist *get() const { return list_; }

private:
  curl_slist *list_ = nullptr;
};

// A move-only owner of a CURL easy handle; set() checks every option.
class CurlEasy {
public:
  CurlEasy();
  CurlEasy(const CurlEasy &) = delete;
  CurlEasy &operator=(const CurlEasy &) = delete;
  CurlEasy(CurlEasy &&other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  CurlEasy &operator=(CurlEasy &&other) noexcept;
  ~CurlEasy() { curl_easy_cleanup(handle_); }

  template <typename T>
  void set(CURLoption option, T value) {
    check_setopt(option, curl_easy_setopt(handle_, option, value));
  }
  CURL *get() const { return handle_; }

private:
  static void check_setopt(CURLoption option, CURLcode code);
  CURL *handle_ = nullptr;
};

struct HttpRequest {
  std::string method = "GET"; // GET or POST
  std::string url;
  std::vector<std::string> headers;
  std::string body;
};

// What send_with_retries did before it returned an answer, for messages that say it.
struct RetryHistory {
  int attempts = 1;
  std::string last_retry_after;  // the last Retry-After the server sent, as written; or empty
  bool deadline_reached = false; // stopped because the next try would not fit in the deadline
};

struct HttpResponse {
  long status = 0;
  RetryHistory retries{};
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers; // names in lower case

  std::optional<std::string> header(std::string_view lower_case_name) const;
  bool is_json() const;
};

struct HttpSettings {
  std::string ca_file;            // extra CA bundle, trusted besides the system's
  bool allow_plain_http = false;  // only for link-local or loopback identity endpoints
  std::size_t max_body = 1 << 20; // a larger answer is refused
  std::string proxy{};            // --proxy; empty: libcurl's https_proxy/no_proxy environment
  bool bypass_proxy = false;      // managed identity endpoints: never through a proxy
};

class HttpClient {
public:
  // timing: the wall clock for Retry-After dates, the backoff jitter and the waits of
  // send_with_retries.
  HttpClient(HttpSettings settings, Trace &trace, RetryTiming timing = {});

  // One attempt. Throws TransportError, TimeoutError or ApiFormatError (oversized answer).
  HttpResponse send(const HttpRequest &request, const Deadline &deadline);

  // Retries 429, 503 and 504 after Retry-After or a backoff, while the deadline allows.
  HttpResponse send_with_retries(const HttpRequest &request, const Deadline &deadline,
                                 const RetryPolicy &policy = {});

  // How many requests went out (for -vv and tests).
  int requests_sent() const { return requests_sent_; }

  // The clock, jitter and waits this client retries with, for another client of the same check.
  const RetryTiming &timing() const { return timing_; }

private:
  void configure(const HttpRequest &request, const CurlHeaders &headers, const Deadline &deadline);
  void configure_proxy();
  void configure_trust();
  void trace_request(const HttpRequest &request);
  void trace_response(const HttpResponse &response, std::chrono::milliseconds elapsed);
  // The status and content type of the answer just received; a redirect is refused.
  void read_answer(HttpResponse &response, const std::string &host,
                   std::chrono::milliseconds elapsed);

  HttpSettings settings_;
  Trace &trace_;
  RetryTiming timing_;
  CurlEasy easy_;
  std::array<char, CURL_ERROR_SIZE> error_{};
  int requests_sent_ = 0;
};

// "3 tries, last Retry-After 0.2 s, until the deadline" (the parts that apply), for messages.
std::string describe_retries(const RetryHistory &history);

// Returns when the answer is JSON to parse. Otherwise throws: ServiceError for a 5xx,
// ApiFormatError for a page of another type (a proxy or captive portal).
void require_json_answer(const HttpResponse &response, const std::string &host);

// "https://host:port/path" -> "host:port", for messages.
std::string host_of(std::string_view url);

// application/x-www-form-urlencoded encoding of one value.
std::string form_encode(std::string_view value);

// Sleeps, but never past the deadline; returns false when the wait would not fit.
bool wait_within(const Deadline &deadline, std::chrono::milliseconds wait,
                 const Sleep &sleep = system_sleep());

} // namespace cps
