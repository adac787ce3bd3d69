/* ci_advice.c — a refused or missing credential explained in its CI
 * system's terms. Sources: GitHub "Publishing and installing a package
 * with GitHub Actions" and "Configuring a package's access control and
 * visibility" (Manage Actions access); GitLab "GitLab CI/CD job token"
 * (job token allowlist, CI/CD settings) and "Deploy tokens". */
#include "fix/ci_advice.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum ci_refusal ci_refusal_of(const char *code)
{
	static const char *const rejected[] = { "oauth_token_rejected", "expired_token",
		"shadowed_credentials", NULL };
	static const char *const denied[] = { "insufficient_scope_or_permission",
		"repo_not_found_or_private", "no_credentials", NULL };
	size_t i;

	if (!code || strcmp(code, "token_ok") == 0 || strcmp(code, "login_ok") == 0 ||
	    strcmp(code, "no_auth_required") == 0)
		return CI_REFUSED_NONE;
	for (i = 0; rejected[i]; i++)
		if (strcmp(code, rejected[i]) == 0)
			return CI_REFUSED_REJECTED;
	for (i = 0; denied[i]; i++)
		if (strcmp(code, denied[i]) == 0)
			return CI_REFUSED_DENIED;
	return CI_REFUSED_UNKNOWN;
}

