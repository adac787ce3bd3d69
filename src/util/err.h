/* err.h — one complete error message handed up to the caller.
 *
 * Library code never prints. A failing function fills a caller-owned
 * struct err with one lowercase message ("reading '/x/config.json': not a
 * regular file") and returns -1, so callers write `return err_set(e, ...)`.
 * The first message set wins; later calls on an already-set err are
 * ignored so the deepest, most precise cause is what the user sees.
 * Never put a secret in a message: use a fingerprint (sensitive.h). */
#ifndef FIXKB_UTIL_ERR_H
#define FIXKB_UTIL_ERR_H

#include <stddef.h>

#define ERR_MSG_MAX 1024

struct err {
	int set;
	char msg[ERR_MSG_MAX];
};

#define ERR_INIT { 0, { 0 } }

/* Sets the message (printf format) if none is set yet; returns -1. */
int err_set(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefixes the existing message with context ("loading kb: "); returns -1. */
int err_prefix(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void err_clear(struct err *e);

#endif
