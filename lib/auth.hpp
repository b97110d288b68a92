// SPDX-License-Identifier: GPL-3.0-or-later
// The OAuth 2.0 client-credentials token request to Microsoft Entra ID.
#pragma once

#include "deadline.hpp"
#include "http.hpp"
#include "secret.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cps {

struct AccessToken {
  Secret value;
  std::int64_t expires_at = 0; // Unix seconds
};

// Form fields that prove the client's identity, e.g. client_secret; their values are secret.
using CredentialFields = std::vector<std::pair<std::string, Secret>>;

struct TokenRequest {
  std::string token_url; // {authority}/{tenant}/oauth2/v2.0/token
  std::string client_id;
  std::string scope; // {graph}/.default
};

std::string token_url(const std::string &authority_host, const std::string &tenant);

// The application/x-www-form-urlencoded body of the request.
std::string token_form(const TokenRequest &request, const CredentialFields &credential);

// Turns the token endpoint's answer into a token, or throws AuthError (AADSTS, with its hint from
// lib/entra_errors), CredentialExpiredError (AADSTS7000222), ServiceError (5xx) or ApiFormatError.
AccessToken parse_token_response(const HttpResponse &response, const std::string &host,
                                 std::int64_t now_unix);

AccessToken request_token(HttpClient &http, const TokenRequest &request,
                          const CredentialFields &credential, const Deadline &deadline,
                          Trace &trace, std::int64_t now_unix);

} // namespace cps
