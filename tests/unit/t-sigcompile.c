/* t-sigcompile.c — KB signatures (numbered captures, kb-format.md) turned
 * into matcher patterns (named groups registry, status, url).
 *
 * 1. sig_name_groups on hand-made regexes: each name must capture, in the
 *    compiled matcher, exactly the text that group number captures — past
 *    escaped parentheses, parentheses in bracket expressions ([(], []()],
 *    [^]], [[:digit:](]), non-capturing groups, nesting and alternation.
 * 2. Capture numbers that do not exist are refused with a message naming
 *    the capture, the group and how many groups the regex has.
 * 3. The real KB: sig_set_compile builds one matcher; for every example
 *    line of every signature, the pattern of that signature matches, and
 *    each named capture spans exactly what PCRE2 gives for the original
 *    numbered group on the same message.
 * 4. Extra caller patterns come after the KB's, with no entry. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "sigcompile.h"

#include "t-lib-kb.h"

static const char *cap_names[3] = { "registry", "status", "url" };
static const enum matcher_cap cap_ids[3] = { MATCHER_CAP_REGISTRY, MATCHER_CAP_STATUS, MATCHER_CAP_URL };

struct got {
	int matched;
	char cap[3][128];
	int set[3];
};

static int on_match(const struct matcher_match *mm, void *arg)
{
	struct got *g = arg;
	int k;

	g->matched = 1;
	for (k = 0; k < 3; k++) {
		g->set[k] = mm->cap[cap_ids[k]].set;
		matcher_match_copy(mm, &mm->cap[cap_ids[k]], g->cap[k], sizeof(g->cap[k]));
	}
	return 1;
}

/* Names the groups, compiles the result and matches subject: the texts of
 * the named groups (NULL: must be unset). */
static void named(const char *name, const char *re, int reg, int st, int url, const char *subject,
		  const char *want_reg, const char *want_st, const char *want_url)
{
	const char *want[3] = { want_reg, want_st, want_url };
	struct matcher_pattern p = { 7, NULL, NULL, 0 };
	struct matcher *m = NULL;
	struct matcher_scratch *s = NULL;
	struct err e = ERR_INIT;
	struct got g;
	char *out = sig_name_groups(re, reg, st, url, &e);
	char lit[2] = { subject[0], '\0' };
	int k;

	memset(&g, 0, sizeof(g));
	if (!ok(out != NULL, "%s: named (%s)", name, out ? out : e.msg))
		return;
	p.literal = lit;
	p.regex = out;
	if (!ok(matcher_compile(&m, &p, 1, &e) == 0, "%s: %s compiles (%s)", name, out, e.msg))
		goto done;
	matcher_scratch_new(&s, m, &e);
	matcher_scan_line(m, s, subject, strlen(subject), 1, on_match, &g, &e);
	if (!ok(g.matched, "%s: %s matches '%s'", name, out, subject))
		goto done;
	for (k = 0; k < 3; k++) {
		if (want[k])
			is_str(g.set[k] ? g.cap[k] : "(unset)", want[k], "%s: %s captures '%s'", name,
			       cap_names[k], want[k]);
		else
			ok(!g.set[k], "%s: no %s", name, cap_names[k]);
	}
done:
	matcher_scratch_free(s);
	matcher_free(m);
	free(out);
}

static void refused(const char *re, int reg, int st, int url, const char *want_msg)
{
	struct err e = ERR_INIT;
	char *out = sig_name_groups(re, reg, st, url, &e);

	ok(out == NULL, "'%s' with captures %d/%d/%d is refused", re, reg, st, url);
	is_str(e.msg, want_msg, "... saying why");
	free(out);
}

