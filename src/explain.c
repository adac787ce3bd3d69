#include "explain.h"

#include <stdlib.h>
#include <string.h>

#include "cause.h"
#include "findings.h"
#include "util/redact.h"

/* The caller patterns after the KB's signatures: BuildKit's "[internal]
 * load metadata for <image>" step (a token error for that registry is a
 * base-image pull, which no RUN-step fix reaches), then the CI runners'
 * own lines (explain.h). */
enum { EXTRA_METADATA, EXTRA_ORIGIN_FIRST };
static const struct matcher_pattern extra_patterns[] = {
	{ 0, "load metadata for ", "load metadata for (?<registry>[^ ]+)", 1 },
	{ 0, "Current runner version: '", "^Current runner version: '(?<ver>[0-9][0-9.]*)'", 1 },
	{ 0, "##[", "^##\\[(group|endgroup|error|warning|notice|debug|command|section)\\]", 1 },
	{ 0, "Job defined at: ", "^Job defined at: [^ ]+/\\.github/workflows/", 1 },
	{ 0, "Running with gitlab-runner ", "^Running with gitlab-runner (?<ver>[0-9][^ ]*)", 1 },
	{ 0, "Preparing the \"", "^Preparing the \"[A-Za-z0-9+_-]+\" executor$", 1 },
	{ 0, "Executing \"step_script\" stage of the job script",
	  "^Executing \"step_script\" stage of the job script$", 1 },
	{ 0, "ERROR: Job failed: ", "^ERROR: Job failed: ", 1 },
};
#define NEXTRA (sizeof(extra_patterns) / sizeof(extra_patterns[0]))
/* Which CI system each origin pattern (from EXTRA_ORIGIN_FIRST) shows. */
static const enum explain_ci origin_of_pattern[NEXTRA] = {
	EXPLAIN_CI_NONE, EXPLAIN_CI_GITHUB, EXPLAIN_CI_GITHUB, EXPLAIN_CI_GITHUB,
	EXPLAIN_CI_GITLAB, EXPLAIN_CI_GITLAB, EXPLAIN_CI_GITLAB, EXPLAIN_CI_GITLAB,
};

const char *explain_ci_name(enum explain_ci c)
{
	return c == EXPLAIN_CI_GITHUB ? "GitHub Actions" : c == EXPLAIN_CI_GITLAB ? "GitLab CI" : NULL;
}

const char *explain_ci_fact(enum explain_ci c)
{
	return c == EXPLAIN_CI_GITHUB ? "github_actions" : c == EXPLAIN_CI_GITLAB ? "gitlab_ci" : NULL;
}

int explain_new(struct explain **out, const struct kb *kb, struct err *e)
{
	struct explain *x = calloc(1, sizeof(*x));

	*out = NULL;
	if (!x)
		return err_set(e, "out of memory");
	if (sig_set_compile(&x->sigs, kb, extra_patterns, NEXTRA, e) < 0) {
		free(x);
		return -1;
	}
	*out = x;
	return 0;
}

void explain_free(struct explain *x)
{
	if (!x)
		return;
	sig_set_release(&x->sigs);
	free(x);
}

/* Messages that say the failing request pulls a base image. */
static int is_base_image_pull(const char *msg, size_t len)
{
	static const char *const marks[] = {
		"resolve source metadata", "load metadata for", "pull access denied",
		"failed to pull image", "error pulling image", "reading manifest",
		"Error response from daemon: Get", "initializing source", NULL,
	};
	size_t i;

	for (i = 0; marks[i]; i++)
		if (memmem(msg, len, marks[i], strlen(marks[i])))
			return 1;
	return 0;
}

/* A metadata line: remember its registry once. */
static void note_pulled(struct explain *x, const char *registry)
{
	size_t i;

	for (i = 0; i < x->npulled; i++)
		if (strcmp(x->pulled[i], registry) == 0)
			return;
	if (registry[0] && x->npulled < EXPLAIN_MAX_PULLED)
		snprintf(x->pulled[x->npulled++], ENGINE_REGISTRY_MAX, "%s", registry);
}

/* Where a match is recorded: the line, the text and the captures. */
static void set_where(struct explain_hit *h, const struct matcher_match *mm)
{
	matcher_match_copy(mm, &mm->cap[MATCHER_CAP_STATUS], h->status, sizeof(h->status));
	matcher_match_copy(mm, &mm->cap[MATCHER_CAP_METHOD], h->method, sizeof(h->method));
	h->url[0] = '\0';
	if (mm->cap[MATCHER_CAP_URL].set) {
		char raw[sizeof(h->url)];

		matcher_match_copy(mm, &mm->cap[MATCHER_CAP_URL], raw, sizeof(raw));
		redact_text(raw, strlen(raw), h->url, sizeof(h->url));
	}
	redact_text(mm->msg, mm->msg_len, h->line_text, sizeof(h->line_text));
	h->line = mm->line;
}

