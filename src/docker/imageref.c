#include "docker/imageref.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/fileio.h"
#include "docker/dockercfg.h"
#include "docker/regname.h"

/* ---- references ---- */

static int is_alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* path-component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*, joined by '/'. */
static int valid_path(const char *p)
{
	while (*p) {
		if (!is_alnum_lower(*p))
			return 0;
		while (is_alnum_lower(*p))
			p++;
		while (*p == '.' || *p == '_' || *p == '-') {
			if (*p == '.') {
				p++;
			} else if (*p == '_') {
				p++;
				if (*p == '_')
					p++;
			} else {
				while (*p == '-')
					p++;
			}
			if (!is_alnum_lower(*p))
				return 0;
			while (is_alnum_lower(*p))
				p++;
		}
		if (*p == '/') {
			p++;
			if (!*p)
				return 0;
		} else if (*p) {
			return 0;
		}
	}
	return 1;
}

static int valid_tag(const char *t)
{
	size_t n = strlen(t), i;

	if (n == 0 || n > 128)
		return 0;
	if (!(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!(isalnum((unsigned char)t[i]) || t[i] == '_' || t[i] == '.' || t[i] == '-'))
			return 0;
	return 1;
}

static int valid_digest(const char *d, struct err *e)
{
	const char *colon = strchr(d, ':'), *p;
	size_t hexlen;

	if (!colon || colon == d || !colon[1])
		return err_set(e, "invalid reference format");
	for (p = d; p < colon; p++)
		if (!is_alnum_lower(*p) && !strchr("+._-", *p))
			return err_set(e, "invalid reference format");
	for (p = colon + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("=_-", *p))
			return err_set(e, "invalid reference format");
	if (strncmp(d, "sha256:", 7) == 0) {
		hexlen = strlen(colon + 1);
		for (p = colon + 1; *p; p++)
			if (!isxdigit((unsigned char)*p) || isupper((unsigned char)*p))
				return err_set(e, "invalid checksum digest format");
		if (hexlen != 64)
			return err_set(e, "invalid checksum digest length");
	}
	return 0;
}

int image_ref_parse(struct image_ref *out, const char *ref, struct err *e)
{
	char name[IMAGEREF_NAME_MAX * 2];
	const char *rem, *p;
	char *at, *lastslash, *colon;
	size_t flen, i;
	int hex64 = 1;

	memset(out, 0, sizeof(*out));
	if (!ref || !*ref)
		return err_set(e, "invalid reference format");
	if (strlen(ref) >= sizeof(name))
		return err_set(e, "invalid reference format: repository name must not be more than 255 characters");
	for (i = 0; ref[i]; i++)
		if (!isxdigit((unsigned char)ref[i]) || isupper((unsigned char)ref[i]))
			hex64 = 0;
	if (hex64 && i == 64)
		return err_set(e, "invalid repository name (%s), cannot specify 64-byte hexadecimal strings", ref);

	/* splitDockerDomain (docker/regname.c has the rule) */
	flen = regname_domain_len(ref, strlen(ref));
	if (flen == 0) {
		snprintf(out->domain, sizeof(out->domain), "%s", REGNAME_HUB);
		rem = ref;
	} else {
		if (flen >= sizeof(out->domain))
			return err_set(e, "invalid reference format");
		memcpy(out->domain, ref, flen);
		out->domain[flen] = '\0';
		if (regname_ref_domain(out->domain) != out->domain)   /* index.docker.io */
			snprintf(out->domain, sizeof(out->domain), "%s", REGNAME_HUB);
		rem = ref + flen + 1;
	}
	if (strcmp(out->domain, REGNAME_HUB) == 0 && !strchr(rem, '/'))
		snprintf(name, sizeof(name), "library/%s", rem);
	else
		snprintf(name, sizeof(name), "%s", rem);
	for (p = name; *p; p++) {
		if (isupper((unsigned char)*p)) {
			/* docker names the remainder, tag included */
			return err_set(e, "invalid reference format: repository name (%s) must be lowercase", name);
		}
	}
	if (!regname_valid_host(out->domain))
		return err_set(e, "invalid reference format");

	at = strchr(name, '@');
	if (at) {
		*at = '\0';
		if (strlen(at + 1) >= sizeof(out->digest))
			return err_set(e, "invalid reference format");
		if (valid_digest(at + 1, e) < 0)
			return -1;
		snprintf(out->digest, sizeof(out->digest), "%s", at + 1);
	}
	lastslash = strrchr(name, '/');
	colon = strrchr(lastslash ? lastslash : name, ':');
	if (colon) {
		*colon = '\0';
		if (!valid_tag(colon + 1))
			return err_set(e, "invalid reference format");
		snprintf(out->tag, sizeof(out->tag), "%s", colon + 1);
	}
	if (!*name || !valid_path(name))
		return err_set(e, "invalid reference format");
	if (strlen(out->domain) + 1 + strlen(name) > 255)
		return err_set(e, "invalid reference format: repository name must not be more than 255 characters");
	snprintf(out->path, sizeof(out->path), "%s", name);
	if (!out->tag[0] && !out->digest[0])
		snprintf(out->tag, sizeof(out->tag), "latest");
	snprintf(out->registry, sizeof(out->registry), "%s", regname_canonical(out->domain));
	return 0;
}

/* ---- Dockerfile FROM lines ---- */

#define DF_VARS_MAX 256

struct df_var {
	char *name;
	char *value;
};

struct df_state {
	struct df_var vars[DF_VARS_MAX];
	size_t nvars;
	char **stages;
	size_t nstages;
	char escape;
	int seen_from;
};

static const char *df_get(const struct df_state *st, const char *name, size_t len)
{
	size_t i;

	for (i = st->nvars; i-- > 0;)
		if (strlen(st->vars[i].name) == len && strncmp(st->vars[i].name, name, len) == 0)
			return st->vars[i].value;
	return NULL;
}

static int is_name_char(char c, int first)
{
	return isalpha((unsigned char)c) || c == '_' || (!first && isdigit((unsigned char)c));
}

/* Expands $V, ${V}, ${V:-w}, ${V-w}, ${V:+w}, ${V+w} in s into b; quotes
 * are removed as the shell lexer does. */
static int df_expand(const struct df_state *st, const char *s, struct buf *b)
{
	const char *p = s, *val, *name;
	size_t nlen;
	char q = 0;

	while (*p) {
		if (*p == st->escape && p[1] && q != '\'') {
			if (buf_append(b, p + 1, 1) < 0)
				return -1;
			p += 2;
			continue;
		}
		if ((*p == '"' || *p == '\'') && (!q || q == *p)) {
			q = q ? 0 : *p;
			p++;
			continue;
		}
		if (*p != '$' || q == '\'') {
			if (buf_append(b, p, 1) < 0)
				return -1;
			p++;
			continue;
		}
		p++;
		if (*p == '{') {
			const char *end = strchr(p, '}'), *op;
			struct buf word = BUF_INIT(4096);
			char *wtext;
			int rc;

			if (!end)
				return buf_appends(b, p - 1);
			name = p + 1;
			for (op = name; op < end && is_name_char(*op, op == name); op++)
				;
			nlen = (size_t)(op - name);
			val = df_get(st, name, nlen);
			if (op == end) {
				if (val && buf_appends(b, val) < 0)
					return -1;
			} else {
				int colon = *op == ':';
				char kind = colon ? op[1] : op[0];
				const char *w = op + (colon ? 2 : 1);
				int set = val && (!colon || *val);

				if (w > end || (kind != '-' && kind != '+')) {
					p = end + 1;
					continue;
				}
				if (buf_append(&word, w, (size_t)(end - w)) < 0) {
					buf_release(&word);
					return -1;
				}
				wtext = buf_detach(&word, NULL);
				rc = 0;
				if (kind == '-')
					rc = set ? buf_appends(b, val) : df_expand(st, wtext, b);
				else if (set)
					rc = df_expand(st, wtext, b);
				free(wtext);
				if (rc < 0)
					return -1;
			}
			p = end + 1;
		} else if (is_name_char(*p, 1)) {
			name = p;
			while (is_name_char(*p, p == name))
				p++;
			val = df_get(st, name, (size_t)(p - name));
			if (val && buf_appends(b, val) < 0)
				return -1;
		} else if (buf_append(b, "$", 1) < 0) {
			return -1;
		}
	}
	return 0;
}

static char *df_expand_dup(const struct df_state *st, const char *s)
{
	struct buf b = BUF_INIT(65536);

	if (df_expand(st, s, &b) < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* Splits on blanks, honouring quotes (kept in the word for df_expand). */
static char *df_next_word(char **cursor)
{
	char *p = *cursor, *start;
	char q = 0;

	while (*p && isspace((unsigned char)*p))
		p++;
	if (!*p) {
		*cursor = p;
		return NULL;
	}
	start = p;
	for (; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (isspace((unsigned char)*p)) {
			break;
		}
	}
	if (*p)
		*p++ = '\0';
	*cursor = p;
	return start;
}

static int df_arg(struct df_state *st, char *rest)
{
	char *w, *eq, *val, *name;

	while ((w = df_next_word(&rest))) {
		eq = strchr(w, '=');
		/* ARG NAME without a default: only --build-arg would set it */
		if (!eq || st->nvars == DF_VARS_MAX)
			continue;
		*eq = '\0';
		val = df_expand_dup(st, eq + 1);
		name = strdup(w);
		if (!val || !name) {
			free(val);
			free(name);
			return -1;
		}
		st->vars[st->nvars].name = name;
		st->vars[st->nvars].value = val;
		st->nvars++;
	}
	return 0;
}

static int df_is_stage(const struct df_state *st, const char *ref)
{
	size_t i;

	for (i = 0; i < st->nstages; i++)
		if (strcasecmp(st->stages[i], ref) == 0)
			return 1;
	return 0;
}

static int df_from(struct df_state *st, char *rest, json_t *out)
{
	char *w, *img = NULL, *expanded, *as, *name, **grown;
	size_t i;
	int dup = 0;

	while ((w = df_next_word(&rest))) {
		if (strncmp(w, "--", 2) == 0)
			continue;
		img = w;
		break;
	}
	if (!img)
		return 0;
	as = df_next_word(&rest);
	name = as && strcasecmp(as, "as") == 0 ? df_next_word(&rest) : NULL;
	expanded = df_expand_dup(st, img);
	if (!expanded)
		return -1;
	if (*expanded && strcasecmp(expanded, "scratch") != 0 && !df_is_stage(st, expanded)) {
		for (i = 0; i < json_array_size(out); i++)
			if (strcmp(json_string_value(json_array_get(out, i)), expanded) == 0)
				dup = 1;
		if (!dup && json_array_append_new(out, json_string(expanded)) < 0) {
			free(expanded);
			return -1;
		}
	}
	free(expanded);
	if (name) {
		grown = realloc(st->stages, (st->nstages + 1) * sizeof(*grown));
		if (!grown)
			return -1;
		st->stages = grown;
		st->stages[st->nstages] = strdup(name);
		if (!st->stages[st->nstages])
			return -1;
		st->nstages++;
	}
	st->seen_from = 1;
	return 0;
}

static int df_instruction(struct df_state *st, char *line, json_t *out)
{
	char *rest = line, *word = df_next_word(&rest);

	if (!word)
		return 0;
	if (strcasecmp(word, "FROM") == 0)
		return df_from(st, rest, out);
	if (strcasecmp(word, "ARG") == 0 && !st->seen_from)
		return df_arg(st, rest);
	return 0;
}

/* "# key=value" parser directive at the top of the file. */
static int df_directive(const char *line, char *key, size_t kn, char *val, size_t vn)
{
	const char *p = line, *k, *v;
	size_t klen, vlen;

	if (*p != '#')
		return 0;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	k = p;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == '-')
		p++;
	klen = (size_t)(p - k);
	while (*p == ' ' || *p == '\t')
		p++;
	if (klen == 0 || *p != '=' || klen >= kn)
		return 0;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	v = p;
	vlen = strcspn(v, " \t\r\n");
	if (vlen >= vn)
		return 0;
	memcpy(key, k, klen);
	key[klen] = '\0';
	memcpy(val, v, vlen);
	val[vlen] = '\0';
	return 1;
}

int dockerfile_from_images_text(json_t **out, const char *text, size_t len, struct err *e)
{
	struct df_state st;
	struct buf logical = BUF_INIT(DOCKERCFG_FILE_MAX);
	const char *p = text, *end = text + len, *nl;
	char *line = NULL, key[32], val[32];
	int in_directives = 1, cont = 0, rc = -1;
	size_t i, ll;
	json_t *arr = json_array();

	memset(&st, 0, sizeof(st));
	st.escape = '\\';
	*out = NULL;
	if (!arr)
		return err_set(e, "out of memory");
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		free(line);
		line = strndup(p, ll);
		if (!line) {
			err_set(e, "out of memory");
			goto cleanup;
		}
		p = nl ? nl + 1 : end;
		ll = strlen(line);   /* a NUL byte ends the line (strndup stopped there) */
		while (ll > 0 && (line[ll - 1] == '\r' || line[ll - 1] == ' ' || line[ll - 1] == '\t'))
			line[--ll] = '\0';
		if (in_directives) {
			if (df_directive(line, key, sizeof(key), val, sizeof(val))) {
				if (strcasecmp(key, "escape") == 0 && (val[0] == '`' || val[0] == '\\') && !val[1])
					st.escape = val[0];
				continue;
			}
			in_directives = 0;
		}
		{
			const char *t = line;

			while (*t == ' ' || *t == '\t')
				t++;
			/* comments, and blank lines inside a continuation */
			if (*t == '#' || (cont && !*t))
				continue;
		}
		if (ll > 0 && line[ll - 1] == st.escape) {
			line[ll - 1] = '\0';
			if (buf_appends(&logical, line) < 0) {
				err_set(e, "out of memory");
				goto cleanup;
			}
			cont = 1;
			continue;
		}
		if (buf_appends(&logical, line) < 0) {
			err_set(e, "out of memory");
			goto cleanup;
		}
		cont = 0;
		if (df_instruction(&st, logical.data, arr) < 0) {
			err_set(e, "out of memory");
			goto cleanup;
		}
		logical.len = 0;
		logical.data[0] = '\0';
	}
	if (logical.len > 0 && df_instruction(&st, logical.data, arr) < 0) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	*out = arr;
	arr = NULL;
	rc = 0;
cleanup:
	free(line);
	buf_release(&logical);
	for (i = 0; i < st.nvars; i++) {
		free(st.vars[i].name);
		free(st.vars[i].value);
	}
	for (i = 0; i < st.nstages; i++)
		free(st.stages[i]);
	free(st.stages);
	json_decref(arr);
	return rc;
}

int dockerfile_from_images(json_t **out, const char *path, struct err *e)
{
	struct buf b = BUF_INIT(DOCKERCFG_FILE_MAX);
	int rc;

	*out = NULL;
	if (fileio_read(&b, path, DOCKERCFG_FILE_MAX, NULL, e) < 0) {
		buf_release(&b);
		return -1;
	}
	rc = dockerfile_from_images_text(out, b.data, b.len, e);
	buf_release(&b);
	return rc;
}
