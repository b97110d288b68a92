// SPDX-License-Identifier: GPL-3.0-or-later
// Managed identity tokens from IMDS (Azure VM), HIMDS (Azure Arc) and the App Service endpoint.
#include "managed_identity.hpp"

#include "errors.hpp"
#include "json.hpp"
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

// The query parameter that selects a user-assigned identity: IMDS and Arc take client_id,
// object_id, msi_res_id; App Service (api-version 2019-08-01) takes client_id, principal_id,
// mi_res_id (Microsoft's "managed identities for App Service" reference).
std::string_view selector_parameter(IdentitySelector selector, ManagedIdentitySource source) {
  bool app_service = source == ManagedIdentitySource::AppService;
  switch (selector) {
  case IdentitySelector::System:
    return {};
  case IdentitySelector::ClientId:
    return "client_id";
  case IdentitySelector::ObjectId:
    return app_service ? "principal_id" : "object_id";
  case IdentitySelector::ResourceId:
    return app_service ? "mi_res_id" : "msi_res_id";
  }
  return {};
}

std::string identity_query(const ManagedIdentityRequest &request) {
  std::string url = request.endpoint.token_url + "?api-version=" + request.endpoint.api_version +
                    "&resource=" + form_encode(request.resource);
  std::string_view parameter =
      selector_parameter(request.identity.selector, request.endpoint.source);
  if (!parameter.empty()) {
    url += "&" + std::string(parameter) + "=" + form_encode(request.identity.value);
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
                          const ManagedIdentityEndpoint &endpoint,
                          const std::string &authorization) {
  HttpRequest request;
  request.url = url;
  if (endpoint.source == ManagedIdentitySource::AppService) {
    request.headers = {"X-IDENTITY-HEADER: " + endpoint.identity_header,
                       "Accept: application/json"};
  } else {
    request.headers = {"Metadata: true", "Accept: application/json"};
  }
  if (!authorization.empty()) {
    request.headers.push_back("Authorization: Basic " + authorization);
  }
  RetryPolicy policy;
  policy.instance_metadata = true;
  // IMDS answers 410 while it is being updated, for up to 70 s: Microsoft asks clients to keep
  // trying that long (entra-docs how-to-use-vm-token, "Retry guidance"); the deadline still wins.
  policy.retry_until_deadline_status = 410;
  HttpResponse response = http.send_with_retries(request, deadline, policy);
  if (response.status == 410) {
    throw TimeoutError("IMDS is being updated (410); use -t above 70 s to ride it out");
  }
  return response;
}

// Arc answers the first request with 401 and a key file whose content proves local access.
Secret arc_challenge_key(const HttpResponse &response, const ManagedIdentityRequest &request,
                         const std::string &host) {
  std::string path = basic_realm(response.header("www-authenticate").value_or(""));
  if (path.empty()) {
    throw unexpected_answer(host,
                            "HTTP 401 without a WWW-Authenticate Basic realm (not an Azure Arc "
                            "agent?)");
  }
  return read_arc_key_file(path, request.arc_folder);
}

// One identity variable without its partner names no platform Microsoft documents: refuse,
// never fall through to IMDS (the machine may be another platform whose variables are half set).
void refuse_partial_variables(const std::string &identity, const std::string &header,
                              const std::string &imds) {
  if (!identity.empty()) {
    throw ConfigError("IDENTITY_ENDPOINT is set without IMDS_ENDPOINT (Azure Arc) or "
                      "IDENTITY_HEADER (App Service, Functions, Container Apps): not using IMDS");
  }
  if (!header.empty() || !imds.empty()) {
    throw ConfigError(std::string(header.empty() ? "IMDS_ENDPOINT" : "IDENTITY_HEADER") +
                      " is set without IDENTITY_ENDPOINT: not using IMDS");
  }
}

// The claims of an access token that name a managed identity. Read without checking the
// signature: the token came from this machine's own agent, and this only catches a wrong one.
struct TokenClaims {
  std::string appid, azp, oid, mirid;
};

std::string base64url_decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '-'             ? 62
                : c == '_'             ? 63
                                       : -1;
    if (value < 0) {
      return {};
    }
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

TokenClaims token_claims(const std::string &access_token) {
  std::size_t first = access_token.find('.');
  std::size_t second = first == std::string::npos ? first : access_token.find('.', first + 1);
  if (second == std::string::npos) {
    return {};
  }
  std::string payload = base64url_decode(access_token.substr(first + 1, second - first - 1));
  try {
    rapidjson::Document claims = parse_json(payload, "the managed identity token");
    if (!claims.IsObject()) {
      return {};
    }
    return {string_member(claims, "appid").value_or(""), string_member(claims, "azp").value_or(""),
            string_member(claims, "oid").value_or(""),
            string_member(claims, "xms_mirid").value_or("")};
  } catch (const ApiFormatError &) {
    return {};
  }
}

// The client_id member of a managed identity answer (App Service, Arc); empty when absent.
std::string answered_client(const std::string &body, const std::string &host) {
  try {
    rapidjson::Document answer = parse_json(body, host);
    return answer.IsObject() ? string_member(answer, "client_id").value_or("") : std::string();
  } catch (const ApiFormatError &) {
    return {}; // parse_token_response reports the malformed answer
  }
}

} // namespace

