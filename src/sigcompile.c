#include "sigcompile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "logline.h"

#define SIG_PROBLEM_MAX 768

static const char *const cap_names[3] = { "registry", "status", "url" };

/* Offsets of the "(" of capturing groups 1..max in re, in order. Skips
 * escapes, bracket expressions and "(?" groups. Returns how many. */
static int capturing_groups(const char *re, size_t *offs, int max)
{
	size_t i = 0, n = strlen(re);
	int k = 0;

	while (i < n) {
		char c = re[i];

		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == '[') {
			i++;
			if (i < n && re[i] == '^')
				i++;
			if (i < n && re[i] == ']')
				i++;
			while (i < n && re[i] != ']') {
				if (re[i] == '[' && i + 1 < n && (re[i + 1] == ':' || re[i + 1] == '.' || re[i + 1] == '=')) {
					/* [:alpha:] [.x.] [=x=]: ends at the matching ":]" */
					char end[3] = { re[i + 1], ']', '\0' };
					const char *close = strstr(re + i + 2, end);

					i = close ? (size_t)(close - re) + 2 : n;
					continue;
				}
				if (re[i] == '\\')
					i++;
				i++;
			}
			i++;
			continue;
		}
		if (c == '(' && !(i + 1 < n && re[i + 1] == '?')) {
			if (k < max)
				offs[k] = i;
			k++;
		}
		i++;
	}
	return k;
}

char *sig_name_groups(const char *regex, int cap_registry, int cap_status, int cap_url,
		      struct err *e)
{
	const char *const *names = cap_names;
	int caps[3] = { cap_registry, cap_status, cap_url };
	size_t offs[64], len = strlen(regex), i, o = 0;
	/* each of the three names adds "?<registry>" at most: 11 bytes */
	size_t size = len + 3 * 16 + 1;
	int ngroups, k, j;
	char *out;

	ngroups = capturing_groups(regex, offs, 64);
	for (k = 0; k < 3; k++)
		if (caps[k] < 0 || caps[k] > ngroups || caps[k] > 64) {
			err_set(e, "capture %s refers to group %d, but the regex has %d groups",
				names[k], caps[k], ngroups);
			return NULL;
		}
	/* A group has one name in PCRE2: two captures naming the same group
	 * would write "(?<registry>?<url>", which PCRE2 refuses with a
	 * misleading "quantifier does not follow a repeatable item". */
	for (k = 0; k < 3; k++)
		for (j = k + 1; j < 3; j++)
			if (caps[k] > 0 && caps[k] == caps[j]) {
				err_set(e, "captures %s and %s both name group %d: one group, one capture",
					names[k], names[j], caps[k]);
				return NULL;
			}
	out = malloc(size);
	if (!out) {
		err_set(e, "out of memory");
		return NULL;
	}
	for (i = 0; i < len; i++) {
		out[o++] = regex[i];
		for (k = 0; k < 3; k++)
			if (caps[k] > 0 && offs[caps[k] - 1] == i)
				o += (size_t)snprintf(out + o, size - o, "?<%s>", names[k]);
	}
	out[o] = '\0';
	return out;
}

/* matcher_compile names a failing pattern by its index ("pattern 12:
 * regex: ..."): name the entry's file and the signature instead. */
static void name_failed_pattern(const struct sig_set *set, struct err *e)
{
	char msg[ERR_MSG_MAX];
	const struct sig_ref *ref;
	size_t idx;
	int used = 0;

	if (sscanf(e->msg, "pattern %zu: %n", &idx, &used) != 1 || used == 0 || idx >= set->n)
		return;
	ref = &set->refs[idx];
	if (!ref->entry)
		return;
	snprintf(msg, sizeof(msg), "%s", e->msg + used);
	err_clear(e);
	err_set(e, "%s: /signatures/%zu: %s", ref->entry->path,
		(size_t)(ref->sig - ref->entry->signatures), msg);
}

