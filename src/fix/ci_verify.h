/* ci_verify.h — does a credential get what the build needs from a
 * registry? Asked at the registry's token endpoint, as BuildKit asks
 * (net/tokenflow.h; the client of --client, BuildKit's by default): for
 * each repository the build pulls or pushes, the manifest request, its
 * challenge, the token for exactly that repository's scope, and the
 * manifest again with the token (checks/token_endpoint.h judges it); for
 * a repository the build pushes, the token is asked for pull,push and the
 * push side checked (net/tokenpush.h: the token's access claim, or the
 * first write of a push, cancelled). A registry the build names without
 * an image is checked as docker login checks it (the token endpoint, no
 * scope).
 *
 * A trial passes when every repository is granted; a repository that
 * does not exist yet passes for a credentialed trial (the registry gave
 * a token; a push creates it, a missing base image is the build's own
 * error, reported as a warning) but not for an anonymous one (a private
 * repository looks missing to a stranger). Any number of trials run
 * concurrently on one libcurl multi handle, under one deadline. Nothing
 * here prints; results hold fingerprints only. */
#ifndef FIXKB_FIX_CI_VERIFY_H
#define FIXKB_FIX_CI_VERIFY_H

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"
#include "util/settings.h"
#include "checks/checks.h"
#include "docker/credential.h"
#include "fix/ci_needs.h"

struct ci_check;

struct ci_trial {
	const struct ci_reg *reg;          /* borrowed */
	const struct credential *cred;     /* borrowed; NULL or empty: anonymous */
	/* results, set by ci_verify */
	int ok;                            /* every repository granted */
	int warned;                        /* ok, but something to say (a missing image) */
	enum probe_status status;          /* the first failure's (PROBE_OK when ok) */
	char code[PROBE_CODE_MAX];         /* the first failure's cause code, or "token_ok" */
	char detail[PROBE_DETAIL_MAX * 2]; /* the first failure's (or warning's) detail */
	char failed_scope[300];            /* the scope that failed ("" none) */
	int push_denied;                   /* the failure was the push side of a pull,push */
	char scopes[2048];                 /* the scopes granted, space-separated */
	json_t *results;                   /* [{image, scope, status, code, detail}] (owned) */
	struct ci_check *checks;           /* private */
	size_t nchecks;
};

#define CI_TRIAL_INIT { NULL, NULL, 0, 0, PROBE_ERROR, "", "", "", 0, "", NULL, NULL, 0 }

/* Runs trials t[0..n) concurrently until deadline_ms (absolute,
 * clock_now_ms). -1 with e set only when nothing could run (OOM, libcurl
 * init); a trial that could not finish fails with its reason. */
int ci_verify(struct ci_trial *t, size_t n, const struct settings *s, double deadline_ms,
	      struct err *e);
void ci_trial_release(struct ci_trial *t);

#endif
