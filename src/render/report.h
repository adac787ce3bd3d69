/* report.h — the output document every command builds (DESIGN.md §3)
 * and the pieces of text output shared by commands. */
#ifndef FIXKB_RENDER_REPORT_H
#define FIXKB_RENDER_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "engine.h"
#include "util/settings.h"

/* { "fixkb": "<version>", "command": <command>, "findings": [], "probes": [] } */
json_t *report_new(const char *command);
/* Prints doc as indented UTF-8 JSON and a newline; returns -1 on failure. */
int report_print_json(FILE *f, const json_t *doc);

/* One line per probe: "  ✓ name  registry  detail (code, 1.2 ms)"; with -v
 * also the evidence, indented. */
void report_probe_text(FILE *f, const struct settings *s, const struct probe_record *r,
		       int show_registry);

/* The mark for a probe status. */
const char *report_status_mark(const struct settings *s, enum probe_status st);

#endif
