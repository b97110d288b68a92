// SPDX-License-Identifier: GPL-3.0-or-later
// HTTPS requests over libcurl within one deadline.
#include "http.hpp"

#include "duration.hpp"
#include "errors.hpp"
#include "fd.hpp"
#include "text.hpp"
#include "version.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cps {
namespace {

constexpr std::size_t trace_excerpt = 600;

struct BodySink {
  std::string *body;
  std::size_t max;
  bool overflow = false;
};

std::size_t write_body(char *data, std::size_t size, std::size_t count, void *user) {
  auto *sink = static_cast<BodySink *>(user);
  std::size_t bytes = size * count;
  if (sink->body->size() + bytes > sink->max) {
    sink->overflow = true;
    return 0; // makes libcurl stop with CURLE_WRITE_ERROR
  }
  sink->body->append(data, bytes);
  return bytes;
}

// Headers of one exchange; more than max_header_bytes is an invalid answer, not a transport
// failure (libcurl would take up to 300 KB and then report "out of memory").
constexpr std::size_t max_header_bytes = 64 * 1024;

struct HeaderSink {
  std::vector<std::pair<std::string, std::string>> *headers;
  std::size_t bytes = 0;
  bool overflow = false;
};

std::size_t collect_header(char *data, std::size_t size, std::size_t count, void *user) {
  auto *sink = static_cast<HeaderSink *>(user);
  auto *headers = sink->headers;
  std::size_t bytes = size * count;
  std::string_view line(data, bytes);
  sink->bytes += bytes;
  if (sink->bytes > max_header_bytes) {
    sink->overflow = true;
    return 0; // makes libcurl stop with CURLE_WRITE_ERROR
  }
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear(); // a new response (after 100 Continue or a proxy's CONNECT answer)
    sink->bytes = bytes;
    return bytes;
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || headers->size() >= 100) {
    return bytes;
  }
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  headers->emplace_back(to_lower(line.substr(0, colon)), std::string(value.substr(0, 1024)));
  return bytes;
}

// libcurl's connection notes worth the output budget: where it connected and what TLS said.
bool is_useful_curl_note(std::string_view text) {
  static constexpr std::string_view prefixes[] = {
      "Trying",           "Connected to",  "SSL connection", " subject:",           " issuer:",
      " SSL certificate", " expire date:", "Re-using",       "Establish HTTP proxy"};
  for (std::string_view prefix : prefixes) {
    if (text.rfind(prefix, 0) == 0) {
      return true;
    }
  }
  return false;
}

int trace_curl_text(CURL *, curl_infotype type, char *data, std::size_t size, void *user) {
  if (type == CURLINFO_TEXT) {
    std::string_view text(data, std::min<std::size_t>(size, 300));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
      text.remove_suffix(1);
    }
    if (is_useful_curl_note(text)) {
      static_cast<Trace *>(user)->note(3, "* " + std::string(text));
    }
  }
  return 0;
}

// Response headers worth showing; the rest is noise within a 4 KB output.
bool is_useful_header(std::string_view name) {
  static constexpr std::string_view names[] = {"retry-after",      "location",
                                               "www-authenticate", "request-id",
                                               "x-ms-request-id",  "content-encoding"};
  for (std::string_view useful : names) {
    if (name == useful) {
      return true;
    }
  }
  return false;
}

bool is_tls_error(CURLcode code) {
  switch (code) {
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
    return true;
  default:
    return false;
  }
}

// The connection was up, and broke during the exchange (cut short, reset, closed unanswered).
bool is_broken_connection(CURLcode code) {
  return code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR ||
         code == CURLE_GOT_NOTHING;
}

// After a connection was made, these mean the server's answer was not HTTP as libcurl accepts
// it: an invalid status line, HTTP/0.9, a header line above libcurl's limit (reported as out of
// memory), a broken encoding.
bool is_invalid_answer(CURLcode code) {
  return code == CURLE_WEIRD_SERVER_REPLY || code == CURLE_UNSUPPORTED_PROTOCOL ||
         code == CURLE_OUT_OF_MEMORY || code == CURLE_BAD_CONTENT_ENCODING || code == CURLE_HTTP2 ||
         code == CURLE_HTTP2_STREAM;
}

// A request went out (on a new or a reused connection), so the host was reached.
bool made_a_connection(CURL *easy) {
  long request_bytes = 0;
  return curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_bytes) == CURLE_OK &&
         request_bytes > 0;
}

