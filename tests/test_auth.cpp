// SPDX-License-Identifier: GPL-3.0-or-later
// The client-credentials token request: form, URL, and every kind of answer.
#include "lib/auth.hpp"
#include "lib/entra_errors.hpp"
#include "lib/errors.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;

namespace {

constexpr std::int64_t now = 1700000000;
const std::string host = "login.microsoftonline.com";

HttpResponse json_response(long status, std::string body,
                           std::string type = "application/json; charset=utf-8") {
  HttpResponse response;
  response.status = status;
  response.content_type = std::move(type);
  response.body = std::move(body);
  return response;
}

// An error body in the token endpoint's documented shape, with the trace lines Microsoft appends.
std::string aad_error(const std::string &error, long code, const std::string &description) {
  return R"({"error":")" + error + R"(","error_description":"AADSTS)" + std::to_string(code) +
         ": " + description +
         R"(\r\nTrace ID: 0b2f4c8a-1d3e-4f5a-9b6c-7d8e9f0a1b2c\r\nCorrelation ID: )"
         R"(3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f\r\nTimestamp: 2024-05-01 10:00:00Z",)"
         R"("error_codes":[)" +
         std::to_string(code) +
         R"(],"timestamp":"2024-05-01 10:00:00Z","trace_id":"0b2f4c8a-1d3e-4f5a-9b6c-7d8e9f0a1b2c",)"
         R"("correlation_id":"3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",)"
         R"("error_uri":"https://login.microsoftonline.com/error?code=)" +
         std::to_string(code) + R"("})";
}

std::string rejection_message(long status, const std::string &body) {
  try {
    parse_token_response(json_response(status, body), host, now);
  } catch (const AuthError &error) {
    return error.what();
  }
  FAIL("no AuthError");
  return {};
}

} // namespace

TEST_CASE("auth: token_url") {
  CHECK(token_url("https://login.microsoftonline.com", "contoso.onmicrosoft.com") ==
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
  CHECK(token_url("https://127.0.0.1:8443", "11111111-2222-3333-4444-555555555555") ==
        "https://127.0.0.1:8443/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token");
}

TEST_CASE("auth: token_form encodes every value") {
  TokenRequest request{"https://login.microsoftonline.com/t/oauth2/v2.0/token",
                       "66666666-7777-8888-9999-000000000000",
                       "https://graph.microsoft.com/.default"};
  CredentialFields credential;
  credential.emplace_back("client_secret", Secret("a&b=c+d%e f~Q_x.y-z"));
  CHECK(token_form(request, credential) ==
        "grant_type=client_credentials&client_id=66666666-7777-8888-9999-000000000000"
        "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
        "&client_secret=a%26b%3Dc%2Bd%25e%20f~Q_x.y-z");

  // A secret cannot inject another field.
  CredentialFields injected;
  injected.emplace_back("client_secret", Secret("x&grant_type=password"));
  std::string form = token_form(request, injected);
  CHECK(form.find("&grant_type=password") == std::string::npos);
  CHECK(form.find("client_secret=x%26grant_type%3Dpassword") != std::string::npos);
}

TEST_CASE("auth: a successful answer") {
  AccessToken token = parse_token_response(
      json_response(200, R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,)"
                         R"("access_token":"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.sig"})"),
      host, now);
  CHECK(token.value.reveal() == "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.sig");
  CHECK(token.expires_at == now + 3599);

  AccessToken string_expiry = parse_token_response(
      json_response(200, R"({"access_token":"abc","expires_in":"3599","token_type":"Bearer"})"),
      host, now);
  CHECK(string_expiry.value.reveal() == "abc");
  CHECK(string_expiry.expires_at == now + 3599);

  AccessToken plain_type = parse_token_response(
      json_response(200, R"({"access_token":"abc","expires_in":60})", "application/json"), host,
      now);
  CHECK(plain_type.expires_at == now + 60);

  AccessToken longest = parse_token_response( // 30 days: the longest lifetime believed
      json_response(200, R"({"access_token":"abc","expires_in":2592000})"), host, now);
  CHECK(longest.expires_at == now + 2592000);
}

