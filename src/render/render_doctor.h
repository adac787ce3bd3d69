/* render_doctor.h — doctor's report in each --format: text (per registry:
 * its probes, then its findings), json (DESIGN.md §3 plus "registries",
 * "warnings", "kb"), github annotations and SARIF. */
#ifndef FIXKB_RENDER_RENDER_DOCTOR_H
#define FIXKB_RENDER_RENDER_DOCTOR_H

#include <stdio.h>

#include "engine.h"
#include "findings.h"
#include "kb.h"
#include "targets.h"
#include "util/settings.h"

/* Everything is borrowed. */
struct doctor_report {
	const struct targets *targets;
	const struct engine *en;
	const struct findings *findings;
	const struct kb *kb;
	const char *dockerfile;   /* the --context Dockerfile SARIF points at, or NULL */
	const json_t *plan;       /* the fix plan for the findings (fix/plan.h), or NULL */
	const char *fix_args;     /* what to pass fix for the same registries ("--image R/x") */
};

/* Prints the report in s->format to out. */
void render_doctor(FILE *out, const struct settings *s, const struct doctor_report *r);

#endif
