/* dockerfile.c — the base images of a Dockerfile (FROM lines, global
 * ARGs, stage names) and its RUN secret and ssh mounts, as BuildKit's
 * dockerfile frontend reads them. */
#include "docker/dockerfile.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/fileio.h"

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
	char escape;          /* '\\' or '`' (the escape directive) */
	int seen_from;        /* ARGs after the first FROM are not global */
	int in_directives;    /* still reading "# key=value" lines at the top */
	int cont;             /* the previous line ended with the escape char */
	struct buf logical;   /* the logical line being joined */
	int line;             /* the physical line being read (1-based) */
	int start_line;       /* the line the logical line started on */
	json_t *mounts;       /* RUN secret/ssh mounts are collected here, or NULL */
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

/* One field of a --mount value ("id=x", "required"): key lower-cased as
 * BuildKit's parseMount does. */
static void df_mount_field(json_t *m, const char *field, int *type_ok)
{
	const char *eq = strchr(field, '=');
	char key[32];
	size_t kl = eq ? (size_t)(eq - field) : strlen(field), i;
	const char *val = eq ? eq + 1 : NULL;

	if (kl == 0 || kl >= sizeof(key))
		return;
	for (i = 0; i < kl; i++)
		key[i] = (char)tolower((unsigned char)field[i]);
	key[kl] = '\0';
	if (strcmp(key, "type") == 0 && val) {
		*type_ok = strcasecmp(val, "secret") == 0 || strcasecmp(val, "ssh") == 0;
		json_object_set_new(m, "type", json_string(strcasecmp(val, "ssh") == 0 ? "ssh" : "secret"));
	} else if ((strcmp(key, "id") == 0 || strcmp(key, "source") == 0 || strcmp(key, "src") == 0) && val) {
		json_object_set_new(m, "id", json_string(val));
	} else if ((strcmp(key, "target") == 0 || strcmp(key, "dst") == 0 ||
		    strcmp(key, "destination") == 0) && val) {
		json_object_set_new(m, "target", json_string(val));
	} else if (strcmp(key, "env") == 0 && val) {
		json_object_set_new(m, "env", json_string(val));
	} else if (strcmp(key, "required") == 0) {
		json_object_set_new(m, "required", json_boolean(!val || strcasecmp(val, "true") == 0 ||
								strcmp(val, "1") == 0));
	}
}

/* --mount=<csv> of a RUN: a secret or ssh mount into st->mounts as
 * {type, id, target, env, required, line}. The id is BuildKit's
 * (dockerfile2llb dispatchSecret / dispatchSSH): id or source, else the
 * base name of the target for a secret, "default" for ssh. */
static int df_mount(struct df_state *st, const char *value)
{
	char *v = df_expand_dup(st, value), *field, *save = NULL;
	json_t *m = json_object();
	int type_ok = 0, rc = 0;

	if (!v || !m) {
		free(v);
		json_decref(m);
		return -1;
	}
	json_object_set_new(m, "type", json_string("bind"));
	for (field = strtok_r(v, ",", &save); field; field = strtok_r(NULL, ",", &save))
		df_mount_field(m, field, &type_ok);
	if (type_ok && !json_object_get(m, "id")) {
		const char *t = json_string_value(json_object_get(m, "target")), *slash;
		int ssh = strcmp(json_string_value(json_object_get(m, "type")), "ssh") == 0;

		if (ssh)
			json_object_set_new(m, "id", json_string("default"));
		else if (t && *t)
			json_object_set_new(m, "id", json_string((slash = strrchr(t, '/')) ? slash + 1 : t));
		else
			type_ok = 0;   /* BuildKit: "one of source, target required" */
	}
	if (type_ok) {
		if (!json_object_get(m, "required"))
			json_object_set_new(m, "required", json_false());
		json_object_set_new(m, "line", json_integer(st->start_line));
		rc = json_array_append(st->mounts, m);
	}
	json_decref(m);
	free(v);
	return rc;
}

