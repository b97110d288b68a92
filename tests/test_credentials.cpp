// SPDX-License-Identifier: GPL-3.0-or-later
// Choosing the credential: options, environment order, conflicts, none; identity() strings.
#include "lib/certificate.hpp"
#include "lib/credentials.hpp"
#include "lib/errors.hpp"
#include "lib/token_cache.hpp"
#include "tests/cert_fixture.hpp"
#include "tests/fake_environment.hpp"
#include "tests/loopback_http.hpp"
#include "tests/temp_dir.hpp"

#include <chrono>
#include <cstdio>
#include <doctest/doctest.h>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

using namespace cps;

namespace {

Config base_config() {
  Config config;
  config.tenant = "contoso.onmicrosoft.com";
  config.client_id = "11111111-2222-3333-4444-555555555555";
  return config;
}

// A file in a temporary folder of its own, removed at the end of the test.
struct TempFile {
  explicit TempFile(const std::string &content) : path(folder.file("file", content)) {}
  test::TempDir folder;
  std::string path;
};

std::string pem_file_content() {
  static const std::string content = [] {
    auto made = test::make_test_certificate();
    return test::certificate_pem(made) + test::key_pem(made);
  }();
  return content;
}

// Token requests of a certificate credential whose notAfter is not_after, at the injected clock
// now, to a loopback token endpoint that refuses every request: what acquire() throws, and how
// many requests reached the endpoint.
struct Acquired {
  std::string error;
  bool credential_expired = false;
  State state = State::Ok; // as lib/errors maps the error
  int requests = 0;
};

Acquired acquire_with_certificate(std::time_t not_after, std::int64_t now) {
  auto made = test::make_test_certificate();
  test::set_not_after(made, not_after);
  TempFile pem(test::certificate_pem(made) + test::key_pem(made));
  test::LoopbackHttp endpoint({test::http_answer(
      "HTTP/1.1 400 Bad Request", "Content-Type: application/json\r\n",
      R"({"error":"invalid_request","error_codes":[90014],"error_description":"AADSTS90014: x"})")});
  Config config = base_config();
  config.certificate_file = pem.path;
  config.authority_host = "http://" + endpoint.host();
  Trace trace(0);
  auto credential = choose_credential(config, environment(), trace);
  HttpSettings settings;
  settings.allow_plain_http = true;
  HttpClient http(std::move(settings), trace);
  Deadline deadline(std::chrono::milliseconds(5000));
  TokenContext context{config, environment(), http, deadline, trace, now};
  Acquired acquired;
  try {
    credential->acquire(context);
  } catch (const std::exception &error) {
    acquired.error = error.what();
    acquired.credential_expired = dynamic_cast<const CredentialExpiredError *>(&error) != nullptr;
    acquired.state = result_for_current_exception(State::Unknown).state;
  }
  acquired.requests = endpoint.requests();
  return acquired;
}

} // namespace

TEST_CASE("identity() names each credential without revealing it") {
  Trace trace(0);
  auto secret =
      choose_credential(base_config(), environment({{"AZURE_CLIENT_SECRET", "abc"}}), trace);
  CHECK(secret->identity() == client_secret_identity(Secret("abc")));
  CHECK(secret->identity().find("abc") == std::string::npos);
  CHECK(secret->description() == "client secret from AZURE_CLIENT_SECRET");

  TempFile pem(pem_file_content());
  Config with_certificate = base_config();
  with_certificate.certificate_file = pem.path;
  auto certificate = choose_credential(with_certificate, environment(), trace);
  ClientCertificate loaded = ClientCertificate::load(pem.path, Secret());
  CHECK(certificate->identity() == "certificate:sha256:" + loaded.sha256_thumbprint_hex());
  CHECK(certificate->description().find(loaded.sha1_thumbprint_hex()) != std::string::npos);

  Config system = base_config();
  system.managed_identity = "";
  CHECK(choose_credential(system, environment(), trace)->identity() == "mi:system");
  Config user = base_config();
  user.managed_identity = "99999999-8888-7777-6666-555555555555";
  CHECK(choose_credential(user, environment(), trace)->identity() ==
        "mi:99999999-8888-7777-6666-555555555555");

  auto federated = choose_credential(
      base_config(), environment({{"AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"}}), trace);
  CHECK(federated->identity() == "federated:11111111-2222-3333-4444-555555555555:/var/run/token");
}

