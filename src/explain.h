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
 *                       findings, best first.
 *
 * Where the log comes from. While scanning, explain recognises a log
 * written by a CI runner, from the runners' own output formats: a GitHub
 * Actions timestamp on a matched line ("2024-03-20T10:11:12.1234567Z ",
 * seven digits: actions/runner Logging.cs, DateTime "O") or its markers
 * ("Current runner version: '…'" of the Set up job step, "##[group]",
 * "##[error]", "Job defined at: …/.github/workflows/…"); a GitLab runner
 * timestamp ("2024-03-20T10:11:12.123456Z 00O ", six digits and the
 * stream id: gitlab-runner buildlogger/internal/timestamper), a
 * "section_start:" marker, or its banners ("Running with gitlab-runner
 * …", "Preparing the "docker" executor", "Executing "step_script"
 * stage of the job script", "ERROR: Job failed: …"). Such a log did not
 * happen on this machine: cmd_explain then runs no probe here unless
 * asked (--probe-here), and the findings say so (x->elsewhere). */
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

enum explain_ci { EXPLAIN_CI_NONE, EXPLAIN_CI_GITHUB, EXPLAIN_CI_GITLAB };

/* What told explain the log comes from a CI runner (the first sign). */
struct explain_origin {
	enum explain_ci ci;
	unsigned long line;           /* 0 when none */
	char marker[200];             /* "a GitHub Actions runner's timestamp: 2024-…Z", redacted */
};

struct explain {
	struct sig_set sigs;
	struct explain_origin origin;
	/* Set by the caller before explain_findings: the failure is on the
	 * runner, not here (origin known and no --probe-here); this
	 * machine's variables and programs then decide nothing. */
	int elsewhere;
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

/* "GitHub Actions", "GitLab CI", or NULL for EXPLAIN_CI_NONE. */
const char *explain_ci_name(enum explain_ci c);
/* The KB context fact of the CI system ("github_actions", "gitlab_ci"), or NULL. */
const char *explain_ci_fact(enum explain_ci c);

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
