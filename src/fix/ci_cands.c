/* ci_cands.c — a CI job's candidate credentials for one registry, in the
 * documented order (ci_cands.h, docs/ci.md). */
#include "fix/ci_cands.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/paths.h"
#include "docker/credplan.h"
#include "docker/dockerauthcfg.h"
#include "docker/dockercfg.h"
#include "docker/regname.h"

const char *ci_cand_kind_name(enum ci_cand_kind k)
{
	static const char *const names[] = {
		"current", "env", "github-token", "gitlab-registry", "gitlab-deploy-token",
		"gitlab-job-token", "gitlab-dependency-proxy", "docker-auth-config", "cred-helper",
		"anonymous",
	};

	return (size_t)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

void ci_cands_release(struct ci_cands *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		credential_release(&c->c[i].cred);
	free(c->c);
	c->c = NULL;
	c->n = 0;
}

static struct ci_cand *cand_new(struct ci_cands *out, enum ci_cand_kind kind)
{
	struct ci_cand *grown = realloc(out->c, (out->n + 1) * sizeof(*grown)), *c;

	if (!grown)
		return NULL;
	out->c = grown;
	c = &out->c[out->n++];
	memset(c, 0, sizeof(*c));
	c->cred = (struct credential)CREDENTIAL_INIT;
	c->kind = kind;
	c->usable = 1;
	return c;
}

/* A usable candidate equal to an earlier usable one is dropped (not one
 * equal to the current config's: the report names where each comes from). */
static void cand_dedupe_last(struct ci_cands *out)
{
	struct ci_cand *last = &out->c[out->n - 1];
	size_t i;

	if (!last->usable || last->helper[0])
		return;
	for (i = 0; i + 1 < out->n; i++) {
		const struct ci_cand *c = &out->c[i];

		if (c->usable && !c->helper[0] && c->kind != CI_CAND_CURRENT && strcmp(c->cred.username, last->cred.username) == 0 &&
		    sensitive_equal(&c->cred.secret, &last->cred.secret)) {
			credential_release(&last->cred);
			out->n--;
			return;
		}
	}
}

/* A user/secret pair from two variables (user_var NULL: fixed_user). */
static int cand_env_pair(struct ci_cands *out, const struct ci_env *env, enum ci_cand_kind kind,
			 const char *user_var, const char *fixed_user, const char *secret_var,
			 const char *label, struct err *e)
{
	struct ci_cand *c = cand_new(out, kind);
	const char *user = user_var ? ci_env_value(env, user_var) : fixed_user;
	const char *secret = ci_env_value(env, secret_var);

	if (!c)
		return err_set(e, "out of memory");
	snprintf(c->user_var, sizeof(c->user_var), "%s", user_var ? user_var : "");
	snprintf(c->secret_var, sizeof(c->secret_var), "%s", secret_var);
	if (user_var)
		snprintf(c->source, sizeof(c->source), "%s%s%s as %s (%.128s)", label, *label ? ": " : "",
			 secret_var, user_var, user ? user : "unset");
	else
		snprintf(c->source, sizeof(c->source), "%s%s%s as %s", label, *label ? ": " : "",
			 secret_var, fixed_user);
	if (!user || !secret) {
		c->usable = 0;
		snprintf(c->note, sizeof(c->note), "%s%s%s %s not set in this job's environment",
			 !user ? user_var : "", !user && !secret ? " and " : "", !secret ? secret_var : "",
			 !user && !secret ? "are" : "is");
		return 0;
	}
	snprintf(c->cred.username, sizeof(c->cred.username), "%s", user);
	if (sensitive_set(&c->cred.secret, secret, strlen(secret)) < 0)
		return err_set(e, "out of memory");
	cand_dedupe_last(out);
	return 0;
}

/* Asks helper for registry's credential now, as BuildKit would (the key
 * BuildKit asks for): found, it is what the trial sends; otherwise the
 * candidate is not usable and says why. */
static int cand_fetch_helper(struct ci_cand *c, const char *helper, const char *key,
			     double deadline_ms, struct err *e)
{
	struct credhelper_result hr = CREDHELPER_RESULT_INIT;
	int rc = -1;

	snprintf(c->helper, sizeof(c->helper), "%s", helper);
	if (credhelper_get(&hr, helper, key, deadline_ms, e) < 0)
		goto cleanup;
	if (hr.status == CREDHELPER_FOUND) {
		snprintf(c->cred.username, sizeof(c->cred.username), "%s", hr.cred.username);
		c->cred.identity_token = hr.cred.identity_token;
		if (sensitive_copy(&c->cred.secret, &hr.cred.secret) < 0) {
			err_set(e, "out of memory");
			goto cleanup;
		}
	} else {
		c->usable = 0;
		c->not_found = hr.status == CREDHELPER_NOT_FOUND;
		if (hr.status == CREDHELPER_NOT_FOUND)
			snprintf(c->note, sizeof(c->note), "docker-credential-%s has no credential for "
				 "\"%s\"", helper, key);
		else
			snprintf(c->note, sizeof(c->note), "docker-credential-%s: %s%s%s", helper,
				 credhelper_status_name(hr.status), hr.docker_message[0] ? ": " : "",
				 hr.docker_message);
	}
	rc = 0;
cleanup:
	credhelper_result_release(&hr);
	return rc;
}

/* What the job's docker config sends now (nothing when it sends nothing,
 * or when DOCKER_AUTH_CONFIG is its source: step 4 covers that). */
int ci_cands_current(struct ci_cands *out, const struct settings *s, const char *registry,
		     double deadline_ms, struct err *e)
{
	struct cred_plan plan = CRED_PLAN_INIT;
	struct ci_cand *c;
	char where[PATH_MAX];
	int rc = -1;

	if (credplan_resolve(&plan, s, registry, CONSUMER_DOCKER, e) < 0)
		return -1;
	if (plan.source == SRC_NONE || plan.source == SRC_DOCKER_AUTH_CONFIG) {
		rc = 0;
		goto cleanup;
	}
	if (!(c = cand_new(out, CI_CAND_CURRENT))) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	paths_display(where, sizeof(where), plan.file);
	if (plan.source == SRC_AUTHS) {
		snprintf(c->source, sizeof(c->source), "the job's docker config: auths \"%s\" in %s",
			 plan.key, where);
		if (credplan_read_auths(&c->cred, &plan, e) < 0) {
			c->usable = 0;
			snprintf(c->note, sizeof(c->note), "unreadable: %s", e->msg);
			err_clear(e);
		}
		rc = 0;
		goto cleanup;
	}
	snprintf(c->source, sizeof(c->source), "the job's docker config: %s docker-credential-%s "
		 "in %s", cred_source_name(plan.source), plan.helper, where);
	rc = cand_fetch_helper(c, plan.helper, plan.key, deadline_ms, e);
	/* a helper with nothing for the registry: BuildKit sends nothing */
	if (rc == 0 && c->not_found) {
		credential_release(&c->cred);
		out->n--;
	}
cleanup:
	cred_plan_release(&plan);
	return rc;
}

static int cands_explicit(struct ci_cands *out, const struct ci_cands_request *rq,
			  const char *registry, struct err *e)
{
	char reg[REGNAME_HOST_MAX];
	size_t i;

	for (i = 0; i < rq->nexplicit; i++) {
		const struct ci_explicit *x = &rq->explicit[i];

		if (x->registry) {
			if (regname_normalise(x->registry, reg, sizeof(reg), e) < 0)
				return err_prefix(e, "--registry '%s'", x->registry);
			if (strcmp(reg, registry) != 0)
				continue;
		}
		if (cand_env_pair(out, rq->env, CI_CAND_EXPLICIT, x->user_var, NULL, x->secret_var,
				  "--username-env/--password-env", e) < 0)
			return -1;
	}
	return 0;
}

/* GitHub's registry: ghcr.io, or containers.<host> on GitHub Enterprise
 * Server (GITHUB_SERVER_URL); --token-registry names another. */
static int github_registry_is(const struct ci_cands_request *rq, const char *registry)
{
	const char *url = ci_env_value(rq->env, "GITHUB_SERVER_URL");
	char host[REGNAME_HOST_MAX], ghes[REGNAME_HOST_MAX + 16], tr[REGNAME_HOST_MAX];
	struct err e = ERR_INIT;

	if (rq->token_registry)
		return regname_normalise(rq->token_registry, tr, sizeof(tr), &e) >= 0 &&
		       strcmp(tr, registry) == 0;
	if (strcmp(registry, "ghcr.io") == 0)
		return 1;
	if (!url)
		return 0;
	regname_loose_host(url, host, sizeof(host));
	snprintf(ghes, sizeof(ghes), "containers.%s", host);
	return strcmp(host, "github.com") != 0 && strcmp(ghes, registry) == 0;
}

/* A GitLab variable holding a registry host equals registry (with or
 * without the :443 CI_DEPENDENCY_PROXY_SERVER carries). */
static int gitlab_var_is(const struct ci_cands_request *rq, const char *var, const char *registry)
{
	const char *v = ci_env_value(rq->env, var);
	char reg[REGNAME_HOST_MAX];
	struct err e = ERR_INIT;
	size_t n;

	if (rq->token_registry && strcmp(var, "CI_REGISTRY") == 0)
		v = rq->token_registry;
	if (!v || regname_normalise(v, reg, sizeof(reg), &e) < 0)
		return 0;
	if (strcmp(reg, registry) == 0)
		return 1;
	n = strlen(registry);
	return strncmp(reg, registry, n) == 0 && strcmp(reg + n, ":443") == 0;
}

int ci_cands_is_ci_registry(const struct ci_cands_request *rq, const char *registry,
			    const char **token_name)
{
	if (rq->env->sys == CI_GITHUB && github_registry_is(rq, registry)) {
		*token_name = "GITHUB_TOKEN";
		return 1;
	}
	if (rq->env->sys == CI_GITLAB && (gitlab_var_is(rq, "CI_REGISTRY", registry) ||
					  gitlab_var_is(rq, "CI_DEPENDENCY_PROXY_SERVER", registry))) {
		*token_name = "CI_JOB_TOKEN";
		return 1;
	}
	return 0;
}

static int cands_ci_system(struct ci_cands *out, const struct ci_cands_request *rq,
			   const char *registry, struct err *e)
{
	const struct ci_env *env = rq->env;
	int r = 0;

	if (env->sys == CI_GITHUB && github_registry_is(rq, registry))
		return cand_env_pair(out, env, CI_CAND_GITHUB_TOKEN, "GITHUB_ACTOR", NULL,
				     "GITHUB_TOKEN", "", e);
	if (env->sys != CI_GITLAB)
		return 0;
	if (gitlab_var_is(rq, "CI_REGISTRY", registry))
		r = cand_env_pair(out, env, CI_CAND_GITLAB_REGISTRY, "CI_REGISTRY_USER", NULL,
				  "CI_REGISTRY_PASSWORD", "", e) < 0 ||
		    (ci_env_value(env, "CI_DEPLOY_PASSWORD") &&
		     cand_env_pair(out, env, CI_CAND_GITLAB_DEPLOY, "CI_DEPLOY_USER", NULL,
				   "CI_DEPLOY_PASSWORD", "deploy token", e) < 0) ||
		    cand_env_pair(out, env, CI_CAND_GITLAB_JOB_TOKEN, NULL, "gitlab-ci-token",
				  "CI_JOB_TOKEN", "", e) < 0;
	else if (gitlab_var_is(rq, "CI_DEPENDENCY_PROXY_SERVER", registry))
		r = cand_env_pair(out, env, CI_CAND_GITLAB_PROXY, "CI_DEPENDENCY_PROXY_USER", NULL,
				  "CI_DEPENDENCY_PROXY_PASSWORD", "dependency proxy", e) < 0 ||
		    cand_env_pair(out, env, CI_CAND_GITLAB_JOB_TOKEN, NULL, "gitlab-ci-token",
				  "CI_JOB_TOKEN", "", e) < 0;
	return r ? -1 : 0;
}

/* Which DOCKER_AUTH_CONFIG auths key serves registry: docker's hostname
 * of the key, Hub names folded. */
static int dac_key_is(const char *key, const char *registry)
{
	char host[REGNAME_HOST_MAX];

	regname_docker_hostname(key, host, sizeof(host));
	return strcmp(regname_canonical(host), registry) == 0;
}

static int cands_dac(struct ci_cands *out, const struct ci_cands_request *rq,
		     const char *registry, struct err *e)
{
	struct docker_auth_config d = DOCKER_AUTH_CONFIG_INIT;
	struct ci_cand *c;
	size_t i;
	int rc = -1;

	if (dac_decode(&d, ci_env_get(rq->env, "DOCKER_AUTH_CONFIG"), e) < 0)
		return -1;
	for (i = 0; d.set && i < d.cfg.nauths; i++) {
		const struct dockercfg_entry *en = &d.cfg.auths[i];

		if (!dac_key_is(en->key, registry) || !dockercfg_entry_has_credential(en))
			continue;
		if (!(c = cand_new(out, CI_CAND_DOCKER_AUTH_CONFIG))) {
			err_set(e, "out of memory");
			goto cleanup;
		}
		snprintf(c->source, sizeof(c->source), "DOCKER_AUTH_CONFIG (%s form), auths \"%.200s\"",
			 dac_form_name(d.form), en->key);
		snprintf(c->secret_var, sizeof(c->secret_var), "DOCKER_AUTH_CONFIG");
		c->derived = 1;
		if (!d.cli_accepts)
			snprintf(c->note, sizeof(c->note), "the docker CLI (>= 28.3) rejects this value (%s): "
				 "its credential is converted into the job's config.json", d.cli_problem);
		if (credplan_entry_credential(&c->cred, en, e) < 0)
			goto cleanup;
		cand_dedupe_last(out);
	}
	for (i = 0; d.set && i < d.cfg.nhelpers; i++) {
		const struct dockercfg_helper *h = &d.cfg.helpers[i];

		if (!dac_key_is(h->key, registry) || !dockercfg_helper_name_valid(h->name))
			continue;
		if (!(c = cand_new(out, CI_CAND_DOCKER_AUTH_CONFIG))) {
			err_set(e, "out of memory");
			goto cleanup;
		}
		snprintf(c->source, sizeof(c->source), "DOCKER_AUTH_CONFIG credHelpers \"%.200s\": "
			 "docker-credential-%s", h->key, h->name);
		if (cand_fetch_helper(c, h->name, regname_auth_key(registry, REGNAME_BUILDKIT),
				      rq->deadline_ms, e) < 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	dac_release(&d);
	return rc;
}

static int host_matches(const char *re, const char *host)
{
	regex_t r;
	int m;

	if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	m = regexec(&r, host, 0, NULL, 0) == 0;
	regfree(&r);
	return m;
}

/* The first of vars set in the environment, or NULL. */
static const char *first_set(const struct ci_env *env, const char *const *vars)
{
	for (; *vars; vars++)
		if (ci_env_value(env, *vars))
			return *vars;
	return NULL;
}

/* ECR: docker-credential-ecr-login (amazon-ecr-credential-helper) for
 * <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn] and public.ecr.aws;
 * GCR and Artifact Registry: docker-credential-gcloud (it runs gcloud) or
 * docker-credential-gcr for gcr.io, <region>.gcr.io, <region>-docker.pkg.dev. */
static int cands_cloud(struct ci_cands *out, const struct ci_cands_request *rq,
		       const char *registry, struct err *e)
{
	static const char *const aws[] = { "AWS_ACCESS_KEY_ID", "AWS_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", NULL };
	static const char *const gcp[] = { "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_GHA_CREDS_PATH",
		"CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE", "CLOUDSDK_AUTH_ACCESS_TOKEN",
		"CLOUDSDK_CONFIG", NULL };
	const char *path = ci_env_get(rq->env, "PATH"), *helper = NULL, *id;
	int ecr = host_matches("^[0-9]{12}\\.dkr\\.ecr(-fips)?\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$",
			       registry) || strcmp(registry, "public.ecr.aws") == 0;
	int gcr = host_matches("^([a-z]+\\.)?gcr\\.io$|^[a-z0-9-]+-docker\\.pkg\\.dev$", registry);
	struct ci_cand *c;

	if (!ecr && !gcr)
		return 0;
	if (ecr && paths_find_on_path("docker-credential-ecr-login", path, NULL, 0))
		helper = "ecr-login";
	if (gcr && paths_find_on_path("docker-credential-gcloud", path, NULL, 0) &&
	    paths_find_on_path("gcloud", path, NULL, 0))
		helper = "gcloud";
	else if (gcr && paths_find_on_path("docker-credential-gcr", path, NULL, 0))
		helper = "gcr";
	id = first_set(rq->env, ecr ? aws : gcp);
	if (!(c = cand_new(out, CI_CAND_HELPER)))
		return err_set(e, "out of memory");
	snprintf(c->helper, sizeof(c->helper), "%s", helper ? helper : ecr ? "ecr-login" : "gcloud");
	snprintf(c->source, sizeof(c->source), "docker-credential-%s (credHelpers)%s%s%s", c->helper,
		 id ? " with " : "", id ? id : "", id ? " set" : "");
	snprintf(c->secret_var, sizeof(c->secret_var), "%s", id ? id : "");
	if (helper && id)
		return cand_fetch_helper(c, helper, regname_auth_key(registry, REGNAME_BUILDKIT),
					 rq->deadline_ms, e);
	c->usable = 0;
	snprintf(c->note, sizeof(c->note), "%s", !helper
		 ? (ecr ? "docker-credential-ecr-login is not on PATH"
			: "neither docker-credential-gcloud (with gcloud) nor docker-credential-gcr is on PATH")
		 : ecr ? "no AWS identity in the environment (AWS_ACCESS_KEY_ID, AWS_PROFILE, "
			 "AWS_WEB_IDENTITY_TOKEN_FILE, AWS_CONTAINER_CREDENTIALS_*)"
		       : "no Google identity in the environment (GOOGLE_APPLICATION_CREDENTIALS, "
			 "GOOGLE_GHA_CREDS_PATH, CLOUDSDK_AUTH_*, CLOUDSDK_CONFIG)");
	return 0;
}

int ci_cands_for(struct ci_cands *out, const struct ci_cands_request *rq, const char *registry,
		 struct err *e)
{
	struct ci_cand *c;

	out->c = NULL;
	out->n = 0;
	if (ci_cands_current(out, rq->s, registry, rq->deadline_ms, e) < 0 || cands_explicit(out, rq, registry, e) < 0 ||
	    cands_ci_system(out, rq, registry, e) < 0 || cands_dac(out, rq, registry, e) < 0 ||
	    cands_cloud(out, rq, registry, e) < 0)
		return -1;
	if (!(c = cand_new(out, CI_CAND_ANONYMOUS)))
		return err_set(e, "out of memory");
	snprintf(c->source, sizeof(c->source), "anonymous (no credential: a public image)");
	return 0;
}
