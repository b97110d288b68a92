// The four credential kinds and the one precedence that picks among them.
#include "credentials.hpp"

#include "assertion.hpp"
#include "certificate.hpp"
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
                      config.graph_endpoint + "/.default"};
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
  std::string description() const override { return "client secret from " + source_; }
  std::string identity() const override { return client_secret_identity(secret_); }
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
  std::string description() const override {
    return "certificate from " + source_ + " (" + certificate_.subject() + ", SHA-1 thumbprint " +
           certificate_.sha1_thumbprint_hex() + ", valid until " +
           utc_date(certificate_.not_after_unix()) + "), " + algorithm_name(algorithm_) +
           " assertion with " + (algorithm_ == AssertionAlgorithm::PS256 ? "x5t#S256" : "x5t");
  }
  std::string identity() const override {
    return "certificate:sha256:" + certificate_.sha256_thumbprint_hex();
  }
  AccessToken acquire(TokenContext &context) const override {
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

class ManagedIdentityCredential : public Credential {
public:
  ManagedIdentityCredential(ManagedIdentityEndpoint endpoint, std::string client_id)
      : endpoint_(std::move(endpoint)), client_id_(std::move(client_id)) {}
  std::string description() const override {
    return std::string("managed identity (") +
           (client_id_.empty() ? "system-assigned" : "user-assigned, client ID " + client_id_) +
           ") from " +
           (endpoint_.source == ManagedIdentitySource::AzureArc ? "Azure Arc " : "Azure VM IMDS ") +
           endpoint_.token_url + ", no proxy";
  }
  std::string identity() const override {
    return "mi:" + (client_id_.empty() ? std::string("system") : client_id_);
  }
  AccessToken acquire(TokenContext &context) const override {
    HttpSettings settings;
    settings.allow_plain_http = true;
    settings.bypass_proxy = true;
    settings.ca_file = context.config.ca_file;
    HttpClient identity_http(std::move(settings), context.trace);
    ManagedIdentityRequest request{endpoint_, context.config.graph_endpoint, client_id_,
                                   arc_token_folder()};
    return managed_identity_token(identity_http, request, context.deadline, context.trace,
                                  context.now_unix);
  }

private:
  ManagedIdentityEndpoint endpoint_;
  std::string client_id_;
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

std::unique_ptr<Credential> certificate_credential(const Config &config, const Environment &env,
                                                   const std::string &path,
                                                   const std::string &source) {
  Secret password = certificate_password(config, env);
  return std::make_unique<CertificateCredential>(ClientCertificate::load(path, password), source,
                                                 config.assertion_algorithm);
}

// The credential options that were given, by their option names.
std::vector<std::string> given_options(const Config &config) {
  std::vector<std::string> given;
  if (!config.client_secret_file.empty()) {
    given.push_back("--client-secret-file");
  }
  if (!config.certificate_file.empty()) {
    given.push_back("--certificate");
  }
  if (config.managed_identity) {
    given.push_back("--managed-identity");
  }
  if (!config.federated_token_file.empty()) {
    given.push_back("--federated-token-file");
  }
  return given;
}

[[noreturn]] void throw_conflict(const std::vector<std::string> &given) {
  std::string names;
  for (std::size_t i = 0; i < given.size(); ++i) {
    names += (i == 0 ? "" : i + 1 == given.size() ? " and " : ", ") + given[i];
  }
  throw UsageError("more than one credential given: " + names + "; use only one");
}

std::unique_ptr<Credential> from_option(const Config &config, const Environment &env) {
  if (!config.client_secret_file.empty()) {
    return std::make_unique<SecretCredential>(load_client_secret(config, env),
                                              config.client_secret_file);
  }
  if (!config.certificate_file.empty()) {
    return certificate_credential(config, env, config.certificate_file, config.certificate_file);
  }
  if (!config.federated_token_file.empty()) {
    return std::make_unique<FederatedCredential>(config.federated_token_file,
                                                 config.federated_token_file, config.client_id);
  }
  return std::make_unique<ManagedIdentityCredential>(
      find_managed_identity_endpoint(env, real_file_exists()), *config.managed_identity);
}

std::unique_ptr<Credential> from_environment(const Config &config, const Environment &env,
                                             const std::string &variable) {
  std::string value = nonempty_env(env, variable);
  if (variable == "AZURE_CLIENT_SECRET") {
    return std::make_unique<SecretCredential>(load_client_secret(config, env), variable);
  }
  if (variable == "AZURE_CLIENT_CERTIFICATE_PATH") {
    return certificate_credential(config, env, value, value + " (" + variable + ")");
  }
  return std::make_unique<FederatedCredential>(value, value + " (" + variable + ")",
                                               config.client_id);
}

} // namespace

std::unique_ptr<Credential> choose_credential(const Config &config, const Environment &env,
                                              Trace &trace) {
  std::vector<std::string> given = given_options(config);
  if (given.size() > 1) {
    throw_conflict(given);
  }
  if (given.size() == 1) {
    return from_option(config, env);
  }
  static constexpr std::string_view order[] = {
      "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_FEDERATED_TOKEN_FILE"};
  std::string chosen;
  for (std::string_view variable : order) {
    if (nonempty_env(env, variable).empty()) {
      continue;
    }
    if (chosen.empty()) {
      chosen = variable;
    } else {
      trace.note(1, std::string(variable) + " is set too, but " + chosen + " comes first");
    }
  }
  if (!chosen.empty()) {
    return from_environment(config, env, chosen);
  }
  throw ConfigError("no credential: use --client-secret-file FILE or AZURE_CLIENT_SECRET, "
                    "--certificate FILE or AZURE_CLIENT_CERTIFICATE_PATH, --federated-token-file "
                    "FILE or AZURE_FEDERATED_TOKEN_FILE, or --managed-identity[=CLIENT_ID]");
}

} // namespace cps