TEST_CASE("auth: AADSTS rejections carry the code, the error, the hint and the first line") {
  struct Case {
    long status;
    const char *error;
    long code;
    const char *description;
    const char *hint; // "" for a code without one
  };
  for (const Case &row : std::vector<Case>{
           {401, "invalid_client", 7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the "
            "client secret value, not the client secret ID, for a secret added to app "
            "'66666666-7777-8888-9999-000000000000'.",
            "give the plugin the client secret's Value, not its Secret ID (the Value is shown "
            "only once: if it is lost, create a new secret)"},
           {400, "invalid_tenant", 90002,
            "Tenant 'contoso.example' not found. Check to make sure you have the correct tenant ID "
            "and are signing into the correct cloud.",
            "check -T; a tenant in another Microsoft cloud needs --cloud"},
           {400, "invalid_request", 90002, "Tenant 'contoso.example' not found.",
            "check -T; a tenant in another Microsoft cloud needs --cloud"},
           {400, "unauthorized_client", 700016,
            "Application with identifier '66666666-7777-8888-9999-000000000000' was not found in "
            "the directory 'contoso.example'. This can happen if the application has not been "
            "installed by the administrator of the tenant.",
            "check -C against the app's Application (client) ID, and that the app is registered "
            "in the tenant -T names (a new app takes a few minutes to appear)"},
           {400, "invalid_scope", 70011,
            "The provided value for the input parameter 'scope' is not valid.",
            "--graph-endpoint must be Graph's bare URL (the scope is <graph-endpoint>/.default), "
            "or use --cloud"},
           // Codes the registry does not list keep the message they always had.
           {401, "invalid_client", 700025,
            "Client is public so neither 'client_assertion' nor 'client_secret' should be "
            "presented.",
            ""},
           {400, "invalid_request", 7000218,
            "The request body must contain the following parameter: 'client_assertion' or "
            "'client_secret'.",
            ""},
       }) {
    CAPTURE(row.code);
    std::string message =
        rejection_message(row.status, aad_error(row.error, row.code, row.description));
    CAPTURE(message);
    std::string cause = "AADSTS" + std::to_string(row.code) + " (" + row.error + "): ";
    std::string hint = *row.hint == '\0' ? "" : std::string(row.hint) + "; Entra: ";
    CHECK(message == "token request rejected: " + cause + hint + row.description);
    CHECK(message.find("Trace ID") == std::string::npos);
    CHECK(message.find("Correlation ID") == std::string::npos);
    CHECK(message.find('\r') == std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
  }
}

TEST_CASE("auth: an expired client secret is a CredentialExpiredError that names it") {
  std::string body = aad_error(
      "invalid_client", 7000222,
      "The provided client secret keys for app '66666666-7777-8888-9999-000000000000' are "
      "expired. Visit the Azure portal to create new keys for your app: "
      "https://aka.ms/NewClientSecret, or consider using certificate credentials for added "
      "security: https://aka.ms/certCreds.");
  CHECK_THROWS_WITH_AS(
      parse_token_response(json_response(401, body), host, now),
      "the client secret has expired (AADSTS7000222); renew it: Microsoft Entra admin center > "
      "App registrations > the app > Certificates & secrets, then give the plugin the new one; "
      "Entra: The provided client secret keys for app '66666666-7777-8888-9999-000000000000' are "
      "expired. Visit the Azure portal to create new keys for your app: "
      "https://aka.ms/NewClientSecret, or consider using certificate credentials for added "
      "security: https://aka.ms/certCreds.",
      CredentialExpiredError);
  // The code decides, not the words: an expired-sounding description under another code is not.
  std::string other = aad_error("invalid_client", 7000215, "The client secret keys are expired.");
  try {
    parse_token_response(json_response(401, other), host, now);
    FAIL("no AuthError");
  } catch (const CredentialExpiredError &) {
    FAIL("AADSTS7000215 taken for an expired secret");
  } catch (const AuthError &error) {
    CHECK(std::string(error.what()).find("the client secret has expired") == std::string::npos);
  }
}

TEST_CASE("auth: every code of the registry, sent by the token endpoint, gets its hint") {
  for (const EntraErrorCode &entry : entra_error_codes()) {
    CAPTURE(entry.code);
    long code = std::stol(std::string(entry.code.substr(6)));
    std::string body = aad_error("invalid_client", code, "Microsoft's words.");
    std::string hint = entry.hint();
    try {
      parse_token_response(json_response(401, body), host, now);
      FAIL("no AuthError");
    } catch (const CredentialExpiredError &error) {
      CHECK(entry.rejection == EntraRejection::CredentialExpired);
      CHECK(std::string(error.what()) == "the client secret has expired (" +
                                             std::string(entry.code) + "); " + hint +
                                             "; Entra: Microsoft's words.");
    } catch (const AuthError &error) {
      CHECK(entry.rejection == EntraRejection::Refused);
      CHECK(std::string(error.what()) == "token request rejected: " + std::string(entry.code) +
                                             " (invalid_client): " + hint +
                                             "; Entra: Microsoft's words.");
    }
  }
}

TEST_CASE("auth: rejection details") {
  // Without error_codes: the error alone, and no hint (the code chooses it).
  CHECK(rejection_message(400, R"({"error":"invalid_request","error_description":"Bad."})") ==
        "token request rejected: invalid_request: Bad.");
  // Without a description.
  CHECK(rejection_message(401, R"({"error":"invalid_client","error_codes":[700025]})") ==
        "token request rejected: AADSTS700025 (invalid_client): no description");
  CHECK(rejection_message(401, R"({"error":"invalid_client","error_codes":[7000215]})") ==
        "token request rejected: AADSTS7000215 (invalid_client): give the plugin the client "
        "secret's Value, not its Secret ID (the Value is shown only once: if it is lost, create a "
        "new secret); Entra: no description");
  // A very long description is cut.
  std::string message =
      rejection_message(401, aad_error("invalid_client", 7000215, std::string(5000, 'x')));
  CHECK(message.size() < 800);
  CHECK(message.find("...") != std::string::npos);
}

TEST_CASE("auth: 5xx is a ServiceError whatever the body") {
  for (long status : {500L, 502L, 503L, 504L}) {
    CAPTURE(status);
    CHECK_THROWS_WITH_AS(
        parse_token_response(json_response(status, aad_error("temporarily_unavailable", 90033,
                                                             "A transient error has occurred.")),
                             host, now),
        doctest::Contains(("HTTP " + std::to_string(status)).c_str()), ServiceError);
    CHECK_THROWS_AS(
        parse_token_response(json_response(status, "<html>busy</html>", "text/html"), host, now),
        ServiceError);
  }
}

TEST_CASE("auth: answers that are not a token are ApiFormatError") {
  struct Case {
    long status;
    const char *type;
    const char *body;
  };
  for (const Case &row : std::vector<Case>{
           {200, "text/html; charset=utf-8", "<html><body>Sign in to the Wi-Fi</body></html>"},
           {200, "", R"({"access_token":"abc","expires_in":3599})"},
           {400, "text/html", "<html>Bad Request</html>"},
           {200, "application/json", R"({"token_type":"Bearer","expires_in":3599})"},
           {200, "application/json", R"({"access_token":"","expires_in":3599})"},
           {200, "application/json", R"({"access_token":42,"expires_in":3599})"},
           {200, "application/json", R"({"access_token":"abc"})"},
           {200, "application/json", R"({"access_token":"abc","expires_in":0})"},
           {200, "application/json", R"({"access_token":"abc","expires_in":-5})"},
           {200, "application/json", R"({"access_token":"abc","expires_in":"-5"})"},
           {200, "application/json", R"({"access_token":"abc","expires_in":"soon"})"},
           {200, "application/json", R"({"access_token":"abc","expires_in":""})"},
           {200, "application/json", R"({"access_token":"abc","expires_in":null})"},
           {200, "application/json", R"({"access_token":"abc","expires_in":99999999999})"},
           {200, "application/json", R"({"access_token":"abc","expires_in":2592001})"}, // > 30 days
           {200, "application/json", R"({"access_token":"abc","expires_in":3599)"},
           {200, "application/json", ""},
           {200, "application/json", "null"},
           {200, "application/json", R"(["access_token"])"},
           {401, "application/json", R"({"message":"no OAuth error here"})"},
           {401, "application/json", "not json"},
       }) {
    CAPTURE(row.status);
    INFO("row.body := " << std::string(row.body));
    CHECK_THROWS_AS(parse_token_response(json_response(row.status, row.body, row.type), host, now),
                    ApiFormatError);
  }
}

TEST_CASE("auth: format errors name the host but never the token") {
  try {
    parse_token_response(json_response(200, R"({"access_token":"t0k3n-value","expires_in":0})"),
                         host, now);
    FAIL("no error");
  } catch (const ApiFormatError &error) {
    std::string message = error.what();
    CHECK(message.find(host) != std::string::npos);
    CHECK(message.find("t0k3n-value") == std::string::npos);
  }
}

TEST_CASE("auth: a client assertion goes with its (public) jwt-bearer type") {
  TokenRequest request{"https://login.microsoftonline.com/t/oauth2/v2.0/token", "client",
                       "https://graph.microsoft.com/.default"};
  CredentialFields assertion;
  assertion.emplace_back("client_assertion", Secret(std::string("header.claims.signature")));
  std::string form = token_form(request, assertion);
  CHECK(form.find("&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3A"
                  "jwt-bearer&client_assertion=header.claims.signature") != std::string::npos);
  CredentialFields secret;
  secret.emplace_back("client_secret", Secret(std::string("s")));
  CHECK(token_form(request, secret).find("client_assertion_type") == std::string::npos);
}
