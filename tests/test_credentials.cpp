// SPDX-License-Identifier: GPL-3.0-or-later
// Choosing the credential: options, environment order, conflicts, none; identity() strings.
#include "lib/certificate.hpp"
#include "lib/credentials.hpp"
#include "lib/errors.hpp"
#include "lib/token_cache.hpp"
#include "tests/cert_fixture.hpp"
#include "tests/fake_environment.hpp"
#include "tests/temp_dir.hpp"

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
