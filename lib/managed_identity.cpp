// SPDX-License-Identifier: GPL-3.0-or-later
// Managed identity tokens from IMDS (Azure VM) and HIMDS (Azure Arc).
#include "managed_identity.hpp"

#include "errors.hpp"
#include "text.hpp"

#include <arpa/inet.h>
#include <climits>
#include <cstdlib>
#include <memory>
#include <sys/stat.h>

namespace cps {
namespace {

constexpr std::string_view imds_host = "http://169.254.169.254";
constexpr std::string_view token_path = "/metadata/identity/oauth2/token";
constexpr std::string_view arc_default_url =
    "http://127.0.0.1:40342/metadata/identity/oauth2/token";
constexpr std::string_view arc_agent = "/opt/azcmagent/bin/himds";
constexpr std::string_view arc_folder_default = "/var/opt/azcmagent/tokens";
constexpr std::size_t max_arc_key = 4096;

std::string host_without_port(const std::string &url) {
  std::string host = host_of(url);
  if (!host.empty() && host.front() == '[') {
    return host.substr(0, host.find(']') + 1);
  }
  return host.substr(0, host.rfind(':') == std::string::npos ? host.size() : host.rfind(':'));
}

// An IPv4 address literal in 127.0.0.0/8 (a host name such as "127.example.org" is not).
bool is_loopback_ipv4(const std::string &host) {
  in_addr address{};
  return ::inet_pton(AF_INET, host.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

// Plain HTTP only to this machine or the link-local metadata address: nothing else may see the
// Arc key or the token.
std::string checked_endpoint(std::string url, const char *variable) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  std::string host = host_without_port(url);
  bool local =
      host == "169.254.169.254" || host == "localhost" || host == "[::1]" || is_loopback_ipv4(host);
  bool https = url.rfind("https://", 0) == 0;
  if (!(https || (url.rfind("http://", 0) == 0 && local)) ||
      url.find_first_of(" \t\r\n?#") != std::string::npos) {
    throw ConfigError(std::string(variable) + " must be an http:// URL on this machine (or " +
                      "169.254.169.254) or an https:// URL, got '" + url + "'");
  }
  return url;
}

std::string identity_query(const ManagedIdentityRequest &request) {
  std::string url = request.endpoint.token_url + "?api-version=" + request.endpoint.api_version +
                    "&resource=" + form_encode(request.resource);
  if (!request.client_id.empty()) {
    url += "&client_id=" + form_encode(request.client_id);
  }
  return url;
}

std::string resolved_path(const std::string &path) {
  std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.c_str(), nullptr),
                                                       &std::free);
  return resolved ? std::string(resolved.get()) : std::string();
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

HttpResponse identity_get(HttpClient &http, const std::string &url, const Deadline &deadline,
                          const std::string &authorization) {
  HttpRequest request;
  request.url = url;
  request.headers = {"Metadata: true", "Accept: application/json"};
  if (!authorization.empty()) {
    request.headers.push_back("Authorization: Basic " + authorization);
  }
  RetryPolicy policy;
  policy.instance_metadata = true;
  return http.send_with_retries(request, deadline, policy);
}

// Arc answers the first request with 401 and a key file whose content proves local access.
Secret arc_challenge_key(const HttpResponse &response, const ManagedIdentityRequest &request,
                         const std::string &host) {
  std::string path = basic_realm(response.header("www-authenticate").value_or(""));
  if (path.empty()) {
    throw ApiFormatError("unexpected answer from " + host +
                         ": HTTP 401 without a WWW-Authenticate Basic realm (not an Azure Arc "
                         "agent?)");
  }
  return read_arc_key_file(path, request.arc_folder);
}

} // namespace

ManagedIdentityEndpoint find_managed_identity_endpoint(const Environment &env,
                                                       const FileExists &exists) {
  auto identity = env("IDENTITY_ENDPOINT");
  auto imds = env("IMDS_ENDPOINT");
  if (identity && !identity->empty() && imds && !imds->empty()) {
    checked_endpoint(*imds, "IMDS_ENDPOINT");
    return {ManagedIdentitySource::AzureArc, checked_endpoint(*identity, "IDENTITY_ENDPOINT"),
            "2019-11-01"};
  }
  if (identity && !identity->empty()) {
    throw ConfigError("IDENTITY_ENDPOINT is set without IMDS_ENDPOINT (App Service or Cloud "
                      "Shell?): only Azure VMs and Azure Arc-enabled servers are supported");
  }
  if (exists(std::string(arc_agent))) {
    return {ManagedIdentitySource::AzureArc, std::string(arc_default_url), "2019-11-01"};
  }
  std::string host = env("AZURE_POD_IDENTITY_AUTHORITY_HOST").value_or("");
  host = host.empty() ? std::string(imds_host) : host;
  return {ManagedIdentitySource::AzureVm,
          checked_endpoint(host, "AZURE_POD_IDENTITY_AUTHORITY_HOST") + std::string(token_path),
          "2018-02-01"};
}

std::string arc_token_folder() {
  return std::string(arc_folder_default);
}

Secret read_arc_key_file(const std::string &path, const std::string &folder) {
  std::string name = "Azure Arc key file '" + path + "'";
  std::string real_folder = resolved_path(folder);
  std::string real_path = resolved_path(path);
  if (real_folder.empty() || real_path.empty() || real_path.rfind(real_folder + "/", 0) != 0) {
    throw ConfigError("refusing " + name + ": it is not inside " + folder);
  }
  if (!ends_with(real_path, ".key")) {
    throw ConfigError("refusing " + name + ": its name does not end in .key");
  }
  struct stat info {};
  if (::stat(real_path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    throw ConfigError("refusing " + name + ": not a regular file");
  }
  if (static_cast<std::size_t>(info.st_size) > max_arc_key) {
    throw ConfigError("refusing " + name + ": larger than 4096 bytes");
  }
  Secret raw = read_secret_bytes(real_path, "Azure Arc key", max_arc_key);
  std::string key(strip_line_ends(raw.reveal()));
  if (key.find_first_of("\r\n") != std::string::npos) {
    throw ConfigError("refusing " + name + ": it holds more than one line");
  }
  return Secret(std::move(key));
}

std::string basic_realm(const std::string &www_authenticate) {
  constexpr std::string_view prefix = "basic realm=";
  if (www_authenticate.size() <= prefix.size() || !starts_with_lower(www_authenticate, prefix)) {
    return {};
  }
  std::string realm = www_authenticate.substr(prefix.size());
  if (realm.size() >= 2 && realm.front() == '"' && realm.back() == '"') {
    realm = realm.substr(1, realm.size() - 2);
  }
  return realm;
}

AccessToken managed_identity_token(HttpClient &http, const ManagedIdentityRequest &request,
                                   const Deadline &deadline, Trace &trace, std::int64_t now_unix) {
  std::string url = identity_query(request);
  std::string host = host_of(url);
  HttpResponse response = identity_get(http, url, deadline, "");
  if (request.endpoint.source == ManagedIdentitySource::AzureArc && response.status == 401) {
    Secret key = arc_challenge_key(response, request, host);
    trace.protect(key.reveal());
    trace.note(2, "Azure Arc challenge answered with the agent's key file");
    response = identity_get(http, url, deadline, key.reveal());
  }
  AccessToken token = parse_token_response(response, host, now_unix);
  trace.protect(token.value.reveal());
  Secret wipe_response(std::move(response.body));
  return token;
}

} // namespace cps
