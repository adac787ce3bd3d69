/* explain.h — explain's part of the pipeline: find every known failure in
 * a build log, run the probes tied to what was found, rank, and build the
 * findings. cmd/cmd_explain.c opens the log; render/render_explain.c prints.
 *
 *   explain_new         compiles the KB's signatures (and BuildKit's
 *                       "load metadata for" line) into one matcher;
 *   explain_scan        streams the log in constant memory: a match
 *                       yields one hit per cause its signature supports
 *                       (its entry's, and each "also" entry's, with their
 *                       priors: kb.h), grouped by (entry, registry),
 *                       keeping the first line, a count and the highest
 *                       prior, so a log repeating one error a million
 *                       times costs one finding;
 *   explain_run_probes  for every registry a finding names, the union of
 *                       the `probes` lists of the entries matched for it
 *                       (engine_run_for decides which apply);
 *   explain_findings    ranks (probe evidence agreeing with the cause,
 *                       then the incident: hits at most
 *                       EXPLAIN_CLUSTER_GAP lines apart, in line order;
 *                       inside one the prior, then the line, then the
 *                       entry's confidence) and builds the DESIGN.md §3
 *                       findings, best first. */
#ifndef FIXKB_SRC_EXPLAIN_H
#define FIXKB_SRC_EXPLAIN_H

#include <jansson.h>
#include <stdio.h>

#include "engine.h"
#include "kb.h"
#include "matcher.h"
#include "sigcompile.h"
#include "util/err.h"
#include "util/settings.h"

#define EXPLAIN_MAX_FINDINGS 64
#define EXPLAIN_LINE_SHOWN 400
#define EXPLAIN_MAX_PULLED 64
/* Hits this many lines apart or closer are one incident: the pieces of
 * one error dump, ranked by prior rather than by line. */
#define EXPLAIN_CLUSTER_GAP 3

/* One (entry, registry) met in the log. */
struct explain_hit {
	const struct kb_entry *entry;          /* borrowed from the kb */
	char registry[ENGINE_REGISTRY_MAX];    /* "" when the line names none */
	char status[8];
	char method[8];
	char url[512];                         /* redacted */
	char line_text[EXPLAIN_LINE_SHOWN];    /* redacted */
	unsigned long line;                    /* the first line it was met on */
	unsigned long count;                   /* lines it was met on */
	unsigned long last;                    /* the last of them */
	unsigned long cluster;                 /* first line of its run of nearby hits */
	double prior;                          /* how often the message means this cause */
	int direct;                            /* the entry's own signature matched */
	int base_image;                        /* the failing request pulls a base image */
	int agrees;                            /* a probe reported this cause */
};

struct explain {
	struct sig_set sigs;
	char pulled[EXPLAIN_MAX_PULLED][ENGINE_REGISTRY_MAX];   /* registries with a metadata load */
	size_t npulled;
	struct explain_hit hits[EXPLAIN_MAX_FINDINGS];
	size_t n;
	unsigned long dropped;       /* matches beyond EXPLAIN_MAX_FINDINGS findings */
	struct matcher_stats st;
	int partial;                 /* the deadline stopped reading before the end */
};

/* Compiles kb's signatures; kb must outlive *out. *out belongs to the
 * caller (explain_free). -1 with e set (a signature explain cannot run:
 * the file and JSON pointer are named). */
int explain_new(struct explain **out, const struct kb *kb, struct err *e);
void explain_free(struct explain *x);   /* NULL-safe */

/* Reads fp to its end or to deadline_ms (0: none; then x->partial) and
 * groups the matches. -1 with e set on a read error. */
int explain_scan(struct explain *x, FILE *fp, double deadline_ms, struct err *e);

/* The probes tied to the hits, for each registry they name (hits without
 * a registry run none). -1 with e set. */
int explain_run_probes(const struct explain *x, struct engine *en, struct err *e);

/* Orders the hits on en's evidence and returns the findings (a new
 * array: line, matched, occurrences, status, method, url and
 * evidence_agrees added to each DESIGN.md §3 finding), or NULL with e set. */
json_t *explain_findings(struct explain *x, const struct engine *en,
			 const struct settings *s, struct err *e);

#endif
