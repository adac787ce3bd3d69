/* sensitive.h — the only type a secret may live in.
 *
 * A password, identity token, registry token or helper Secret is held in
 * a struct sensitive from the moment it is read until it is released,
 * which wipes it with explicit_bzero. It is never formatted as text:
 * output paths show sensitive_fingerprint() ("sha256:1a2b3c4d…, 12 bytes")
 * instead. The bytes are NUL-terminated for passing to libraries (curl
 * form fields, helper stdin), which is the only time they leave it. */
#ifndef FIXKB_UTIL_SENSITIVE_H
#define FIXKB_UTIL_SENSITIVE_H

#include <stddef.h>

struct sensitive {
	char *data;   /* NUL-terminated, or NULL when empty/unset */
	size_t len;
};

#define SENSITIVE_INIT { NULL, 0 }
#define SENSITIVE_FP_MAX 64

/* Copies n bytes in (replacing any previous value). Returns -1 on OOM. */
int sensitive_set(struct sensitive *s, const void *p, size_t n);
int sensitive_copy(struct sensitive *dst, const struct sensitive *src);
int sensitive_is_empty(const struct sensitive *s);
/* Constant-time comparison of two secrets. */
int sensitive_equal(const struct sensitive *a, const struct sensitive *b);
void sensitive_release(struct sensitive *s);

/* "sha256:1a2b3c4d…, 12 bytes" or "(empty)". Shows 8 hex digits only:
 * enough to tell two secrets apart, too little to help guess one. */
void sensitive_fingerprint(const struct sensitive *s, char out[SENSITIVE_FP_MAX]);
/* The same for any buffer that holds a secret. */
void fingerprint_bytes(const void *p, size_t n, char out[SENSITIVE_FP_MAX]);

/* Makes jansson wipe every block it frees: parsed config files and helper
 * output hold secrets in jansson's own strings, which fixkb cannot reach
 * to wipe one by one. Call once at start-up, before any JSON is parsed. */
void sensitive_wipe_json_allocations(void);

#endif