/* The hit this match adds to: same entry and registry, or on the same
 * line one of them without a registry (two signatures of one message,
 * one capturing the registry). NULL if none. */
static struct explain_hit *find_hit(struct explain *x, const struct kb_entry *entry,
				    const char *registry, unsigned long line)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		struct explain_hit *h = &x->hits[i];

		if (h->entry != entry)
			continue;
		if (strcmp(h->registry, registry) == 0 ||
		    (h->line == line && (!h->registry[0] || !registry[0])))
			return h;
	}
	return NULL;
}

/* One cause a matched message supports (direct: the entry's own
 * signature; else another's "also"): a new hit, or one more occurrence of
 * the hit for that entry and registry, which then keeps the highest
 * prior, a registry if one names it, and the line where the entry's own
 * signature matched first. */
static void add_hit(struct explain *x, const struct matcher_match *mm,
		    const struct kb_entry *entry, double prior, const char *registry, int direct)
{
	struct explain_hit *h = find_hit(x, entry, registry, mm->line);

	if (h) {
		h->count += mm->line != h->last;   /* several signatures of one line: once */
		h->last = mm->line;
		h->base_image |= is_base_image_pull(mm->msg, mm->msg_len);
		if (prior > h->prior)
			h->prior = prior;
		if (!h->registry[0] && registry[0])
			snprintf(h->registry, sizeof(h->registry), "%s", registry);
		if (direct && !h->direct) {
			h->direct = 1;
			set_where(h, mm);
		}
		return;
	}
	if (x->n == EXPLAIN_MAX_FINDINGS) {
		x->dropped++;
		return;
	}
	h = &x->hits[x->n++];
	memset(h, 0, sizeof(*h));
	h->entry = entry;
	h->prior = prior;
	h->direct = direct;
	snprintf(h->registry, sizeof(h->registry), "%s", registry);
	set_where(h, mm);
	h->count = 1;
	h->last = mm->line;
	h->base_image = is_base_image_pull(mm->msg, mm->msg_len);
}

/* ---- where the log comes from ---- */

static int ndigits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return (int)i;
}

/* The CI system whose timestamp opens a line's prefix: GitHub's seven
 * fractional digits and 'Z', GitLab's six, 'Z', two hex digits of stream
 * id and O or E; a GitLab section marker anywhere in the prefix. */
static enum explain_ci ci_of_prefix(const char *p, size_t n)
{
	int frac;

	if (!p || n < 12)
		return EXPLAIN_CI_NONE;
	if (memmem(p, n, "section_start:", 14) || memmem(p, n, "section_end:", 12))
		return EXPLAIN_CI_GITLAB;
	if (n < 21 || ndigits(p, 4) != 4 || p[4] != '-' || p[10] != 'T' || p[19] != '.')
		return EXPLAIN_CI_NONE;
	frac = ndigits(p + 20, n - 20);
	if (frac == 7 && n > 28 && p[27] == 'Z')
		return EXPLAIN_CI_GITHUB;
	if (frac == 6 && n >= 31 && p[26] == 'Z' && p[27] == ' ' && strchr("0123456789abcdef", p[28]) &&
	    p[28] && strchr("0123456789abcdef", p[29]) && p[29] && (p[30] == 'O' || p[30] == 'E'))
		return EXPLAIN_CI_GITLAB;
	return EXPLAIN_CI_NONE;
}

static void note_origin(struct explain *x, enum explain_ci ci, unsigned long line,
			const char *what, const char *text, size_t len)
{
	char shown[160];

	if (x->origin.ci != EXPLAIN_CI_NONE || ci == EXPLAIN_CI_NONE)
		return;
	redact_text(text, len > 120 ? 120 : len, shown, sizeof(shown));
	x->origin.ci = ci;
	x->origin.line = line;
	snprintf(x->origin.marker, sizeof(x->origin.marker), "%s: %s", what, shown);
}

static void origin_from_match(struct explain *x, const struct matcher_match *mm, size_t k)
{
	const char *what = k == EXTRA_ORIGIN_FIRST || k == EXTRA_ORIGIN_FIRST + 3
			   ? "the runner's banner" : "the runner's marker";

	note_origin(x, origin_of_pattern[k], mm->line, what, mm->msg + mm->whole.off,
		    mm->whole.len);
}

