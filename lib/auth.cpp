// SPDX-License-Identifier: GPL-3.0-or-later
// The OAuth 2.0 client-credentials token request to Microsoft Entra ID.
#include "auth.hpp"

#include "entra_errors.hpp"
#include "errors.hpp"
#include "json.hpp"
#include "support.hpp"
#include "text.hpp"
#include "wording.hpp"

#include <cstdlib>

namespace cps {
namespace {

constexpr std::string_view jwt_bearer_assertion_type =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

constexpr std::size_t max_description = 400;

// Microsoft's description without the "AADSTS…: " prefix and the trace lines after it.
std::string first_line_of_description(std::string description) {
  std::size_t end = description.find_first_of("\r\n");
  description = description.substr(0, end);
  if (description.rfind("AADSTS", 0) == 0) {
    std::size_t colon = description.find(": ");
    if (colon != std::string::npos && colon < 16) {
      description = description.substr(colon + 2);
    }
  }
  if (description.size() > max_description) {
    description = description.substr(0, max_description) + "...";
  }
  // Server text: an embedded NUL would end the exception's message early, so clean it here.
  return sanitize_text(description);
}

std::string first_error_code(const rapidjson::Value &body) {
  const rapidjson::Value *codes = member(body, "error_codes");
  if (codes != nullptr && codes->IsArray() && !codes->Empty() && (*codes)[0].IsUint64()) {
    return "AADSTS" + std::to_string((*codes)[0].GetUint64());
  }
  return {};
}

[[noreturn]] void throw_rejection(const rapidjson::Value &body, const std::string &host,
                                  long status) {
  auto error = string_member(body, "error");
  if (!error) {
    throw unexpected_answer(host, "HTTP " + std::to_string(status) + " without an OAuth error");
  }
  std::string code = first_error_code(body);
  std::string description = first_line_of_description(
      string_member(body, "error_description").value_or("no description"));
  std::string cause = code.empty() ? sanitize_text(error->substr(0, 80))
                                   : code + " (" + sanitize_text(error->substr(0, 80)) + ")";
  // The hint is chosen by the code alone (error_codes), never by the description's text, as
  // Microsoft asks (graph-api reference, section 3).
  const EntraErrorCode *known = find_entra_error(code);
  if (known == nullptr) {
    throw AuthError(wording::token_rejected(cause, "", description));
  }
  if (known->rejection == EntraRejection::CredentialExpired) {
    throw CredentialExpiredError(
        wording::secret_expired_rejected(code, known->hint(), description));
  }
  throw AuthError(wording::token_rejected(cause, known->hint(), description));
}

// A whole number sent as a JSON number or, by managed identity endpoints, as a string.
std::optional<std::int64_t> whole_number(const rapidjson::Value *value) {
  if (value == nullptr) {
    return std::nullopt;
  }
  if (value->IsInt64()) {
    return value->GetInt64();
  }
  if (value->IsString()) {
    std::string text = value->GetString();
    char *end = nullptr;
    long long number = std::strtoll(text.c_str(), &end, 10);
    if (!text.empty() && *end == '\0') {
      return number;
    }
  }
  return std::nullopt;
}

// expires_in; App Service's managed identity endpoint (api-version 2019-08-01) sends only
// expires_on, in Unix seconds.
std::optional<std::int64_t> expires_in_seconds(const rapidjson::Value &body,
                                               std::int64_t now_unix) {
  if (auto seconds = whole_number(member(body, "expires_in"))) {
    return seconds;
  }
  if (auto until = whole_number(member(body, "expires_on"))) {
    return *until - now_unix;
  }
  return std::nullopt;
}

} // namespace

std::string token_url(const std::string &authority_host, const std::string &tenant) {
  return authority_host + "/" + tenant + "/oauth2/v2.0/token";
}

std::string token_form(const TokenRequest &request, const CredentialFields &credential) {
  std::string form = "grant_type=client_credentials&client_id=" + form_encode(request.client_id) +
                     "&scope=" + form_encode(request.scope);
  for (const auto &[name, value] : credential) {
    if (name == "client_assertion") { // a signed or federated JWT: its type is not a secret
      form += "&client_assertion_type=" + form_encode(jwt_bearer_assertion_type);
    }
    form += "&" + name + "=" + form_encode(value.reveal());
  }
  return form;
}

AccessToken parse_token_response(const HttpResponse &response, const std::string &host,
                                 std::int64_t now_unix) {
  if (response.status >= 500) {
    throw ServiceError(host + " answered HTTP " + std::to_string(response.status));
  }
  require_json_answer(response, host);
  rapidjson::Document body = parse_json(response.body, host);
  if (response.status == 429) {
    throw ThrottledError("the token endpoint " + host +
                         " kept throttling the token request (HTTP "
                         "429, " +
                         describe_retries(response.retries) + ")");
  }
  if (response.status != 200) {
    throw_rejection(body, host, response.status);
  }
  auto token = take_string_member(body, "access_token");
  auto expires_in = expires_in_seconds(body, now_unix);
  if (!token || token->empty() || !expires_in || *expires_in <= 0 || *expires_in > 86400 * 30) {
    throw unexpected_answer(host, "no access_token or expires_in in the token response");
  }
  if (!is_b64token(*token)) {
    Secret discard(std::move(*token));
    throw ApiFormatError("malformed access token from the token endpoint " + host +
                         ": it holds characters a bearer token cannot have (RFC 6750), so it "
                         "is not sent");
  }
  return AccessToken{Secret(std::move(*token)), now_unix + *expires_in};
}

AccessToken request_token(HttpClient &http, const TokenRequest &request,
                          const CredentialFields &credential, const Deadline &deadline,
                          Trace &trace, std::int64_t now_unix) {
  // The credential registered its secrets with the trace when it read or made them, and
  // TokenSource registers the token it is given: the output's last filter (lib/redact) then
  // removes them in every spelling, percent-encoded ones included.
  HttpRequest http_request;
  http_request.method = "POST";
  http_request.url = request.token_url;
  // A fresh client-request-id per request, as MSAL sends it; Entra uses it as the correlation ID.
  std::string client_request_id = new_client_request_id();
  http_request.headers = {"Content-Type: application/x-www-form-urlencoded",
                          "Accept: application/json", "client-request-id: " + client_request_id,
                          "return-client-request-id: true"};
  Secret form(token_form(request, credential));
  http_request.body = form.reveal();
  HttpResponse response;
  AccessToken token;
  try {
    response = http.send_with_retries(http_request, deadline);
    token = parse_token_response(response, host_of(request.token_url), now_unix);
  } catch (...) {
    Secret wipe_body(std::move(http_request.body));
    trace.note(0, entra_support_line(response, client_request_id));
    throw;
  }
  Secret wipe_body(std::move(http_request.body));
  Secret wipe_response(std::move(response.body));
  return token;
}

} // namespace cps
