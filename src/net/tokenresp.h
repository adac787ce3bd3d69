/* tokenresp.h — a token endpoint's 2xx answer, decoded the way the
 * clients decode it, as a pure function of the body (fuzzed by
 * tests/fuzz/fuzz-tokenresp.c; used by tokenfetch.c).
 *
 * containerd remotes/docker/auth/fetch.go and docker/distribution
 * registry/client/auth/session.go: the body must be a JSON object; an
 * OAuth2 POST answer must carry a non-empty access_token (token is
 * ignored there); a GET answer may use token or access_token, and
 * access_token wins. issued_at, when given, must be RFC 3339
 * (util/rfc3339.h) or the whole decode fails. expires_in absent, not an integer or < 1 counts as 60 s.
 * Only the first JSON value is read (json.Decoder.Decode): trailing bytes
 * do not matter. Why a body is not JSON is said as Go says it for an empty
 * body ("EOF"), a cut-off one ("unexpected EOF") and a stray first
 * character ("invalid character '<' looking for beginning of value"). */
#ifndef FIXKB_NET_TOKENRESP_H
#define FIXKB_NET_TOKENRESP_H

#include <stddef.h>

#include "util/sensitive.h"

enum tokresp_status {
	TOKRESP_OK,
	TOKRESP_NOT_JSON,        /* detail says why (jansson's text, EOF, ...) */
	TOKRESP_BAD_ISSUED_AT,   /* issued_at holds the text */
	TOKRESP_NO_TOKEN,        /* no usable token field for this method */
	TOKRESP_OOM,
};

#define TOKRESP_DEFAULT_EXPIRES_IN 60

struct tokresp {
	enum tokresp_status status;
	struct sensitive token;      /* TOKRESP_OK only; tokresp_release wipes it */
	long expires_in;             /* effective seconds (default applied) */
	int has_expires_in;          /* an integer was given ... */
	long long expires_in_given;  /* ... this one */
	int has_access_token;        /* a non-empty string */
	int has_token;               /* a non-empty string */
	int has_refresh_token;       /* the key is present (a secret: never kept) */
	int has_issued_at;           /* a string was given ... */
	char issued_at[256];         /* ... this one, cut to 255 bytes */
	char detail[200];            /* TOKRESP_NOT_JSON: why */
};

/* Decodes body[0..len) (need not be NUL-terminated) for a POST (post=1)
 * or GET answer. Always fills *out; release it with tokresp_release. */
void tokresp_parse(struct tokresp *out, const char *body, size_t len, int post);
/* Wipes the token. NULL-safe; safe to call twice. */
void tokresp_release(struct tokresp *r);

#endif
