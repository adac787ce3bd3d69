#include "audit/dockerfile.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"

#define DF_INSTRUCTION_MAX (1u << 20)   /* one logical instruction */
#define DF_WORDS_MAX 256
#define DF_HEREDOCS_MAX 8

struct lexer {
	const char *p, *end;
	int lineno;
	char escape;
	int directives_open;
};

/* The next physical line, without its '\n' (and '\r'); 0 at the end. */
static int next_line(struct lexer *lx, const char **l, size_t *n)
{
	const char *nl;

	if (lx->p >= lx->end)
		return 0;
	nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));
	*l = lx->p;
	*n = nl ? (size_t)(nl - lx->p) : (size_t)(lx->end - lx->p);
	lx->p = nl ? nl + 1 : lx->end;
	lx->lineno++;
	if (*n && (*l)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

static void skip_space(const char **l, size_t *n)
{
	while (*n && (**l == ' ' || **l == '\t')) {
		(*l)++;
		(*n)--;
	}
}

/* "# key=value" at the top: escape is the one that matters here. */
static int directive(struct lexer *lx, const char *l, size_t n)
{
	char key[32], val[32];
	size_t k = 0, v = 0;

	skip_space(&l, &n);
	if (!n || *l != '#')
		return 0;
	l++, n--;
	skip_space(&l, &n);
	while (n && (isalnum((unsigned char)*l) || *l == '_') && k + 1 < sizeof(key))
		key[k++] = (char)tolower((unsigned char)*l++), n--;
	key[k] = '\0';
	skip_space(&l, &n);
	if (!k || !n || *l != '=')
		return 0;
	l++, n--;
	skip_space(&l, &n);
	while (n && !isspace((unsigned char)*l) && v + 1 < sizeof(val))
		val[v++] = *l++, n--;
	val[v] = '\0';
	if (strcmp(key, "escape") == 0 && (strcmp(val, "`") == 0 || strcmp(val, "\\") == 0))
		lx->escape = val[0];
	return 1;
}

/* Strips trailing blanks; 1 (and the escape removed) when the line
 * continues. */
static int continues(const struct lexer *lx, const char *l, size_t *n)
{
	while (*n && (l[*n - 1] == ' ' || l[*n - 1] == '\t'))
		(*n)--;
	if (*n && l[*n - 1] == lx->escape) {
		(*n)--;
		return 1;
	}
	return 0;
}

/* Reads the heredoc markers of an instruction ("<<EOF", "<<-'EOF'"). */
static int heredoc_markers(const char *ins, char marks[][64], int *strip_tabs, int max)
{
	const char *p = ins;
	int n = 0;
	size_t k;

	while ((p = strstr(p, "<<")) && n < max) {
		p += 2;
		if (*p == '<')
			continue;                   /* "<<<" is a here-string */
		strip_tabs[n] = *p == '-';
		if (*p == '-')
			p++;
		if (*p == '"' || *p == '\'')
			p++;
		for (k = 0; *p && !isspace((unsigned char)*p) && *p != '"' && *p != '\'' &&
			    k + 1 < sizeof(marks[0]); p++)
			marks[n][k++] = *p;
		marks[n][k] = '\0';
		if (k)
			n++;
	}
	return n;
}

static void skip_heredocs(struct lexer *lx, const char *ins)
{
	char marks[DF_HEREDOCS_MAX][64];
	int strip[DF_HEREDOCS_MAX], n, i;
	const char *l;
	size_t len;

	if (strncasecmp(ins, "RUN", 3) != 0 && strncasecmp(ins, "COPY", 4) != 0 &&
	    strncasecmp(ins, "ADD", 3) != 0)
		return;
	n = heredoc_markers(ins, marks, strip, DF_HEREDOCS_MAX);
	for (i = 0; i < n; i++) {
		while (next_line(lx, &l, &len)) {
			if (strip[i])
				while (len && *l == '\t')
					l++, len--;
			if (len == strlen(marks[i]) && memcmp(l, marks[i], len) == 0)
				break;
		}
	}
}

/* The next logical instruction into ins; *line is where it starts. */
static int next_instruction(struct lexer *lx, struct buf *ins, int *line)
{
	const char *l;
	size_t n;
	int more;

	buf_release(ins);
	*ins = (struct buf)BUF_INIT(DF_INSTRUCTION_MAX);
	for (;;) {
		if (!next_line(lx, &l, &n))
			return 0;
		if (lx->directives_open && directive(lx, l, n))
			continue;
		lx->directives_open = 0;
		skip_space(&l, &n);
		if (n == 0 || *l == '#')
			continue;
		break;
	}
	*line = lx->lineno;
	for (;;) {
		more = continues(lx, l, &n);
		if (buf_append(ins, l, n) < 0 && !ins->truncated)
			return -1;
		if (!more)
			break;
		do {
			if (!next_line(lx, &l, &n))
				goto done;
			skip_space(&l, &n);
		} while (n == 0 || *l == '#');
		if (buf_append(ins, " ", 1) < 0 && !ins->truncated)
			return -1;
	}
done:
	if (!ins->data && buf_append(ins, "", 0) < 0)
		return -1;
	skip_heredocs(lx, ins->data);
	return 1;
}

/* Shell-like words (quotes removed, escapes honoured) of s, in place. */
static int split_words(char *s, char escape, char **words, int max)
{
	char *r = s, *w = s;
	int n = 0, in_word = 0;
	char quote = 0;

	for (; *r; r++) {
		if (!quote && isspace((unsigned char)*r)) {
			if (in_word) {
				*w++ = '\0';
				in_word = 0;
			}
			continue;
		}
		if (!in_word) {
			if (n >= max)
				break;
			words[n++] = w;
			in_word = 1;
		}
		if (quote ? *r == quote : (*r == '"' || *r == '\'')) {
			quote = quote ? 0 : *r;
			continue;
		}
		if (*r == escape && quote != '\'' && r[1]) {
			*w++ = *++r;
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
	return n;
}

static int has_part(const char *name, const char *const *parts)
{
	const char *p = name, *us;
	size_t len;
	int i;

	for (;;) {
		us = strchr(p, '_');
		len = us ? (size_t)(us - p) : strlen(p);
		for (i = 0; parts[i]; i++)
			if (strlen(parts[i]) == len && strncasecmp(p, parts[i], len) == 0)
				return 1;
		if (!us)
			return 0;
		p = us + 1;
	}
}

int dockerfile_secret_name(const char *name)
{
	static const char *const deny[] = { "apikey", "auth", "credential", "credentials", "key",
					    "password", "pword", "passwd", "secret", "token", NULL };
	static const char *const allow[] = { "public", "file", "version", NULL };

	return has_part(name, deny) && !has_part(name, allow);
}

int dockerfile_is_name(const char *name)
{
	size_t n = strlen(name);

	if (n >= 13 && strcmp(name + n - 13, ".dockerignore") == 0)
		return 0;
	if (strcmp(name, "Dockerfile") == 0 || strcmp(name, "dockerfile") == 0 ||
	    strcmp(name, "Containerfile") == 0)
		return 1;
	if (n > 11 && strcmp(name + n - 11, ".Dockerfile") == 0)
		return 1;
	return strncmp(name, "Dockerfile.", 11) == 0 && n > 11;
}

static int arg_env(struct audit_report *r, const struct audit_loc *at, const char *kw, char *rest,
		   char escape)
{
	char *words[DF_WORDS_MAX], subject[300], *eq;
	int n, i, legacy_env;
	struct audit_loc loc = *at;

	n = split_words(rest, escape, words, DF_WORDS_MAX);
	legacy_env = strcmp(kw, "ENV") == 0 && n > 0 && !strchr(words[0], '=');
	for (i = 0; i < n; i++) {
		eq = strchr(words[i], '=');
		if (eq)
			*eq = '\0';
		if (dockerfile_secret_name(words[i])) {
			snprintf(subject, sizeof(subject), "%s %s", kw, words[i]);
			loc.subject = subject;
			if (audit_add(r, RULE_DOCKERFILE_SECRET_ARG, &loc, NULL,
				      strcmp(kw, "ARG") == 0 ?
				      "ARG %s passes a secret as a build argument: its value is kept in "
				      "the image history and the build cache; use `RUN "
				      "--mount=type=secret,id=%s` and `docker build --secret id=%s`" :
				      "ENV %s puts a secret in the image configuration: every container "
				      "and `docker inspect` shows it; use `RUN --mount=type=secret,id=%s` "
				      "and `docker build --secret id=%s`",
				      words[i], words[i], words[i]) < 0)
				return -1;
		}
		if (legacy_env)
			break;
	}
	return 0;
}

/* Is a COPY source or destination a credential file? Returns what it is. */
static const char *credential_path(const char *path, int dest)
{
	static const char *const names[] = { ".dockercfg", ".npmrc", ".netrc", ".git-credentials",
					     ".pypirc", NULL };
	const char *p = path, *slash, *base = path;
	size_t len;
	int i;

	for (;;) {
		slash = strchr(p, '/');
		len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 7 && strncmp(p, ".docker", 7) == 0)
			return dest ? "a .docker directory" : "a docker config (.docker)";
		if (len)
			base = p;
		if (!slash)
			break;
		p = slash + 1;
	}
	if (dest)
		return NULL;
	for (i = 0; names[i]; i++)
		if (strncmp(base, names[i], strlen(names[i])) == 0 &&
		    (base[strlen(names[i])] == '\0' || base[strlen(names[i])] == '/'))
			return names[i];
	len = strlen(path);
	if (len >= 20 && strcmp(path + len - 20, "containers/auth.json") == 0)
		return "a containers auth.json";
	return NULL;
}

/* The arguments of COPY/ADD after its flags: a JSON array or words. */
static int copy_args(char *rest, char **args, int max, json_t **json)
{
	char *p = rest;
	size_t i;
	int n = 0;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (strncmp(p, "--", 2) != 0)
			break;
		while (*p && !isspace((unsigned char)*p))
			p++;
	}
	*json = NULL;
	if (*p == '[') {
		*json = json_loads(p, JSON_DECODE_ANY, NULL);
		if (json_is_array(*json)) {
			for (i = 0; i < json_array_size(*json) && n < max; i++)
				if (json_is_string(json_array_get(*json, i)))
					args[n++] = (char *)json_string_value(json_array_get(*json, i));
			return n;
		}
		json_decref(*json);
		*json = NULL;
	}
	while (*p && n < max) {
		while (isspace((unsigned char)*p))
			*p++ = '\0';
		if (!*p)
			break;
		args[n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
	}
	return n;
}

static int copy_add(struct audit_report *r, const struct audit_loc *at, const char *kw, char *rest,
		    struct dockerfile_scan *out)
{
	char *args[DF_WORDS_MAX], subject[600], src[512];
	const char *what;
	json_t *json = NULL;
	struct audit_loc loc = *at;
	int n, i, rc = 0;

	n = copy_args(rest, args, DF_WORDS_MAX, &json);
	for (i = 0; i + 1 < n && rc == 0; i++) {
		snprintf(src, sizeof(src), "%s", args[i]);
		while (strncmp(src, "./", 2) == 0)
			memmove(src, src + 2, strlen(src + 2) + 1);
		if ((!src[0] || strcmp(src, ".") == 0 || strcmp(src, "*") == 0) && !out->copy_all_line)
			out->copy_all_line = at->line;
		what = credential_path(src, 0);
		if (!what)
			what = credential_path(args[n - 1], 1) ? "a file into a .docker directory" : NULL;
		if (!what)
			continue;
		snprintf(subject, sizeof(subject), "%s %s", kw, args[i]);
		loc.subject = subject;
		rc = audit_add(r, RULE_DOCKERFILE_COPIES_CREDENTIALS, &loc, NULL,
			       "%s %s -> %s copies %s into an image layer, where it stays even if a "
			       "later step deletes it; mount it for the one step that needs it "
			       "(`RUN --mount=type=secret,id=...,target=...`)",
			       kw, args[i], args[n - 1], what);
	}
	json_decref(json);
	return rc;
}

int dockerfile_audit(struct audit_report *r, const struct audit_loc *loc, const char *text,
		     size_t len, struct dockerfile_scan *out)
{
	struct lexer lx = { text, text + len, 0, '\\', 1 };
	struct buf ins = BUF_INIT(DF_INSTRUCTION_MAX);
	struct audit_loc at = *loc;
	char kw[16], *rest;
	size_t k;
	int line = 0, got, rc = 0;

	memset(out, 0, sizeof(*out));
	while (rc == 0 && (got = next_instruction(&lx, &ins, &line)) != 0) {
		if (got < 0) {
			rc = -1;
			break;
		}
		out->instructions++;
		for (k = 0; ins.data[k] && !isspace((unsigned char)ins.data[k]) && k + 1 < sizeof(kw); k++)
			kw[k] = (char)toupper((unsigned char)ins.data[k]);
		kw[k] = '\0';
		rest = ins.data + k;
		at.line = line;
		if (strcmp(kw, "ARG") == 0 || strcmp(kw, "ENV") == 0)
			rc = arg_env(r, &at, kw, rest, lx.escape);
		else if (strcmp(kw, "COPY") == 0 || strcmp(kw, "ADD") == 0)
			rc = copy_add(r, &at, kw, rest, out);
	}
	buf_release(&ins);
	return rc;
}
