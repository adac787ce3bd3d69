/* sha256.h — SHA-256 (FIPS 180-4), without OpenSSL.
 *
 * For fingerprints and file digests in runs that never touch TLS: OpenSSL
 * 3's EVP_Digest first initialises the library (reads openssl.cnf, loads
 * the default provider, fetches the method), about 5M instructions, half
 * of an offline doctor run (callgrind). The context holds data derived
 * from the input, which may be a secret: sha256_final wipes it. */
#ifndef FIXKB_UTIL_SHA256_H
#define FIXKB_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;          /* message length so far */
	unsigned char block[64];
	size_t used;             /* bytes waiting in block */
	uint32_t w[64];          /* the message schedule (scratch) */
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *p, size_t n);
/* Writes the digest and wipes c. */
void sha256_final(struct sha256 *c, unsigned char out[SHA256_LEN]);
/* One call: init, update, final. */
void sha256(const void *p, size_t n, unsigned char out[SHA256_LEN]);

#endif
