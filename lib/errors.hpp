// SPDX-License-Identifier: GPL-3.0-or-later
// Typed errors of a check; result_for_current_exception maps them to a state in one place.
#pragma once

#include "state.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

namespace cps {

struct CheckResult;

// Bad command line or environment: UNKNOWN.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A credential or file that cannot be used (missing secret, unreadable file): UNKNOWN.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// DNS, connect, TLS or a dropped connection: CRITICAL.
struct TransportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The service answered but is not serving: 5xx after retries, a redirect: CRITICAL.
struct ServiceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A service kept throttling (429, or 424 for a $batch) past every retry: UNKNOWN, since nothing
// was learnt about the sync and Microsoft is reachable.
struct ThrottledError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The check's deadline passed: the state chosen with -t.
struct TimeoutError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The check cannot tell within its -t for a reason that says nothing about the tenant (another
// check's token request is still running): UNKNOWN, never the -t state.
struct WaitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The token endpoint rejected the credentials (an AADSTS code): UNKNOWN.
struct AuthError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The token endpoint rejected the plugin's own credential because it has expired (AADSTS7000222,
// lib/entra_errors): CRITICAL, as an expired credential is whenever the plugin can tell.
struct CredentialExpiredError : AuthError {
  using AuthError::AuthError;
};

// Graph refused a request with a 4xx (401, 403, 404...): UNKNOWN.
struct GraphError : std::runtime_error {
  GraphError(int http_status, std::string error_code, const std::string &message)
      : std::runtime_error(message), status(http_status), code(std::move(error_code)) {}
  int status;
  std::string code;
};

// An answer that is not what Microsoft documents (bad JSON, wrong types, HTML): UNKNOWN.
struct ApiFormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "unexpected answer from <source>: <what>", the one place this message is worded: throw it for
// an answer that is not what Microsoft documents.
ApiFormatError unexpected_answer(std::string_view source, std::string_view what);

// Call inside a catch block: the result that reports the exception being handled.
CheckResult result_for_current_exception(State timeout_state);

} // namespace cps
