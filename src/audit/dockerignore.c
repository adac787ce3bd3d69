#include "audit/dockerignore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#define DI_LINE_MAX 65536   /* bufio.Scanner's default token limit */

void dockerignore_clean(char *out, size_t n, const char *path)
{
	size_t len = strlen(path), r = 0, w = 0, dotdot = 0;
	int rooted;

	if (n == 0)
		return;
	if (len == 0 || n < 2) {
		snprintf(out, n, ".");
		return;
	}
	rooted = path[0] == '/';
	if (rooted) {
		out[w++] = '/';
		r = dotdot = 1;
	}
	while (r < len && w + 1 < n) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' && (r + 1 == len || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == len || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted && w + 3 < n) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			for (; r < len && path[r] != '/' && w + 1 < n; r++)
				out[w++] = path[r];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = '\0';
}

void dockerignore_release(struct dockerignore *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->p[i].re_ok)
			regfree(&d->p[i].re);
		free(d->p[i].cleaned);
	}
	free(d->p);
	d->p = NULL;
	d->n = 0;
	d->exclusions = 0;
	d->only_prefix_exceptions = 1;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Go's strings.TrimSpace (ASCII white space) of [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n && is_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* filepath.Match's syntax check: a class must close, no trailing '\'. */
static int pattern_valid(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\') {
			if (!p[1])
				return 0;
			p++;
		} else if (*p == '[') {
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				return 0;   /* Go: an empty class is malformed */
			while (*p && *p != ']') {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			if (!*p)
				return 0;
		}
	}
	return 1;
}

/* One character of the pattern, as a literal in a POSIX ERE. */
static int re_literal(struct buf *re, unsigned char c)
{
	char one[2] = { (char)c, 0 };

	if (c == '^')
		return buf_appends(re, "\\^");
	if (c == '\\')
		return buf_appends(re, "[\\]");
	if (c == '[')
		return buf_appends(re, "\\[");
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c >= 0x80 || c == ']' || c == '/')
		return buf_appends(re, one);
	return buf_appendf(re, "[%c]", c);
}

/* '?': one UTF-8 character but '/' (or one stray byte). */
#define RE_ANY_CHAR "([^/\x80-\xff]|[\xc2-\xf4][\x80-\xbf]+|[\x80-\xff])"

/* Pattern.compile: the match type and, for DI_REGEX, the expression. */
static int compile(struct di_pattern *p, struct err *e)
{
	struct buf re = BUF_INIT(DI_LINE_MAX * 8);
	const char *s = p->cleaned;
	enum di_type type = DI_EXACT;
	int i, rc = -1, in_class = 0;

	buf_appends(&re, "^");
	for (i = 0; *s; i++) {
		unsigned char ch = (unsigned char)*s++;

		if (in_class && ch != ']') {
			/* inside [...] the regexp takes the characters as they are */
			buf_appendf(&re, "%c", ch);
		} else if (ch == '*' && *s == '*') {
			s++;
			if (*s == '/')
				s++;
			if (!*s) {
				if (type == DI_EXACT) {
					type = DI_PREFIX;
				} else {
					buf_appends(&re, ".*");
					type = DI_REGEX;
				}
			} else {
				buf_appends(&re, "(.*/)?");
				type = DI_REGEX;
			}
			if (i == 0)
				type = DI_SUFFIX;
		} else if (ch == '*') {
			buf_appends(&re, "[^/]*");
			type = DI_REGEX;
		} else if (ch == '?') {
			buf_appends(&re, RE_ANY_CHAR);
			type = DI_REGEX;
		} else if (ch == '\\') {
			if (*s) {
				re_literal(&re, (unsigned char)*s++);
				type = DI_REGEX;
			} else {
				re_literal(&re, '\\');
			}
		} else if (ch == '[' || ch == ']') {
			buf_appendf(&re, "%c", ch);
			in_class = ch == '[';
			type = DI_REGEX;
		} else {
			re_literal(&re, ch);
		}
	}
	p->type = type;
	if (type == DI_REGEX) {
		buf_appends(&re, "$");
		if (re.truncated || !re.data) {
			err_set(e, "pattern '%s' is too long", p->cleaned);
			goto cleanup;
		}
		if (regcomp(&p->re, re.data, REG_EXTENDED | REG_NOSUB) != 0) {
			err_set(e, "bad pattern '%s'", p->cleaned);
			goto cleanup;
		}
		p->re_ok = 1;
	}
	rc = 0;
cleanup:
	buf_release(&re);
	return rc;
}

