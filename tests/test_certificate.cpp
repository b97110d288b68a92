// SPDX-License-Identifier: GPL-3.0-or-later
// Loading the client certificate: PEM in either order, encrypted keys, PKCS#12, refusals.
#include "lib/certificate.hpp"
#include "lib/errors.hpp"
#include "tests/cert_fixture.hpp"
#include "tests/temp_dir.hpp"

#include <cstdio>
#include <doctest/doctest.h>
#include <string>
#include <unistd.h>

using namespace cps;
using cps::test::make_test_certificate;

namespace {

const test::TestCertificate &shared_rsa() {
  static const test::TestCertificate made = make_test_certificate();
  return made;
}

std::string expected_digest_hex(const EVP_MD *md) {
  unsigned char bytes[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  X509_digest(shared_rsa().certificate.get(), md, bytes, &length);
  return hex_upper(std::string(reinterpret_cast<char *>(bytes), length));
}

std::string error_of(const std::string &content, const std::string &password = "") {
  try {
    ClientCertificate::parse(content, "test file", Secret(password));
  } catch (const ConfigError &error) {
    return error.what();
  }
  return "";
}

} // namespace

TEST_CASE("a PEM file with the certificate and its key, in either order") {
  const auto &made = shared_rsa();
  for (const std::string &content : {test::certificate_pem(made) + test::key_pem(made),
                                     test::key_pem(made) + test::certificate_pem(made)}) {
    ClientCertificate loaded = ClientCertificate::parse(content, "test file", Secret());
    CHECK(loaded.sha1_thumbprint_hex() == expected_digest_hex(EVP_sha1()));
    CHECK(loaded.sha256_thumbprint_hex() == expected_digest_hex(EVP_sha256()));
    CHECK(loaded.sha256_thumbprint().size() == 32);
    CHECK(loaded.subject() == "CN=unit test");
    CHECK(loaded.not_after_unix() > 0);
  }
}

TEST_CASE("notAfter of the certificate in use, in UTCTime and GeneralizedTime") {
  // RFC 5280: UTCTime up to 2049, GeneralizedTime from 2050; both are read exactly.
  for (std::int64_t not_after : {std::int64_t{1700432000}, std::int64_t{2600000000}}) {
    CAPTURE(not_after);
    test::TestCertificate made = make_test_certificate();
    test::set_not_after(made, not_after);
    ClientCertificate loaded = ClientCertificate::parse(
        test::certificate_pem(made) + test::key_pem(made), "test file", Secret());
    REQUIRE(loaded.not_after_unix().has_value());
    CHECK(*loaded.not_after_unix() == not_after);
  }
}

TEST_CASE("an encrypted PEM key needs its password") {
  const auto &made = shared_rsa();
  std::string content = test::certificate_pem(made) + test::key_pem(made, "pa55 word");
  CHECK_NOTHROW(ClientCertificate::parse(content, "test file", Secret("pa55 word")));
  CHECK(error_of(content).find("encrypted and no password") != std::string::npos);
  CHECK(error_of(content, "wrong").find("no usable private key") != std::string::npos);
}

TEST_CASE("PKCS#12 with and without a password") {
  const auto &made = shared_rsa();
  ClientCertificate plain =
      ClientCertificate::parse(test::pkcs12_der(made, nullptr), "test.p12", Secret());
  CHECK(plain.sha1_thumbprint_hex() == expected_digest_hex(EVP_sha1()));
  std::string protected_p12 = test::pkcs12_der(made, "secret");
  CHECK_NOTHROW(ClientCertificate::parse(protected_p12, "test.pfx", Secret("secret")));
  CHECK(error_of(protected_p12).find("wrong or missing password") != std::string::npos);
  CHECK(error_of(protected_p12, "nope").find("wrong or missing password") != std::string::npos);
}

TEST_CASE("files that cannot be used are refused with the reason") {
  const auto &made = shared_rsa();
  auto other = make_test_certificate();
  auto ec = make_test_certificate(false);
  CHECK(error_of(test::certificate_pem(made)).find("no usable private key") != std::string::npos);
  CHECK(error_of(test::key_pem(made)).find("no certificate") != std::string::npos);
  CHECK(error_of(test::certificate_pem(other) + test::key_pem(made)).find("matches") !=
        std::string::npos);
  CHECK(error_of(test::certificate_pem(ec) + test::key_pem(ec)).find("not an RSA key") !=
        std::string::npos);
  CHECK(error_of("just some text").find("neither PEM nor PKCS#12") != std::string::npos);
}

TEST_CASE("load reads the file and names it in errors") {
  test::TempDir folder;
  std::string path =
      folder.file("client.pem", test::certificate_pem(shared_rsa()) + test::key_pem(shared_rsa()));
  CHECK_NOTHROW(ClientCertificate::load(path, Secret()));
  std::remove(path.c_str());
  CHECK_THROWS_WITH_AS(ClientCertificate::load(path, Secret()),
                       doctest::Contains("cannot open certificate file"), ConfigError);
}

TEST_CASE("hex_upper") {
  CHECK(hex_upper(std::string("\x00\x1f\xab", 3)) == "001FAB");
  CHECK(hex_upper("") == "");
}
