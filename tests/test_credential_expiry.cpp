// SPDX-License-Identifier: GPL-3.0-or-later
// The verdict on the check's own credential: which secret is in use, its end date, the thresholds.
#include "lib/credential_expiry.hpp"
#include "lib/errors.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace cps;

namespace {

constexpr std::int64_t now = 1700000000; // 2023-11-14 22:13:20 UTC
constexpr std::int64_t day = 86400;

OwnCredential certificate_until(std::int64_t not_after) {
  OwnCredential own;
  own.source = ExpirySource::LocalCertificate;
  own.certificate_subject = "CN=monitoring";
  own.certificate_thumbprint = "0A1B";
  own.not_after = not_after;
  return own;
}

OwnCredential secret_starting(const std::string &hint) {
  OwnCredential own;
  own.source = ExpirySource::ApplicationSecrets;
  own.secret_hint = hint;
  return own;
}

PasswordCredential listed(const std::string &name, const std::string &hint,
                          std::optional<std::int64_t> end,
                          const std::string &key_id = "8a3cd6f2-0b1c-4d5e-8f90-123456789abc") {
  return PasswordCredential{name, key_id, hint, end};
}

ApplicationSecrets app(std::vector<PasswordCredential> secrets) {
  ApplicationSecrets application;
  application.read = true;
  application.secrets = std::move(secrets);
  return application;
}

bool any_has(const CredentialVerdict &verdict, const std::string &part) {
  if (verdict.summary.find(part) != std::string::npos) {
    return true;
  }
  for (const std::string &line : verdict.details) {
    if (line.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

CredentialVerdict judge(const OwnCredential &own, const ApplicationSecrets &application = {},
                        const CredentialThresholds &thresholds = {}) {
  return judge_credential(own, application, thresholds, now);
}

} // namespace

TEST_SUITE_BEGIN("credential_expiry");

TEST_CASE("a certificate with 5 days left is CRITICAL at the default thresholds") {
  CredentialVerdict verdict = judge(certificate_until(now + 5 * day));
  CHECK(verdict.state == State::Critical);
  CHECK(verdict.summary == "certificate 'CN=monitoring' expires in 5d (2023-11-19)");
  CHECK(verdict.short_summary == "certificate expires in 5d (2023-11-19)");
  REQUIRE(verdict.perfdata);
  CHECK(verdict.perfdata->label == "credential_expires_in");
  CHECK(verdict.perfdata->seconds == 432000);
  CHECK(verdict.perfdata->warning == "2592000:");
  CHECK(verdict.perfdata->critical == "604800:");
  CHECK(any_has(verdict, "SHA-1 thumbprint 0A1B"));
  CHECK(any_has(verdict, "Certificates & secrets"));
}

TEST_CASE("a certificate with 20 days left is WARNING, with 31 days OK") {
  CredentialVerdict warning = judge(certificate_until(now + 20 * day));
  CHECK(warning.state == State::Warning);
  CHECK(warning.summary == "certificate 'CN=monitoring' expires in 20d (2023-12-04)");

  CredentialVerdict ok = judge(certificate_until(now + 31 * day));
  CHECK(ok.state == State::Ok);
  CHECK(ok.summary.empty());
  REQUIRE(ok.perfdata);
  CHECK(ok.perfdata->seconds == 2678400);
  CHECK(any_has(ok, "credential: certificate 'CN=monitoring' (SHA-1 thumbprint 0A1B) expires "
                    "2023-12-15 22:13:20 UTC (in 31d; warning below 30d, critical below 7d)"));
  CHECK_FALSE(any_has(ok, "Certificates & secrets"));
}

TEST_CASE("the thresholds alert below: exactly the time left given is not yet an alert") {
  CHECK(judge(certificate_until(now + 30 * day)).state == State::Ok);
  CHECK(judge(certificate_until(now + 30 * day - 1)).state == State::Warning);
  CHECK(judge(certificate_until(now + 7 * day)).state == State::Warning);
  CHECK(judge(certificate_until(now + 7 * day - 1)).state == State::Critical);
}

TEST_CASE("an expired credential is CRITICAL with a negative time left, whichever threshold is 0") {
  for (CredentialThresholds thresholds :
       {CredentialThresholds{0, 7 * day}, CredentialThresholds{30 * day, 0}}) {
    CAPTURE(thresholds.warning);
    CredentialVerdict verdict = judge(certificate_until(now - 2 * day), {}, thresholds);
    CHECK(verdict.state == State::Critical);
    CHECK(verdict.summary == "certificate 'CN=monitoring' expired 2d ago (2023-11-12)");
    REQUIRE(verdict.perfdata);
    CHECK(verdict.perfdata->seconds == -172800);
  }
  CHECK(judge(certificate_until(now - 2 * day), {}, {0, 7 * day}).perfdata->warning == "0:");
}

TEST_CASE("at its end date the credential has expired, even with the critical alert off") {
  CredentialVerdict verdict = judge(certificate_until(now), {}, {14 * day, 0});
  CHECK(verdict.state == State::Critical);
  CHECK(verdict.summary == "certificate 'CN=monitoring' expired 0s ago (2023-11-14)");
}

TEST_CASE("thresholds of 0 turn the alerts off until the end date") {
  CHECK(judge(certificate_until(now + 1), {}, {0, 7 * day}).state == State::Critical);
  CHECK(judge(certificate_until(now + 10 * day), {}, {14 * day, 0}).state == State::Warning);
  CHECK(judge(certificate_until(now + 10 * day), {}, {0, 7 * day}).state == State::Ok);
}

TEST_CASE("both thresholds 0: a certificate is shown, never judged, even expired") {
  CHECK(CredentialThresholds{0, 0}.off());
  CHECK_FALSE(CredentialThresholds{0, 1}.off());
  CHECK_FALSE(CredentialThresholds{1, 0}.off());
  CHECK_FALSE(CredentialThresholds{}.off());
  for (std::int64_t left : {-2 * day, std::int64_t{0}, 1 * day, 200 * day}) {
    CAPTURE(left);
    CredentialVerdict verdict = judge(certificate_until(now + left), {}, {0, 0});
    CHECK(verdict.state == State::Ok);
    CHECK(verdict.summary.empty());
    CHECK_FALSE(any_has(verdict, "Certificates & secrets"));
    // Read locally at no cost: the graph keeps its line, without a range that would alert.
    REQUIRE(verdict.perfdata);
    CHECK(verdict.perfdata->seconds == left);
    CHECK(verdict.perfdata->warning.empty());
    CHECK(verdict.perfdata->critical.empty());
  }
  CHECK(any_has(judge(certificate_until(now + day), {}, {0, 0}),
                "credential: certificate 'CN=monitoring' (SHA-1 thumbprint 0A1B) expires "
                "2023-11-15 22:13:20 UTC (in 1d; no alert: --credential-warning and "
                "--credential-critical are 0)"));
}

TEST_CASE("a certificate whose notAfter could not be read is not judged") {
  OwnCredential own = certificate_until(0);
  own.not_after.reset();
  CredentialVerdict verdict = judge(own);
  CHECK(verdict.state == State::Ok);
  CHECK_FALSE(verdict.perfdata);
}

TEST_CASE("the secret in use is the one whose hint is its first three characters") {
  ApplicationSecrets application =
      app({listed("backup", "xY1", now + 2 * day), listed("monitoring", "q~Z", now + 10 * day)});
  CredentialVerdict verdict = judge(secret_starting("q~Z"), application);
  CHECK(verdict.state == State::Warning);
  CHECK(verdict.summary == "client secret 'monitoring' expires in 10d (2023-11-24)");
  CHECK(verdict.short_summary == "client secret expires in 10d (2023-11-24)");
  REQUIRE(verdict.perfdata);
  CHECK(verdict.perfdata->seconds == 864000);
  CHECK(any_has(verdict, "(secret ID 8a3cd6f2-0b1c-4d5e-8f90-123456789abc)"));
  CHECK_FALSE(any_has(verdict, "q~Z")); // the hint is part of the secret: never shown
  CHECK_FALSE(any_has(verdict, "backup"));
}

TEST_CASE("several secrets with the same hint: said, and the earliest end date is judged") {
  ApplicationSecrets application =
      app({listed("new", "abc", now + 200 * day), listed("old", "abc", now + 3 * day),
           listed("undated", "abc", std::nullopt), listed("other", "abd", now - day)});
  CredentialVerdict verdict = judge(secret_starting("abc"), application);
  CHECK(verdict.state == State::Critical);
  CHECK(verdict.summary == "client secret 'old' expires in 3d (2023-11-17)");
  CHECK(any_has(verdict, "3 of the app's client secrets begin like the secret in use"));
  REQUIRE(verdict.perfdata);
  CHECK(verdict.perfdata->seconds == 259200);
}

TEST_CASE("no listed secret begins like the one in use: a detail line, state unchanged") {
  CredentialVerdict verdict =
      judge(secret_starting("abc"), app({listed("a", "xyz", now + day), listed("b", "ABC", now)}));
  CHECK(verdict.state == State::Ok);
  CHECK(verdict.summary.empty());
  CHECK_FALSE(verdict.perfdata);
  CHECK(any_has(verdict,
                "none of the app's 2 listed client secrets has a hint matching the secret in use"));
}

TEST_CASE("a secret shorter than three characters matches no hint") {
  CredentialVerdict verdict = judge(secret_starting("ab"), app({listed("a", "ab", now + day)}));
  CHECK(verdict.state == State::Ok);
  CHECK(any_has(verdict, "none of the app's 1 listed client secrets"));
}

TEST_CASE("a secret without an end date never runs out") {
  CredentialVerdict verdict =
      judge(secret_starting("abc"), app({listed("forever", "abc", std::nullopt)}));
  CHECK(verdict.state == State::Ok);
  CHECK_FALSE(verdict.perfdata);
  CHECK(any_has(verdict, "client secret 'forever' has no end date"));
}

TEST_CASE("a secret without a description is named by its secret ID") {
  CredentialVerdict verdict = judge(secret_starting("abc"), app({listed("", "abc", now + day)}));
  CHECK(verdict.summary == "client secret 8a3cd6f2 expires in 1d (2023-11-15)");
  CredentialVerdict bare = judge(secret_starting("abc"), app({listed("", "abc", now + day, "")}));
  CHECK(bare.summary == "client secret expires in 1d (2023-11-15)");
}

TEST_CASE("secrets Graph would not list: the reason in a detail line, state unchanged") {
  ApplicationSecrets application;
  application.note = "the client secret's end date not readable (HTTP 403 "
                     "Authorization_RequestDenied): grant Application.Read.All to check it";
  CredentialVerdict verdict = judge(secret_starting("abc"), application);
  CHECK(verdict.state == State::Ok);
  REQUIRE(verdict.details.size() == 1);
  CHECK(verdict.details[0] ==
        "credential: the client secret's end date not readable (HTTP 403 "
        "Authorization_RequestDenied): grant Application.Read.All to check it");
}

TEST_CASE("kinds where nothing expires are not judged") {
  OwnCredential own;
  own.source = ExpirySource::Nothing;
  own.nothing_expires = "Azure rotates its own";
  CredentialVerdict verdict = judge(own, app({listed("a", "abc", now - day)}));
  CHECK(verdict.state == State::Ok);
  CHECK(verdict.details.empty());
  CHECK_FALSE(verdict.perfdata);
}

TEST_CASE("an expired certificate is refused before its token request, whatever the thresholds") {
  // 2023-11-14 22:13:20 UTC: two days before `now + 2 days`.
  OwnCredential expired = certificate_until(now);
  CHECK_THROWS_WITH_AS(
      refuse_expired_certificate(expired, now + 2 * day),
      "the certificate 'CN=monitoring' (SHA-1 thumbprint 0A1B) expired 2d ago (2023-11-14); renew "
      "it: Microsoft Entra admin center > App registrations > the app > Certificates & secrets, "
      "then give the plugin the new one",
      CredentialExpiredError);
  // Its last second is already past: notAfter is the last moment it is valid.
  CHECK_THROWS_AS(refuse_expired_certificate(expired, now), CredentialExpiredError);
  CHECK_NOTHROW(refuse_expired_certificate(expired, now - 1));
  CHECK_NOTHROW(refuse_expired_certificate(certificate_until(now + 5 * day), now));
}

TEST_CASE("only a certificate with a known end date is refused before its token request") {
  OwnCredential no_end = certificate_until(now);
  no_end.not_after.reset();
  CHECK_NOTHROW(refuse_expired_certificate(no_end, now + 2 * day));
  // A client secret's end date is Graph's to say, after the token request.
  OwnCredential secret = secret_starting("abc");
  secret.not_after = now;
  CHECK_NOTHROW(refuse_expired_certificate(secret, now + 2 * day));
  CHECK_NOTHROW(refuse_expired_certificate(OwnCredential{}, now + 2 * day));
}

TEST_SUITE_END();