static int line(json_t *lines, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int line(json_t *lines, const char *fmt, ...)
{
	char buf[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return json_array_append_new(lines, json_string(buf));
}

/* The failed scope asked for push. */
static int wants_push(const struct ci_trial *t)
{
	size_t n = strlen(t->failed_scope);

	return t->push_denied || (n > 10 && strcmp(t->failed_scope + n - 10, ":pull,push") == 0);
}

/* The repository of the failed scope ("owner/img"), or the registry. */
static void failed_repo(const struct ci_trial *t, const struct ci_reg *r, char *out, size_t n)
{
	const char *s = t->failed_scope, *end;

	if (strncmp(s, "repository:", 11) == 0 && (end = strrchr(s, ':')) && end > s + 11)
		snprintf(out, n, "%s/%.*s", r->name, (int)(end - s - 11), s + 11);
	else
		snprintf(out, n, "%s", r->name);
}

static int github_denied(json_t *lines, const struct ci_env *env, const struct ci_trial *t,
			 const char *repo)
{
	int push = wants_push(t);
	const char *right = push ? "write" : "read";
	const char *ev = ci_env_value(env, "GITHUB_EVENT_NAME");

	if (line(lines, "GITHUB_TOKEN is valid but may not %s %s: give the job the permission — "
		 "in the workflow (or the job) add:  permissions: { contents: read, packages: %s }  "
		 "i.e.\n    permissions:\n      contents: read\n      packages: %s",
		 push ? "push to" : "pull", repo, right, right) < 0 ||
	    line(lines, "if the package belongs to a user or an organization rather than to %s, "
		 "grant this repository access in the package's settings: Package settings → "
		 "Manage Actions access → Add repository, role %s",
		 ci_env_value(env, "GITHUB_REPOSITORY") ? ci_env_value(env, "GITHUB_REPOSITORY")
							: "this repository",
		 push ? "Write" : "Read") < 0)
		return -1;
	if (push && ev && strncmp(ev, "pull_request", 12) == 0 &&
	    line(lines, "this run is for a %s event: a pull request from a fork gets a read-only "
		 "GITHUB_TOKEN whatever the permissions say, so it can never push", ev) < 0)
		return -1;
	return 0;
}

static int gitlab_denied(json_t *lines, const struct ci_env *env, const struct ci_cand *c,
			 const struct ci_trial *t, const char *repo)
{
	const char *proj = ci_env_value(env, "CI_PROJECT_PATH");
	const char *own = ci_env_value(env, "CI_REGISTRY_IMAGE");

	if (c->kind == CI_CAND_GITLAB_DEPLOY)
		return line(lines, "the deploy token %s may not %s %s: it needs the %s scope "
			    "(Settings → Repository → Deploy tokens)", c->cred.username,
			    wants_push(t) ? "push to" : "pull", repo,
			    wants_push(t) ? "write_registry" : "read_registry");
	if (c->kind == CI_CAND_GITLAB_PROXY)
		return line(lines, "the dependency proxy refused %s: the group needs the Dependency "
			    "Proxy turned on (group Settings → Packages and registries) and the job's "
			    "user at least the Guest role in the group", repo);
	if (wants_push(t))
		return line(lines, "a job token pushes only to its own project's container registry "
			    "(%s); to push %s, use a deploy token or a project access token with the "
			    "write_registry scope, stored as masked CI/CD variables and given with "
			    "--username-env/--password-env", own ? own : "$CI_REGISTRY_IMAGE", repo);
	return line(lines, "the job token of %s may not pull %s: in the project that owns it, "
		    "Settings → CI/CD → Job token permissions → add %s to the allowlist "
		    "(\"Authorized groups and projects\"; \"Limit access to this project\")",
		    proj ? proj : "this project", repo, proj ? proj : "this project");
}

static int missing(json_t *lines, const struct ci_env *env, const struct ci_cand *c)
{
	const char *var = c->secret_var[0] ? c->secret_var : "the variable";

	if (c->kind == CI_CAND_GITHUB_TOKEN)
		return line(lines, "GITHUB_TOKEN is not in this step's environment: add  env: "
			    "{ GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }} }  to the step (the fixkb "
			    "action passes github.token itself)");
	if (c->kind == CI_CAND_CURRENT)
		return 0;   /* its note says it; the job's own config replaces it */
	if (c->kind == CI_CAND_HELPER)
		return line(lines, "%s: %s", c->source, c->note);
	if (env->sys == CI_GITHUB)
		return line(lines, "%s: set it in the step, e.g.  env: { %s: ${{ secrets.%s }} } "
			    "(%s)", c->source, var, var, c->note);
	if (env->sys == CI_GITLAB)
		return line(lines, "%s: define %s as a masked CI/CD variable (Settings → CI/CD → "
			    "Variables) available to this job's branch (%s)", c->source, var, c->note);
	return line(lines, "%s: %s; pass it into the job's environment", c->source, c->note);
}

int ci_advice_candidate(json_t *lines, const struct ci_env *env, const struct ci_reg *r,
			const struct ci_cand *c, const struct ci_trial *t)
{
	char repo[600];

	if (!c->usable)
		return missing(lines, env, c);
	if (!t || t->ok)
		return 0;
	failed_repo(t, r, repo, sizeof(repo));
	switch (ci_refusal_of(t->code)) {
	case CI_REFUSED_REJECTED:
		if (c->kind == CI_CAND_CURRENT)
			return line(lines, "%s holds a credential %s rejects (stale, or copied from "
				    "elsewhere): the job's own config replaces it", c->source, r->name);
		return line(lines, "%s was REJECTED by %s's token endpoint: it is set, but wrong, "
			    "expired or revoked (it is not missing)%s", c->source, r->name,
			    c->kind == CI_CAND_GITHUB_TOKEN ? "; a GITHUB_TOKEN is valid only during "
			    "its own job, for this repository's run" : c->kind == CI_CAND_GITLAB_JOB_TOKEN
			    ? "; a job token is valid only while its job runs" : "");
	case CI_REFUSED_DENIED:
		if (c->kind == CI_CAND_ANONYMOUS)
			return line(lines, "anonymous access to %s is refused: the image is private "
				    "(or does not exist), so the job needs a credential", repo);
		if (c->kind == CI_CAND_GITHUB_TOKEN)
			return github_denied(lines, env, t, repo);
		if (env->sys == CI_GITLAB && (c->kind == CI_CAND_GITLAB_JOB_TOKEN ||
					      c->kind == CI_CAND_GITLAB_REGISTRY ||
					      c->kind == CI_CAND_GITLAB_DEPLOY ||
					      c->kind == CI_CAND_GITLAB_PROXY))
			return gitlab_denied(lines, env, c, t, repo);
		return line(lines, "%s is accepted by %s but may not %s %s (%s): give that account "
			    "%s access to the repository", c->source, r->name,
			    wants_push(t) ? "push to" : "pull", repo, t->failed_scope,
			    wants_push(t) ? "write (push)" : "read (pull)");
	default:
		return line(lines, "%s could not be checked at %s: %s", c->source, r->name, t->detail);
	}
}

int ci_advice_none(json_t *lines, const struct ci_env *env, const struct ci_reg *r)
{
	switch (env->sys) {
	case CI_GITHUB:
		return line(lines, "no credential works for %s: for ghcr.io give the job GITHUB_TOKEN "
			    "with the packages permission; for another registry store its token as an "
			    "Actions secret and pass --username-env USER_VAR --password-env TOKEN_VAR "
			    "(with env: { TOKEN_VAR: ${{ secrets.NAME }} })", r->name);
	case CI_GITLAB:
		return line(lines, "no credential works for %s: for $CI_REGISTRY the job token must be "
			    "allowed (see above); for another registry define masked CI/CD variables "
			    "and pass --username-env USER_VAR --password-env TOKEN_VAR", r->name);
	default:
		return line(lines, "no credential works for %s: put the registry's username and token "
			    "in the job's environment (the CI system's secret store) and pass "
			    "--registry %s --username-env USER_VAR --password-env TOKEN_VAR",
			    r->name, r->name);
	}
}