/* RUN [--flag=value]... command: the --mount flags before the command. */
static int df_run(struct df_state *st, char *rest)
{
	char *w;

	while ((w = df_next_word(&rest)) && strncmp(w, "--", 2) == 0)
		if (strncasecmp(w, "--mount=", 8) == 0 && df_mount(st, w + 8) < 0)
			return -1;
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
	if (strcasecmp(word, "RUN") == 0 && st->mounts)
		return df_run(st, rest);
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

static void df_release(struct df_state *st)
{
	size_t i;

	buf_release(&st->logical);
	for (i = 0; i < st->nvars; i++) {
		free(st->vars[i].name);
		free(st->vars[i].value);
	}
	for (i = 0; i < st->nstages; i++)
		free(st->stages[i]);
	free(st->stages);
}

/* The next physical line of [*p, end) as a new string, trailing CR and
 * blanks removed; a NUL byte ends it (strndup stops there). NULL at the
 * end (*oom set when allocation failed). */
static char *df_read_line(const char **p, const char *end, int *oom)
{
	const char *nl;
	size_t ll;
	char *line;

	if (*p >= end)
		return NULL;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	ll = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	line = strndup(*p, ll);
	*p = nl ? nl + 1 : end;
	if (!line) {
		*oom = 1;
		return NULL;
	}
	ll = strlen(line);
	while (ll > 0 && (line[ll - 1] == '\r' || line[ll - 1] == ' ' || line[ll - 1] == '\t'))
		line[--ll] = '\0';
	return line;
}

/* One physical line: a parser directive, a comment, part of a continued
 * instruction, or the end of one (then run). -1 on OOM. */
static int df_feed(struct df_state *st, char *line, json_t *out)
{
	char key[32], val[32];
	size_t ll = strlen(line);
	const char *t = line;

	if (st->in_directives) {
		if (df_directive(line, key, sizeof(key), val, sizeof(val))) {
			if (strcasecmp(key, "escape") == 0 && (val[0] == '`' || val[0] == '\\') && !val[1])
				st->escape = val[0];
			return 0;
		}
		st->in_directives = 0;
	}
	while (*t == ' ' || *t == '\t')
		t++;
	/* comments, and blank lines inside a continuation */
	if (*t == '#' || (st->cont && !*t))
		return 0;
	st->cont = ll > 0 && line[ll - 1] == st->escape;
	if (st->cont)
		line[ll - 1] = '\0';
	if (buf_appends(&st->logical, line) < 0)
		return -1;
	if (st->cont)
		return 0;
	if (df_instruction(st, st->logical.data, out) < 0)
		return -1;
	st->logical.len = 0;
	st->logical.data[0] = '\0';
	return 0;
}

/* Reads text: the FROM images into froms, and (mounts not NULL) the RUN
 * secret/ssh mounts into mounts. -1 on OOM. */
static int df_scan(json_t *froms, json_t *mounts, const char *text, size_t len)
{
	struct df_state st;
	const char *p = text, *end = text + len;
	char *line;
	int oom = 0;

	memset(&st, 0, sizeof(st));
	st.escape = '\\';
	st.in_directives = 1;
	st.mounts = mounts;
	st.logical = (struct buf)BUF_INIT(DOCKERFILE_MAX);
	while (!oom && (line = df_read_line(&p, end, &oom))) {
		st.line++;
		if (st.logical.len == 0)
			st.start_line = st.line;
		oom = df_feed(&st, line, froms) < 0;
		free(line);
	}
	/* a continuation at the end of the file is still an instruction */
	if (!oom && st.logical.len > 0)
		oom = df_instruction(&st, st.logical.data, froms) < 0;
	df_release(&st);
	return oom ? -1 : 0;
}

int dockerfile_from_images_text(json_t **out, const char *text, size_t len, struct err *e)
{
	json_t *arr = json_array();

	*out = NULL;
	if (!arr || df_scan(arr, NULL, text, len) < 0) {
		json_decref(arr);
		return err_set(e, "out of memory");
	}
	*out = arr;
	return 0;
}

int dockerfile_run_mounts_text(json_t **out, const char *text, size_t len, struct err *e)
{
	json_t *froms = json_array(), *arr = json_array();

	*out = NULL;
	if (!froms || !arr || df_scan(froms, arr, text, len) < 0) {
		json_decref(froms);
		json_decref(arr);
		return err_set(e, "out of memory");
	}
	json_decref(froms);
	*out = arr;
	return 0;
}

/* Reads path and runs fn on its text. */
static int df_file(json_t **out, const char *path,
		   int (*fn)(json_t **, const char *, size_t, struct err *), struct err *e)
{
	struct buf b = BUF_INIT(DOCKERFILE_MAX);
	int rc;

	*out = NULL;
	if (fileio_read(&b, path, DOCKERFILE_MAX, NULL, e) < 0) {
		buf_release(&b);
		return -1;
	}
	rc = fn(out, b.data, b.len, e);
	buf_release(&b);
	return rc;
}

int dockerfile_from_images(json_t **out, const char *path, struct err *e)
{
	return df_file(out, path, dockerfile_from_images_text, e);
}

int dockerfile_run_mounts(json_t **out, const char *path, struct err *e)
{
	return df_file(out, path, dockerfile_run_mounts_text, e);
}
