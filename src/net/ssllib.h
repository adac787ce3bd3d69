/* ssllib.h — OpenSSL's libssl and libcrypto, resolved when a run first
 * talks to the network: they are libcurl's own TLS library (loaded with
 * it, curllib.h), and fixkb needs them only to inspect certificates and
 * hook libcurl's verification (trust.c, http.c) and to check a --cacert
 * file (fix/act_files.c). Linked, they cost every start of every command
 * (libcrypto's relocations and constructors: 1.4 MB of explain's peak RSS).
 * Fingerprints, digests, base64 and wiping do not use OpenSSL (util/).
 *
 * Include this instead of the <openssl/...> headers: the functions fixkb
 * calls are #defined to slots of `ssllib`, typed from OpenSSL's headers,
 * which ssllib_load fills (util/dynlib.h); OpenSSL is not linked, so a
 * function used but missing here fails the link. OpenSSL's own macros
 * (sk_X509_*, BIO_get_mem_data, SSL_CTX_get_ex_new_index) expand to these
 * functions. ssllib_load must have succeeded before any of them is
 * called: curllib_load calls it, and act_files.c before reading a CA. */
#ifndef FIXKB_NET_SSLLIB_H
#define FIXKB_NET_SSLLIB_H

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "util/err.h"

/* libssl; dlsym finds libcrypto's functions through it (a dependency). */
#define SSLLIB_SONAME "libssl.so.3"

#define SSLLIB_SYMS(X) \
	X(ASN1_TIME_print) \
	X(BIO_ctrl) \
	X(BIO_free) \
	X(BIO_new) \
	X(BIO_new_file) \
	X(BIO_new_mem_buf) \
	X(BIO_s_mem) \
	X(CRYPTO_get_ex_new_index) \
	X(ERR_clear_error) \
	X(OPENSSL_sk_new_null) \
	X(OPENSSL_sk_num) \
	X(OPENSSL_sk_pop_free) \
	X(OPENSSL_sk_push) \
	X(OPENSSL_sk_value) \
	X(PEM_read_bio_X509) \
	X(SSL_CTX_get_cert_store) \
	X(SSL_CTX_get_ex_data) \
	X(SSL_CTX_get_verify_mode) \
	X(SSL_CTX_set_ex_data) \
	X(SSL_CTX_set_verify) \
	X(SSL_get_SSL_CTX) \
	X(SSL_get_ex_data_X509_STORE_CTX_idx) \
	X(X509_NAME_print_ex) \
	X(X509_STORE_CTX_get0_cert) \
	X(X509_STORE_CTX_get_error) \
	X(X509_STORE_CTX_get_ex_data) \
	X(X509_STORE_add_cert) \
	X(X509_free) \
	X(X509_get0_notAfter) \
	X(X509_get_issuer_name) \
	X(X509_get_subject_name) \
	X(X509_verify_cert_error_string)

struct ssllib {
#define X(name) __typeof__(name) *p_##name;
	SSLLIB_SYMS(X)
#undef X
};
extern struct ssllib ssllib;

/* Loads libssl once; 0, or -1 with e (may be NULL) saying why (every
 * later call gives the same answer). Not thread-safe, as curllib_load. */
int ssllib_load(struct err *e);

#define ASN1_TIME_print (*ssllib.p_ASN1_TIME_print)
#define BIO_ctrl (*ssllib.p_BIO_ctrl)
#define BIO_free (*ssllib.p_BIO_free)
#define BIO_new (*ssllib.p_BIO_new)
#define BIO_new_file (*ssllib.p_BIO_new_file)
#define BIO_new_mem_buf (*ssllib.p_BIO_new_mem_buf)
#define BIO_s_mem (*ssllib.p_BIO_s_mem)
#define CRYPTO_get_ex_new_index (*ssllib.p_CRYPTO_get_ex_new_index)
#define ERR_clear_error (*ssllib.p_ERR_clear_error)
#define OPENSSL_sk_new_null (*ssllib.p_OPENSSL_sk_new_null)
#define OPENSSL_sk_num (*ssllib.p_OPENSSL_sk_num)
#define OPENSSL_sk_pop_free (*ssllib.p_OPENSSL_sk_pop_free)
#define OPENSSL_sk_push (*ssllib.p_OPENSSL_sk_push)
#define OPENSSL_sk_value (*ssllib.p_OPENSSL_sk_value)
#define PEM_read_bio_X509 (*ssllib.p_PEM_read_bio_X509)
#define SSL_CTX_get_cert_store (*ssllib.p_SSL_CTX_get_cert_store)
#define SSL_CTX_get_ex_data (*ssllib.p_SSL_CTX_get_ex_data)
#define SSL_CTX_get_verify_mode (*ssllib.p_SSL_CTX_get_verify_mode)
#define SSL_CTX_set_ex_data (*ssllib.p_SSL_CTX_set_ex_data)
#define SSL_CTX_set_verify (*ssllib.p_SSL_CTX_set_verify)
#define SSL_get_SSL_CTX (*ssllib.p_SSL_get_SSL_CTX)
#define SSL_get_ex_data_X509_STORE_CTX_idx (*ssllib.p_SSL_get_ex_data_X509_STORE_CTX_idx)
#define X509_NAME_print_ex (*ssllib.p_X509_NAME_print_ex)
#define X509_STORE_CTX_get0_cert (*ssllib.p_X509_STORE_CTX_get0_cert)
#define X509_STORE_CTX_get_error (*ssllib.p_X509_STORE_CTX_get_error)
#define X509_STORE_CTX_get_ex_data (*ssllib.p_X509_STORE_CTX_get_ex_data)
#define X509_STORE_add_cert (*ssllib.p_X509_STORE_add_cert)
#define X509_free (*ssllib.p_X509_free)
#define X509_get0_notAfter (*ssllib.p_X509_get0_notAfter)
#define X509_get_issuer_name (*ssllib.p_X509_get_issuer_name)
#define X509_get_subject_name (*ssllib.p_X509_get_subject_name)
#define X509_verify_cert_error_string (*ssllib.p_X509_verify_cert_error_string)

#endif
