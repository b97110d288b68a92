// SPDX-License-Identifier: GPL-3.0-or-later
// Choosing the credential that proves the app's identity, and getting a token with it.
//
// Precedence (the order of credential_kinds(); documented in README and the man page):
//   1. An option (from the command line or --extra-opts). Two of them: UsageError.
//   2. Else the environment, in the Azure SDKs' order: the first kind whose variable is set.
//   3. Else ConfigError naming every way to supply one.
// A managed identity is used only when asked for: probing IMDS elsewhere costs the timeout.
#pragma once

#include "auth.hpp"
#include "credential_expiry.hpp"
#include "credential_kinds.hpp"
#include "deadline.hpp"
#include "http.hpp"
#include "options.hpp"
#include "trace.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace cps {

// What a credential needs to get a token.
struct TokenContext {
  const Config &config;
  const Environment &env;
  HttpClient &directory; // the token endpoint (through --proxy or the proxy environment)
  const Deadline &deadline;
  Trace &trace;
  std::int64_t now_unix;
};

class Credential {
public:
  virtual ~Credential() = default;
  virtual CredentialKind kind() const = 0;
  // For -v: "client secret from FILE", "certificate FILE (SHA-1 ...)", ...
  virtual std::string description() const = 0;
  // Names this credential without revealing it, e.g. for keying a token cache: secret: a hash of
  // the secret; certificate: its SHA-256 thumbprint; managed identity: "mi:<client ID|system>";
  // federated: client ID and token file path.
  virtual std::string identity() const = 0;
  virtual AccessToken acquire(TokenContext &context) const = 0;
  // What the check may judge of its end date: the kind's way of reading it (credential_kinds())
  // and, for a secret or certificate, what identifies the one in use. Never the secret itself.
  virtual OwnCredential own_credential() const;
};

// Picks and loads the credential (files are read here). Throws UsageError or ConfigError.
std::unique_ptr<Credential> choose_credential(const Config &config, const Environment &env,
                                              Trace &trace);

} // namespace cps