TEST_CASE("an option beats the environment; the environment goes secret, certificate, federated") {
  Trace trace(1);
  TempFile pem(pem_file_content());
  TempFile secret_file("from-file\n");
  auto all = environment({{"AZURE_CLIENT_SECRET", "env-secret"},
                          {"AZURE_CLIENT_CERTIFICATE_PATH", pem.path},
                          {"AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"}});
  Config option = base_config();
  option.client_secret_file = secret_file.path;
  CHECK(choose_credential(option, all, trace)->description() ==
        "client secret from " + secret_file.path);
  CHECK(choose_credential(base_config(), all, trace)->description() ==
        "client secret from AZURE_CLIENT_SECRET");
  REQUIRE(trace.lines().size() == 2);
  CHECK(trace.lines()[0] ==
        "AZURE_CLIENT_CERTIFICATE_PATH is set too, but AZURE_CLIENT_SECRET comes first");
  auto no_secret = environment({{"AZURE_CLIENT_SECRET", ""},
                                {"AZURE_CLIENT_CERTIFICATE_PATH", pem.path},
                                {"AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"}});
  CHECK(choose_credential(base_config(), no_secret, trace)->identity().rfind("certificate:", 0) ==
        0);
}

TEST_CASE("two explicit credentials are a usage error naming both") {
  Trace trace(0);
  Config config = base_config();
  config.certificate_file = "/a.pem";
  config.managed_identity = "";
  CHECK_THROWS_WITH_AS(choose_credential(config, environment(), trace),
                       "more than one credential given: --certificate and --managed-identity; "
                       "use only one",
                       UsageError);
  config.client_secret_file = "/s";
  CHECK_THROWS_WITH_AS(choose_credential(config, environment(), trace),
                       doctest::Contains("--client-secret-file, --certificate and "
                                         "--managed-identity"),
                       UsageError);
}

TEST_CASE("no credential names every way to give one") {
  Trace trace(0);
  try {
    choose_credential(base_config(), environment({{"AZURE_CLIENT_SECRET", ""}}), trace);
    FAIL("expected ConfigError");
  } catch (const ConfigError &error) {
    std::string text = error.what();
    for (const char *way : {"--client-secret-file", "AZURE_CLIENT_SECRET", "--certificate",
                            "AZURE_CLIENT_CERTIFICATE_PATH", "--federated-token-file",
                            "AZURE_FEDERATED_TOKEN_FILE", "--managed-identity"}) {
      CHECK(text.find(way) != std::string::npos);
    }
  }
}

TEST_CASE("an expired certificate throws CredentialExpiredError without a token request") {
  constexpr std::int64_t not_after = 1700000000; // 2023-11-14 22:13:20 UTC
  Acquired expired = acquire_with_certificate(not_after, not_after + 2 * 86400);
  CHECK(expired.credential_expired);
  CHECK(expired.requests == 0);
  CHECK(expired.error.rfind("the certificate 'CN=unit test' (SHA-1 thumbprint ", 0) == 0);
  CHECK(expired.error.find(") expired 2d ago (2023-11-14); renew it: Microsoft Entra admin "
                           "center > ") != std::string::npos);
  CHECK(expired.state == State::Critical);

  // The same credential a second before its notAfter asks the endpoint (which refuses it).
  Acquired valid = acquire_with_certificate(not_after, not_after - 1);
  CHECK_FALSE(valid.credential_expired);
  CHECK(valid.requests == 1);
  CHECK(valid.error.find("AADSTS90014") != std::string::npos);
  CHECK(valid.state == State::Unknown);
}
