#include "net/urlvalues.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/hexdigit.h"

int urlvalues_escape(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	int rc = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char enc[3];

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			if (buf_append(out, &s[i], 1) < 0)
				rc = -1;
		} else if (c == ' ') {
			if (buf_append(out, "+", 1) < 0)
				rc = -1;
		} else {
			enc[0] = '%';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			if (buf_append(out, enc, 3) < 0)
				rc = -1;
		}
	}
	return rc;
}

int urlvalues_encode(struct buf *out, const struct urlvalues_kv *kv, size_t n)
{
	size_t *idx = NULL, i, j;
	int rc = -1;

	idx = calloc(n ? n : 1, sizeof(*idx));
	if (!idx)
		return -1;
	for (i = 0; i < n; i++)
		idx[i] = i;
	/* Stable insertion sort on the key (Go: sort.Strings(keys), then
	 * each key's values in the order they were added). */
	for (i = 1; i < n; i++) {
		size_t t = idx[i];

		for (j = i; j > 0 && strcmp(kv[idx[j - 1]].key, kv[t].key) > 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = t;
	}
	for (i = 0; i < n; i++) {
		const struct urlvalues_kv *p = &kv[idx[i]];

		if (i && buf_append(out, "&", 1) < 0)
			goto cleanup;
		if (urlvalues_escape(out, p->key, strlen(p->key)) < 0 || buf_append(out, "=", 1) < 0 ||
		    urlvalues_escape(out, p->val ? p->val : "", p->val ? p->len : 0) < 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	free(idx);
	return rc;
}


/* Go's QueryUnescape (lenient: a bad escape is kept as is). */
static char *unescape(const char *s, size_t n)
{
	char *o = malloc(n + 1);
	size_t i, w = 0;

	if (!o)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '+') {
			o[w++] = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexdigit_value((unsigned char)s[i + 1]) >= 0 &&
			   hexdigit_value((unsigned char)s[i + 2]) >= 0) {
			o[w++] = (char)(hexdigit_value((unsigned char)s[i + 1]) * 16 +
					hexdigit_value((unsigned char)s[i + 2]));
			i += 2;
		} else {
			o[w++] = s[i];
		}
	}
	o[w] = '\0';
	return o;
}

int urlvalues_parse(const char *q, size_t len,
		    int (*fn)(const char *key, const char *val, void *arg), void *arg)
{
	const char *p = q, *end = q + len;

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *eq;
		char *k, *v;
		int rc;

		if (!amp)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (amp > p) {
			k = unescape(p, eq ? (size_t)(eq - p) : (size_t)(amp - p));
			v = eq ? unescape(eq + 1, (size_t)(amp - eq - 1)) : strdup("");
			rc = k && v ? fn(k, v, arg) : -1;
			free(k);
			free(v);
			if (rc < 0)
				return -1;
		}
		p = amp + 1;
	}
	return 0;
}

/* The parsed pairs of the base URL's query, owned. */
struct parsed {
	struct urlvalues_kv kv[URLVALUES_MAX];
	char *owned[URLVALUES_MAX * 2];
	size_t n, nowned;
};

static int keep_pair(const char *key, const char *val, void *arg)
{
	struct parsed *p = arg;
	char *k, *v;

	if (p->n >= URLVALUES_MAX)
		return 0;
	k = strdup(key);
	v = strdup(val);
	if (!k || !v) {
		free(k);
		free(v);
		return -1;
	}
	p->owned[p->nowned++] = k;
	p->owned[p->nowned++] = v;
	p->kv[p->n++] = (struct urlvalues_kv){ k, v, strlen(v) };
	return 0;
}

int urlvalues_url(char *out, size_t n, const char *base, const struct urlvalues_kv *kv,
		  size_t nkv)
{
	struct parsed *all = calloc(1, sizeof(*all));
	const char *q = strchr(base, '?'), *frag = strchr(base, '#');
	struct buf b = BUF_INIT(n);
	size_t i, baselen;
	int rc = -1;

	if (!all)
		return -1;
	if (frag && q && frag < q)
		q = NULL;
	baselen = q ? (size_t)(q - base) : frag ? (size_t)(frag - base) : strlen(base);
	/* The base's own parameters first (req.URL.Query()). */
	if (q && urlvalues_parse(q + 1, strcspn(q + 1, "#"), keep_pair, all) < 0)
		goto cleanup;
	for (i = 0; i < nkv && all->n < URLVALUES_MAX; i++)
		all->kv[all->n++] = kv[i];
	if (buf_append(&b, base, baselen) < 0)
		goto cleanup;
	if (all->n && (buf_append(&b, "?", 1) < 0 || urlvalues_encode(&b, all->kv, all->n) < 0))
		goto cleanup;
	if (b.len >= n)
		goto cleanup;
	memcpy(out, b.data ? b.data : "", b.len + 1);
	rc = 0;
cleanup:
	for (i = 0; i < all->nowned; i++)
		free(all->owned[i]);
	free(all);
	buf_release(&b);
	return rc;
}
