/* shellrc.h — DOCKER_AUTH_CONFIG set in shell start-up files and .env
 * files (rule docker-auth-config-exported).
 *
 * A line counts when, past leading blanks and outside a comment, it sets
 * or exports the variable: `DOCKER_AUTH_CONFIG=...`, `export` / `declare
 * -x` / `typeset -x` / `readonly` / `local` before it, csh's `setenv
 * DOCKER_AUTH_CONFIG ...`, fish's `set -x` / `set -gx` / `set --export`,
 * pam_environment's `DOCKER_AUTH_CONFIG DEFAULT=...`. Reading it ($VAR),
 * unsetting it or naming it in a string does not. The value is never
 * shown: a literal gets a fingerprint, anything else ("$(pass show ...)")
 * is described as computed. One finding per file, at its first line. */
#ifndef FIXKB_AUDIT_SHELLRC_H
#define FIXKB_AUDIT_SHELLRC_H

#include <stddef.h>

#include "audit/homes.h"
#include "audit/report.h"

/* The start-up files read in every home (relative to it). */
extern const char *const shellrc_files[];

/* Scans one file's text; loc has its path (line is filled per hit).
 * dotenv: a .env file (else a shell start-up file). Returns 1 when the
 * variable is set there, 0 when not, -1 on OOM. */
int shellrc_scan_text(struct audit_report *r, const struct audit_loc *loc, const char *text,
		      size_t len, int dotenv);

/* Scans every start-up file of h that exists (read through safefs,
 * confined to the home). */
int shellrc_scan_home(struct audit_report *r, const struct audit_home *h);

/* A .env file: ".env", ".env.<x>", "<x>.env". */
int shellrc_is_env_name(const char *name);

#endif
