/* wwwauth.h — the WWW-Authenticate parser, as containerd reads it.
 *
 * Follows containerd core/remotes/docker/auth/parse.go (facts §1):
 *  - one challenge per header LINE; a second scheme on the same line
 *    ("Bearer realm=\"a\", Basic realm=\"c\"") is read as a parameter name
 *    with no '=' and ends parsing;
 *  - the scheme is a token, lower-cased; parameter names are lower-cased,
 *    values keep their case;
 *  - a value is a token (cut at the first separator: realm=https://x is
 *    "https") or a quoted string where \x means x; an unterminated quote
 *    gives an empty value and ends parsing;
 *  - an empty value (scope="") is stored and parsing continues (the
 *    distribution and containers/image copies would stop there);
 *  - a repeated parameter name: the last one wins (a Go map).
 * Pure functions with no I/O: fuzzable. Nothing here is secret. */
#ifndef FIXKB_NET_WWWAUTH_H
#define FIXKB_NET_WWWAUTH_H

#include <jansson.h>
#include <stddef.h>

#define WWWAUTH_MAX_PARAMS 16      /* further parameters are dropped (counted) */
#define WWWAUTH_MAX_CHALLENGES 16  /* further header lines are dropped */
#define WWWAUTH_MAX_SCOPES 32

enum wwwauth_scheme {
	WWWAUTH_OTHER = 0,    /* not one containerd supports: dropped by wwwauth_containerd_order */
	WWWAUTH_BASIC = 1,
	WWWAUTH_DIGEST = 2,
	WWWAUTH_BEARER = 4,
};

struct wwwauth_param {
	char *name;    /* lower-case, owned */
	char *value;   /* as sent (unescaped), owned; "" possible */
};

struct wwwauth_challenge {
	enum wwwauth_scheme scheme;
	char *scheme_name;                 /* lower-case token, owned */
	struct wwwauth_param params[WWWAUTH_MAX_PARAMS];
	size_t nparams;
	size_t dropped_params;
	char *scopes[WWWAUTH_MAX_SCOPES];  /* scope= split on spaces, empties dropped; owned */
	size_t nscopes;
};

struct wwwauth_set {
	struct wwwauth_challenge c[WWWAUTH_MAX_CHALLENGES];
	size_t n;
	size_t dropped;   /* lines past the cap, or with no scheme token */
};

#define WWWAUTH_SET_INIT { .n = 0 }

/* Parses one header value (without "WWW-Authenticate:"; surrounding
 * whitespace and CR/LF are ignored, as Go's textproto trims them) into
 * *out. Returns 0 when a scheme token was found, 1 when the line holds no
 * challenge (out is then empty), -1 on OOM. */
int wwwauth_parse_line(struct wwwauth_challenge *out, const char *line, size_t len);
void wwwauth_challenge_release(struct wwwauth_challenge *c);

/* Appends one header line's challenge to the set (header order). Returns
 * 0, or -1 on OOM. Lines without a challenge or past the cap are counted
 * in set->dropped. */
int wwwauth_set_add_line(struct wwwauth_set *set, const char *line, size_t len);
void wwwauth_set_release(struct wwwauth_set *set);

/* containerd's view: drops schemes other than basic/digest/bearer and
 * stable-sorts Bearer > Digest > Basic. */
void wwwauth_containerd_order(struct wwwauth_set *set);

/* The value of parameter name (lower-case), or NULL when absent. Borrowed. */
const char *wwwauth_param(const struct wwwauth_challenge *c, const char *name);

/* The first challenge with that scheme, or NULL. Borrowed. */
const struct wwwauth_challenge *wwwauth_find(const struct wwwauth_set *set,
					     enum wwwauth_scheme scheme);

const char *wwwauth_scheme_name(enum wwwauth_scheme s);   /* "bearer", ... "other" */

/* {scheme, params:{...}, scopes:[...]} (a new reference). */
json_t *wwwauth_challenge_json(const struct wwwauth_challenge *c);

#endif
