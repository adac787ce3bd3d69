/* kb_check.h — what an entry must pass to be loaded: its JSON, the
 * embedded kb/schema.json, and the semantic checks (kb.h lists them),
 * each problem reported with the file and the field. For the loaders
 * (kb_load.c); kb lint adds the signature checks (KB_CHECK_SIGNATURES). */
#ifndef FIXKB_SRC_KB_CHECK_H
#define FIXKB_SRC_KB_CHECK_H

#include <jansson.h>
#include <stddef.h>

#include "kb.h"
#include "util/err.h"
#include "util/jsonschema.h"

/* Problems of one file go to fn (may be NULL); the first also to *first
 * (may be NULL). Everything is borrowed. */
struct kb_report {
	kb_problem_fn fn;
	void *ctx;
	const char *file;
	size_t count;
	struct err *first;
};

void kb_report_problem(struct kb_report *r, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What is checked beyond the schema and the tables. */
#define KB_CHECK_SIGNATURES 1u   /* sigcompile.h sig_check on every signature (kb lint) */

/* The embedded kb/schema.json, compiled; *out belongs to the caller. */
int kb_check_schema(struct jsonschema **out, struct err *e);

/* Parses text as the entry file <rel> ("cat/slug.json") and checks it.
 * Returns the document (a new reference) when it has no problem, else
 * NULL with every problem reported through r. */
json_t *kb_check_parse(const struct jsonschema *schema, const char *rel, const char *text,
		       size_t len, unsigned checks, struct kb_report *r);

#endif
