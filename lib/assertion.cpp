// SPDX-License-Identifier: GPL-3.0-or-later
// Building and signing the JWT client assertion with OpenSSL's EVP API.
#include "assertion.hpp"

#include "errors.hpp"

#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <vector>

namespace cps {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(JsonWriter &writer, const char *name, const std::string &value) {
  writer.Key(name);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string header_json(const ClientCertificate &certificate, AssertionAlgorithm algorithm) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  write_string(writer, "alg", algorithm_name(algorithm));
  write_string(writer, "typ", "JWT");
  if (algorithm == AssertionAlgorithm::PS256) {
    write_string(writer, "x5t#S256", base64url(certificate.sha256_thumbprint()));
  } else {
    write_string(writer, "x5t", base64url(certificate.sha1_thumbprint()));
  }
  writer.EndObject();
  return buffer.GetString();
}

std::string claims_json(const AssertionClaims &claims) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  write_string(writer, "aud", claims.audience);
  write_string(writer, "iss", claims.client_id);
  write_string(writer, "sub", claims.client_id);
  write_string(writer, "jti", random_guid());
  writer.Key("nbf");
  writer.Int64(claims.now_unix);
  writer.Key("iat");
  writer.Int64(claims.now_unix);
  writer.Key("exp");
  writer.Int64(claims.now_unix + claims.lifetime_seconds);
  writer.EndObject();
  return buffer.GetString();
}

[[noreturn]] void signing_failed(const char *step) {
  throw ConfigError(std::string("cannot sign the client assertion (") + step +
                    "): " + openssl_error_text());
}

std::string sign(EVP_PKEY *key, const std::string &input, AssertionAlgorithm algorithm) {
  MdCtxHandle context(EVP_MD_CTX_new());
  EVP_PKEY_CTX *key_context = nullptr; // owned by context
  if (!context ||
      EVP_DigestSignInit(context.get(), &key_context, EVP_sha256(), nullptr, key) != 1) {
    signing_failed("init");
  }
  if (algorithm == AssertionAlgorithm::PS256 &&
      (EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    signing_failed("PSS padding");
  }
  const auto *data = reinterpret_cast<const unsigned char *>(input.data());
  std::size_t length = 0;
  if (EVP_DigestSign(context.get(), nullptr, &length, data, input.size()) != 1) {
    signing_failed("size");
  }
  std::vector<unsigned char> signature(length);
  if (EVP_DigestSign(context.get(), signature.data(), &length, data, input.size()) != 1) {
    signing_failed("sign");
  }
  return std::string(reinterpret_cast<const char *>(signature.data()), length);
}

} // namespace

std::string base64url(std::string_view bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string text;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned value = static_cast<unsigned char>(bytes[i]) << 16 |
                     static_cast<unsigned char>(bytes[i + 1]) << 8 |
                     static_cast<unsigned char>(bytes[i + 2]);
    text += {alphabet[value >> 18], alphabet[value >> 12 & 63], alphabet[value >> 6 & 63],
             alphabet[value & 63]};
  }
  if (i + 1 == bytes.size()) {
    unsigned value = static_cast<unsigned char>(bytes[i]) << 16;
    text += {alphabet[value >> 18], alphabet[value >> 12 & 63]};
  } else if (i + 2 == bytes.size()) {
    unsigned value =
        static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8;
    text += {alphabet[value >> 18], alphabet[value >> 12 & 63], alphabet[value >> 6 & 63]};
  }
  return text;
}

std::string random_guid() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw ConfigError("no random numbers for the assertion ID: " + openssl_error_text());
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40); // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80); // RFC 4122 variant
  std::string hex = hex_upper(std::string_view(reinterpret_cast<const char *>(bytes), 16));
  for (char &c : hex) {
    c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
  }
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string make_client_assertion(const ClientCertificate &certificate,
                                  const AssertionClaims &claims, AssertionAlgorithm algorithm) {
  std::string signing_input =
      base64url(header_json(certificate, algorithm)) + "." + base64url(claims_json(claims));
  std::string signature = sign(certificate.key(), signing_input, algorithm);
  return signing_input + "." + base64url(signature);
}

} // namespace cps