std::string connected_address(CURL *easy) {
  char *ip = nullptr;
  long port = 0;
  if (curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &ip) != CURLE_OK || ip == nullptr ||
      ip[0] == '\0' || curl_easy_getinfo(easy, CURLINFO_PRIMARY_PORT, &port) != CURLE_OK) {
    return "?";
  }
  std::string address(ip);
  return (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" +
         std::to_string(port);
}

// The reason phrases of the answers a proxy gives to CONNECT (RFC 9110), not the proxy's text.
std::string tunnel_status_text(long status) {
  static constexpr std::pair<long, std::string_view> phrases[] = {
      {400, "Bad Request"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {407, "Proxy Authentication Required"},
      {500, "Internal Server Error"},
      {502, "Bad Gateway"},
      {503, "Service Unavailable"},
      {504, "Gateway Timeout"}};
  for (const auto &[code, phrase] : phrases) {
    if (code == status) {
      return std::to_string(status) + " " + std::string(phrase);
    }
  }
  return "HTTP " + std::to_string(status);
}

// The proxy answered CONNECT with something other than 2xx: a credential or policy problem of
// this host's set-up (UNKNOWN), or a proxy that cannot reach Microsoft (CRITICAL).
[[noreturn]] void throw_tunnel_refused(CURL *easy, long status, const std::string &host) {
  std::string message =
      "proxy " + connected_address(easy) + " refused the tunnel: " + tunnel_status_text(status);
  if (status == 407) {
    throw ConfigError(message + " (check the proxy user and password)");
  }
  if (status >= 500) {
    throw TransportError(message + " (it could not reach " + host + ")");
  }
  throw ConfigError(message + " (check the proxy's rules for " + host + ")");
}

// EMFILE or ENFILE: the failure was this process running out of file descriptors, whatever
// libcurl called it (a connect failure, a CA file it could not open). libcurl has closed its own
// by now, so the probe asks for the few a request needs (socket, CA file, resolver): fewer free
// than that explains the failure.
int descriptor_exhaustion(CURL *easy) {
  long os_error = 0;
  if (curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_error) == CURLE_OK &&
      (os_error == EMFILE || os_error == ENFILE)) {
    return static_cast<int>(os_error);
  }
  constexpr int needed = 4;
  std::array<Fd, needed> probes;
  for (Fd &probe : probes) {
    probe.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    int error = errno;
    if (!probe.valid()) {
      return error == EMFILE || error == ENFILE ? error : 0;
    }
  }
  return 0;
}

// One request failed below HTTP: says truthfully whether a connection was made and what broke.
[[noreturn]] void throw_transport_failure(CURL *easy, CURLcode code, const std::string &host,
                                          const std::string &reason) {
  long tunnel_status = 0;
  if (curl_easy_getinfo(easy, CURLINFO_HTTP_CONNECTCODE, &tunnel_status) == CURLE_OK &&
      tunnel_status >= 300) {
    throw_tunnel_refused(easy, tunnel_status, host);
  }
  if (reason.rfind("Unsupported proxy syntax", 0) == 0) {
    throw ConfigError("the proxy URL is not valid: " + reason +
                      " (percent-encode '/', '#', '@' and ':' in the proxy user and password)");
  }
  if (int error = descriptor_exhaustion(easy); error != 0) {
    throw ConfigError(std::string("this process ran out of file descriptors (") +
                      (error == EMFILE ? "EMFILE" : "ENFILE") + ": " + std::strerror(error) +
                      ") before it could ask " + host + ": raise the limit (ulimit -n)");
  }
  if (is_tls_error(code)) {
    throw TransportError("TLS failure with " + host + ": " + reason);
  }
  if (is_invalid_answer(code) && made_a_connection(easy)) {
    // libcurl reports a header line above its 100 KB limit as running out of memory.
    throw ApiFormatError("invalid answer from " + host + ": " +
                         (code == CURLE_OUT_OF_MEMORY
                              ? std::string("a header line above libcurl's size limit")
                              : reason));
  }
  throw TransportError((is_broken_connection(code) ? "lost the connection to " : "cannot reach ") +
                       host + ": " + reason);
}

