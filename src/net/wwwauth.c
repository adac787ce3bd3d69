#include "net/wwwauth.h"

#include <stdlib.h>
#include <string.h>

/* Go's octetTypes: a token char is a US-ASCII non-control, non-separator. */
static int is_token_char(unsigned char c)
{
	if (c <= 31 || c >= 127)
		return 0;
	return strchr(" \t\"(),/:;<=>?@[]\\{}", c) == NULL;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct cursor {
	const char *p;
	const char *end;
};

static void skip_space(struct cursor *s)
{
	while (s->p < s->end && is_space((unsigned char)*s->p))
		s->p++;
}

/* Returns a malloc'd copy of the token at the cursor ("" when none). */
static char *expect_token(struct cursor *s, int lower)
{
	const char *start = s->p;
	size_t n, i;
	char *t;

	while (s->p < s->end && is_token_char((unsigned char)*s->p))
		s->p++;
	n = (size_t)(s->p - start);
	t = malloc(n + 1);
	if (!t)
		return NULL;
	for (i = 0; i < n; i++) {
		char c = start[i];

		t[i] = lower && c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	t[n] = '\0';
	return t;
}

/* A token or a quoted string. *stop is set when an unterminated quote
 * ended the input (the value is then ""). */
static char *expect_token_or_quoted(struct cursor *s, int *stop)
{
	const char *q;
	char *v;
	size_t j = 0;
	int escape = 0;

	*stop = 0;
	if (s->p >= s->end || *s->p != '"')
		return expect_token(s, 0);
	q = s->p + 1;
	v = malloc((size_t)(s->end - q) + 1);
	if (!v)
		return NULL;
	for (; q < s->end; q++) {
		char c = *q;

		if (escape) {
			escape = 0;
			v[j++] = c;
		} else if (c == '\\') {
			escape = 1;
		} else if (c == '"') {
			v[j] = '\0';
			s->p = q + 1;
			return v;
		} else {
			v[j++] = c;
		}
	}
	/* Unterminated: empty value, and nothing more is read. */
	v[0] = '\0';
	s->p = s->end;
	*stop = 1;
	return v;
}

static enum wwwauth_scheme scheme_of(const char *name)
{
	if (strcmp(name, "basic") == 0)
		return WWWAUTH_BASIC;
	if (strcmp(name, "digest") == 0)
		return WWWAUTH_DIGEST;
	if (strcmp(name, "bearer") == 0)
		return WWWAUTH_BEARER;
	return WWWAUTH_OTHER;
}

static int set_param(struct wwwauth_challenge *c, char *name, char *value)
{
	size_t i;

	for (i = 0; i < c->nparams; i++) {
		if (strcmp(c->params[i].name, name) == 0) {
			free(name);
			free(c->params[i].value);
			c->params[i].value = value;
			return 0;
		}
	}
	if (c->nparams == WWWAUTH_MAX_PARAMS) {
		c->dropped_params++;
		free(name);
		free(value);
		return 0;
	}
	c->params[c->nparams].name = name;
	c->params[c->nparams].value = value;
	c->nparams++;
	return 0;
}

static int split_scopes(struct wwwauth_challenge *c)
{
	const char *v = wwwauth_param(c, "scope"), *p, *sp;

	if (!v)
		return 0;
	for (p = v; *p; p = sp) {
		size_t n;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		sp = strchr(p, ' ');
		if (!sp)
			sp = p + strlen(p);
		n = (size_t)(sp - p);
		if (c->nscopes == WWWAUTH_MAX_SCOPES)
			break;
		c->scopes[c->nscopes] = strndup(p, n);
		if (!c->scopes[c->nscopes])
			return -1;
		c->nscopes++;
	}
	return 0;
}

int wwwauth_parse_line(struct wwwauth_challenge *out, const char *line, size_t len)
{
	struct cursor s = { line, line + len };
	char *name = NULL, *value = NULL;
	int stop, rc = -1;

	memset(out, 0, sizeof(*out));
	/* Go's textproto hands over the value with the surrounding space trimmed. */
	skip_space(&s);
	while (s.end > s.p && is_space((unsigned char)s.end[-1]))
		s.end--;
	out->scheme_name = expect_token(&s, 1);
	if (!out->scheme_name)
		goto cleanup;
	if (!out->scheme_name[0]) {
		rc = 1;
		goto cleanup;
	}
	out->scheme = scheme_of(out->scheme_name);
	for (;;) {
		skip_space(&s);
		name = expect_token(&s, 1);
		if (!name)
			goto cleanup;
		if (!name[0] || s.p >= s.end || *s.p != '=')
			break;
		s.p++;
		value = expect_token_or_quoted(&s, &stop);
		if (!value)
			goto cleanup;
		set_param(out, name, value);
		name = value = NULL;
		if (stop)
			break;
		skip_space(&s);
		if (s.p >= s.end || *s.p != ',')
			break;
		s.p++;
	}
	if (split_scopes(out) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	free(name);
	free(value);
	if (rc != 0) {
		wwwauth_challenge_release(out);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

void wwwauth_challenge_release(struct wwwauth_challenge *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nparams; i++) {
		free(c->params[i].name);
		free(c->params[i].value);
	}
	for (i = 0; i < c->nscopes; i++)
		free(c->scopes[i]);
	free(c->scheme_name);
	memset(c, 0, sizeof(*c));
}

int wwwauth_set_add_line(struct wwwauth_set *set, const char *line, size_t len)
{
	struct wwwauth_challenge c;
	int rc;

	if (set->n == WWWAUTH_MAX_CHALLENGES) {
		set->dropped++;
		return 0;
	}
	rc = wwwauth_parse_line(&c, line, len);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		set->dropped++;
		return 0;
	}
	set->c[set->n++] = c;
	return 0;
}

void wwwauth_set_release(struct wwwauth_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->n; i++)
		wwwauth_challenge_release(&set->c[i]);
	set->n = 0;
	set->dropped = 0;
}

void wwwauth_containerd_order(struct wwwauth_set *set)
{
	size_t i, j, k = 0;

	for (i = 0; i < set->n; i++) {
		if (set->c[i].scheme == WWWAUTH_OTHER) {
			wwwauth_challenge_release(&set->c[i]);
			continue;
		}
		if (k != i)
			set->c[k] = set->c[i];
		k++;
	}
	set->n = k;
	/* Stable insertion sort, higher scheme value first. */
	for (i = 1; i < set->n; i++) {
		struct wwwauth_challenge t = set->c[i];

		for (j = i; j > 0 && set->c[j - 1].scheme < t.scheme; j--)
			set->c[j] = set->c[j - 1];
		set->c[j] = t;
	}
}

const char *wwwauth_param(const struct wwwauth_challenge *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nparams; i++)
		if (strcmp(c->params[i].name, name) == 0)
			return c->params[i].value;
	return NULL;
}

const struct wwwauth_challenge *wwwauth_find(const struct wwwauth_set *set,
					     enum wwwauth_scheme scheme)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->c[i].scheme == scheme)
			return &set->c[i];
	return NULL;
}

