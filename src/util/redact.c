#include "util/redact.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/jsontext.h"
#include "util/sensitive.h"

struct out {
	char *p;
	size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	while (n-- > 0 && o->len + 1 < o->cap)
		o->p[o->len++] = *s++;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static int is_b64url(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_';
}

/* Length of a JWT starting at s (three base64url segments), or 0. */
static size_t jwt_len(const char *s, size_t n)
{
	size_t i = 0, dots = 0;

	if (n < 10 || strncmp(s, "eyJ", 3) != 0)
		return 0;
	while (i < n && (is_b64url((unsigned char)s[i]) || s[i] == '.')) {
		if (s[i] == '.')
			dots++;
		i++;
	}
	return dots == 2 ? i : 0;
}

/* Does a case-insensitive key end right before position i, preceded by
 * a key boundary? Returns the key's length or 0. */
static int key_before(const char *in, size_t i, const char *const *keys)
{
	size_t k, kl;

	for (k = 0; keys[k]; k++) {
		kl = strlen(keys[k]);
		if (i < kl || strncasecmp(in + i - kl, keys[k], kl) != 0)
			continue;
		if (i == kl || !(isalnum((unsigned char)in[i - kl - 1]) || in[i - kl - 1] == '_'))
			return (int)kl;
	}
	return 0;
}

static const char *const secret_keys[] = {
	"token", "access_token", "refresh_token", "password", "passwd", "client_secret",
	"identitytoken", "identity_token", "auth", "secret", "registrytoken", NULL,
};

/* Skips a value that ends at whitespace, '&', '"', '\'', ',' or ';'. */
static size_t value_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && !isspace((unsigned char)s[i]) && s[i] != '&' && s[i] != '"' &&
	       s[i] != '\'' && s[i] != ',' && s[i] != ';' && s[i] != '}')
		i++;
	return i;
}

/* Each take_* looks at in[i..n): when its pattern starts there it writes
 * the redacted form to o and returns how many input bytes it consumed;
 * otherwise it returns 0 and writes nothing. */

/* scheme://user:pass@host: the userinfo becomes "***@"; any other "://" is copied. */
static size_t take_userinfo(struct out *o, const char *in, size_t i, size_t n)
{
	size_t j;

	if (i + 3 > n || strncmp(in + i, "://", 3) != 0)
		return 0;
	for (j = i + 3; j < n && in[j] != '@' && in[j] != '/' && !isspace((unsigned char)in[j]) &&
	     in[j] != '"'; j++)
		;
	puts_(o, "://");
	if (j < n && in[j] == '@' && j > i + 3) {
		puts_(o, "***@");
		return j + 1 - i;
	}
	return 3;
}

/* A JWT (jwt_len) → "[jwt]". */
static size_t take_jwt(struct out *o, const char *in, size_t i, size_t n)
{
	size_t l = jwt_len(in + i, n - i);

	if (l)
		puts_(o, "[jwt]");
	return l;
}

/* "Basic <credential>" / "Bearer <credential>" (8 bytes or more) at a
 * word start → "Basic ***". */
static size_t take_auth_scheme(struct out *o, const char *in, size_t i, size_t n)
{
	size_t kw, l;

	if (!((i + 6 <= n && strncasecmp(in + i, "basic ", 6) == 0) ||
	      (i + 7 <= n && strncasecmp(in + i, "bearer ", 7) == 0)))
		return 0;
	kw = in[i] == 'b' || in[i] == 'B' ? (tolower((unsigned char)in[i + 1]) == 'a' ? 6 : 7) : 0;
	if (!kw || (i > 0 && isalnum((unsigned char)in[i - 1])))
		return 0;
	l = value_len(in + i + kw, n - i - kw);
	if (l < 8)
		return 0;
	put(o, in + i, kw);
	puts_(o, "***");
	return kw + l;
}

/* key=value, "key": "value", "key": value, for the secret_keys, at the
 * '=' or ':' at i → the value becomes "***" (a quoted one keeps its
 * opening quote; the closing quote is copied by the caller). */
static size_t take_key_value(struct out *o, const char *in, size_t i, size_t n)
{
	size_t v = i + 1, keyend = i, j, l;
	int quoted_key = 0;

	if (in[i] != '=' && in[i] != ':')
		return 0;
	if (keyend > 0 && in[keyend - 1] == '"') {
		keyend--;
		quoted_key = 1;
	}
	if (!key_before(in, keyend, secret_keys) || !(in[i] == '=' || quoted_key))
		return 0;
	put(o, in + i, 1);
	while (v < n && in[v] == ' ')
		put(o, in + v++, 1);
	if (v < n && in[v] == '"') {
		put(o, "\"", 1);
		for (j = v + 1; j < n && in[j] != '"'; j++)
			if (in[j] == '\\')
				j++;
		puts_(o, "***");
		return j - i;
	}
	l = value_len(in + v, n - v);
	if (l > 0)
		puts_(o, "***");
	return v + l - i;
}

/* -p VALUE, --password VALUE at a word start → "-p ***". */
static size_t take_password_opt(struct out *o, const char *in, size_t i, size_t n)
{
	size_t opt, l;

	if (i > 0 && !isspace((unsigned char)in[i - 1]))
		return 0;
	if (!((i + 3 <= n && strncmp(in + i, "-p ", 3) == 0) ||
	      (i + 11 <= n && strncmp(in + i, "--password ", 11) == 0)))
		return 0;
	opt = in[i + 1] == 'p' ? 3 : 11;
	put(o, in + i, opt);
	l = value_len(in + i + opt, n - i - opt);
	if (l > 0)
		puts_(o, "***");
	return opt + l;
}