static int on_match(const struct matcher_match *mm, void *arg)
{
	struct explain *x = arg;
	const struct sig_ref *ref = &x->sigs.refs[mm->pattern];
	char registry[ENGINE_REGISTRY_MAX] = "";
	size_t i;

	if (mm->prefix_len && x->origin.ci == EXPLAIN_CI_NONE) {
		enum explain_ci ci = ci_of_prefix(mm->prefix, mm->prefix_len);
		size_t w = 0;

		while (w < mm->prefix_len && mm->prefix[w] != ' ')
			w++;
		note_origin(x, ci, mm->line, ci == EXPLAIN_CI_GITHUB ? "a GitHub Actions runner's "
			    "timestamp" : "a GitLab runner's timestamp or section marker", mm->prefix, w);
	}
	if (!ref->entry) {
		size_t k = mm->pattern - (x->sigs.n - NEXTRA);

		if (k != EXTRA_METADATA) {
			origin_from_match(x, mm, k);
			return 0;
		}
		if (matcher_match_registry(mm, registry, sizeof(registry)) < 0)
			registry[0] = '\0';
		note_pulled(x, registry);
		return 0;
	}
	if (matcher_match_registry(mm, registry, sizeof(registry)) < 0)
		registry[0] = '\0';
	/* the entry's cause, and every other cause the message supports */
	add_hit(x, mm, ref->entry, ref->sig->prior >= 0 ? ref->sig->prior : ref->entry->confidence,
		registry, 1);
	for (i = 0; i < ref->sig->n_also; i++)
		add_hit(x, mm, ref->sig->also[i].entry, ref->sig->also[i].prior, registry, 0);
	return 0;
}

/* One line matched by a specific entry (docker-credential-pass failing)
 * and a generic one of the same cause (any helper failing): keep the
 * most confident, which the KB makes the specific one. */
static void drop_generic_duplicates(struct explain *x)
{
	size_t i, j, o = 0;

	for (i = 0; i < x->n; i++) {
		const struct explain_hit *h = &x->hits[i];
		int weaker = 0;

		for (j = 0; j < x->n && !weaker; j++) {
			const struct explain_hit *g = &x->hits[j];

			if (j == i || g->line != h->line || strcmp(g->registry, h->registry) != 0 ||
			    strcmp(g->entry->cause, h->entry->cause) != 0)
				continue;
			weaker = g->prior > h->prior || (g->prior == h->prior && j < i);
		}
		if (!weaker)
			x->hits[o++] = *h;
	}
	x->n = o;
}

int explain_scan(struct explain *x, FILE *fp, double deadline_ms, struct err *e)
{
	size_t i, k;
	int rc;

	memset(&x->st, 0, sizeof(x->st));
	rc = matcher_scan_stream_until(x->sigs.m, NULL, fp, deadline_ms, on_match, x, &x->st, e);
	if (rc < 0)
		return -1;
	x->partial = rc == MATCHER_DEADLINE;
	drop_generic_duplicates(x);
	for (i = 0; i < x->n; i++)
		for (k = 0; k < x->npulled; k++)
			if (strcmp(x->hits[i].registry, x->pulled[k]) == 0)
				x->hits[i].base_image = 1;
	return 0;
}

/* ---- probes ---- */

/* The probes of the table tied to any entry met for registry, in table
 * order; returns how many were put in names. */
static size_t tied_probes(const struct explain *x, const char *registry,
			  const struct probe *const *table, const char **names)
{
	size_t i, t, n = 0;

	for (t = 0; table[t]; t++) {
		int tied = 0;

		for (i = 0; i < x->n && !tied; i++)
			tied = strcmp(x->hits[i].registry, registry) == 0 &&
			       kb_entry_has_probe(x->hits[i].entry, table[t]->name);
		if (tied)
			names[n++] = table[t]->name;
	}
	return n;
}

int explain_run_probes(const struct explain *x, struct engine *en, struct err *e)
{
	struct engine_target want[EXPLAIN_MAX_FINDINGS];
	const char **names;
	size_t i, j, ntable = 0, n = 0;
	int rc;

	while (en->table[ntable])
		ntable++;
	names = calloc(EXPLAIN_MAX_FINDINGS * (ntable ? ntable : 1), sizeof(*names));
	if (!names)
		return err_set(e, "out of memory");
	for (i = 0; i < x->n; i++) {
		int seen = 0;

		if (!x->hits[i].registry[0])
			continue;
		for (j = 0; j < n; j++)
			seen |= strcmp(want[j].registry, x->hits[i].registry) == 0;
		if (seen)
			continue;
		memset(&want[n], 0, sizeof(want[n]));
		want[n].registry = x->hits[i].registry;
		want[n].probes = names + n * ntable;
		want[n].nprobes = tied_probes(x, want[n].registry, en->table, names + n * ntable);
		n++;
	}
	rc = engine_run_for(en, want, n, e);
	free(names);
	return rc;
}

