#ifndef ATLAS_MOCK_COPENSSL_SHIM_H
#define ATLAS_MOCK_COPENSSL_SHIM_H
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

// OpenSSL spells these as function-like macros, which Swift cannot call; each wrapper is exactly the macro.
static inline int atlas_mock_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
static inline long atlas_mock_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline int atlas_mock_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}
static inline long atlas_mock_SSL_CTX_add0_chain_cert(SSL_CTX *ctx, X509 *cert) {
    return SSL_CTX_add0_chain_cert(ctx, cert);
}
// Option bits OpenSSL builds with a function-like macro.
static const uint64_t atlas_mock_SSL_OP_NO_RENEGOTIATION = SSL_OP_NO_RENEGOTIATION;
static const uint64_t atlas_mock_SSL_OP_CIPHER_SERVER_PREFERENCE = SSL_OP_CIPHER_SERVER_PREFERENCE;
static const uint64_t atlas_mock_SSL_OP_NO_COMPRESSION = SSL_OP_NO_COMPRESSION;
#endif
