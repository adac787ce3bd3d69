#include "audit/gitignore.h"

#include <stdlib.h>
#include <string.h>

/* A bracket expression at *pp (just past '['): 1 when c is in it, 0 when
 * not, -1 when the class never closes (then git matches nothing). *pp is
 * left on the closing ']'. */
static int class_match(const char **pp, unsigned char c)
{
	const char *p = *pp;
	int negate = 0, hit = 0;
	unsigned char lo, hi;

	if (*p == '!' || *p == '^') {
		negate = 1;
		p++;
	}
	if (*p == ']') {          /* a leading ']' is literal */
		hit |= c == ']';
		p++;
	}
	while (*p && *p != ']') {
		if (*p == '\\' && p[1])
			p++;
		lo = (unsigned char)*p;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			p += 2;
			if (*p == '\\' && p[1])
				p++;
			hi = (unsigned char)*p;
			hit |= c >= lo && c <= hi;
		} else {
			hit |= c == lo;
		}
		p++;
	}
	if (!*p)
		return -1;
	*pp = p;
	return hit != negate;
}

static int wm(const char *start, const char *p, const char *t, long *budget)
{
	const char *s;
	int dbl, r;

	for (; *p; p++, t++) {
		if (--*budget <= 0)
			return 0;
		switch (*p) {
		case '\\':
			if (!p[1] || *t != p[1])
				return 0;
			p++;
			break;
		case '?':
			if (!*t || *t == '/')
				return 0;
			break;
		case '[':
			if (!*t || *t == '/')
				return 0;
			p++;
			r = class_match(&p, (unsigned char)*t);
			if (r <= 0)
				return 0;
			break;
		case '*':
			dbl = p[1] == '*' && (p == start || p[-1] == '/');
			while (*p == '*')
				p++;
			if (dbl && (*p == '/' || !*p)) {
				if (!*p)
					return 1;
				/* "**" + "/": zero or more whole directories */
				if (wm(start, p + 1, t, budget))
					return 1;
				for (s = t; *s; s++)
					if (*s == '/' && wm(start, p + 1, s + 1, budget))
						return 1;
				return 0;
			}
			for (;;) {
				if (wm(start, p, t, budget))
					return 1;
				if (!*t || *t == '/' || --*budget <= 0)
					return 0;
				t++;
			}
		default:
			if (*t != *p)
				return 0;
		}
	}
	return *t == '\0';
}

int gitignore_wildmatch(const char *pattern, const char *text)
{
	long budget = GITIGNORE_STEP_BUDGET;

	return wm(pattern, pattern, text, &budget);
}

void gitignore_release(struct gitignore *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->p[i].pat);
	free(g->p);
	g->p = NULL;
	g->n = 0;
}

/* One line (not NUL-terminated) into a pattern; 0 when it is none. */
static int parse_line(struct gitignore_pattern *out, const char *l, size_t n)
{
	unsigned flags = 0;
	size_t i;
	char *pat;

	if (n && l[n - 1] == '\r')
		n--;
	if (n == 0 || l[0] == '#')
		return 0;
	/* trailing spaces, unless the last one is escaped */
	while (n && l[n - 1] == ' ' && !(n >= 2 && l[n - 2] == '\\'))
		n--;
	if (l[0] == '!') {
		flags |= GITIGNORE_NEGATE;
		l++;
		n--;
	}
	if (n && l[n - 1] == '/') {
		flags |= GITIGNORE_DIRONLY;
		n--;
	}
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (l[i] == '/')
			flags |= GITIGNORE_ANCHORED;
	if (l[0] == '/') {
		l++;
		n--;
	}
	flags |= GITIGNORE_LITERAL;
	for (i = 0; i < n; i++)
		if (strchr("*?[\\", l[i]))
			flags &= ~GITIGNORE_LITERAL;
	pat = malloc(n + 1);
	if (!pat)
		return -1;
	memcpy(pat, l, n);
	pat[n] = '\0';
	out->pat = pat;
	out->len = n;
	out->flags = flags;
	return 1;
}

int gitignore_parse(struct gitignore *g, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	struct gitignore_pattern pat, *np;
	size_t cap = g->n;
	int r;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (g->n >= GITIGNORE_MAX_PATTERNS)
			break;
		r = parse_line(&pat, p, (size_t)(nl - p));
		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		if (g->n == cap) {
			cap = cap ? cap * 2 : 16;
			np = realloc(g->p, cap * sizeof(*np));
			if (!np) {
				free(pat.pat);
				return -1;
			}
			g->p = np;
		}
		g->p[g->n++] = pat;
	}
	return 0;
}

int gitignore_match(const struct gitignore *g, const char *relpath, const char *name, int is_dir)
{
	const struct gitignore_pattern *p;
	const char *subject;
	size_t i;
	int hit;

	for (i = g->n; i-- > 0;) {
		p = &g->p[i];
		if ((p->flags & GITIGNORE_DIRONLY) && !is_dir)
			continue;
		subject = (p->flags & GITIGNORE_ANCHORED) ? relpath : name;
		if (p->flags & GITIGNORE_LITERAL)
			hit = strcmp(p->pat, subject) == 0;
		else
			hit = gitignore_wildmatch(p->pat, subject);
		if (hit)
			return (p->flags & GITIGNORE_NEGATE) ? 0 : 1;
	}
	return -1;
}
