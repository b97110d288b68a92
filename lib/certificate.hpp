// SPDX-License-Identifier: GPL-3.0-or-later
// The client certificate and its private key, from a PEM file or a PKCS#12 (.pfx/.p12) file.
#pragma once

#include "openssl_handles.hpp"
#include "secret.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cps {

class ClientCertificate {
public:
  // Reads FILE (PEM with the certificate and its key, or PKCS#12); password may be empty.
  // Throws ConfigError naming the file and the reason.
  static ClientCertificate load(const std::string &path, const Secret &password);

  // The same from the file's bytes; name is used in messages.
  static ClientCertificate parse(std::string_view content, const std::string &name,
                                 const Secret &password);

  EVP_PKEY *key() const { return key_.get(); }
  X509 *certificate() const { return certificate_.get(); }

  // Raw digest of the certificate's DER encoding: SHA-256 for x5t#S256, SHA-1 for x5t.
  std::string sha256_thumbprint() const;
  std::string sha1_thumbprint() const;
  // Upper-case hex of the SHA-1 thumbprint, as the Entra admin center lists it.
  std::string sha1_thumbprint_hex() const;
  // Upper-case hex of the SHA-256 thumbprint: the certificate's identity for the token cache.
  std::string sha256_thumbprint_hex() const;
  std::string subject() const;
  // notAfter as Unix seconds (UTC); none when OpenSSL cannot read it.
  std::optional<std::int64_t> not_after_unix() const;

private:
  ClientCertificate(PkeyHandle key, X509Handle certificate)
      : key_(std::move(key)), certificate_(std::move(certificate)) {}
  PkeyHandle key_;
  X509Handle certificate_;
};

// Upper-case hexadecimal of bytes.
std::string hex_upper(std::string_view bytes);

} // namespace cps