std::string source_name(ManagedIdentitySource source) {
  switch (source) {
  case ManagedIdentitySource::AzureVm:
    return "Azure VM IMDS";
  case ManagedIdentitySource::AzureArc:
    return "Azure Arc";
  case ManagedIdentitySource::AppService:
    return "App Service (or Functions, Container Apps)";
  }
  return {};
}

ManagedIdentityEndpoint find_managed_identity_endpoint(const Environment &env,
                                                       const FileExists &exists) {
  std::string identity = env("IDENTITY_ENDPOINT").value_or("");
  std::string header = env("IDENTITY_HEADER").value_or("");
  std::string imds = env("IMDS_ENDPOINT").value_or("");
  if (!identity.empty() && !header.empty()) {
    if (!env("IDENTITY_SERVER_THUMBPRINT").value_or("").empty()) {
      throw ConfigError("IDENTITY_ENDPOINT, IDENTITY_HEADER and IDENTITY_SERVER_THUMBPRINT are "
                        "set: Service Fabric's managed identity is not supported");
    }
    return {ManagedIdentitySource::AppService, checked_endpoint(identity, "IDENTITY_ENDPOINT"),
            "2019-08-01", header};
  }
  if (!env("MSI_ENDPOINT").value_or("").empty()) {
    bool machine_learning = !env("MSI_SECRET").value_or("").empty();
    throw ConfigError(std::string("MSI_ENDPOINT is set: ") +
                      (machine_learning ? "Azure Machine Learning" : "Azure Cloud Shell") +
                      "'s managed identity is not supported; use a credential option instead");
  }
  if (!identity.empty() && !imds.empty()) {
    checked_endpoint(imds, "IMDS_ENDPOINT");
    return {ManagedIdentitySource::AzureArc, checked_endpoint(identity, "IDENTITY_ENDPOINT"),
            "2019-11-01", ""};
  }
  refuse_partial_variables(identity, header, imds);
  if (exists(std::string(arc_agent))) {
    return {ManagedIdentitySource::AzureArc, std::string(arc_default_url), "2019-11-01", ""};
  }
  std::string host = env("AZURE_POD_IDENTITY_AUTHORITY_HOST").value_or("");
  host = host.empty() ? std::string(imds_host) : host;
  return {ManagedIdentitySource::AzureVm,
          checked_endpoint(host, "AZURE_POD_IDENTITY_AUTHORITY_HOST") + std::string(token_path),
          "2018-02-01", ""};
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

void verify_returned_identity(const ManagedIdentityId &wanted, const std::string &access_token,
                              const std::string &answered_client_id) {
  if (wanted.selector == IdentitySelector::System) {
    return;
  }
  TokenClaims claims = token_claims(access_token);
  std::string got;
  const char *claim = "";
  switch (wanted.selector) {
  case IdentitySelector::System:
    return;
  case IdentitySelector::ClientId:
    claim = "client ID";
    got = !answered_client_id.empty() ? answered_client_id
                                      : (!claims.appid.empty() ? claims.appid : claims.azp);
    break;
  case IdentitySelector::ObjectId:
    claim = "object ID";
    got = claims.oid;
    break;
  case IdentitySelector::ResourceId:
    claim = "resource ID";
    got = claims.mirid;
    break;
  }
  if (got.empty()) {
    throw ConfigError(std::string("cannot verify which identity Azure Arc returned (no ") + claim +
                      " in its answer): refusing it, as older Arc agents ignore user-assigned "
                      "identities and return the machine's own");
  }
  if (to_lower(got) != to_lower(wanted.value)) {
    throw ConfigError("Azure Arc returned the identity with " + std::string(claim) + " " +
                      sanitize_text(got.substr(0, 200)) + ", not " + wanted.value +
                      ": refusing to run as the wrong identity (older Arc agents ignore "
                      "user-assigned identities; update the agent)");
  }
}

AccessToken managed_identity_token(HttpClient &http, const ManagedIdentityRequest &request,
                                   const Deadline &deadline, Trace &trace, std::int64_t now_unix) {
  std::string url = identity_query(request);
  std::string host = host_of(url);
  trace.protect(request.endpoint.identity_header);
  HttpResponse response = identity_get(http, url, deadline, request.endpoint, "");
  if (request.endpoint.source == ManagedIdentitySource::AzureArc && response.status == 401) {
    Secret key = arc_challenge_key(response, request, host);
    trace.protect(key.reveal());
    trace.note(2, "Azure Arc challenge answered with the agent's key file");
    response = identity_get(http, url, deadline, request.endpoint, key.reveal());
  }
  std::string answered_client_id = response.status == 200 && response.is_json()
                                       ? answered_client(response.body, host)
                                       : std::string();
  AccessToken token = parse_token_response(response, host, now_unix);
  trace.protect(token.value.reveal());
  Secret wipe_response(std::move(response.body));
  if (request.endpoint.source == ManagedIdentitySource::AzureArc) {
    verify_returned_identity(request.identity, token.value.reveal(), answered_client_id);
  }
  return token;
}

} // namespace cps
