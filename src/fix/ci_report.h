/* ci_report.h — fix --ci's report: text in the CI log (with the system's
 * collapsible groups and annotations), or JSON; GitHub's step summary;
 * the build flags for the Dockerfiles' secret and ssh mounts.
 *
 * The report object is ci.c's (see docs/ci.md for its fields); this
 * module adds "ci", "config" and "build_secrets" and prints. Nothing in
 * it is a secret: sources, fingerprints, paths, scopes. */
#ifndef FIXKB_FIX_CI_REPORT_H
#define FIXKB_FIX_CI_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "util/settings.h"
#include "fix/ci_config.h"
#include "fix/ci_detect.h"
#include "fix/ci_needs.h"
#include "fix/ci_out.h"

/* The build flags the mounts need (a new object):
 *   {"secrets": [{id, env, env_set, required, dockerfile, line, flag}],
 *    "ssh": [{id, required, dockerfile, line, flag}], "agent": bool,
 *    "agent_detail": "...", "flags": "--secret … --ssh …",
 *    "build_push_action": "secrets: |\n  …"}
 * A secret's env is its id when that is a valid variable name, else the
 * id upper-cased with '_' for other characters; env_set says whether
 * the job has it. The agent is $SSH_AUTH_SOCK when it is a socket. */
json_t *ci_build_secrets_json(const struct ci_needs *n, const struct ci_env *env);

/* Completes rep and prints it: JSON on json_out when it is not NULL,
 * else text on l; annotations on l; GitHub's step summary. */
void ci_report_emit(struct ci_log *l, FILE *json_out, const struct ci_env *env, json_t *rep,
		    const struct ci_needs *n, const struct ci_config *cfg);

#endif
