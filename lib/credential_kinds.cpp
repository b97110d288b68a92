// SPDX-License-Identifier: GPL-3.0-or-later
// The credential kinds table; its order is the precedence (see credential_kinds.hpp).
#include "credential_kinds.hpp"

#include "config.hpp"
#include "managed_identity_id.hpp"

#include <vector>

namespace cps {

namespace {

// The table itself: data, constant-initialised (string views, flags and plain function pointers),
// so no other file's start-up code can see it half made.
constexpr std::array<CredentialKindSpec, credential_kind_count> kinds{{
      {CredentialKind::ClientSecret, "client-secret-file", "FILE", false,
       "Read the client secret from FILE (a regular file; a trailing newline\n"
       "is ignored). Default: environment AZURE_CLIENT_SECRET. No option takes\n"
       "the secret itself: command lines are visible to every local user.",
       "AZURE_CLIENT_SECRET", true, true, "client secret",
       "client-secret-sha256:<SHA-256 of the secret>", ExpirySource::ApplicationSecrets, "",
       [](const Config &c) { return c.client_secret_file.empty() ? std::nullopt : std::optional(c.client_secret_file); },
       [](Config &c, std::string_view v) { c.client_secret_file = std::string(v); },
       [](Config &c) { c.client_secret_file.clear(); }},
      {CredentialKind::Certificate, "certificate", "FILE", false,
       "Authenticate with a certificate: FILE is PEM (certificate and private\n"
       "key) or PKCS#12 (.pfx/.p12). Default: environment\n"
       "AZURE_CLIENT_CERTIFICATE_PATH.",
       "AZURE_CLIENT_CERTIFICATE_PATH", true, true, "certificate",
       "certificate:sha256:<SHA-256 thumbprint>", ExpirySource::LocalCertificate, "",
       [](const Config &c) { return c.certificate_file.empty() ? std::nullopt : std::optional(c.certificate_file); },
       [](Config &c, std::string_view v) { c.certificate_file = std::string(v); },
       [](Config &c) { c.certificate_file.clear(); }},
      {CredentialKind::ManagedIdentity, "managed-identity", "CLIENT_ID", true,
       "Use the Azure managed identity of this machine (Azure VM: IMDS; Azure\n"
       "Arc; App Service, Functions, Container Apps): the system-assigned one,\n"
       "or a user-assigned one: its client ID, client_id:ID, object_id:ID\n"
       "or resource_id:/subscriptions/.../userAssignedIdentities/NAME.\n"
       "The token is for the identity's own tenant; -T may be left out.",
       "", false, false, "managed identity",
       "mi:<client ID|system|object_id:ID|resource_id:ID>", ExpirySource::Nothing,
       "a managed identity has no secret or certificate to renew: Azure rotates its own",
       [](const Config &c) { return c.managed_identity; },
       [](Config &c, std::string_view v) {
         parse_managed_identity(v);
         c.managed_identity = std::string(v);
       },
       [](Config &c) { c.managed_identity.reset(); }},
      {CredentialKind::ManagedIdentityAssertion, "managed-identity-assertion", "MI_CLIENT_ID", true,
       "Sign in as app -C in tenant -T with this machine's managed identity as\n"
       "its credential (a federated identity credential of the app trusts the\n"
       "identity; no secret anywhere). MI_CLIENT_ID selects the identity as\n"
       "for --managed-identity; empty: the system-assigned one.",
       "", true, true, "managed identity as a federated credential",
       "mi-assertion:<client ID|system|object_id:ID|resource_id:ID>", ExpirySource::Nothing,
       "the app trusts the managed identity (a federated identity credential, no end date); "
       "Azure rotates the identity's own credentials",
       [](const Config &c) { return c.managed_identity_assertion; },
       [](Config &c, std::string_view v) {
         parse_managed_identity(v);
         c.managed_identity_assertion = std::string(v);
       },
       [](Config &c) { c.managed_identity_assertion.reset(); }},
      {CredentialKind::Federated, "federated-token-file", "FILE", false,
       "Workload identity federation: FILE holds a token from a trusted issuer\n"
       "(Kubernetes, CI), sent as the client assertion. Default: environment\n"
       "AZURE_FEDERATED_TOKEN_FILE.",
       "AZURE_FEDERATED_TOKEN_FILE", true, true, "federated token (workload identity)",
       "federated:<client ID>:<token file>", ExpirySource::Nothing,
       "the token file is renewed by its issuer (Kubernetes, CI), and the app's federated "
       "identity credential has no end date",
       [](const Config &c) { return c.federated_token_file.empty() ? std::nullopt : std::optional(c.federated_token_file); },
       [](Config &c, std::string_view v) { c.federated_token_file = std::string(v); },
       [](Config &c) { c.federated_token_file.clear(); }},
}};

} // namespace

const std::array<CredentialKindSpec, credential_kind_count> &credential_kinds() {
  return kinds;
}

const CredentialKindSpec &credential_kind(CredentialKind kind) {
  return credential_kinds()[static_cast<std::size_t>(kind)];
}

const CredentialKindSpec *credential_kind_for_option(std::string_view name) {
  for (const CredentialKindSpec &spec : credential_kinds()) {
    if (spec.option == name) {
      return &spec;
    }
  }
  return nullptr;
}

namespace {

std::string option_usage(const CredentialKindSpec &spec) {
  std::string usage = "--" + std::string(spec.option);
  return usage + (spec.optional_value ? "[=" + std::string(spec.argument) + "]"
                                      : " " + std::string(spec.argument));
}

// "a, b, or c": items joined by separator, the last one by last_separator.
std::string joined(const std::vector<std::string> &items, std::string_view separator,
                   std::string_view last_separator) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    text += std::string(i == 0 ? "" : i + 1 == items.size() ? last_separator : separator) + items[i];
  }
  return text;
}

// Breaks text into lines of at most 78 characters at spaces.
std::string wrapped(const std::string &text) {
  std::string out;
  std::size_t line_start = 0;
  std::size_t last_space = std::string::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == ' ') {
      last_space = out.size() - 1;
    }
    if (out.size() - line_start > 78 && last_space != std::string::npos && last_space > line_start) {
      out[last_space] = '\n';
      line_start = last_space + 1;
      last_space = std::string::npos;
    }
  }
  return out + "\n";
}

} // namespace

std::string every_credential_way() {
  std::vector<std::string> with_variable;
  std::vector<std::string> option_only;
  for (const CredentialKindSpec &spec : credential_kinds()) {
    if (spec.environment.empty()) {
      option_only.push_back(option_usage(spec));
    } else {
      with_variable.push_back(option_usage(spec) + " or " + std::string(spec.environment));
    }
  }
  with_variable.insert(with_variable.end(), option_only.begin(), option_only.end());
  return joined(with_variable, ", ", ", or ");
}

std::string credential_help_paragraph() {
  std::vector<std::string> options;
  std::vector<std::string> variables;
  for (const CredentialKindSpec &spec : credential_kinds()) {
    options.push_back("--" + std::string(spec.option));
    if (!spec.environment.empty()) {
      variables.emplace_back(spec.environment);
    }
  }
  return wrapped("Credentials: one of " + joined(options, ", ", ", ") + "; without one, " +
                 joined(variables, ", then ", ", then ") + ".");
}

} // namespace cps
