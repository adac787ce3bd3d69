#include "util/sensitive.h"

#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/sha256.h"

int sensitive_set(struct sensitive *s, const void *p, size_t n)
{
	char *d;

	d = malloc(n + 1);
	if (!d)
		return -1;
	if (n)
		memcpy(d, p, n);
	d[n] = '\0';
	sensitive_release(s);
	s->data = d;
	s->len = n;
	return 0;
}

int sensitive_copy(struct sensitive *dst, const struct sensitive *src)
{
	if (!src->data) {
		sensitive_release(dst);
		return 0;
	}
	return sensitive_set(dst, src->data, src->len);
}

int sensitive_is_empty(const struct sensitive *s)
{
	return !s->data || s->len == 0;
}

/* In time that depends on n only (as CRYPTO_memcmp): every byte is read
 * and the differences OR-ed, through a volatile so the compiler keeps
 * the loop whole. */
static int ct_equal(const char *a, const char *b, size_t n)
{
	volatile unsigned char diff = 0;
	size_t i;

	for (i = 0; i < n; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

int sensitive_equal(const struct sensitive *a, const struct sensitive *b)
{
	if (a->len != b->len)
		return 0;
	return ct_equal(a->data, b->data, a->len);
}

void sensitive_release(struct sensitive *s)
{
	if (s->data) {
		explicit_bzero(s->data, s->len + 1);
		free(s->data);
	}
	s->data = NULL;
	s->len = 0;
}

void fingerprint_bytes(const void *p, size_t n, char out[SENSITIVE_FP_MAX])
{
	unsigned char md[SHA256_LEN];

	if (!p || n == 0) {
		snprintf(out, SENSITIVE_FP_MAX, "(empty)");
		return;
	}
	/* util/sha256: no OpenSSL initialisation for a fingerprint. */
	sha256(p, n, md);
	snprintf(out, SENSITIVE_FP_MAX, "sha256:%02x%02x%02x%02x\xe2\x80\xa6, %zu bytes",
		 md[0], md[1], md[2], md[3], n);
	explicit_bzero(md, sizeof(md));
}

void sensitive_fingerprint(const struct sensitive *s, char out[SENSITIVE_FP_MAX])
{
	fingerprint_bytes(s->data, s->len, out);
}

static void wiping_free(void *p)
{
	if (!p)
		return;
	/* glibc (and ASan's allocator) know each block's usable size. */
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

void sensitive_wipe_json_allocations(void)
{
	json_set_alloc_funcs(malloc, wiping_free);
}
