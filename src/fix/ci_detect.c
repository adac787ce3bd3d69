/* ci_detect.c — the CI systems fixkb knows, each from its own
 * documentation: the variable that gives it away, the job's temporary
 * directory, its job id. */
#include "fix/ci_detect.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct ci_row {
	enum ci_system sys;
	const char *id, *name;
	const char *var;        /* the variable that gives the system away */
	const char *value;      /* its value (case-insensitive), NULL: any non-empty */
	const char *also;       /* a second variable that must be set too, or NULL */
	const char *temp_var;   /* a job-scoped temp dir the system empties, or NULL */
	const char *job_var;    /* the job's id, for a name in a shared /tmp */
	enum ci_log_style log;
};

/* Order matters only where a system sets another's variable: Woodpecker
 * sets CI=woodpecker, which is checked before the generic CI=true. */
static const struct ci_row ci_rows[] = {
	/* https://docs.github.com/en/actions/reference/workflows-and-actions/variables
	 * #default-environment-variables: GITHUB_ACTIONS "Always set to true when
	 * GitHub Actions is running the workflow"; RUNNER_TEMP "emptied at the
	 * beginning and end of each job". */
	{ CI_GITHUB, "github", "GitHub Actions", "GITHUB_ACTIONS", "true", NULL,
	  "RUNNER_TEMP", "GITHUB_RUN_ID", CI_LOG_GITHUB },
	/* https://docs.gitlab.com/ci/variables/predefined_variables/: GITLAB_CI
	 * "true when available"; CI_PROJECT_DIR "The full path the repository
	 * is cloned to, and where the job runs from" (handled in ci_job_dir). */
	{ CI_GITLAB, "gitlab", "GitLab CI", "GITLAB_CI", "true", NULL,
	  NULL, "CI_JOB_ID", CI_LOG_GITLAB },
	/* https://www.jenkins.io/doc/book/pipeline/jenkinsfile/#using-environment-variables
	 * (and ${JENKINS_URL}/env-vars.html): JENKINS_URL, BUILD_TAG
	 * "jenkins-${JOB_NAME}-${BUILD_NUMBER}". */
	{ CI_JENKINS, "jenkins", "Jenkins", "JENKINS_URL", NULL, "BUILD_TAG",
	  NULL, "BUILD_TAG", CI_LOG_PLAIN },
	/* https://circleci.com/docs/reference/variables/: CIRCLECI "true";
	 * CIRCLE_WORKFLOW_JOB_ID. */
	{ CI_CIRCLECI, "circleci", "CircleCI", "CIRCLECI", "true", NULL,
	  NULL, "CIRCLE_WORKFLOW_JOB_ID", CI_LOG_PLAIN },
	/* https://buildkite.com/docs/pipelines/configure/environment-variables:
	 * BUILDKITE "Always true"; BUILDKITE_JOB_ID. */
	{ CI_BUILDKITE, "buildkite", "Buildkite", "BUILDKITE", "true", NULL,
	  NULL, "BUILDKITE_JOB_ID", CI_LOG_BUILDKITE },
	/* https://learn.microsoft.com/en-us/azure/devops/pipelines/build/variables:
	 * TF_BUILD "Set to True if the script is being run by a build task";
	 * Agent.TempDirectory (AGENT_TEMPDIRECTORY) "A temporary folder that is
	 * cleaned after each pipeline job"; Build.BuildId. */
	{ CI_AZURE, "azure", "Azure Pipelines", "TF_BUILD", "true", NULL,
	  "AGENT_TEMPDIRECTORY", "BUILD_BUILDID", CI_LOG_AZURE },
	/* https://support.atlassian.com/bitbucket-cloud/docs/variables-and-secrets/:
	 * BITBUCKET_BUILD_NUMBER, BITBUCKET_STEP_UUID. */
	{ CI_BITBUCKET, "bitbucket", "Bitbucket Pipelines", "BITBUCKET_BUILD_NUMBER", NULL, NULL,
	  NULL, "BITBUCKET_STEP_UUID", CI_LOG_PLAIN },
	/* https://woodpecker-ci.org/docs/usage/environment#built-in-environment-variables:
	 * CI "CI environment name (value: woodpecker)"; CI_PIPELINE_NUMBER. */
	{ CI_WOODPECKER, "woodpecker", "Woodpecker CI", "CI", "woodpecker", NULL,
	  NULL, "CI_PIPELINE_NUMBER", CI_LOG_PLAIN },
	/* https://docs.drone.io/pipeline/environment/reference/: DRONE "true";
	 * DRONE_BUILD_NUMBER. */
	{ CI_DRONE, "drone", "Drone", "DRONE", "true", NULL,
	  NULL, "DRONE_BUILD_NUMBER", CI_LOG_PLAIN },
};

