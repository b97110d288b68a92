// SPDX-License-Identifier: GPL-3.0-or-later
// The four credential kinds and the one precedence that picks among them.
#include "credentials.hpp"

#include "assertion.hpp"
#include "certificate.hpp"
#include "cloud.hpp"
#include "credential_kinds.hpp"
#include "errors.hpp"
#include "managed_identity.hpp"
#include "secret.hpp"
#include "token_cache.hpp"

#include <ctime>
#include <openssl/evp.h>
#include <vector>

namespace cps {
namespace {

TokenRequest token_request_for(const Config &config) {
  return TokenRequest{token_url(config.authority_host, config.tenant), config.client_id,
                      graph_scope(config.graph_endpoint)};
}

std::string utc_date(std::int64_t unix_seconds) {
  std::time_t when = static_cast<std::time_t>(unix_seconds);
  struct tm parts {};
  char text[32] = "?";
  if (gmtime_r(&when, &parts) != nullptr) {
    std::strftime(text, sizeof text, "%Y-%m-%d", &parts);
  }
  return text;
}

class SecretCredential : public Credential {
public:
  SecretCredential(Secret secret, std::string source)
      : secret_(std::move(secret)), source_(std::move(source)) {}
  CredentialKind kind() const override { return CredentialKind::ClientSecret; }
  std::string description() const override { return "client secret from " + source_; }
  std::string identity() const override { return client_secret_identity(secret_); }
  OwnCredential own_credential() const override {
    OwnCredential own = Credential::own_credential();
    own.secret_hint = secret_.reveal().substr(0, 3); // what Graph lists as the secret's hint
    return own;
  }
  AccessToken acquire(TokenContext &context) const override {
    CredentialFields fields;
    fields.emplace_back("client_secret", Secret(secret_.reveal()));
    return request_token(context.directory, token_request_for(context.config), fields,
                         context.deadline, context.trace, context.now_unix);
  }

private:
  Secret secret_;
  std::string source_;
};

class CertificateCredential : public Credential {
public:
  CertificateCredential(ClientCertificate certificate, std::string source,
                        AssertionAlgorithm algorithm)
      : certificate_(std::move(certificate)), source_(std::move(source)), algorithm_(algorithm) {}
  CredentialKind kind() const override { return CredentialKind::Certificate; }
  std::string description() const override {
    return "certificate from " + source_ + " (" + certificate_.subject() + ", SHA-1 thumbprint " +
           certificate_.sha1_thumbprint_hex() + ", valid until " +
           (certificate_.not_after_unix() ? utc_date(*certificate_.not_after_unix()) : "?") +
           "), " + algorithm_name(algorithm_) + " assertion with " +
           (algorithm_ == AssertionAlgorithm::PS256 ? "x5t#S256" : "x5t");
  }
  std::string identity() const override {
    return "certificate:sha256:" + certificate_.sha256_thumbprint_hex();
  }
  OwnCredential own_credential() const override {
    OwnCredential own = Credential::own_credential();
    own.certificate_subject = certificate_.subject();
    own.certificate_thumbprint = certificate_.sha1_thumbprint_hex();
    own.not_after = certificate_.not_after_unix();
    return own;
  }
  AccessToken acquire(TokenContext &context) const override {
    // Entra refuses an expired certificate (AADSTS1000502); its end date is known here, so the
    // check says so itself, CRITICAL, without sending the request.
    refuse_expired_certificate(own_credential(), context.now_unix);
    TokenRequest request = token_request_for(context.config);
    AssertionClaims claims{request.token_url, request.client_id, context.now_unix, 600};
    CredentialFields fields;
    fields.emplace_back("client_assertion",
                        Secret(make_client_assertion(certificate_, claims, algorithm_)));
    context.trace.protect(fields.back().second.reveal());
    return request_token(context.directory, request, fields, context.deadline, context.trace,
                         context.now_unix);
  }

private:
  ClientCertificate certificate_;
  std::string source_;
  AssertionAlgorithm algorithm_;
};

class FederatedCredential : public Credential {
public:
  FederatedCredential(std::string path, std::string source, std::string client_id)
      : path_(std::move(path)), source_(std::move(source)), client_id_(std::move(client_id)) {}
  CredentialKind kind() const override { return CredentialKind::Federated; }
  std::string description() const override {
    return "federated token (workload identity) from " + source_;
  }
  std::string identity() const override { return "federated:" + client_id_ + ":" + path_; }
  AccessToken acquire(TokenContext &context) const override {
    // Read at use: Kubernetes and CI runners rotate the file.
    Secret token = read_secret_file(path_, "federated token");
    context.trace.protect(token.reveal());
    CredentialFields fields;
    fields.emplace_back("client_assertion", std::move(token));
    return request_token(context.directory, token_request_for(context.config), fields,
                         context.deadline, context.trace, context.now_unix);
  }

private:
  std::string path_;
  std::string source_;
  std::string client_id_;
};

// A token from this machine's managed identity endpoint, never through a proxy.
AccessToken identity_endpoint_token(TokenContext &context, const ManagedIdentityEndpoint &endpoint,
                                    const ManagedIdentityId &id, const std::string &resource) {
  HttpSettings settings;
  settings.allow_plain_http = true;
  settings.bypass_proxy = true;
  settings.ca_file = context.config.ca_file;
  HttpClient identity_http(std::move(settings), context.trace, context.directory.timing());
  ManagedIdentityRequest request{endpoint, resource, id, arc_token_folder()};
  return managed_identity_token(identity_http, request, context.deadline, context.trace,
                                context.now_unix);
}

std::string identity_description(const ManagedIdentityEndpoint &endpoint,
                                 const ManagedIdentityId &id) {
  return describe(id) + ") from " + source_name(endpoint.source) + " " + endpoint.token_url +
         ", no proxy";
}

// What both managed-identity kinds hold: the endpoint found on this machine and the identity
// chosen on it; a token from there is the identity's own (its tenant, no proxy).
class ManagedIdentityBase : public Credential {
public:
  ManagedIdentityBase(ManagedIdentityEndpoint endpoint, ManagedIdentityId id)
      : endpoint_(std::move(endpoint)), id_(std::move(id)) {}

protected:
  // "<what> (<identity>) from <source> <token URL>, no proxy", for -v.
  std::string described_as(const std::string &what) const {
    return what + " (" + identity_description(endpoint_, id_);
  }
  // "<prefix>:<client ID|system|object_id:ID|resource_id:ID>", for the token cache key.
  std::string identity_as(const std::string &prefix) const {
    return prefix + ":" + cache_name(id_);
  }
  AccessToken identity_token(TokenContext &context, const std::string &resource) const {
    return identity_endpoint_token(context, endpoint_, id_, resource);
  }

private:
  ManagedIdentityEndpoint endpoint_;
  ManagedIdentityId id_;
};

class ManagedIdentityCredential : public ManagedIdentityBase {
public:
  using ManagedIdentityBase::ManagedIdentityBase;
  CredentialKind kind() const override { return CredentialKind::ManagedIdentity; }
  std::string description() const override { return described_as("managed identity"); }
  std::string identity() const override { return identity_as("mi"); }
  AccessToken acquire(TokenContext &context) const override {
    return identity_token(context, context.config.graph_endpoint);
  }
};

// The app -C signs in to tenant -T with a managed identity token as its client assertion: the
// app's federated identity credential trusts the identity (issuer
// https://login.microsoftonline.com/<identity's tenant>/v2.0, subject its object ID, audience
// api://AzureADTokenExchange or the cloud's variant). Entra docs: "Configure an application to
// trust a managed identity".
class ManagedIdentityAssertionCredential : public ManagedIdentityBase {
public:
  using ManagedIdentityBase::ManagedIdentityBase;
  CredentialKind kind() const override { return CredentialKind::ManagedIdentityAssertion; }
  std::string description() const override {
    return described_as("managed identity as a federated credential");
  }
  std::string identity() const override { return identity_as("mi-assertion"); }
  AccessToken acquire(TokenContext &context) const override {
    std::string audience(token_exchange_audience(context.config.authority_host));
    AccessToken assertion = identity_token(context, audience);
    context.trace.protect(assertion.value.reveal());
    CredentialFields fields;
    fields.emplace_back("client_assertion", std::move(assertion.value));
    return request_token(context.directory, token_request_for(context.config), fields,
                         context.deadline, context.trace, context.now_unix);
  }
};

std::string nonempty_env(const Environment &env, std::string_view name) {
  return env(name).value_or("");
}

Secret certificate_password(const Config &config, const Environment &env) {
  if (!config.certificate_password_file.empty()) {
    return read_secret_file(config.certificate_password_file, "certificate password");
  }
  return Secret(nonempty_env(env, "AZURE_CLIENT_CERTIFICATE_PASSWORD"));
}

// Where a credential's value came from: an option (variable empty) or an environment variable.
struct Origin {
  std::string value;
  std::string variable;
  // For -v: the file, with the variable that named it. A secret's value is never shown.
  std::string shown() const { return variable.empty() ? value : value + " (" + variable + ")"; }
};

// Reads a secret and registers it with the trace at once, so the output's last filter knows it
// whatever fails later.
Secret protected_secret(Secret secret, Trace &trace) {
  trace.protect(secret.reveal());
  return secret;
}

// The loader of each kind. A switch without default: a kind added to the enum but not here
// does not compile (-Werror=switch).
std::unique_ptr<Credential> load(CredentialKind kind, const Config &config, const Environment &env,
                                 const Origin &origin, Trace &trace) {
  switch (kind) {
  case CredentialKind::ClientSecret:
    return std::make_unique<SecretCredential>(
        protected_secret(load_client_secret(config, env), trace),
        origin.variable.empty() ? origin.value : origin.variable);
  case CredentialKind::Certificate: {
    Secret password = protected_secret(certificate_password(config, env), trace);
    return std::make_unique<CertificateCredential>(ClientCertificate::load(origin.value, password),
                                                   origin.shown(), config.assertion_algorithm);
  }
  case CredentialKind::ManagedIdentity:
    return std::make_unique<ManagedIdentityCredential>(
        find_managed_identity_endpoint(env, real_file_exists()),
        parse_managed_identity(origin.value));
  case CredentialKind::ManagedIdentityAssertion:
    return std::make_unique<ManagedIdentityAssertionCredential>(
        find_managed_identity_endpoint(env, real_file_exists()),
        parse_managed_identity(origin.value));
  case CredentialKind::Federated:
    return std::make_unique<FederatedCredential>(origin.value, origin.shown(), config.client_id);
  }
  throw ConfigError("unknown credential kind");
}

// The credential options that were given, in table order.
std::vector<const CredentialKindSpec *> given_options(const Config &config) {
  std::vector<const CredentialKindSpec *> given;
  for (const CredentialKindSpec &kind : credential_kinds()) {
    if (kind.option_value(config)) {
      given.push_back(&kind);
    }
  }
  return given;
}

[[noreturn]] void throw_conflict(const std::vector<const CredentialKindSpec *> &given) {
  std::string names;
  for (std::size_t i = 0; i < given.size(); ++i) {
    names += (i == 0                  ? ""
              : i + 1 == given.size() ? " and "
                                      : ", ") +
             std::string("--") + std::string(given[i]->option);
  }
  throw UsageError("more than one credential given: " + names + "; use only one");
}

// The first kind whose variable is set and not empty; -v names the others that are set too.
const CredentialKindSpec *from_environment(const Environment &env, Trace &trace) {
  const CredentialKindSpec *chosen = nullptr;
  for (const CredentialKindSpec &kind : credential_kinds()) {
    if (kind.environment.empty() || nonempty_env(env, kind.environment).empty()) {
      continue;
    }
    if (chosen == nullptr) {
      chosen = &kind;
    } else {
      trace.note(1, std::string(kind.environment) + " is set too, but " +
                        std::string(chosen->environment) + " comes first");
    }
  }
  return chosen;
}

} // namespace

OwnCredential Credential::own_credential() const {
  const CredentialKindSpec &spec = credential_kind(kind());
  OwnCredential own;
  own.source = spec.expiry;
  own.nothing_expires = std::string(spec.nothing_expires);
  return own;
}

std::unique_ptr<Credential> choose_credential(const Config &config, const Environment &env,
                                              Trace &trace) {
  std::vector<const CredentialKindSpec *> given = given_options(config);
  if (given.size() > 1) {
    throw_conflict(given);
  }
  if (given.size() == 1) {
    return load(given.front()->kind, config, env, {*given.front()->option_value(config), ""},
                trace);
  }
  if (const CredentialKindSpec *kind = from_environment(env, trace)) {
    std::string variable(kind->environment);
    return load(kind->kind, config, env, {nonempty_env(env, variable), variable}, trace);
  }
  throw ConfigError("no credential: use " + every_credential_way());
}

} // namespace cps
