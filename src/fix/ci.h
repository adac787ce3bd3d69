/* ci.h — `fixkb fix --ci`: set up registry credentials for a CI job.
 *
 * The one entry point of the CI mode (docs/ci.md). ci_fix_run:
 *  1. detects the CI system (fix/ci_detect.h; --ci forces the mode);
 *  2. gathers what the build needs (fix/ci_needs.h): registries and
 *     scopes, build secrets, SSH agents;
 *  3. lists each registry's candidate credentials in the documented
 *     order (fix/ci_cands.h) and verifies them at the token endpoint for
 *     exactly the scopes needed, as BuildKit asks (fix/ci_verify.h),
 *     round by round, every registry at once; the first that works wins;
 *  4. when a registry has none, explains why in the CI system's terms
 *     (fix/ci_advice.h), writes nothing and exits 1;
 *  5. otherwise plans the job-scoped docker config (fix/ci_config.h) and
 *     shows it (a diff, secrets as fingerprints). With apply it registers
 *     the derived secrets with the log's masker, writes the config,
 *     verifies again through the written file (the credential BuildKit
 *     will now read, with DOCKER_CONFIG pointing at it) and rolls back
 *     when that fails; then hands DOCKER_CONFIG to later steps
 *     (fix/ci_out.h) and writes the step outputs and summary;
 *  6. prints the build flags the Dockerfiles' secret and ssh mounts need.
 * Nothing is written when every registry already works as configured
 * (an earlier login step, a second run): "nothing to do".
 *
 * Output: the CI log commands (groups, annotations, masks) on rq->log,
 * with the text report, or the report as JSON on rq->json_out; with
 * print_env, the `export DOCKER_CONFIG=…` lines alone on rq->env_out
 * (the command puts the log on stderr then: GitHub's runner reads
 * workflow commands from both streams). No secret is ever
 * printed except inside the masker's own commands (GitHub ::add-mask::,
 * Azure task.setsecret), which the runner reads and hides.
 *
 * Exit status: 0 nothing to do, or applied and verified; 1 no working
 * credential for some registry (nothing written), a dry run that would
 * change files, or a verification after the write that failed (rolled
 * back); 2 usage or unreadable input. */
#ifndef FIXKB_FIX_CI_H
#define FIXKB_FIX_CI_H

#include <stdio.h>

#include "util/settings.h"
#include "util/strlist.h"
#include "fix/ci_cands.h"

struct ci_request {
	const struct strlist *registries;   /* --registry */
	const struct strlist *images;       /* --image */
	const struct strlist *contexts;     /* --context */
	const struct strlist *files;        /* --file */
	int push;                           /* --push */
	int apply;                          /* --apply */
	int forced;                         /* --ci given */
	const struct ci_explicit *explicit; /* --username-env/--password-env pairs */
	size_t nexplicit;
	const char *token_registry;         /* --token-registry */
	const char *dotenv;                 /* --dotenv FILE */
	char *const *environ;               /* the job's environment */
	FILE *log;                          /* the text report and the CI log commands */
	FILE *json_out;                     /* --format json: the report as JSON; NULL otherwise */
	FILE *env_out;                      /* --print-env: export lines; NULL otherwise */
};

/* Runs the CI mode; returns the exit status above. */
int ci_fix_run(const struct ci_request *rq, const struct settings *s);

#endif
