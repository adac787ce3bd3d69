/* audit_github.h — an audit report as GitHub workflow commands: one
 * "::error" (critical, high), "::warning" (medium) or "::notice" (low)
 * per finding, with file= and line= when the file is inside the working
 * directory (annotations only attach to files of the checkout). */
#ifndef FIXKB_RENDER_AUDIT_GITHUB_H
#define FIXKB_RENDER_AUDIT_GITHUB_H

#include <jansson.h>
#include <stdio.h>

void audit_render_github(FILE *f, const json_t *doc);

#endif