/* ---- ranking and findings ---- */

/* Does any probe for this registry report the entry's cause? */
static int evidence_agrees(const struct engine *en, const struct explain_hit *h)
{
	size_t i;

	for (i = 0; i < en->n; i++) {
		const struct probe_record *r = en->records[i];

		if (strcmp(r->registry, h->registry) == 0 &&
		    (r->res.status == PROBE_FAIL || r->res.status == PROBE_WARN) &&
		    strcmp(r->res.code, h->entry->cause) == 0)
			return 1;
	}
	return 0;
}

static int line_cmp(const void *a, const void *b)
{
	const struct explain_hit *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

/* Hits within EXPLAIN_CLUSTER_GAP lines of each other, in a chain, share
 * a cluster: the first line of the chain. */
static void cluster_hits(struct explain *x)
{
	size_t i;

	qsort(x->hits, x->n, sizeof(x->hits[0]), line_cmp);
	for (i = 0; i < x->n; i++)
		x->hits[i].cluster = (i > 0 && x->hits[i].line - x->hits[i - 1].line <=
				      EXPLAIN_CLUSTER_GAP) ? x->hits[i - 1].cluster : x->hits[i].line;
}

/* Best first: evidence agreement, then the incident (an earlier error is
 * the root more often than a later one), then within it the prior (the
 * specific message of an error dump before its generic wrapper, and of
 * the causes one message supports the likelier), then the line, then the
 * entry's confidence. */
static int hit_cmp(const void *a, const void *b)
{
	const struct explain_hit *x = a, *y = b;

	if (x->agrees != y->agrees)
		return y->agrees - x->agrees;
	if (x->cluster != y->cluster)
		return x->cluster < y->cluster ? -1 : 1;
	if (x->prior != y->prior)
		return x->prior > y->prior ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->entry->confidence != y->entry->confidence)
		return x->entry->confidence > y->entry->confidence ? -1 : 1;
	return strcmp(x->entry->id, y->entry->id);
}

/* Log lines are arbitrary bytes; JSON strings must be UTF-8. */
static json_t *utf8_or_note(const char *text)
{
	json_t *j = json_string(text);

	return j ? j : json_string("(line is not valid UTF-8)");
}

static json_t *hit_finding(const struct explain *x, const struct explain_hit *h,
			   const struct engine *en, const struct settings *s, struct err *e)
{
	struct finding_spec sp;
	json_t *f;

	memset(&sp, 0, sizeof(sp));
	sp.entry = h->entry;
	sp.cause = h->entry->cause;
	sp.severity = severity_name(cause_severity(h->entry->cause));
	sp.registry = h->registry[0] ? h->registry : NULL;
	sp.base_image = h->base_image;
	sp.url = h->url[0] ? h->url : NULL;
	sp.elsewhere = x->elsewhere;
	sp.origin = explain_ci_fact(x->origin.ci);
	f = finding_new(&sp, en, s, e);
	if (!f)
		return NULL;
	json_object_set_new(f, "line", json_integer((json_int_t)h->line));
	json_object_set_new(f, "matched", utf8_or_note(h->line_text));
	json_object_set_new(f, "occurrences", json_integer((json_int_t)h->count));
	json_object_set_new(f, "prior", json_real(h->prior));
	json_object_set_new(f, "status", h->status[0] ? json_string(h->status) : json_null());
	json_object_set_new(f, "method", h->method[0] ? json_string(h->method) : json_null());
	json_object_set_new(f, "url", h->url[0] ? json_string(h->url) : json_null());
	json_object_set_new(f, "evidence_agrees", json_boolean(h->agrees));
	return f;
}

json_t *explain_findings(struct explain *x, const struct engine *en,
			 const struct settings *s, struct err *e)
{
	json_t *findings = json_array(), *f;
	size_t i;

	if (!findings) {
		err_set(e, "out of memory");
		return NULL;
	}
	for (i = 0; i < x->n; i++)
		x->hits[i].agrees = evidence_agrees(en, &x->hits[i]);
	cluster_hits(x);
	qsort(x->hits, x->n, sizeof(x->hits[0]), hit_cmp);
	for (i = 0; i < x->n; i++) {
		f = hit_finding(x, &x->hits[i], en, s, e);
		if (!f) {
			json_decref(findings);
			return NULL;
		}
		json_array_append_new(findings, f);
	}
	return findings;
}
