/* crypto.h — base64 (standard and URL alphabets) and digests, without OpenSSL.
 *
 * Decoders are strict where the consumers they imitate are strict: Go's
 * base64.StdEncoding (docker's `auth`) rejects missing padding, stray
 * characters and embedded newlines, and so does b64_decode_std. */
#ifndef FIXKB_UTIL_CRYPTO_H
#define FIXKB_UTIL_CRYPTO_H

#include <stddef.h>

#include "util/err.h"
#include "util/sensitive.h"

/* Standard padded base64 → bytes in *out (a secret: always sensitive).
 * Returns -1 with a message naming the offset of the first bad byte. */
int b64_decode_std(struct sensitive *out, const char *in, size_t inlen, struct err *e);
/* Lenient: standard or URL alphabet, padding optional, no whitespace. */
int b64_decode_any(struct sensitive *out, const char *in, size_t inlen, struct err *e);
/* URL alphabet, padding optional (JWT segments). */
int b64_decode_url(struct sensitive *out, const char *in, size_t inlen, struct err *e);

/* Encodes; returns a malloc'd NUL-terminated string (caller frees, and
 * wipes it when the input was secret) or NULL on OOM. */
char *b64_encode_std(const void *p, size_t n);
char *b64_encode_url_padded(const void *p, size_t n);

/* Lower-case hex SHA-256 of n bytes into out[65]. */
void sha256_hex(const void *p, size_t n, char out[65]);

#endif
