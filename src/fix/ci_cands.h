/* ci_cands.h — the credentials a CI job could use for a registry, in the
 * documented order (docs/ci.md), each saying where it comes from:
 *
 *   1. the job's docker config as it stands (what BuildKit would send now:
 *      an earlier login step, the runner's config), when it sends anything;
 *   2. --username-env VAR --password-env VAR, scoped to the --registry
 *      before them (or to every registry when none is);
 *   3. the CI system's own:
 *        GitHub: GITHUB_TOKEN as GITHUB_ACTOR, for ghcr.io (containers.<host>
 *                on GitHub Enterprise Server; --token-registry HOST names
 *                another registry that takes it);
 *        GitLab: CI_REGISTRY_USER/CI_REGISTRY_PASSWORD, then the deploy token
 *                CI_DEPLOY_USER/CI_DEPLOY_PASSWORD, then gitlab-ci-token/
 *                CI_JOB_TOKEN, for $CI_REGISTRY; CI_DEPENDENCY_PROXY_USER/
 *                CI_DEPENDENCY_PROXY_PASSWORD, then the job token, for
 *                $CI_DEPENDENCY_PROXY_SERVER (with or without its :443);
 *   4. DOCKER_AUTH_CONFIG: its entry for the registry, in any form the
 *      GitLab runner takes (raw, base64, a file), decoded, so a form the
 *      docker CLI rejects is converted into the job's config.json; its
 *      credHelpers entry as a helper;
 *   5. a cloud credential helper on PATH with an identity in the
 *      environment: docker-credential-ecr-login for ECR hosts with AWS_*
 *      credentials; docker-credential-gcloud (with gcloud) or
 *      docker-credential-gcr for gcr.io, *.gcr.io and *-docker.pkg.dev
 *      with GOOGLE_* / CLOUDSDK_* credentials. Written as credHelpers,
 *      never copied; verified with what the helper returns now;
 *   6. anonymous (nothing written): a public image.
 * A candidate whose variables are unset or empty, or whose helper cannot
 * run, is listed as not usable with the reason (so the report says
 * "missing", not "rejected"). A candidate equal to an earlier one (same
 * user and secret: CI_REGISTRY_PASSWORD is the job token) is left out.
 *
 * Secrets are read from the environment vector into struct sensitive and
 * never formatted; `source` and `note` hold names and fingerprints only. */
#ifndef FIXKB_FIX_CI_CANDS_H
#define FIXKB_FIX_CI_CANDS_H

#include <stddef.h>

#include "util/err.h"
#include "util/settings.h"
#include "docker/credential.h"
#include "docker/credhelper.h"
#include "fix/ci_detect.h"

enum ci_cand_kind {
	CI_CAND_CURRENT,
	CI_CAND_EXPLICIT,
	CI_CAND_GITHUB_TOKEN,
	CI_CAND_GITLAB_REGISTRY,
	CI_CAND_GITLAB_DEPLOY,
	CI_CAND_GITLAB_JOB_TOKEN,
	CI_CAND_GITLAB_PROXY,
	CI_CAND_DOCKER_AUTH_CONFIG,
	CI_CAND_HELPER,
	CI_CAND_ANONYMOUS,
};

struct ci_cand {
	enum ci_cand_kind kind;
	char source[320];        /* "GITHUB_TOKEN as GITHUB_ACTOR (alice)" */
	char user_var[64];       /* the variables it came from ("" when none) */
	char secret_var[64];
	int usable;              /* 0: not tried; note says why */
	char note[480];          /* why not usable, or a remark ("base64 form, converted") */
	struct credential cred;  /* what is sent (owned, wiped on release) */
	char helper[CREDHELPER_NAME_MAX + 1];   /* written as credHelpers: cred came from it */
	int derived;             /* the secret was decoded from another value: mask it too */
	int not_found;           /* its helper has no credential for the registry */
};

struct ci_cands {
	struct ci_cand *c;
	size_t n;
};

#define CI_CANDS_INIT { NULL, 0 }

/* --username-env/--password-env, scoped to registry (NULL: every one). */
struct ci_explicit {
	const char *registry;
	const char *user_var;
	const char *secret_var;
};

struct ci_cands_request {
	const struct ci_env *env;
	const struct settings *s;      /* --config, for the current config */
	const struct ci_explicit *explicit;
	size_t nexplicit;
	const char *token_registry;    /* --token-registry, or NULL */
	double deadline_ms;            /* for the helpers run */
};

/* The candidates for registry (fixkb's name), in the order above. -1
 * with e set on OOM or a bad --registry scope. */
int ci_cands_for(struct ci_cands *out, const struct ci_cands_request *rq, const char *registry,
		 struct err *e);
void ci_cands_release(struct ci_cands *c);

/* Appends step 1 alone: what the docker config of s sends for registry
 * now (nothing when it sends nothing or DOCKER_AUTH_CONFIG is its
 * source). A helper is asked now; its failure makes the candidate not
 * usable. Also how the written job config is verified. */
int ci_cands_current(struct ci_cands *out, const struct settings *s, const char *registry,
		     double deadline_ms, struct err *e);

/* "current", "env", "github-token", ... (the report's "source_kind"). */
const char *ci_cand_kind_name(enum ci_cand_kind k);

/* The registry the CI system's own token is for, when registry is one:
 * 1 and the system's name for the token ("GITHUB_TOKEN", "CI_JOB_TOKEN"). */
int ci_cands_is_ci_registry(const struct ci_cands_request *rq, const char *registry,
			    const char **token_name);

#endif