static void hand_made(void)
{
	named("plain", "(a+)(b+)(c+)", 2, 3, 1, "aabbbcc", "bbb", "cc", "aa");
	named("none", "(a+)(b+)", 0, 0, 0, "ab", NULL, NULL, NULL);
	named("escaped parens", "\\((x+)\\) (y+)", 2, 1, 0, "(xx) yy", "yy", "xx", NULL);
	named("escaped backslash", "\\\\(a+)", 1, 0, 0, "\\aa", "aa", NULL, NULL);
	named("paren in brackets", "[(](a+)[)] (b+)", 2, 0, 0, "(aa) bb", "bb", NULL, NULL);
	named("] first in brackets", "[]()]+(a+)(b+)", 0, 2, 0, "](aab", NULL, "b", NULL);
	named("negated ] first", "x[^]](y+)(z)", 0, 0, 2, "x-yyz", NULL, NULL, "z");
	named("posix class and paren", "([[:digit:](]+)-(z+)", 2, 1, 0, "1(2-zz", "zz", "1(2", NULL);
	named("non-capturing group", "(?:q|w)(c+)(d)", 1, 2, 0, "wccd", "cc", "d", NULL);
	named("nested", "((a)(b))(c)", 3, 4, 1, "abc", "b", "c", "ab");
	named("alternation", "k(x)|k(y)", 1, 2, 0, "ky", NULL, "y", NULL);
	named("a real one", "(source metadata for ([^ ]+): )?error getting credentials", 2, 0, 0,
	      "failed to resolve source metadata for docker.io/library/golang:1.22: error getting credentials",
	      "docker.io/library/golang:1.22", NULL, NULL);

	refused("(a)(b)", 3, 0, 0, "capture registry refers to group 3, but the regex has 2 groups");
	refused("(a)(b)", 0, -1, 0, "capture status refers to group -1, but the regex has 2 groups");
	refused("[(]a[)](b)", 0, 0, 2, "capture url refers to group 2, but the regex has 1 groups");
	refused("\\(a\\)", 1, 0, 0, "capture registry refers to group 1, but the regex has 0 groups");
	refused("(?:a)(b)", 2, 0, 0, "capture registry refers to group 2, but the regex has 1 groups");

	/* Two captures of one group ({"registry": 2, "url": 2}). */
	{
		struct err e = ERR_INIT;
		char *out = sig_name_groups("(h+)/(p+)", 1, 0, 1, &e);
		struct matcher_pattern p = { 1, "/", out, 0 };
		struct matcher *m = NULL;

		ok(out ? matcher_compile(&m, &p, 1, &e) == 0 : e.set,
		   "two captures naming one group: usable, or refused with a message (%s)",
		   out ? (m ? out : e.msg) : e.msg);
		ok(!out && strstr(e.msg, "both name group 1"), "two captures of one group: the clash is named (%s)", e.msg);
		matcher_free(m);
		free(out);
	}
}

/* ---- 3. the real KB against PCRE2 on the original regexes ---- */

struct oracle {
	const struct sig_set *set;
	size_t want;                 /* the pattern whose example this is */
	pcre2_code *orig;            /* its original regex */
	pcre2_match_data *md;
	int hit, bad;
	char why[300];
};

static int on_example(const struct matcher_match *mm, void *arg)
{
	struct oracle *o = arg;
	const struct kb_signature *sig = o->set->refs[o->want].sig;
	int caps[3] = { sig->cap_registry, sig->cap_status, sig->cap_url }, k, rc;
	PCRE2_SIZE *ov;

	if (mm->pattern != o->want)
		return 0;
	o->hit = 1;
	rc = pcre2_match(o->orig, (PCRE2_SPTR)mm->msg, mm->msg_len, 0, 0, o->md, NULL);
	if (rc < 0) {
		o->bad = 1;
		snprintf(o->why, sizeof(o->why), "the original regex does not match the message");
		return 1;
	}
	ov = pcre2_get_ovector_pointer(o->md);
	for (k = 0; k < 3; k++) {
		const struct matcher_span *sp = &mm->cap[cap_ids[k]];
		int orig_set;

		if (!caps[k])
			continue;
		orig_set = caps[k] < rc && ov[2 * caps[k]] != PCRE2_UNSET;
		if (orig_set != sp->set ||
		    (orig_set && (sp->off != ov[2 * caps[k]] || sp->off + sp->len != ov[2 * caps[k] + 1]))) {
			o->bad = 1;
			snprintf(o->why, sizeof(o->why), "%s: named group %s at %zu+%zu, group %d at %zu..%zu",
				 cap_names[k], sp->set ? "set" : "unset", sp->off, sp->len, caps[k],
				 (size_t)ov[2 * caps[k]], (size_t)ov[2 * caps[k] + 1]);
		}
	}
	return 1;
}

