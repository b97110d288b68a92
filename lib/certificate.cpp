// SPDX-License-Identifier: GPL-3.0-or-later
// Loading the client certificate and its private key with OpenSSL.
#include "certificate.hpp"

#include "errors.hpp"

#include <cstring>
#include <ctime>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/provider.h>

namespace cps {
namespace {

constexpr std::size_t max_certificate_file = 256 * 1024;

BioHandle memory_bio(std::string_view content) {
  BioHandle bio(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  if (!bio) {
    throw std::bad_alloc();
  }
  return bio;
}

// Hands OpenSSL the password, and never lets it prompt on a terminal.
int password_callback(char *buffer, int size, int, void *user) {
  const auto *password = static_cast<const Secret *>(user);
  const std::string &text = password->reveal();
  if (text.empty() || text.size() > static_cast<std::size_t>(size)) {
    return -1;
  }
  std::memcpy(buffer, text.data(), text.size());
  return static_cast<int>(text.size());
}

std::vector<X509Handle> pem_certificates(std::string_view content) {
  std::vector<X509Handle> certificates;
  BioHandle bio = memory_bio(content);
  while (X509 *certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certificates.emplace_back(certificate);
  }
  ERR_clear_error(); // the loop ends with "no start line"
  return certificates;
}

PkeyHandle pem_private_key(std::string_view content, const std::string &name,
                           const Secret &password) {
  BioHandle bio = memory_bio(content);
  auto *user = const_cast<Secret *>(&password);
  PkeyHandle key(PEM_read_bio_PrivateKey(bio.get(), nullptr, password_callback, user));
  if (!key) {
    std::string reason = openssl_error_text();
    bool encrypted = content.find("ENCRYPTED") != std::string_view::npos;
    throw ConfigError("no usable private key in " + name +
                      (encrypted && password.empty()
                           ? ": the key is encrypted and no password was given "
                             "(--certificate-password-file or AZURE_CLIENT_CERTIFICATE_PASSWORD)"
                           : (reason.empty() ? "" : ": " + reason)));
  }
  return key;
}

// The certificate of a PEM bundle whose public key belongs to the private key.
X509Handle matching_certificate(std::vector<X509Handle> &certificates, EVP_PKEY *key,
                                const std::string &name) {
  if (certificates.empty()) {
    throw ConfigError("no certificate in " + name + " (it needs the certificate and its key)");
  }
  for (X509Handle &certificate : certificates) {
    if (EVP_PKEY_eq(X509_get0_pubkey(certificate.get()), key) == 1) {
      return std::move(certificate);
    }
  }
  ERR_clear_error();
  throw ConfigError("no certificate in " + name + " matches its private key");
}

struct Pkcs12Parts {
  PkeyHandle key;
  X509Handle certificate;
};

// Unloads the providers loaded for an old PKCS#12 file once it is parsed.
class ProviderLoad {
public:
  explicit ProviderLoad(const char *name) : provider_(OSSL_PROVIDER_load(nullptr, name)) {}
  ProviderLoad(const ProviderLoad &) = delete;
  ProviderLoad &operator=(const ProviderLoad &) = delete;
  ~ProviderLoad() {
    if (provider_ != nullptr) {
      OSSL_PROVIDER_unload(provider_);
    }
  }
  bool loaded() const { return provider_ != nullptr; }

private:
  OSSL_PROVIDER *provider_;
};

bool try_pkcs12(PKCS12 *p12, const Secret &password, Pkcs12Parts &parts) {
  EVP_PKEY *key = nullptr;
  X509 *certificate = nullptr;
  STACK_OF(X509) *chain = nullptr;
  const char *pass = password.empty() ? nullptr : password.reveal().c_str();
  int ok = PKCS12_parse(p12, pass, &key, &certificate, &chain);
  X509StackHandle chain_owner(chain);
  parts.key.reset(key);
  parts.certificate.reset(certificate);
  return ok == 1;
}

bool mac_matches(PKCS12 *p12, const Secret &password) {
  if (PKCS12_mac_present(p12) != 1) {
    return true;
  }
  if (!password.empty()) {
    return PKCS12_verify_mac(p12, password.reveal().c_str(), -1) == 1;
  }
  // An empty password may have been applied as "no password" or as "".
  return PKCS12_verify_mac(p12, nullptr, 0) == 1 || PKCS12_verify_mac(p12, "", 0) == 1;
}

Pkcs12Parts parse_pkcs12(std::string_view content, const std::string &name,
                         const Secret &password) {
  BioHandle bio = memory_bio(content);
  Pkcs12Handle p12(d2i_PKCS12_bio(bio.get(), nullptr));
  if (!p12) {
    ERR_clear_error();
    throw ConfigError(name + " is neither PEM nor PKCS#12");
  }
  if (!mac_matches(p12.get(), password)) {
    ERR_clear_error();
    throw ConfigError("cannot open " + name + ": wrong or missing password (" +
                      "--certificate-password-file or AZURE_CLIENT_CERTIFICATE_PASSWORD)");
  }
  Pkcs12Parts parts;
  if (!try_pkcs12(p12.get(), password, parts)) {
    ERR_clear_error();
    // Files exported by older Windows use RC2 or 40-bit RC4: OpenSSL 3 keeps those apart.
    ProviderLoad legacy("legacy");
    ProviderLoad fallback("default");
    if (!legacy.loaded() || !try_pkcs12(p12.get(), password, parts)) {
      std::string reason = openssl_error_text();
      throw ConfigError("cannot read " + name + (reason.empty() ? "" : ": " + reason));
    }
  }
  if (!parts.key || !parts.certificate) {
    throw ConfigError(name + " lacks " + (parts.key ? "the certificate" : "the private key"));
  }
  return parts;
}

void require_rsa(EVP_PKEY *key, const std::string &name) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    throw ConfigError("the key in " + name +
                      " is not an RSA key; Microsoft Entra accepts RSA certificates only");
  }
}

std::string digest(X509 *certificate, const EVP_MD *md) {
  unsigned char bytes[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(certificate, md, bytes, &length) != 1) {
    throw ConfigError("cannot compute the certificate thumbprint: " + openssl_error_text());
  }
  return std::string(reinterpret_cast<const char *>(bytes), length);
}

} // namespace

