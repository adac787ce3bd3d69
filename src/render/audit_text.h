/* audit_text.h — `fixkb audit` and `fixkb audit --summarize` as text.
 *
 * Reads only the JSON documents (audit/report.h, audit/summarize.h), so
 * what a person reads is exactly what a script gets. Findings are grouped
 * by severity, most severe first; each shows its rule, where it is and
 * the one-line message; notes (what could not be looked at) follow, then
 * one summary line. -v adds each finding's id (for --baseline), rule
 * title, and the inventory of stored credentials. */
#ifndef FIXKB_RENDER_AUDIT_TEXT_H
#define FIXKB_RENDER_AUDIT_TEXT_H

#include <jansson.h>
#include <stdio.h>

#include "util/settings.h"

void audit_render_text(FILE *f, const json_t *doc, const struct settings *s);
void audit_render_summary_text(FILE *f, const json_t *summary, const struct settings *s);

#endif
