#include "util/crypto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/sha256.h"

static int b64_value(unsigned char c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (url == 0 || url == 2) {
		if (c == '+')
			return 62;
		if (c == '/')
			return 63;
	}
	if (url == 1 || url == 2) {
		if (c == '-')
			return 62;
		if (c == '_')
			return 63;
	}
	return -1;
}

/* alphabet: 0 standard, 1 url, 2 either. need_pad: padding mandatory. */
static int b64_decode(struct sensitive *out, const char *in, size_t inlen,
		      int alphabet, int need_pad, struct err *e)
{
	size_t i, datalen = inlen, o = 0;
	unsigned char *buf;
	uint32_t acc = 0;
	int bits = 0, v;

	while (datalen > 0 && in[datalen - 1] == '=')
		datalen--;
	if (inlen - datalen > 2)
		return err_set(e, "invalid base64: too much padding");
	if (need_pad && inlen % 4 != 0)
		return err_set(e, "illegal base64 data at input byte %zu", inlen - inlen % 4);
	if (!need_pad && inlen != datalen && inlen % 4 != 0)
		return err_set(e, "invalid base64: wrong padding");
	if (datalen % 4 == 1)
		return err_set(e, "illegal base64 data at input byte %zu", datalen - 1);
	buf = malloc(datalen * 3 / 4 + 3);
	if (!buf)
		return err_set(e, "out of memory");
	for (i = 0; i < datalen; i++) {
		v = b64_value((unsigned char)in[i], alphabet);
		if (v < 0) {
			explicit_bzero(buf, datalen * 3 / 4 + 3);
			free(buf);
			return err_set(e, "illegal base64 data at input byte %zu", i);
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (unsigned char)(acc >> bits);
		}
	}
	if (sensitive_set(out, buf, o) < 0) {
		explicit_bzero(buf, datalen * 3 / 4 + 3);
		free(buf);
		return err_set(e, "out of memory");
	}
	explicit_bzero(buf, datalen * 3 / 4 + 3);
	free(buf);
	return 0;
}

int b64_decode_std(struct sensitive *out, const char *in, size_t inlen, struct err *e)
{
	return b64_decode(out, in, inlen, 0, 1, e);
}

int b64_decode_any(struct sensitive *out, const char *in, size_t inlen, struct err *e)
{
	return b64_decode(out, in, inlen, 2, 0, e);
}

int b64_decode_url(struct sensitive *out, const char *in, size_t inlen, struct err *e)
{
	return b64_decode(out, in, inlen, 1, 0, e);
}

/* Padded base64 of n bytes, standard or URL alphabet (RFC 4648 §4, §5). */
static char *b64_encode(const void *p, size_t n, int url)
{
	static const char std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char urlsafe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char *alpha = url ? urlsafe : std;
	const unsigned char *in = p;
	size_t outlen = 4 * ((n + 2) / 3), i, o = 0;
	char *out = malloc(outlen + 1);
	uint32_t v;

	if (!out)
		return NULL;
	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = alpha[v >> 18];
		out[o++] = alpha[(v >> 12) & 63];
		out[o++] = alpha[(v >> 6) & 63];
		out[o++] = alpha[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = alpha[v >> 18];
		out[o++] = alpha[(v >> 12) & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = alpha[v >> 18];
		out[o++] = alpha[(v >> 12) & 63];
		out[o++] = alpha[(v >> 6) & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
	return out;
}

char *b64_encode_std(const void *p, size_t n)
{
	return b64_encode(p, n, 0);
}

char *b64_encode_url_padded(const void *p, size_t n)
{
	return b64_encode(p, n, 1);
}

void sha256_hex(const void *p, size_t n, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[SHA256_LEN];
	unsigned int i;

	sha256(p, n, md);   /* util/sha256: no OpenSSL initialisation */
	for (i = 0; i < SHA256_LEN; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * i] = '\0';
}
