// SPDX-License-Identifier: GPL-3.0-or-later
// Tokens for an Azure managed identity: IMDS on Azure VMs, HIMDS on Azure Arc-enabled servers,
// the App Service endpoint (App Service, Functions, Container Apps).
#pragma once

#include "auth.hpp"
#include "deadline.hpp"
#include "extra_opts.hpp"
#include "http.hpp"
#include "managed_identity_id.hpp"
#include "options.hpp"
#include "secret.hpp"

#include <cstdint>
#include <string>

namespace cps {

enum class ManagedIdentitySource { AzureVm, AzureArc, AppService };

struct ManagedIdentityEndpoint {
  ManagedIdentitySource source = ManagedIdentitySource::AzureVm;
  std::string token_url; // http://169.254.169.254/metadata/identity/oauth2/token or the Arc one
  std::string api_version;
  std::string identity_header; // App Service: IDENTITY_HEADER, sent as X-IDENTITY-HEADER
};

// "Azure VM IMDS", "Azure Arc", "App Service (also Functions, Container Apps)".
std::string source_name(ManagedIdentitySource source);

// Where the identity endpoint is, read from the variables the Azure SDKs read, in MSAL's order
// (MSAL Go apps/managedidentity GetSource, MSAL Python msal/managed_identity.py):
//   IDENTITY_ENDPOINT + IDENTITY_HEADER (+ IDENTITY_SERVER_THUMBPRINT: Service Fabric, refused)
//     -> App Service, Functions or Container Apps (api-version 2019-08-01);
//   MSI_ENDPOINT -> Cloud Shell, or Azure Machine Learning with MSI_SECRET: refused by name;
//   IDENTITY_ENDPOINT + IMDS_ENDPOINT -> Azure Arc; any other of these variables alone: refused;
//   an installed Arc agent (/opt/azcmagent/bin/himds) -> Azure Arc;
//   else IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST overrides its address).
// IMDS is never used when one of the variables above is set. Throws ConfigError, also for an
// endpoint that is not plain HTTP on a loopback or link-local address, or HTTPS.
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
  std::string resource; // the Graph endpoint or the token-exchange audience, without /.default
  ManagedIdentityId identity;
  std::string arc_folder = arc_token_folder(); // the unit tests may pass another
};

// Throws ConfigError unless the token (its claims appid/oid/xms_mirid) or the answer's client_id
// names the user-assigned identity asked for. Older Azure Arc agents ignore the selector and
// return the machine's system-assigned identity (MSAL Go verifies for that reason).
void verify_returned_identity(const ManagedIdentityId &wanted, const std::string &access_token,
                              const std::string &answered_client_id);

// One token for the managed identity. http must bypass proxies and allow plain HTTP. IMDS 410
// (being updated) is retried until the deadline; Microsoft asks for at least 70 s in total.
AccessToken managed_identity_token(HttpClient &http, const ManagedIdentityRequest &request,
                                   const Deadline &deadline, Trace &trace, std::int64_t now_unix);

} // namespace cps
