#include "util/redact.h"

#include <ctype.h>
#include <string.h>

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

size_t redact_text(const char *in, size_t n, char *outbuf, size_t outcap)
{
	struct out o = { outbuf, 0, outcap };
	size_t i = 0, j, l;

	if (outcap == 0)
		return 0;
	while (i < n) {
		/* scheme://userinfo@ */
		if (i + 3 <= n && strncmp(in + i, "://", 3) == 0) {
			for (j = i + 3; j < n && in[j] != '@' && in[j] != '/' &&
			     !isspace((unsigned char)in[j]) && in[j] != '"'; j++)
				;
			puts_(&o, "://");
			if (j < n && in[j] == '@' && j > i + 3) {
				puts_(&o, "***@");
				i = j + 1;
			} else {
				i += 3;
			}
			continue;
		}
		if ((l = jwt_len(in + i, n - i)) > 0) {
			puts_(&o, "[jwt]");
			i += l;
			continue;
		}
		/* Basic/Bearer <credential> */
		if ((i + 6 <= n && strncasecmp(in + i, "basic ", 6) == 0) ||
		    (i + 7 <= n && strncasecmp(in + i, "bearer ", 7) == 0)) {
			size_t kw = in[i] == 'b' || in[i] == 'B' ? (tolower((unsigned char)in[i + 1]) == 'a' ? 6 : 7) : 0;

			if (kw && (i == 0 || !isalnum((unsigned char)in[i - 1]))) {
				l = value_len(in + i + kw, n - i - kw);
				if (l >= 8) {
					put(&o, in + i, kw);
					puts_(&o, "***");
					i += kw + l;
					continue;
				}
			}
		}
		/* key=value, key: value, "key": "value" */
		if (in[i] == '=' || in[i] == ':') {
			size_t v = i + 1, keyend = i;
			int quoted_key = 0;

			if (keyend > 0 && in[keyend - 1] == '"') {
				keyend--;
				quoted_key = 1;
			}
			if (key_before(in, keyend, secret_keys) &&
			    (in[i] == '=' || quoted_key)) {
				put(&o, in + i, 1);
				while (v < n && in[v] == ' ')
					put(&o, in + v++, 1);
				if (v < n && in[v] == '"') {
					put(&o, "\"", 1);
					for (j = v + 1; j < n && in[j] != '"'; j++)
						if (in[j] == '\\')
							j++;
					puts_(&o, "***");
					i = j;
					continue;
				}
				l = value_len(in + v, n - v);
				if (l > 0)
					puts_(&o, "***");
				i = v + l;
				continue;
			}
		}
		/* -p VALUE, --password VALUE, --password=VALUE */
		if ((i == 0 || isspace((unsigned char)in[i - 1])) &&
		    ((i + 3 <= n && strncmp(in + i, "-p ", 3) == 0) ||
		     (i + 11 <= n && strncmp(in + i, "--password ", 11) == 0))) {
			size_t opt = in[i + 1] == 'p' ? 3 : 11;

			put(&o, in + i, opt);
			l = value_len(in + i + opt, n - i - opt);
			if (l > 0)
				puts_(&o, "***");
			i += opt + l;
			continue;
		}
		put(&o, in + i, 1);
		i++;
	}
	o.p[o.len] = '\0';
	return o.len;
}
