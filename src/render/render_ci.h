/* render_ci.h — findings for CI systems: GitHub workflow-command
 * annotations and SARIF 2.1.0 (code-scanning uploads). Both read the
 * DESIGN.md §3 finding objects, so every command renders the same way. */
#ifndef FIXKB_RENDER_RENDER_CI_H
#define FIXKB_RENDER_RENDER_CI_H

#include <jansson.h>
#include <stdio.h>

#include "util/settings.h"

/* One "::error ..." (or "::warning" for severity warn) line per finding.
 * file is the annotation's file (a log, a Dockerfile) or NULL; a
 * finding's "line" member, when present, becomes line=. */
void render_github(FILE *out, const json_t *findings, const char *file);

/* Writes s as GitHub workflow-command text: data escapes % CR LF, a
 * property value (property != 0) also ':' and ','. */
void render_github_escape(FILE *out, const char *s, int property);

/* When format is a CI format (github, sarif), prints findings in it to
 * out and returns 1; returns 0 for the others (text, json), which each
 * command renders itself. file as above. */
int render_ci(FILE *out, enum out_format format, const json_t *findings, const char *file);

/* A SARIF log with one run: a rule per KB entry (or cause) met, a result
 * per finding located at `file` (and its line) when given. New reference. */
json_t *render_sarif(const json_t *findings, const char *file);

#endif