static void real_kb(void)
{
	struct kb *kb = kbt_real();
	struct sig_set set = SIG_SET_INIT;
	struct matcher_scratch *s = NULL;
	struct err e = ERR_INIT;
	size_t i, j, total = 0, examples = 0, bad = 0, nocap = 0, captures = 0;
	const struct matcher_pattern extra[2] = {
		{ 100, "fixkb-extra-one", "fixkb-extra-one (?<registry>[a-z.]+)", 0 },
		{ 101, "fixkb-extra-two", "fixkb-extra-two", 0 },
	};

	for (i = 0; i < kb_count(kb); i++)
		total += kb_entry_at(kb, i)->n_signatures;
	if (!ok(sig_set_compile(&set, kb, extra, 2, &e) == 0, "the real KB compiles (%s)", e.msg))
		goto done;
	is_int(set.n, total + 2, "one pattern per signature, then the extras (%zu)", total);
	is_int(matcher_count(set.m), set.n, "the matcher holds them all");
	ok(set.refs[total].entry == NULL && set.refs[total + 1].entry == NULL, "extras have no entry");
	matcher_scratch_new(&s, set.m, &e);
	for (i = 0; i < total; i++) {
		const struct kb_signature *sig = set.refs[i].sig;
		struct oracle o;
		int ec;
		PCRE2_SIZE eo;

		if (!set.refs[i].entry || !sig) {
			bad++;
			continue;
		}
		memset(&o, 0, sizeof(o));
		o.set = &set;
		o.want = i;
		o.orig = pcre2_compile((PCRE2_SPTR)sig->regex, PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
		if (!o.orig) {
			printf("#   %s: original regex does not compile in PCRE2\n", set.refs[i].entry->id);
			bad++;
			continue;
		}
		o.md = pcre2_match_data_create_from_pattern(o.orig, NULL);
		nocap += !sig->cap_registry && !sig->cap_status && !sig->cap_url;
		captures += (sig->cap_registry > 0) + (sig->cap_status > 0) + (sig->cap_url > 0);
		for (j = 0; j < sig->n_examples; j++) {
			FILE *f = fmemopen((void *)sig->examples[j], strlen(sig->examples[j]), "r");

			o.hit = o.bad = 0;
			matcher_scan_stream(set.m, s, f, on_example, &o, NULL, &e);
			fclose(f);
			examples++;
			if (!o.hit || o.bad) {
				bad++;
				printf("#   %s example %zu: %s\n", set.refs[i].entry->id, j,
				       o.hit ? o.why : "its signature did not match");
			}
		}
		pcre2_match_data_free(o.md);
		pcre2_code_free(o.orig);
	}
	ok(examples > 100 && captures > 50, "%zu examples of %zu signatures (%zu captures, %zu "
	   "signatures without)", examples, total, captures, nocap);
	is_int(bad, 0, "each example matches its signature, every named capture spans its group");
	{
		struct got g;
		const char *line = "fixkb-extra-one ghcr.io";

		memset(&g, 0, sizeof(g));
		matcher_scan_line(set.m, s, line, strlen(line), 1, on_match, &g, &e);
		ok(g.matched && strcmp(g.cap[0], "ghcr.io") == 0, "an extra pattern matches with its groups");
	}
done:
	matcher_scratch_free(s);
	sig_set_release(&set);
	ok(set.m == NULL && set.n == 0 && set.refs == NULL, "sig_set_release empties the set");
	sig_set_release(&set);
	{
		const struct matcher_pattern broken = { 1, "x", "x(", 0 };

		e = (struct err)ERR_INIT;
		ok(sig_set_compile(&set, kb, &broken, 1, &e) < 0 && e.set, "a broken extra pattern fails "
		   "the compile with a message (%s)", e.msg);
		ok(set.m == NULL && set.n == 0, "and leaves nothing behind");
	}
	kb_free(kb);
}

int main(void)
{
	hand_made();
	real_kb();
	return tap_done();
}
