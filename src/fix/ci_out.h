/* ci_out.h — what fix --ci tells the CI system, in its own forms:
 *
 *  - log commands on the log stream (fix/ci_detect.h ci_log_style):
 *    collapsible groups (GitHub ::group::, GitLab section_start/
 *    section_end, Azure ##[group], Buildkite "--- "), annotations (GitHub
 *    ::error/::warning/::notice title=…::, Azure ##vso[task.logissue]),
 *    masks for derived secret values (GitHub ::add-mask::, Azure
 *    ##vso[task.setsecret]) — the one place a secret is written to a
 *    log, by design: the runner reads the line, hides the value in every
 *    later line of the job's log, and does not show the command itself;
 *  - DOCKER_CONFIG for later steps: appended to $GITHUB_ENV (GitHub) or
 *    $BASH_ENV (CircleCI), or an Azure ##vso[task.setvariable] command;
 *    `export`/`unset` lines for `eval "$(fixkb fix --ci --apply
 *    --print-env)"`; a dotenv file (GitLab artifacts:reports:dotenv);
 *  - GitHub's step outputs ($GITHUB_OUTPUT: docker-config, config-file,
 *    registries) and step summary ($GITHUB_STEP_SUMMARY, Markdown).
 * Every file is appended to (the CI system owns it), never replaced.
 * Values written to those files are paths and names, never secrets;
 * a value with a newline is refused (it would forge another line). */
#ifndef FIXKB_FIX_CI_OUT_H
#define FIXKB_FIX_CI_OUT_H

#include <jansson.h>
#include <stdio.h>

#include "util/err.h"
#include "util/sensitive.h"
#include "fix/ci_detect.h"

struct ci_log {
	FILE *f;                   /* the log stream (borrowed) */
	enum ci_log_style style;
	char group[64];            /* the open group's id ("" none) */
};

enum ci_level { CI_NOTICE, CI_WARNING, CI_ERROR };

void ci_log_init(struct ci_log *l, FILE *f, const struct ci_env *env);
/* Opens a collapsible group (closing an open one first). */
void ci_log_group(struct ci_log *l, const char *id, const char *title);
void ci_log_endgroup(struct ci_log *l);
/* An annotation where the system has them; elsewhere a plain line for a
 * warning or an error, nothing for a notice (the report holds it). */
void ci_log_annotate(struct ci_log *l, enum ci_level lv, const char *title, const char *msg);
/* Registers a secret value with the log's masker (GitHub, Azure); does
 * nothing where the system has none. */
void ci_log_mask(struct ci_log *l, const struct sensitive *v);

/* What later steps are told: DOCKER_CONFIG=dir, and (unset_dac) that
 * DOCKER_AUTH_CONFIG is emptied. */
struct ci_handoff {
	const char *dir;
	int unset_dac;
};

/* The system's own channel (GITHUB_ENV, BASH_ENV, the Azure command on
 * l). *via gets what was used ("$GITHUB_ENV", ... or "" when the system
 * has none). -1 with e set when the file cannot be written. */
int ci_out_handoff(const struct ci_env *env, struct ci_log *l, const struct ci_handoff *h,
		   const char **via, struct err *e);
/* The lines for eval: export DOCKER_CONFIG='…' (and unset). */
int ci_out_print_env(FILE *f, const struct ci_handoff *h, struct err *e);
/* A dotenv file (KEY=value lines) for GitLab's artifacts:reports:dotenv. */
int ci_out_dotenv(const char *path, const struct ci_handoff *h, struct err *e);

/* GitHub: docker-config, config-file and registries to $GITHUB_OUTPUT. */
int ci_out_github_outputs(const struct ci_env *env, const char *dir, const char *file,
			  const char *registries, struct err *e);
/* Appends markdown to $GITHUB_STEP_SUMMARY (GitHub only; no-op elsewhere). */
int ci_out_github_summary(const struct ci_env *env, const char *markdown, struct err *e);

/* 'text' quoted for a POSIX shell into out. -1 when it does not fit. */
int ci_shell_quote(char *out, size_t n, const char *text);

#endif