int sig_set_compile(struct sig_set *out, const struct kb *kb,
		    const struct matcher_pattern *extra, size_t nextra, struct err *e)
{
	struct matcher_pattern *pats = NULL;
	size_t i, j, n = 0, total = 0;
	int rc = -1;

	for (i = 0; i < kb_count(kb); i++)
		total += kb_entry_at(kb, i)->n_signatures;
	total += nextra;
	out->refs = calloc(total ? total : 1, sizeof(*out->refs));
	out->regexes = calloc(total ? total : 1, sizeof(*out->regexes));
	pats = calloc(total ? total : 1, sizeof(*pats));
	if (!out->refs || !out->regexes || !pats) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < kb_count(kb); i++) {
		const struct kb_entry *en = kb_entry_at(kb, i);

		for (j = 0; j < en->n_signatures; j++) {
			const struct kb_signature *sg = &en->signatures[j];

			out->regexes[n] = sig_name_groups(sg->regex, sg->cap_registry,
							  sg->cap_status, sg->cap_url, e);
			if (!out->regexes[n]) {
				err_prefix(e, "%s: /signatures/%zu", en->id, j);
				goto cleanup;
			}
			out->refs[n].entry = en;
			out->refs[n].sig = sg;
			pats[n].id = (int)n;
			pats[n].literal = sg->literal;
			pats[n].regex = out->regexes[n];
			out->n = ++n;
		}
	}
	for (i = 0; i < nextra; i++) {
		out->regexes[n] = strdup(extra[i].regex);
		if (!out->regexes[n]) {
			err_set(e, "out of memory");
			goto cleanup;
		}
		/* the caller's pattern whole (its flags too), with this set's id
		 * and the regex copy it owns */
		pats[n] = extra[i];
		pats[n].id = (int)n;
		pats[n].regex = out->regexes[n];
		out->n = ++n;
	}
	if (matcher_compile(&out->m, pats, n, e) < 0) {
		name_failed_pattern(out, e);
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(pats);
	if (rc < 0)
		sig_set_release(out);
	return rc;
}

void sig_set_release(struct sig_set *s)
{
	size_t i;

	matcher_free(s->m);
	for (i = 0; s->regexes && i < s->n; i++)
		free(s->regexes[i]);
	free(s->regexes);
	free(s->refs);
	s->m = NULL;
	s->regexes = NULL;
	s->refs = NULL;
	s->n = 0;
}

/* ---- sig_check: one signature as explain runs it ---- */

struct sig_checker {
	sig_problem_fn fn;
	void *ctx;
	size_t count;
};

__attribute__((format(printf, 3, 4)))
static void sig_problem(struct sig_checker *c, const char *field, const char *fmt, ...)
{
	char msg[SIG_PROBLEM_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->count++;
	if (c->fn)
		c->fn(c->ctx, field, msg);
}

/* Every capture names a group that exists (report != 0: say which do
 * not); returns 0 when all do. */
static int check_capture_range(struct sig_checker *c, const struct kb_signature *sg, int report)
{
	int caps[3] = { sg->cap_registry, sg->cap_status, sg->cap_url }, k, ngroups, bad = 0;
	size_t offs[64];
	char field[64];

	ngroups = capturing_groups(sg->regex, offs, 64);
	for (k = 0; k < 3; k++) {
		if (caps[k] >= 0 && caps[k] <= ngroups && caps[k] <= 64)
			continue;
		bad = 1;
		if (!report)
			continue;
		snprintf(field, sizeof(field), "/captures/%s", cap_names[k]);
		sig_problem(c, field, "group %d does not exist (the regex has %d)", caps[k], ngroups);
	}
	return bad ? -1 : 0;
}

/* PCRE2 must number each named group as the signature does (a regex
 * with its own named groups or \Q...\E is counted differently). */
static void check_capture_numbers(struct sig_checker *c, const struct kb_signature *sg,
				  const pcre2_code *code)
{
	int caps[3] = { sg->cap_registry, sg->cap_status, sg->cap_url }, k, num;
	char field[64];

	for (k = 0; k < 3; k++) {
		if (caps[k] <= 0)
			continue;
		num = pcre2_substring_number_from_name(code, (PCRE2_SPTR)cap_names[k]);
		if (num == caps[k])
			continue;
		snprintf(field, sizeof(field), "/captures/%s", cap_names[k]);
		sig_problem(c, field, "names group %d, but PCRE2 numbers that group %d: write "
			    "the regex without named groups or \\Q...\\E", caps[k], num);
	}
}

static int contains_caseless(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle), i, j;

	for (i = 0; m && i + m <= n; i++) {
		for (j = 0; j < m; j++) {
			unsigned char x = (unsigned char)hay[i + j], y = (unsigned char)needle[j];

			if (x >= 'A' && x <= 'Z')
				x = (unsigned char)(x + 32);
			if (y >= 'A' && y <= 'Z')
				y = (unsigned char)(y + 32);
			if (x != y)
				break;
		}
		if (j == m)
			return 1;
	}
	return 0;
}

