/* urlvalues.h — query strings and forms as Go's net/url writes them.
 *
 * The clients build the token request with Go's url.Values: the GET token
 * URL (containerd core/remotes/docker/auth/fetch.go FetchToken:
 * req.URL.Query(), Add, Encode) and the OAuth2 POST body
 * (FetchTokenWithOAuth: form.Encode()). Their messages quote that URL, so
 * fixkb must build it byte for byte: keys sorted (stably, so several
 * "scope" keep their order), [A-Za-z0-9-_.~] kept, ' ' as '+', every
 * other byte %XX in upper case. */
#ifndef FIXKB_NET_URLVALUES_H
#define FIXKB_NET_URLVALUES_H

#include <stddef.h>

#include "util/buf.h"

/* One key=value pair. key is NUL-terminated; val[0..len) may hold secret
 * bytes (a password in the POST form) and need not be NUL-terminated;
 * val NULL is an empty value. Both borrowed. */
struct urlvalues_kv {
	const char *key;
	const char *val;
	size_t len;
};

/* Go's url.QueryEscape of s[0..len), appended to out. -1 when out's cap
 * is reached or on OOM. */
int urlvalues_escape(struct buf *out, const char *s, size_t len);

/* Go's url.Values.Encode of kv[0..n), appended to out: "a=1&b=2&b=3".
 * Secret values end up in out, so give out a cap and release it (which
 * wipes it). -1 when out's cap is reached or on OOM. */
int urlvalues_encode(struct buf *out, const struct urlvalues_kv *kv, size_t n);

/* base (a URL, perhaps with its own "?query" and "#fragment") with its
 * query parsed (leniently: a bad %XX stays as written), kv added, and the
 * whole re-encoded as Go does; the fragment is dropped. Writes
 * NUL-terminated into out[0..n); -1 when it does not fit or on OOM. At
 * most URLVALUES_MAX pairs in all (the rest are dropped). Not for secret
 * values: the parsed copies are freed unwiped. */
#define URLVALUES_MAX 64
int urlvalues_url(char *out, size_t n, const char *base, const struct urlvalues_kv *kv,
		  size_t nkv);

/* Go's url.ParseQuery, lenient as above: splits q[0..len) at '&', each
 * piece at its first '=', unescapes both ('+' is a space) and calls
 * fn(key, val, arg) in order; empty pieces are skipped. The strings are
 * valid during the call only. Returns -1 when fn does or on OOM, else 0.
 * Not for secrets (the copies are freed unwiped). */
int urlvalues_parse(const char *q, size_t len,
		    int (*fn)(const char *key, const char *val, void *arg), void *arg);

#endif