/* ignorefile.ReadAll's treatment of one line into out (NUL-terminated);
 * 0 when the line is no pattern. */
static int read_line(char *out, size_t n, const char *l, size_t len)
{
	char tmp[DI_LINE_MAX + 2], clean[DI_LINE_MAX + 2];
	int invert;

	if (len && l[len - 1] == '\r')
		len--;
	if (len && l[0] == '#')
		return 0;
	trim(&l, &len);
	if (len == 0)
		return 0;
	invert = l[0] == '!';
	if (invert) {
		l++;
		len--;
		trim(&l, &len);
	}
	memcpy(tmp, l, len);
	tmp[len] = '\0';
	clean[0] = '\0';
	if (len > 0) {
		dockerignore_clean(clean, sizeof(clean), tmp);
		if (strlen(clean) > 1 && clean[0] == '/')
			memmove(clean, clean + 1, strlen(clean));
	}
	snprintf(out, n, "%s%s", invert ? "!" : "", clean);
	return 1;
}

/* patternmatcher.New for one pattern from ReadAll. */
static int add_pattern(struct dockerignore *d, const char *line, size_t *cap, struct err *e)
{
	char raw[DI_LINE_MAX + 2], clean[DI_LINE_MAX + 2];
	const char *s = line;
	size_t n = strlen(line);
	struct di_pattern *np, *p;

	trim(&s, &n);
	if (n == 0)
		return 0;
	memcpy(raw, s, n);
	raw[n] = '\0';
	dockerignore_clean(clean, sizeof(clean), raw);
	if (d->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		np = realloc(d->p, *cap * sizeof(*np));
		if (!np)
			return err_set(e, "out of memory");
		d->p = np;
	}
	p = &d->p[d->n];
	memset(p, 0, sizeof(*p));
	if (clean[0] == '!') {
		if (!clean[1])
			return err_set(e, "illegal exclusion pattern: \"!\"");
		p->exclusion = 1;
		d->exclusions = 1;
	}
	if (!pattern_valid(clean + p->exclusion))
		return err_set(e, "syntax error in pattern '%s'", clean);
	p->cleaned = strdup(clean + p->exclusion);
	if (!p->cleaned)
		return err_set(e, "out of memory");
	d->n++;
	return compile(p, e);
}

/* patternWithoutTrailingGlob, as fsutil strips it. */
static size_t without_trailing_glob(const char *p)
{
	size_t n = strlen(p);

	if (n >= 3 && strcmp(p + n - 3, "/**") == 0)
		n -= 3;
	if (n >= 2 && strncmp(p + n - 2, "/*", 2) == 0)
		n -= 2;
	return n;
}

static void set_only_prefix(struct dockerignore *d)
{
	size_t i, j, n;

	d->only_prefix_exceptions = 1;
	for (i = 0; i < d->n; i++) {
		if (!d->p[i].exclusion)
			continue;
		n = without_trailing_glob(d->p[i].cleaned);
		for (j = 0; j < n; j++)
			if (strchr("*[]?^\\", d->p[i].cleaned[j]))
				d->only_prefix_exceptions = 0;
	}
}