static int on_example_match(const struct matcher_match *mm, void *arg)
{
	(void)mm;
	*(int *)arg = 1;
	return 1;
}

/* One example, read as explain reads a log line. */
static void check_example(struct sig_checker *c, const struct kb_signature *sg, size_t j,
			  const struct matcher *m, struct matcher_scratch *scr,
			  const pcre2_code *code, pcre2_match_data *md)
{
	const char *ex = sg->examples[j];
	size_t n = strlen(ex), len;
	char *msg = malloc(n + 1), field[64];
	struct err e = ERR_INIT;
	int hit = 0, lit, rx;

	snprintf(field, sizeof(field), "/examples/%zu", j);
	if (!msg) {
		sig_problem(c, field, "out of memory");
		return;
	}
	len = logline_normalise(ex, n, msg, n);
	if (matcher_scan_line(m, scr, msg, len, 1, on_example_match, &hit, &e) < 0)
		sig_problem(c, field, "the matcher failed: %s", e.msg);
	if (!hit) {
		lit = contains_caseless(msg, len, sg->literal);
		rx = pcre2_match(code, (PCRE2_SPTR)msg, len, 0, 0, md, NULL) >= 0;
		if (!lit)
			sig_problem(c, field, "does not contain the literal \"%s\" (ASCII case ignored), "
				    "so explain never tries the regex on it%s", sg->literal,
				    rx ? "; the regex matches it, so the literal is not required by "
				    "the regex" : "");
		if (!rx)
			sig_problem(c, field, "is not matched by the regex (explain reads the line "
				    "as \"%.*s\")", (int)(len > 200 ? 200 : len), msg);
		else if (lit)
			sig_problem(c, field, "is not matched by the signature as explain runs it");
	}
	free(msg);
}

/* The matcher's error without its "pattern 0: " and the field it is about. */
static void compile_problem(struct sig_checker *c, const char *named, const char *regex,
			    const char *msg)
{
	int used = 0;
	size_t idx;

	if (sscanf(msg, "pattern %zu: %n", &idx, &used) == 1 && used > 0)
		msg += used;
	if (strncmp(msg, "literal", 7) == 0)
		sig_problem(c, "/literal", "%s", msg);
	else if (strcmp(named, regex) != 0)
		sig_problem(c, "/regex", "does not compile as explain compiles it (PCRE2, "
			    "captures named: %s): %s", named, msg);
	else
		sig_problem(c, "/regex", "does not compile as explain compiles it (PCRE2): %s", msg);
}

size_t sig_check(const struct kb_signature *sg, sig_problem_fn fn, void *ctx)
{
	struct sig_checker c = { fn, ctx, 0 };
	struct matcher_pattern pat = { 0, sg->literal, NULL, 0 };
	struct matcher_scratch *scr = NULL;
	struct matcher *m = NULL;
	struct err e = ERR_INIT;
	pcre2_match_data *md = NULL;
	pcre2_code *code = NULL;
	PCRE2_SIZE off;
	char *named = NULL;
	size_t j;
	int ec;

	/* With captures that name no group, compile the regex as written:
	 * a syntax error is the first thing to say. */
	if (check_capture_range(&c, sg, 0) == 0) {
		named = sig_name_groups(sg->regex, sg->cap_registry, sg->cap_status,
					sg->cap_url, &e);
		if (!named) {
			sig_problem(&c, "/regex", "%s", e.msg);
			return c.count;
		}
	}
	pat.regex = named ? named : sg->regex;
	if (matcher_compile(&m, &pat, 1, &e) < 0) {
		compile_problem(&c, pat.regex, sg->regex, e.msg);
		goto cleanup;
	}
	if (!named) {
		check_capture_range(&c, sg, 1);
		goto cleanup;
	}
	code = pcre2_compile((PCRE2_SPTR)named, PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
	md = code ? pcre2_match_data_create_from_pattern(code, NULL) : NULL;
	if (!md || matcher_scratch_new(&scr, m, &e) < 0) {
		sig_problem(&c, "/regex", "cannot be checked: %s", e.set ? e.msg : "out of memory");
		goto cleanup;
	}
	check_capture_numbers(&c, sg, code);
	for (j = 0; j < sg->n_examples; j++)
		check_example(&c, sg, j, m, scr, code, md);
cleanup:
	matcher_scratch_free(scr);
	matcher_free(m);
	pcre2_match_data_free(md);
	pcre2_code_free(code);
	free(named);
	return c.count;
}
