// SPDX-License-Identifier: GPL-3.0-or-later
// Move-only owners of OpenSSL handles (EVP_PKEY, X509, PKCS12, BIO, EVP_MD_CTX...).
#pragma once

#include <memory>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <string>

namespace cps {

template <typename T, void (*Free)(T *)>
struct OpensslFree {
  void operator()(T *handle) const { Free(handle); }
};

template <typename T, void (*Free)(T *)>
using OpensslHandle = std::unique_ptr<T, OpensslFree<T, Free>>;

// BIO_free returns int; this adapter gives it the void signature the deleter expects.
inline void bio_free(BIO *bio) {
  BIO_free(bio);
}
inline void x509_stack_free(STACK_OF(X509) * stack) {
  sk_X509_pop_free(stack, X509_free);
}

using PkeyHandle = OpensslHandle<EVP_PKEY, EVP_PKEY_free>;
using X509Handle = OpensslHandle<X509, X509_free>;
using Pkcs12Handle = OpensslHandle<PKCS12, PKCS12_free>;
using BioHandle = OpensslHandle<BIO, bio_free>;
using X509StackHandle = OpensslHandle<STACK_OF(X509), x509_stack_free>;
using MdCtxHandle = OpensslHandle<EVP_MD_CTX, EVP_MD_CTX_free>;

// OpenSSL's most recent error as text, and its queue cleared; "" when there is none.
std::string openssl_error_text();

} // namespace cps