/* In the order they are tried at each position. */
static size_t (*const takers[])(struct out *, const char *, size_t, size_t) = {
	take_userinfo, take_jwt, take_auth_scheme, take_key_value, take_password_opt,
};

size_t redact_text(const char *in, size_t n, char *outbuf, size_t outcap)
{
	struct out o = { outbuf, 0, outcap };
	size_t i = 0, l, k;

	if (outcap == 0)
		return 0;
	while (i < n) {
		for (k = 0, l = 0; k < sizeof(takers) / sizeof(takers[0]) && !l; k++)
			l = takers[k](&o, in, i, n);
		if (l) {
			i += l;
			continue;
		}
		put(&o, in + i, 1);
		i++;
	}
	o.p[o.len] = '\0';
	return o.len;
}

/* ---- response bodies ---- */

/* Copies text, replacing every JWT-looking run (eyJ….….[…]) by "[jwt]". */
static char *hide_jwt_runs(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t i = 0, w = 0;

	if (!out)
		return NULL;
	while (i < len) {
		if (i + 3 < len && memcmp(s + i, "eyJ", 3) == 0 &&
		    (i == 0 || !is_b64url((unsigned char)s[i - 1]))) {
			size_t j = i, dots = 0;

			while (j < len && (is_b64url((unsigned char)s[j]) || (s[j] == '.' && dots < 2))) {
				if (s[j] == '.')
					dots++;
				j++;
			}
			if (dots >= 1 && j - i >= 16) {
				memcpy(out + w, "[jwt]", 5);
				w += 5;
				i = j;
				continue;
			}
		}
		out[w++] = s[i++];
	}
	out[w] = '\0';
	return out;
}

/* The JSON keys whose string values are fingerprinted in a body. Not the
 * same list as secret_keys (which also covers "auth" and "passwd" in
 * free text): kept as it was when it lived in http.c. */
static int body_secret_key(const char *k)
{
	static const char *const keys[] = { "token", "access_token", "refresh_token", "id_token",
					     "password", "secret", "identitytoken",
					     "registrytoken", "client_secret", NULL };
	size_t i;

	for (i = 0; keys[i]; i++)
		if (strcasecmp(k, keys[i]) == 0)
			return 1;
	return 0;
}

static json_t *redact_json(json_t *v, size_t max)
{
	json_t *o, *x;
	const char *k;
	size_t i;

	if (json_is_object(v)) {
		o = json_object();
		json_object_foreach(v, k, x) {
			if (body_secret_key(k) && json_is_string(x)) {
				char fp[SENSITIVE_FP_MAX], t[SENSITIVE_FP_MAX + 16];

				fingerprint_bytes(json_string_value(x), json_string_length(x), fp);
				snprintf(t, sizeof(t), "[redacted %s]", fp);
				json_object_set_new(o, k, json_string(t));
			} else {
				json_object_set_new(o, k, redact_json(x, max));
			}
		}
		return o;
	}
	if (json_is_array(v)) {
		o = json_array();
		json_array_foreach(v, i, x)
			json_array_append_new(o, redact_json(x, max));
		return o;
	}
	if (json_is_string(v)) {
		char *r = hide_jwt_runs(json_string_value(v), json_string_length(v));

		o = r ? jsontext_string(r, strlen(r), max) : json_string("");
		free(r);
		return o;
	}
	return json_copy(v);
}

void redact_opaque_runs(char *s, const char *extra, size_t min, int mixed)
{
	static const char mark[] = "[opaque]";
	size_t i = 0, o = 0, j, k;

	while (s[i]) {
		int alpha = 0, digit = 0;

		for (j = i; s[j] && (isalnum((unsigned char)s[j]) || strchr(extra, s[j])); j++)
			;
		for (k = i; mixed && k < j; k++) {
			alpha |= isalpha((unsigned char)s[k]) != 0;
			digit |= isdigit((unsigned char)s[k]) != 0;
		}
		if (j - i >= min && (!mixed || (alpha && digit))) {
			memcpy(s + o, mark, sizeof(mark) - 1);   /* min >= 8: never outruns i */
			o += sizeof(mark) - 1;
			i = j;
			continue;
		}
		if (j == i)
			j = i + 1;
		memmove(s + o, s + i, j - i);
		o += j - i;
		i = j;
	}
	s[o] = '\0';
}

/* A body that is not JSON can still carry a token in free text ("your
 * token: …"): every run of 20 or more token characters is replaced. */
static void hide_opaque_runs(char *s)
{
	redact_opaque_runs(s, "-_+=~.", 20, 0);
}

/* Not JSON (truncated, trailing data, form text, HTML): the token,
 * access_token, refresh_token... values must still go. */
static json_t *redact_plain_body(const char *body, size_t len, size_t max)
{
	char *r = hide_jwt_runs(body, len), *clean;
	size_t rl, cap;
	json_t *out;

	if (!r)
		return json_string("");
	rl = strlen(r);
	cap = 2 * rl + 16;
	clean = malloc(cap);
	if (clean) {
		redact_text(r, rl, clean, cap);
		hide_opaque_runs(clean);
		out = jsontext_string(clean, strlen(clean), max);
		explicit_bzero(clean, cap);
		free(clean);
	} else {
		out = json_string("(response not shown)");
	}
	explicit_bzero(r, rl);
	free(r);
	return out;
}

json_t *redact_body(const char *body, size_t len, size_t max)
{
	json_error_t je;
	json_t *j, *out;

	if (!body || !len)
		return json_null();
	j = json_loadb(body, len, JSON_DECODE_ANY, &je);
	if (j && (json_is_object(j) || json_is_array(j))) {
		out = redact_json(j, max);
		json_decref(j);
		return out;
	}
	if (j)
		json_decref(j);
	return redact_plain_body(body, len, max);
}
