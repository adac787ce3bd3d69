/* ci_advice.h — why a candidate credential did not work, said in the CI
 * system's own terms, and what to change there:
 *  - GITHUB_TOKEN refused access: the `permissions: packages: read|write`
 *    YAML the workflow needs, the package's "Manage Actions access"
 *    setting (for a package this repository does not own), and that a
 *    pull request from a fork never gets a writable token;
 *  - GitLab's job token refused: the owning project's CI/CD job token
 *    allowlist (pull), or a deploy/access token with write_registry
 *    (push: a job token writes only its own project's registry);
 *  - a credential the token endpoint refused is named as rejected, not as
 *    missing; variables that are not set are named as missing, with how
 *    to pass them into the step.
 * Lines are plain text (no secret: variable names, user names and
 * scopes only); the text and summary renderers show them. */
#ifndef FIXKB_FIX_CI_ADVICE_H
#define FIXKB_FIX_CI_ADVICE_H

#include <jansson.h>

#include "fix/ci_cands.h"
#include "fix/ci_detect.h"
#include "fix/ci_needs.h"
#include "fix/ci_verify.h"

/* How a verdict's cause code reads for a credential. */
enum ci_refusal {
	CI_REFUSED_NONE,      /* it worked */
	CI_REFUSED_REJECTED,  /* the token endpoint refused the credential itself */
	CI_REFUSED_DENIED,    /* accepted, but not allowed the scope (or anonymous needs one) */
	CI_REFUSED_UNKNOWN,   /* could not tell: outage, network, TLS, rate limit */
};

enum ci_refusal ci_refusal_of(const char *code);

/* Appends to lines (a JSON array of strings) what to do about candidate
 * c on registry r, given its trial t (NULL when it was not tried). */
int ci_advice_candidate(json_t *lines, const struct ci_env *env, const struct ci_reg *r,
			const struct ci_cand *c, const struct ci_trial *t);

/* Appends the closing advice for a registry no candidate worked for. */
int ci_advice_none(json_t *lines, const struct ci_env *env, const struct ci_reg *r);

#endif