const char *wwwauth_scheme_name(enum wwwauth_scheme s)
{
	switch (s) {
	case WWWAUTH_BASIC: return "basic";
	case WWWAUTH_DIGEST: return "digest";
	case WWWAUTH_BEARER: return "bearer";
	case WWWAUTH_OTHER: break;
	}
	return "other";
}

/* json_string() refuses invalid UTF-8; a hostile server may send it. */
static json_t *safe_string(const char *s)
{
	json_t *j = json_string(s);

	return j ? j : json_string("(not valid UTF-8)");
}

json_t *wwwauth_challenge_json(const struct wwwauth_challenge *c)
{
	json_t *o = json_object(), *params = json_object(), *scopes = json_array();
	size_t i;

	json_object_set_new(o, "scheme", safe_string(c->scheme_name ? c->scheme_name : ""));
	for (i = 0; i < c->nparams; i++)
		json_object_set_new(params, c->params[i].name, safe_string(c->params[i].value));
	json_object_set_new(o, "params", params);
	for (i = 0; i < c->nscopes; i++)
		json_array_append_new(scopes, safe_string(c->scopes[i]));
	json_object_set_new(o, "scopes", scopes);
	if (c->dropped_params)
		json_object_set_new(o, "dropped_params", json_integer((json_int_t)c->dropped_params));
	return o;
}
