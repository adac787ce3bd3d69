/* render_explain.h — explain's report in each --format: text (per finding:
 * where, the line, the cause, the fix, the others, the dead ends), json
 * (DESIGN.md §3 plus "log", "kb", "scanned", "warnings" and
 * "evidence_origin": where the log and the probes' evidence come from),
 * github annotations on the log's lines and SARIF. The text report opens
 * with one "evidence:" line saying the same. */
#ifndef FIXKB_RENDER_RENDER_EXPLAIN_H
#define FIXKB_RENDER_RENDER_EXPLAIN_H

#include <jansson.h>
#include <stdio.h>

#include "engine.h"
#include "explain.h"
#include "kb.h"
#include "util/settings.h"

/* Everything is borrowed. */
struct explain_report {
	const char *logname;          /* as the user named it ("<stdin>" for -) */
	json_t *log;                  /* logname as a JSON string (UTF-8 made safe) */
	const struct kb *kb;
	const struct explain *x;      /* the scan: statistics, partial, dropped */
	json_t *findings;             /* explain_findings */
	const struct engine *en;
	json_t *warnings;             /* array of strings */
	int probed;                   /* the probes ran, on this machine */
	int probe_here;               /* --probe-here asked for it */
	const char *host;             /* this machine's host name (shown, never logged) */
	const json_t *plan;           /* the fix plan for the findings (fix/plan.h), or NULL */
};

/* Prints the report in s->format to out. */
void render_explain(FILE *out, const struct settings *s, const struct explain_report *r);

#endif
