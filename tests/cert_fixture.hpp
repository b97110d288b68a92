// SPDX-License-Identifier: GPL-3.0-or-later
// Test certificates made at run time with OpenSSL (nothing is committed): an RSA or EC key, a
// self-signed certificate, and their PEM and PKCS#12 encodings.
#pragma once

#include "lib/openssl_handles.hpp"

#include <ctime>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdexcept>
#include <string>

namespace cps::test {

struct TestCertificate {
  PkeyHandle key;
  X509Handle certificate;
};

inline std::string bio_text(BIO *bio) {
  char *data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

inline TestCertificate make_test_certificate(bool rsa = true) {
  TestCertificate made;
  made.key.reset(rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"));
  made.certificate.reset(X509_new());
  X509 *cert = made.certificate.get();
  if (!made.key || !cert) {
    throw std::runtime_error("cannot make a test key");
  }
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, made.key.get());
  X509_NAME *name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char *>("unit test"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  if (X509_sign(cert, made.key.get(), EVP_sha256()) == 0) {
    throw std::runtime_error("cannot sign the test certificate");
  }
  return made;
}

// Moves notAfter to the Unix time given and signs the certificate again (short-lived and
// expired certificates for the expiry tests).
inline void set_not_after(TestCertificate &made, std::time_t not_after) {
  if (ASN1_TIME_set(X509_getm_notAfter(made.certificate.get()), not_after) == nullptr ||
      X509_sign(made.certificate.get(), made.key.get(), EVP_sha256()) == 0) {
    throw std::runtime_error("cannot set the test certificate's notAfter");
  }
}

inline std::string certificate_pem(const TestCertificate &made) {
  BioHandle bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), made.certificate.get());
  return bio_text(bio.get());
}

// The private key as PEM, encrypted with AES-256 when a password is given.
inline std::string key_pem(const TestCertificate &made, const std::string &password = "") {
  BioHandle bio(BIO_new(BIO_s_mem()));
  const EVP_CIPHER *cipher = password.empty() ? nullptr : EVP_aes_256_cbc();
  PEM_write_bio_PrivateKey(bio.get(), made.key.get(), cipher,
                           reinterpret_cast<const unsigned char *>(password.data()),
                           static_cast<int>(password.size()), nullptr, nullptr);
  return bio_text(bio.get());
}

inline std::string pkcs12_der(const TestCertificate &made, const char *password) {
  Pkcs12Handle p12(PKCS12_create(password, "unit test", made.key.get(), made.certificate.get(),
                                 nullptr, 0, 0, 0, 0, 0));
  BioHandle bio(BIO_new(BIO_s_mem()));
  if (!p12 || i2d_PKCS12_bio(bio.get(), p12.get()) != 1) {
    throw std::runtime_error("cannot make a test PKCS#12");
  }
  return bio_text(bio.get());
}

} // namespace cps::test