static const struct ci_row *ci_row(enum ci_system s)
{
	size_t i;

	for (i = 0; i < sizeof(ci_rows) / sizeof(ci_rows[0]); i++)
		if (ci_rows[i].sys == s)
			return &ci_rows[i];
	return NULL;
}

const char *ci_env_get(const struct ci_env *c, const char *name)
{
	size_t n = strlen(name);
	char *const *v;

	for (v = c->vars; v && *v; v++)
		if (strncmp(*v, name, n) == 0 && (*v)[n] == '=')
			return *v + n + 1;
	return NULL;
}

const char *ci_env_value(const struct ci_env *c, const char *name)
{
	const char *v = ci_env_get(c, name);

	return v && *v ? v : NULL;
}

enum ci_system ci_detect(struct ci_env *c, char *const *vars, int forced)
{
	const char *v;
	size_t i;

	c->sys = CI_NONE;
	c->evidence[0] = '\0';
	c->vars = vars;
	for (i = 0; i < sizeof(ci_rows) / sizeof(ci_rows[0]); i++) {
		const struct ci_row *r = &ci_rows[i];

		v = ci_env_value(c, r->var);
		if (!v || (r->value && strcasecmp(v, r->value) != 0) ||
		    (r->also && !ci_env_value(c, r->also)))
			continue;
		c->sys = r->sys;
		snprintf(c->evidence, sizeof(c->evidence), "%s=%.60s%s%s", r->var,
			 r->value ? v : "…", r->also ? " and " : "", r->also ? r->also : "");
		return c->sys;
	}
	if (forced) {
		c->sys = CI_GENERIC;
		v = ci_env_value(c, "CI");
		snprintf(c->evidence, sizeof(c->evidence), "--ci%s%.40s%s", v ? " (CI=" : "",
			 v ? v : "", v ? ")" : " (no CI system detected)");
	}
	return c->sys;
}

const char *ci_system_name(enum ci_system s)
{
	const struct ci_row *r = ci_row(s);

	return r ? r->name : s == CI_GENERIC ? "CI (generic)" : "no CI";
}

const char *ci_system_id(enum ci_system s)
{
	const struct ci_row *r = ci_row(s);

	return r ? r->id : s == CI_GENERIC ? "generic" : "none";
}

enum ci_log_style ci_log_style(enum ci_system s)
{
	const struct ci_row *r = ci_row(s);

	return r ? r->log : CI_LOG_PLAIN;
}

const char *ci_env_file_var(enum ci_system s)
{
	/* GitHub: "$GITHUB_ENV" (workflow-commands #setting-an-environment-
	 * variable); CircleCI: "$BASH_ENV" is sourced by every later step
	 * (https://circleci.com/docs/set-environment-variable/). */
	return s == CI_GITHUB ? "GITHUB_ENV" : s == CI_CIRCLECI ? "BASH_ENV" : NULL;
}

/* The job id made safe for a file name: [A-Za-z0-9._-], others '_'. */
static void ci_tag(char *out, size_t n, const char *id)
{
	size_t i;

	for (i = 0; id[i] && i + 1 < n && i < 64; i++) {
		char ch = id[i];

		out[i] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			 (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ? ch : '_';
	}
	out[i] = '\0';
}

int ci_job_dir(const struct ci_env *c, char *out, size_t n, const char **from)
{
	const struct ci_row *r = ci_row(c->sys);
	const char *base = NULL, *proj = ci_env_value(c, "CI_PROJECT_DIR"), *jid;
	char tag[80];
	int w;

	*from = "";
	if (c->sys == CI_GITLAB && proj) {
		*from = "CI_PROJECT_DIR";
		w = snprintf(out, n, "%s/.fixkb-docker-config", proj);
		return w < 0 || (size_t)w >= n ? -1 : 0;
	}
	if (r && r->temp_var && (base = ci_env_value(c, r->temp_var)))
		*from = r->temp_var;
	if (base) {
		w = snprintf(out, n, "%s/fixkb-docker-config", base);
		return w < 0 || (size_t)w >= n ? -1 : 0;
	}
	if ((base = ci_env_value(c, "TMPDIR")))
		*from = "TMPDIR";
	else
		base = "/tmp";
	jid = r ? ci_env_value(c, r->job_var) : NULL;
	if (jid)
		ci_tag(tag, sizeof(tag), jid);
	else
		snprintf(tag, sizeof(tag), "uid%lu", (unsigned long)geteuid());
	w = snprintf(out, n, "%s/fixkb-docker-config-%s", base, tag);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}
