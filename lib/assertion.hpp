// SPDX-License-Identifier: GPL-3.0-or-later
// The signed JWT client assertion that proves possession of the certificate's private key.
#pragma once

#include "assertion_algorithm.hpp"
#include "certificate.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace cps {

struct AssertionClaims {
  std::string audience;  // the token URL
  std::string client_id; // iss and sub
  std::int64_t now_unix = 0;
  // Entra places no limit on exp; Microsoft recommends keeping it short, 5 to 10 minutes after
  // nbf (entra-docs identity-platform/certificate-credentials.md).
  std::int64_t lifetime_seconds = 600;
};

// A compact JWS: base64url(header).base64url(claims).base64url(signature). Throws ConfigError
// when OpenSSL cannot sign.
std::string make_client_assertion(const ClientCertificate &certificate,
                                  const AssertionClaims &claims, AssertionAlgorithm algorithm);

// A random version-4 GUID for jti, from OpenSSL's CSPRNG.
std::string random_guid();

std::string base64url(std::string_view bytes);

} // namespace cps