ClientCertificate ClientCertificate::load(const std::string &path, const Secret &password) {
  Secret content = read_secret_bytes(path, "certificate", max_certificate_file);
  return parse(content.reveal(), "certificate file '" + path + "'", password);
}

ClientCertificate ClientCertificate::parse(std::string_view content, const std::string &name,
                                           const Secret &password) {
  PkeyHandle key;
  X509Handle certificate;
  if (content.find("-----BEGIN ") != std::string_view::npos) {
    std::vector<X509Handle> certificates = pem_certificates(content);
    key = pem_private_key(content, name, password);
    certificate = matching_certificate(certificates, key.get(), name);
  } else {
    Pkcs12Parts parts = parse_pkcs12(content, name, password);
    key = std::move(parts.key);
    certificate = std::move(parts.certificate);
  }
  require_rsa(key.get(), name);
  return ClientCertificate(std::move(key), std::move(certificate));
}

std::string ClientCertificate::sha256_thumbprint() const {
  return digest(certificate_.get(), EVP_sha256());
}

std::string ClientCertificate::sha1_thumbprint() const {
  return digest(certificate_.get(), EVP_sha1());
}

std::string ClientCertificate::sha1_thumbprint_hex() const {
  return hex_upper(sha1_thumbprint());
}

std::string ClientCertificate::sha256_thumbprint_hex() const {
  return hex_upper(sha256_thumbprint());
}

std::string ClientCertificate::subject() const {
  BioHandle bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(certificate_.get()), 0,
                                 XN_FLAG_RFC2253) < 0) {
    return "?";
  }
  char *data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length > 0 ? length : 0));
}

std::optional<std::int64_t> ClientCertificate::not_after_unix() const {
  struct tm when {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(certificate_.get()), &when) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return static_cast<std::int64_t>(timegm(&when)); // notAfter is UTC (RFC 5280, 4.1.2.5)
}

std::string hex_upper(std::string_view bytes) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string text;
  for (unsigned char byte : bytes) {
    text += digits[byte >> 4];
    text += digits[byte & 15];
  }
  return text;
}

} // namespace cps