// Where libcurl writes the answer's body and headers, each within its cap.
void attach_sinks(CurlEasy &easy, BodySink &body, HeaderSink &headers) {
  easy.set(CURLOPT_WRITEFUNCTION, write_body);
  easy.set(CURLOPT_WRITEDATA, static_cast<void *>(&body));
  easy.set(CURLOPT_HEADERFUNCTION, collect_header);
  easy.set(CURLOPT_HEADERDATA, static_cast<void *>(&headers));
}

// How one curl_easy_perform ended: its code, libcurl's words for it, and whether the body or the
// headers outgrew their caps.
struct Transfer {
  CURLcode code;
  std::string reason;
  bool body_overflow;
  bool header_overflow;
};

// Throws what a transfer that did not end in an answer means: an answer over a cap, the deadline,
// or a transport failure.
void throw_if_failed(CURL *easy, const Transfer &transfer, const std::string &host,
                     const Deadline &deadline, std::size_t max_body, Trace &trace) {
  if (transfer.body_overflow || transfer.code == CURLE_FILESIZE_EXCEEDED) {
    throw unexpected_answer(host,
                            "larger than " + std::to_string(max_body / 1024) + " KiB, refused");
  }
  if (transfer.code == CURLE_OPERATION_TIMEDOUT) {
    throw TimeoutError("timed out after " + format_seconds(deadline.budget()) + " waiting for " +
                       host);
  }
  if (transfer.header_overflow) {
    throw ApiFormatError("invalid answer from " + host + ": response headers larger than " +
                         std::to_string(max_header_bytes / 1024) + " KiB, refused");
  }
  if (transfer.code != CURLE_OK) {
    trace.note(2, "< " + transfer.reason);
    throw_transport_failure(easy, transfer.code, host, transfer.reason);
  }
}

std::string excerpt(std::string_view text) {
  if (text.size() <= trace_excerpt) {
    return std::string(text);
  }
  return std::string(text.substr(0, trace_excerpt)) + " [... " +
         std::to_string(text.size() - trace_excerpt) + " more bytes]";
}

void require_readable_file(const std::string &path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
      ::access(path.c_str(), R_OK) != 0) {
    throw ConfigError("cannot read CA file '" + path + "'");
  }
}

} // namespace

CurlGlobal::CurlGlobal() {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    throw ConfigError("cannot initialise libcurl");
  }
}

CurlGlobal::~CurlGlobal() {
  curl_global_cleanup();
}

CurlHeaders &CurlHeaders::operator=(CurlHeaders &&other) noexcept {
  if (this != &other) {
    curl_slist_free_all(list_);
    list_ = std::exchange(other.list_, nullptr);
  }
  return *this;
}

void CurlHeaders::append(const std::string &header) {
  curl_slist *appended = curl_slist_append(list_, header.c_str());
  if (appended == nullptr) {
    throw std::bad_alloc();
  }
  list_ = appended;
}

CurlEasy::CurlEasy() : handle_(curl_easy_init()) {
  if (handle_ == nullptr) {
    throw ConfigError("cannot create a libcurl handle");
  }
}

