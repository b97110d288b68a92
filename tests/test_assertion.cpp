// SPDX-License-Identifier: GPL-3.0-or-later
// The JWT client assertion: base64url, header, claims, and a signature OpenSSL verifies.
#include "lib/assertion.hpp"
#include "tests/cert_fixture.hpp"

#include <doctest/doctest.h>
#include <openssl/rsa.h>
#include <rapidjson/document.h>
#include <set>
#include <string>

using namespace cps;

namespace {

std::string base64url_decode(const std::string &text) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string bytes;
  unsigned value = 0;
  int bits = 0;
  for (char c : text) {
    value = value << 6 | static_cast<unsigned>(alphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += static_cast<char>(value >> bits & 0xff);
    }
  }
  return bytes;
}

struct Jws {
  std::string header_part, claims_part, signature_part;
  rapidjson::Document header, claims;
};

Jws split(const std::string &jws) {
  Jws parts;
  std::size_t first = jws.find('.');
  std::size_t second = jws.find('.', first + 1);
  REQUIRE(second != std::string::npos);
  REQUIRE(jws.find('.', second + 1) == std::string::npos);
  parts.header_part = jws.substr(0, first);
  parts.claims_part = jws.substr(first + 1, second - first - 1);
  parts.signature_part = jws.substr(second + 1);
  parts.header.Parse(base64url_decode(parts.header_part).c_str());
  parts.claims.Parse(base64url_decode(parts.claims_part).c_str());
  REQUIRE(parts.header.IsObject());
  REQUIRE(parts.claims.IsObject());
  return parts;
}

bool verifies(EVP_PKEY *public_key, const std::string &input, const std::string &signature,
              AssertionAlgorithm algorithm) {
  MdCtxHandle context(EVP_MD_CTX_new());
  EVP_PKEY_CTX *key_context = nullptr;
  EVP_DigestVerifyInit(context.get(), &key_context, EVP_sha256(), nullptr, public_key);
  if (algorithm == AssertionAlgorithm::PS256) {
    EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, 32);
  }
  return EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char *>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char *>(input.data()),
                          input.size()) == 1;
}

ClientCertificate load(const test::TestCertificate &made) {
  return ClientCertificate::parse(test::certificate_pem(made) + test::key_pem(made), "t", Secret());
}

const AssertionClaims claims{"https://login.microsoftonline.com/contoso/oauth2/v2.0/token",
                             "11111111-2222-3333-4444-555555555555", 1700000000, 600};

} // namespace

TEST_CASE("base64url without padding (RFC 4648 vectors)") {
  CHECK(base64url("") == "");
  CHECK(base64url("f") == "Zg");
  CHECK(base64url("fo") == "Zm8");
  CHECK(base64url("foo") == "Zm9v");
  CHECK(base64url("foob") == "Zm9vYg");
  CHECK(base64url("fooba") == "Zm9vYmE");
  CHECK(base64url("foobar") == "Zm9vYmFy");
  CHECK(base64url("\xfb\xff") == "-_8");
}

TEST_CASE("random_guid is a version-4 GUID and does not repeat") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string guid = random_guid();
    REQUIRE(guid.size() == 36);
    CHECK(guid[8] == '-');
    CHECK(guid[14] == '4');
    CHECK(std::string("89ab").find(guid[19]) != std::string::npos);
    seen.insert(guid);
  }
  CHECK(seen.size() == 100);
}

TEST_CASE("PS256 and RS256 assertions: header, claims and a signature that verifies") {
  auto made = test::make_test_certificate();
  ClientCertificate certificate = load(made);
  for (AssertionAlgorithm algorithm : {AssertionAlgorithm::PS256, AssertionAlgorithm::RS256}) {
    CAPTURE(algorithm_name(algorithm));
    Jws jws = split(make_client_assertion(certificate, claims, algorithm));
    CHECK(std::string(jws.header["alg"].GetString()) == algorithm_name(algorithm));
    CHECK(std::string(jws.header["typ"].GetString()) == "JWT");
    if (algorithm == AssertionAlgorithm::PS256) {
      CHECK(std::string(jws.header["x5t#S256"].GetString()) ==
            base64url(certificate.sha256_thumbprint()));
      CHECK_FALSE(jws.header.HasMember("x5t"));
    } else {
      CHECK(std::string(jws.header["x5t"].GetString()) == base64url(certificate.sha1_thumbprint()));
      CHECK_FALSE(jws.header.HasMember("x5t#S256"));
    }
    CHECK(std::string(jws.claims["aud"].GetString()) == claims.audience);
    CHECK(std::string(jws.claims["iss"].GetString()) == claims.client_id);
    CHECK(std::string(jws.claims["sub"].GetString()) == claims.client_id);
    CHECK(jws.claims["nbf"].GetInt64() == 1700000000);
    CHECK(jws.claims["iat"].GetInt64() == 1700000000);
    CHECK(jws.claims["exp"].GetInt64() == 1700000600);
    CHECK(std::string(jws.claims["jti"].GetString()).size() == 36);
    std::string input = jws.header_part + "." + jws.claims_part;
    std::string signature = base64url_decode(jws.signature_part);
    CHECK(signature.size() == 256);
    CHECK(verifies(made.key.get(), input, signature, algorithm));
    std::string tampered = input;
    tampered[tampered.size() - 2] ^= 1;
    CHECK_FALSE(verifies(made.key.get(), tampered, signature, algorithm));
    auto other = test::make_test_certificate();
    CHECK_FALSE(verifies(other.key.get(), input, signature, algorithm));
  }
}

TEST_CASE("two assertions differ in jti and (PSS) signature") {
  auto made = test::make_test_certificate();
  ClientCertificate certificate = load(made);
  Jws a = split(make_client_assertion(certificate, claims, AssertionAlgorithm::PS256));
  Jws b = split(make_client_assertion(certificate, claims, AssertionAlgorithm::PS256));
  CHECK(std::string(a.claims["jti"].GetString()) != std::string(b.claims["jti"].GetString()));
  CHECK(a.signature_part != b.signature_part);
}
