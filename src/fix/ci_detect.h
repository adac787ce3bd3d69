/* ci_detect.h — which CI system runs this job, from the variables each
 * system documents, and what the system offers a tool that sets up a
 * job: a job-scoped temporary directory, a way to hand an environment
 * variable to later steps, log commands (groups, annotations, masking).
 *
 * The table in ci_detect.c names, per system, the variable that gives it
 * away and the page documenting it. Detection reads an environment
 * vector (environ, or a test's own), never getenv, so the rest of the CI
 * mode reads the same one through ci_env_get.
 *
 *   system           detected by                 job temp dir (base)   later steps get DOCKER_CONFIG
 *   GitHub Actions   GITHUB_ACTIONS=true          $RUNNER_TEMP          $GITHUB_ENV
 *   GitLab CI        GITLAB_CI=true               $CI_PROJECT_DIR       eval --print-env (dotenv: --dotenv)
 *   Jenkins          JENKINS_URL + BUILD_TAG      $TMPDIR               eval --print-env
 *   CircleCI         CIRCLECI=true                $TMPDIR               $BASH_ENV
 *   Buildkite        BUILDKITE=true               $TMPDIR               eval --print-env
 *   Azure Pipelines  TF_BUILD=True                $AGENT_TEMPDIRECTORY  ##vso[task.setvariable]
 *   Bitbucket        BITBUCKET_BUILD_NUMBER       $TMPDIR               eval --print-env
 *   Woodpecker       CI=woodpecker                $TMPDIR               eval --print-env
 *   Drone            DRONE=true                   $TMPDIR               eval --print-env
 *   (--ci elsewhere) CI=true, or nothing          $TMPDIR               eval --print-env
 * ($TMPDIR is /tmp when unset; there the directory name carries the
 * job's id, since a shared /tmp outlives the job.) */
#ifndef FIXKB_FIX_CI_DETECT_H
#define FIXKB_FIX_CI_DETECT_H

#include <stddef.h>

enum ci_system {
	CI_NONE,        /* no CI system detected (and --ci not given) */
	CI_GITHUB,
	CI_GITLAB,
	CI_JENKINS,
	CI_CIRCLECI,
	CI_BUILDKITE,
	CI_AZURE,
	CI_BITBUCKET,
	CI_WOODPECKER,
	CI_DRONE,
	CI_GENERIC,     /* --ci, and no system named itself (CI=true, or nothing) */
};

/* How a CI system's log takes commands. */
enum ci_log_style {
	CI_LOG_PLAIN,      /* none: plain lines */
	CI_LOG_GITHUB,     /* ::group::, ::error title=…::, ::add-mask:: */
	CI_LOG_GITLAB,     /* section_start/section_end collapsible sections */
	CI_LOG_AZURE,      /* ##[group], ##vso[task.logissue], ##vso[task.setsecret] */
	CI_LOG_BUILDKITE,  /* "--- title" collapsed groups */
};

struct ci_env {
	enum ci_system sys;
	char evidence[160];      /* "GITHUB_ACTIONS=true", or what --ci found */
	char *const *vars;       /* the environment read (borrowed, NULL-terminated) */
};

#define CI_ENV_INIT { CI_NONE, "", NULL }

/* Fills c from vars (NULL-terminated NAME=value entries, borrowed for
 * c's life). forced (--ci): a job with no known system is CI_GENERIC.
 * Returns c->sys. */
enum ci_system ci_detect(struct ci_env *c, char *const *vars, int forced);

/* The value of NAME in c->vars, or NULL when unset. */
const char *ci_env_get(const struct ci_env *c, const char *name);
/* The same, but NULL for an empty value too. */
const char *ci_env_value(const struct ci_env *c, const char *name);

const char *ci_system_name(enum ci_system s);   /* "GitHub Actions", ... */
const char *ci_system_id(enum ci_system s);     /* "github", "gitlab", ... */
enum ci_log_style ci_log_style(enum ci_system s);

/* The job-scoped directory fixkb's docker config goes in: "<base>/<name>"
 * where base is the system's job temp dir (table above; $TMPDIR, then
 * /tmp when that is unset) and name is "fixkb-docker-config", or in a
 * shared /tmp "fixkb-docker-config-<job id>" (the system's job id
 * variable made safe for a file name, else the user id), or on GitLab
 * ".fixkb-docker-config" in the checkout. *from gets the variable that
 * gave the base ("RUNNER_TEMP", "TMPDIR", "" for /tmp). -1 when it does
 * not fit in n. */
int ci_job_dir(const struct ci_env *c, char *out, size_t n, const char **from);

/* The variable later steps read DOCKER_CONFIG from, when the system has
 * one fixkb can write (GITHUB_ENV, BASH_ENV), else NULL. Azure takes a
 * log command instead (ci_log_style). */
const char *ci_env_file_var(enum ci_system s);

#endif