int dockerignore_parse(struct dockerignore *d, const char *text, size_t len, struct err *e)
{
	const char *p = text, *end = text + len, *nl;
	char line[DI_LINE_MAX + 4];
	size_t cap = 0;
	int first = 1;

	for (; p < end; p = nl + 1, first = 0) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (first && nl - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
			p += 3;
		if (nl - p > DI_LINE_MAX) {
			dockerignore_release(d);
			return err_set(e, "a line is longer than %d bytes (bufio.Scanner: token too long)",
				       DI_LINE_MAX);
		}
		if (d->n >= DOCKERIGNORE_MAX_PATTERNS)
			break;
		if (!read_line(line, sizeof(line), p, (size_t)(nl - p)))
			continue;
		if (add_pattern(d, line, &cap, e) < 0) {
			dockerignore_release(d);
			return -1;
		}
	}
	set_only_prefix(d);
	return 0;
}

static int pattern_match(const struct di_pattern *p, const char *path)
{
	size_t pl = strlen(path), cl = strlen(p->cleaned);
	const char *suffix;

	switch (p->type) {
	case DI_EXACT:
		return strcmp(path, p->cleaned) == 0;
	case DI_PREFIX:
		return strncmp(path, p->cleaned, cl - 2) == 0;
	case DI_SUFFIX:
		suffix = p->cleaned + 2;
		if (pl >= strlen(suffix) && strcmp(path + pl - strlen(suffix), suffix) == 0)
			return 1;
		return suffix[0] == '/' && strcmp(path, suffix + 1) == 0;
	case DI_REGEX:
		return p->re_ok && regexec(&p->re, path, 0, NULL, 0) == 0;
	}
	return 0;
}

/* MatchesUsingParentResults: info[] gets this path's per-pattern results
 * (parent NULL: a top-level path). Returns whether it is excluded. */
static int match_level(const struct dockerignore *d, const char *path, const unsigned char *parent,
		       unsigned char *info)
{
	int matched = 0, m;
	size_t i;

	for (i = 0; i < d->n; i++) {
		m = parent ? parent[i] : 0;
		info[i] = 0;
		if (!m) {
			if (d->p[i].exclusion != matched)
				continue;
			m = pattern_match(&d->p[i], path);
		}
		info[i] = (unsigned char)m;
		if (m)
			matched = !d->p[i].exclusion;
	}
	return matched;
}

/* fsutil: an excluded directory is skipped unless an exception could
 * match inside it. */
static int dir_skipped(const struct dockerignore *d, const char *dir)
{
	size_t i, n, dl = strlen(dir);

	if (!d->only_prefix_exceptions)
		return 0;
	if (!d->exclusions)
		return 1;
	for (i = 0; i < d->n; i++) {
		if (!d->p[i].exclusion)
			continue;
		n = without_trailing_glob(d->p[i].cleaned);
		/* patStr + "/" has prefix dir + "/" */
		if (n + 1 >= dl + 1 && strncmp(d->p[i].cleaned, dir, dl) == 0 &&
		    (n == dl || d->p[i].cleaned[dl] == '/'))
			return 0;
	}
	return 1;
}

int dockerignore_excluded(const struct dockerignore *d, const char *relpath)
{
	unsigned char *a, *b, *tmp;
	char prefix[4096];
	const char *p = relpath, *slash;
	int excluded = 0, have_parent = 0;

	if (d->n == 0)
		return 0;
	a = calloc(d->n, 1);
	b = calloc(d->n, 1);
	if (!a || !b) {
		free(a);
		free(b);
		return 0;
	}
	for (;;) {
		slash = strchr(p, '/');
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(slash ? (size_t)(slash - relpath)
							       : strlen(relpath)), relpath);
		excluded = match_level(d, prefix, have_parent ? a : NULL, b);
		if (!slash)
			break;
		if (excluded && dir_skipped(d, prefix))
			break;
		tmp = a;
		a = b;
		b = tmp;
		have_parent = 1;
		p = slash + 1;
	}
	free(a);
	free(b);
	return excluded;
}
