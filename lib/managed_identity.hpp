// SPDX-License-Identifier: GPL-3.0-or-later
// Tokens for an Azure managed identity: IMDS on Azure VMs, HIMDS on Azure Arc-enabled servers.
#pragma once

#include "auth.hpp"
#include "deadline.hpp"
#include "extra_opts.hpp"
#include "http.hpp"
#include "options.hpp"
#include "secret.hpp"

#include <cstdint>
#include <string>

namespace cps {

enum class ManagedIdentitySource { AzureVm, AzureArc };

struct ManagedIdentityEndpoint {
  ManagedIdentitySource source = ManagedIdentitySource::AzureVm;
  std::string token_url; // http://169.254.169.254/metadata/identity/oauth2/token or the Arc one
  std::string api_version;
};

// Where the identity endpoint is, read from the variables the Azure SDKs read: IDENTITY_ENDPOINT
// with IMDS_ENDPOINT (Arc), else an installed Arc agent (/opt/azcmagent/bin/himds), else IMDS
// (AZURE_POD_IDENTITY_AUTHORITY_HOST overrides its address). Throws ConfigError for an endpoint
// that is not plain HTTP on a loopback or link-local address, or HTTPS.
ManagedIdentityEndpoint find_managed_identity_endpoint(const Environment &env,
                                                       const FileExists &exists);

// The Arc agent's token folder, /var/opt/azcmagent/tokens; the key file named by its challenge
// must be inside it. A constant: nothing in the environment or the configuration moves it, as
// Icinga's CheckCommand `env` may be set by people who must not choose which file is sent.
std::string arc_token_folder();

// Reads the key file an Arc challenge names, after checking that it is inside folder, ends in
// .key and holds at most 4096 bytes. Throws ConfigError. The plugin always passes
// arc_token_folder(); the unit tests pass a scratch folder.
Secret read_arc_key_file(const std::string &path, const std::string &folder);

// The "Basic realm=..." path of an Arc WWW-Authenticate header; empty when it has none.
std::string basic_realm(const std::string &www_authenticate);

struct ManagedIdentityRequest {
  ManagedIdentityEndpoint endpoint;
  std::string resource;                        // the Graph endpoint, without /.default
  std::string client_id;                       // user-assigned identity; empty: system-assigned
  std::string arc_folder = arc_token_folder(); // the unit tests may pass another
};

// One token for the managed identity. http must bypass proxies and allow plain HTTP.
AccessToken managed_identity_token(HttpClient &http, const ManagedIdentityRequest &request,
                                   const Deadline &deadline, Trace &trace, std::int64_t now_unix);

} // namespace cps
