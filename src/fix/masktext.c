#include "fix/masktext.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/redact.h"
#include "util/sensitive.h"
#include "docker/dockercfg.h"

/* docker's AuthConfig secrets, then the token and secret names of helper
 * output and token-endpoint answers (the ones redact.c knows). */
static const char *const secret_names[] = {
	"auth", "password", "identitytoken", "registrytoken",
	"secret", "token", "access_token", "refresh_token", "id_token", "client_secret",
	"passwd", "identity_token", NULL,
};

int masktext_secret_name(const char *name, size_t n)
{
	char k[64];
	size_t i;

	if (n >= sizeof(k) || memchr(name, '\0', n))
		return 0;
	memcpy(k, name, n);
	k[n] = '\0';
	for (i = 0; secret_names[i]; i++)
		if (dockercfg_field_eq(k, secret_names[i]))
			return 1;
	return 0;
}

/* redact_text of p[0..n) into a new block (*r, *rn); the caller wipes it. */
static int redacted(char **r, size_t *rn, const char *p, size_t n)
{
	size_t cap = 2 * n + 64;

	*r = malloc(cap);
	if (!*r)
		return -1;
	*rn = redact_text(p, n, *r, cap);
	return 0;
}

static void wipe_free(char *p, size_t n)
{
	if (p) {
		explicit_bzero(p, n);
		free(p);
	}
}

static int put_redacted(struct buf *out, const char *p, size_t n)
{
	char *r;
	size_t rn;
	int rc;

	if (!n)
		return 0;
	if (redacted(&r, &rn, p, n) < 0)
		return -1;
	rc = buf_append(out, r, rn);
	wipe_free(r, 2 * n + 64);
	return rc;
}

static int put_fingerprint(struct buf *out, const char *p, size_t n, int close_quote)
{
	char fp[SENSITIVE_FP_MAX];

	fingerprint_bytes(p, n, fp);
	return buf_appendf(out, "\"[redacted %s]%s", fp, close_quote ? "\"" : "");
}

/* The string token at t[0..n) (quotes included) decoded, or its raw
 * inside when it does not decode. *val borrows from *holder or t. */
static void decode_string(json_t **holder, const char **val, size_t *vn, const char *t, size_t n)
{
	*holder = json_loadb(t, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (json_is_string(*holder)) {
		*val = json_string_value(*holder);
		*vn = json_string_length(*holder);
		return;
	}
	json_decref(*holder);
	*holder = NULL;
	*val = t + 1;
	*vn = n >= 2 ? n - 2 : 0;
}

/* Whether redact_text finds anything in p[0..n). */
static int has_secret(const char *p, size_t n, int *found)
{
	char *r;
	size_t rn;

	if (redacted(&r, &rn, p, n) < 0)
		return -1;
	*found = rn != n || memcmp(r, p, n) != 0;
	wipe_free(r, 2 * n + 64);
	return 0;
}

/* Lexer state: the last member name seen and whether its value is next. */
struct lex {
	char key[64];
	size_t keylen;     /* 0 when longer than key[] */
	int value_next;    /* a name and ':' were seen; the next token is its value */
};

/* One closed string token t[0..n); is_key: a ':' follows it. */
static int put_string(struct buf *out, struct lex *lx, const char *t, size_t n, int is_key)
{
	json_t *holder;
	const char *v;
	size_t vn;
	int secret = 0, rc;

	decode_string(&holder, &v, &vn, t, n);
	if (!is_key && lx->value_next && lx->keylen && masktext_secret_name(lx->key, lx->keylen))
		secret = 1;
	else if (has_secret(v, vn, &secret) < 0)
		secret = -1;
	if (secret < 0)
		rc = -1;
	else if (secret)
		rc = put_fingerprint(out, v, vn, 1);
	else
		rc = buf_append(out, t, n);
	if (is_key) {
		lx->keylen = vn < sizeof(lx->key) ? vn : 0;
		memcpy(lx->key, v, lx->keylen);
	}
	lx->value_next = 0;
	json_decref(holder);
	return rc;
}

/* Where the string opened at t[0] ends: the index after its closing
 * quote, or (left open) the index of the newline or end of text; *closed
 * says which. */
static size_t string_end(const char *t, size_t n, int *closed)
{
	size_t i = 1;

	while (i < n && t[i] != '"' && t[i] != '\n') {
		if (t[i] == '\\' && i + 1 < n && t[i + 1] != '\n')
			i++;
		i++;
	}
	*closed = i < n && t[i] == '"';
	return *closed ? i + 1 : i;
}

/* The next byte after t[i..) that is not JSON whitespace, or 0. */
static char next_token(const char *t, size_t n, size_t i)
{
	while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i < n ? t[i] : 0;
}

static int put_open_string(struct buf *out, struct lex *lx, const char *t, size_t n)
{
	int rc;

	if (lx->value_next && lx->keylen && masktext_secret_name(lx->key, lx->keylen))
		rc = put_fingerprint(out, t + 1, n - 1, 0);
	else
		rc = put_redacted(out, t, n);
	lx->value_next = 0;
	return rc;
}

int masktext_json(struct buf *out, const char *text, size_t len, struct err *e)
{
	struct lex lx = { { 0 }, 0, 0 };
	size_t i = 0, j, end;
	int closed, rc = 0;

	while (i < len && rc == 0) {
		if (text[i] != '"') {
			for (j = i; j < len && text[j] != '"'; j++) {
				if (text[j] == ':')
					lx.value_next = 1;
				else if (text[j] != ' ' && text[j] != '\t' && text[j] != '\n' && text[j] != '\r')
					lx.value_next = 0;
			}
			rc = put_redacted(out, text + i, j - i);
			i = j;
			continue;
		}
		end = i + string_end(text + i, len - i, &closed);
		if (closed)
			rc = put_string(out, &lx, text + i, end - i, next_token(text, len, end) == ':');
		else
			rc = put_open_string(out, &lx, text + i, end - i);
		i = end;
	}
	explicit_bzero(&lx, sizeof(lx));
	if (rc < 0)
		return err_set(e, out->truncated ? "masking secrets: text too large" : "out of memory");
	return 0;
}

int masktext_lines(struct buf *out, const char *text, size_t len, struct err *e)
{
	size_t i = 0, j;

	while (i < len) {
		for (j = i; j < len && text[j] != '\n'; j++)
			;
		if (put_redacted(out, text + i, j - i) < 0 || (j < len && buf_append(out, "\n", 1) < 0))
			return err_set(e, out->truncated ? "masking secrets: text too large" : "out of memory");
		i = j + 1;
	}
	return 0;
}
