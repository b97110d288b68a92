// SPDX-License-Identifier: GPL-3.0-or-later
// The one place where an error becomes a state and a message.
#include "lib/errors.hpp"
#include "lib/result.hpp"

#include <doctest/doctest.h>
#include <functional>
#include <new>
#include <string>
#include <vector>

using namespace cps;

namespace {

CheckResult result_of(const std::function<void()> &thrower, State timeout_state = State::Critical) {
  try {
    thrower();
  } catch (...) {
    return result_for_current_exception(timeout_state);
  }
  FAIL("nothing was thrown");
  return {};
}

} // namespace

TEST_CASE("errors: each error type maps to its state and keeps its message") {
  struct Case {
    const char *name;
    std::function<void()> thrower;
    State state;
    const char *summary;
  };
  for (const Case &row : std::vector<Case>{
           {"UsageError", [] { throw UsageError("bad -w"); }, State::Unknown,
            "bad -w (see --help)"},
           {"ConfigError", [] { throw ConfigError("no secret"); }, State::Unknown, "no secret"},
           {"TransportError", [] { throw TransportError("cannot reach 127.0.0.1:1: refused"); },
            State::Critical, "cannot reach 127.0.0.1:1: refused"},
           {"ServiceError", [] { throw ServiceError("graph answered HTTP 503"); }, State::Critical,
            "graph answered HTTP 503"},
           {"AuthError", [] { throw AuthError("token request rejected: AADSTS7000215"); },
            State::Unknown, "token request rejected: AADSTS7000215"},
           {"CredentialExpiredError",
            [] { throw CredentialExpiredError("the client secret has expired (AADSTS7000222)"); },
            State::Critical, "the client secret has expired (AADSTS7000222)"},
           {"GraphError",
            [] {
              throw GraphError(403, "Authorization_RequestDenied", "grant Organization.Read.All");
            },
            State::Unknown, "grant Organization.Read.All"},
           {"ApiFormatError", [] { throw ApiFormatError("unexpected answer from x"); },
            State::Unknown, "unexpected answer from x"},
           {"bad_alloc", [] { throw std::bad_alloc(); }, State::Unknown, "out of memory"},
           {"runtime_error", [] { throw std::runtime_error("boom"); }, State::Unknown,
            "internal error: boom"},
           {"int", [] { throw 42; }, State::Unknown, "internal error"},
       }) {
    INFO("row.name := " << std::string(row.name));
    CheckResult result = result_of(row.thrower);
    CHECK(result.state == row.state);
    CHECK(result.summary == row.summary);
    CHECK(result.details.empty());
    CHECK(result.perfdata.empty());
  }
}

TEST_CASE("errors: a timeout reports the -t state") {
  for (State state : {State::Ok, State::Warning, State::Critical, State::Unknown}) {
    CAPTURE(static_cast<int>(state));
    CheckResult result = result_of([] { throw TimeoutError("timed out after 10s"); }, state);
    CHECK(result.state == state);
    CHECK(result.summary == "timed out after 10s");
  }
  // Other errors ignore the -t state.
  CHECK(result_of([] { throw TransportError("x"); }, State::Unknown).state == State::Critical);
  CHECK(result_of([] { throw AuthError("x"); }, State::Ok).state == State::Unknown);
  CHECK(result_of([] { throw CredentialExpiredError("x"); }, State::Ok).state == State::Critical);
}

TEST_CASE("errors: GraphError keeps its status and code") {
  GraphError error(401, "InvalidAuthenticationToken", "Graph rejected the access token");
  CHECK(error.status == 401);
  CHECK(error.code == "InvalidAuthenticationToken");
  CHECK(std::string(error.what()) == "Graph rejected the access token");
}

TEST_CASE("errors: unexpected_answer words every unexpected answer the same way") {
  ApiFormatError error = unexpected_answer("graph.microsoft.com", "the organization list is empty");
  CHECK(std::string(error.what()) ==
        "unexpected answer from graph.microsoft.com: the organization list is empty");
  CHECK(std::string(unexpected_answer("127.0.0.1:8443", "invalid JSON").what()) ==
        "unexpected answer from 127.0.0.1:8443: invalid JSON");
}