CurlEasy &CurlEasy::operator=(CurlEasy &&other) noexcept {
  if (this != &other) {
    curl_easy_cleanup(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

void CurlEasy::check_setopt(CURLoption option, CURLcode code) {
  if (code != CURLE_OK) {
    throw ConfigError("libcurl rejected option " + std::to_string(static_cast<int>(option)) + ": " +
                      curl_easy_strerror(code));
  }
}

std::optional<std::string> HttpResponse::header(std::string_view lower_case_name) const {
  for (const auto &[name, value] : headers) {
    if (name == lower_case_name) {
      return value;
    }
  }
  return std::nullopt;
}

bool HttpResponse::is_json() const {
  std::string type = to_lower(content_type);
  return type.rfind("application/json", 0) == 0 ||
         (type.rfind("application/", 0) == 0 && type.find("+json") != std::string::npos);
}

HttpClient::HttpClient(HttpSettings settings, Trace &trace, RetryTiming timing)
    : settings_(std::move(settings)), trace_(trace), timing_(std::move(timing)) {
  if (!settings_.ca_file.empty()) {
    require_readable_file(settings_.ca_file);
  }
}

void HttpClient::configure(const HttpRequest &request, const CurlHeaders &headers,
                           const Deadline &deadline) {
  long remaining_ms = std::max<long>(1, static_cast<long>(deadline.remaining().count()));
  easy_.set(CURLOPT_URL, request.url.c_str());
  easy_.set(CURLOPT_NOSIGNAL, 1L);
  easy_.set(CURLOPT_QUICK_EXIT, 1L); // do not wait for a hung resolver thread when timing out
  easy_.set(CURLOPT_TIMEOUT_MS, remaining_ms);
  easy_.set(CURLOPT_CONNECTTIMEOUT_MS, remaining_ms);
  easy_.set(CURLOPT_FOLLOWLOCATION, 0L);
  easy_.set(CURLOPT_PROTOCOLS_STR, settings_.allow_plain_http ? "http,https" : "https");
  easy_.set(CURLOPT_SSL_VERIFYPEER, 1L);
  easy_.set(CURLOPT_SSL_VERIFYHOST, 2L);
  configure_trust();
  configure_proxy();
  easy_.set(CURLOPT_ERRORBUFFER, error_.data());
  easy_.set(CURLOPT_ACCEPT_ENCODING, "");
  easy_.set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(settings_.max_body));
  easy_.set(CURLOPT_USERAGENT, "check_password_sync/" CHECK_PASSWORD_SYNC_VERSION);
  easy_.set(CURLOPT_HTTPHEADER, headers.get());
  if (request.method == "POST") {
    easy_.set(CURLOPT_POSTFIELDS, request.body.c_str());
    easy_.set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else {
    easy_.set(CURLOPT_HTTPGET, 1L);
  }
  if (trace_.wants(3)) {
    easy_.set(CURLOPT_DEBUGFUNCTION, trace_curl_text);
    easy_.set(CURLOPT_DEBUGDATA, static_cast<void *>(&trace_));
    easy_.set(CURLOPT_VERBOSE, 1L);
  }
}

void HttpClient::configure_proxy() {
  if (settings_.bypass_proxy) {
    easy_.set(CURLOPT_PROXY, "");
    easy_.set(CURLOPT_NOPROXY, "*");
  } else if (!settings_.proxy.empty()) {
    easy_.set(CURLOPT_PROXY, settings_.proxy.c_str());
    if (!settings_.ca_file.empty()) { // an https:// proxy signed by the same private CA
      easy_.set(CURLOPT_PROXY_CAINFO, settings_.ca_file.c_str());
    }
  }
}

// The system's CAs come from the hashed directory (OpenSSL reads only the issuer it needs) rather
// than the bundle file, whose ~150 certificates cost more CPU than the whole request.
void HttpClient::configure_trust() {
  const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
  const char *system_dir = info != nullptr && info->capath != nullptr && info->capath[0] != '\0'
                               ? info->capath
                               : nullptr;
  if (!settings_.ca_file.empty()) {
    easy_.set(CURLOPT_CAINFO, settings_.ca_file.c_str());
  } else if (system_dir != nullptr) {
    easy_.set(CURLOPT_CAINFO, static_cast<const char *>(nullptr));
  }
  if (system_dir != nullptr) {
    easy_.set(CURLOPT_CAPATH, system_dir); // with --ca-file: keep trusting the system's CAs
  }
}

void HttpClient::trace_request(const HttpRequest &request) {
  trace_.note(2, "> " + request.method + " " + request.url);
  if (trace_.wants(3)) {
    for (const std::string &header : request.headers) {
      trace_.note(3, "> " + header);
    }
    if (!request.body.empty()) {
      trace_.note(3, "> " + excerpt(trace_.redact(request.body)));
    }
  }
}

void HttpClient::trace_response(const HttpResponse &response, std::chrono::milliseconds elapsed) {
  trace_.note(2, "< HTTP " + std::to_string(response.status) + " " + response.content_type + " (" +
                     std::to_string(response.body.size()) + " bytes, " +
                     std::to_string(elapsed.count()) + " ms)");
  if (trace_.wants(3)) {
    for (const auto &[name, value] : response.headers) {
      if (is_useful_header(name)) {
        trace_.note(3, "< " + name + ": " + value);
      }
    }
    trace_.note(3, "< " + excerpt(trace_.redact(response.body)));
  }
}

HttpResponse HttpClient::send(const HttpRequest &request, const Deadline &deadline) {
  std::string host = host_of(request.url);
  if (deadline.expired()) {
    throw TimeoutError("timed out after " + format_seconds(deadline.budget()) + " before asking " +
                       host);
  }
  HttpResponse response;
  BodySink sink{&response.body, settings_.max_body};
  HeaderSink header_sink{&response.headers};
  CurlHeaders headers;
  for (const std::string &header : request.headers) {
    headers.append(header);
  }
  configure(request, headers, deadline);
  attach_sinks(easy_, sink, header_sink);
  trace_request(request);
  error_[0] = '\0';
  ++requests_sent_;
  auto started = Deadline::Clock::now();
  CURLcode code = curl_easy_perform(easy_.get());
  auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(Deadline::Clock::now() - started);
  Transfer transfer{code, error_[0] ? error_.data() : curl_easy_strerror(code), sink.overflow,
                    header_sink.overflow};
  throw_if_failed(easy_.get(), transfer, host, deadline, settings_.max_body, trace_);
  read_answer(response, host, elapsed);
  return response;
}

void HttpClient::read_answer(HttpResponse &response, const std::string &host,
                             std::chrono::milliseconds elapsed) {
  if (curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &response.status) != CURLE_OK) {
    throw TransportError("no HTTP status from " + host);
  }
  char *content_type = nullptr;
  if (curl_easy_getinfo(easy_.get(), CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK &&
      content_type != nullptr) {
    response.content_type = content_type;
  }
  trace_response(response, elapsed);
  if (response.status >= 300 && response.status < 400) {
    throw ServiceError(host + " answered with a redirect (HTTP " + std::to_string(response.status) +
                       "), which is not followed");
  }
}

HttpResponse HttpClient::send_with_retries(const HttpRequest &request, const Deadline &deadline,
                                           const RetryPolicy &policy) {
  std::string last_retry_after;
  for (int attempt = 1;; ++attempt) {
    HttpResponse response = send(request, deadline);
    auto asked = response.header("retry-after");
    last_retry_after = asked ? asked->substr(0, 40) : last_retry_after;
    response.retries = RetryHistory{attempt, last_retry_after, false};
    bool keep_going = policy.retry_until_deadline_status != 0 &&
                      response.status == policy.retry_until_deadline_status;
    if (!policy.retries(response.status) || (attempt >= policy.max_attempts && !keep_going)) {
      return response;
    }
    auto wait = asked ? parse_retry_after(*asked, timing_.now()) : std::nullopt;
    auto delay = wait.value_or(backoff_delay(attempt, timing_.jitter()));
    if (delay > policy.max_wait || !wait_within(deadline, delay, timing_.sleep)) {
      response.retries.deadline_reached = delay <= policy.max_wait;
      trace_.note(1, host_of(request.url) + " answered HTTP " + std::to_string(response.status) +
                         (delay > policy.max_wait ? "; its wait is too long to retry"
                                                  : "; no time left to retry"));
      return response;
    }
    trace_.note(1, "retrying after HTTP " + std::to_string(response.status));
  }
}

std::string describe_retries(const RetryHistory &history) {
  std::string text = std::to_string(history.attempts) + (history.attempts == 1 ? " try" : " tries");
  if (!history.last_retry_after.empty()) {
    text += ", last Retry-After " + sanitize_text(history.last_retry_after);
  }
  return history.deadline_reached ? text + ", no time left before the deadline for another" : text;
}

void require_json_answer(const HttpResponse &response, const std::string &host) {
  if (response.is_json()) {
    return;
  }
  if (response.status >= 500) {
    throw ServiceError(host + " answered HTTP " + std::to_string(response.status));
  }
  std::string type = response.content_type.empty() ? "no content type" : response.content_type;
  throw unexpected_answer(host, "HTTP " + std::to_string(response.status) + " with " + type +
                                    " instead of JSON (a proxy or captive portal?)");
}

std::string host_of(std::string_view url) {
  std::size_t scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  std::size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::size_t at = authority.rfind('@');
  return std::string(at == std::string_view::npos ? authority : authority.substr(at + 1));
}

std::string form_encode(std::string_view value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(value.size() * 3);
  for (unsigned char c : value) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  return encoded;
}

bool wait_within(const Deadline &deadline, std::chrono::milliseconds wait, const Sleep &sleep) {
  // Keep a little of the budget for the retried request itself.
  if (wait + std::chrono::milliseconds(250) >= deadline.remaining()) {
    return false;
  }
  sleep(wait);
  return true;
}

} // namespace cps
