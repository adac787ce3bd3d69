/* ci_out.c — log commands, environment hand-off and step files of each CI
 * system. Formats:
 *  - GitHub: docs.github.com/en/actions/reference/workflows-and-actions/
 *    workflow-commands (::group::, ::add-mask::, ::error title=…::,
 *    GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY; data escapes % \r \n,
 *    properties also : and ,);
 *  - GitLab: docs.gitlab.com/ci/jobs/job_logs/#custom-collapsible-sections
 *    (\e[0Ksection_start:<unix>:<name>[collapsed=true]\r\e[0K<header>);
 *  - Azure: learn.microsoft.com/azure/devops/pipelines/scripts/
 *    logging-commands (##[group], ##vso[task.setvariable variable=…],
 *    ##vso[task.setsecret], ##vso[task.logissue type=…]);
 *  - Buildkite: buildkite.com/docs/pipelines/configure/managing-log-output
 *    ("--- " starts a collapsed group);
 *  - CircleCI: circleci.com/docs/set-environment-variable ($BASH_ENV is
 *    sourced by every later step). */
#include "fix/ci_out.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/ghcmd.h"

void ci_log_init(struct ci_log *l, FILE *f, const struct ci_env *env)
{
	l->f = f;
	l->style = ci_log_style(env->sys);
	l->group[0] = '\0';
}

/* Writes one GitHub workflow command: "::<head>" then its data escaped
 * (a title property first when title is not NULL). */
static void gh_command(FILE *f, const char *head, const char *title, const char *data)
{
	struct buf b = BUF_INIT(1u << 20);
	int rc = buf_appendf(&b, "::%s", head);

	if (rc == 0 && title)
		rc = buf_appends(&b, " title=") < 0 || ghcmd_escape(&b, title, 1) < 0 ? -1 : 0;
	if (rc == 0)
		rc = buf_appends(&b, "::") < 0 || ghcmd_escape(&b, data, 0) < 0 ? -1 : 0;
	if (rc == 0)
		fprintf(f, "%s\n", b.data);
	buf_release(&b);
}

/* Azure's: ; \r \n ] and % in a logging command. */
static void az_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '%')
			fputs("%AZP25", f);
		else if (*s == '\r')
			fputs("%0D", f);
		else if (*s == '\n')
			fputs("%0A", f);
		else if (*s == ';')
			fputs("%3B", f);
		else if (*s == ']')
			fputs("%5D", f);
		else
			fputc(*s, f);
	}
}

/* A title on one line, without control characters. */
static void plain(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
}

void ci_log_group(struct ci_log *l, const char *id, const char *title)
{
	ci_log_endgroup(l);
	snprintf(l->group, sizeof(l->group), "%s", id);
	switch (l->style) {
	case CI_LOG_GITHUB:
		gh_command(l->f, "group", NULL, title);
		return;
	case CI_LOG_GITLAB:
		fprintf(l->f, "\033[0Ksection_start:%ld:%s[collapsed=true]\r\033[0K", (long)time(NULL), id);
		plain(l->f, title);
		break;
	case CI_LOG_AZURE:
		fputs("##[group]", l->f);
		plain(l->f, title);
		break;
	case CI_LOG_BUILDKITE:
		fputs("--- ", l->f);
		plain(l->f, title);
		break;
	default:
		fputs("== ", l->f);
		plain(l->f, title);
		break;
	}
	fputc('\n', l->f);
}

void ci_log_endgroup(struct ci_log *l)
{
	if (!l->group[0])
		return;
	if (l->style == CI_LOG_GITHUB)
		fputs("::endgroup::\n", l->f);
	else if (l->style == CI_LOG_GITLAB)
		fprintf(l->f, "\033[0Ksection_end:%ld:%s\r\033[0K\n", (long)time(NULL), l->group);
	else if (l->style == CI_LOG_AZURE)
		fputs("##[endgroup]\n", l->f);
	l->group[0] = '\0';
}

void ci_log_annotate(struct ci_log *l, enum ci_level lv, const char *title, const char *msg)
{
	static const char *const gh[] = { "notice", "warning", "error" };
	static const char *const words[] = { "note", "warning", "error" };

	if (l->style == CI_LOG_GITHUB) {
		gh_command(l->f, gh[lv], title, msg);
		return;
	} else if (l->style == CI_LOG_AZURE && lv != CI_NOTICE) {
		fprintf(l->f, "##vso[task.logissue type=%s]", lv == CI_ERROR ? "error" : "warning");
		az_escaped(l->f, title);
		fputs(": ", l->f);
		az_escaped(l->f, msg);
	} else if (lv == CI_NOTICE) {
		return;   /* the report said it; only GitHub shows notices apart */
	} else {
		fprintf(l->f, "%s: ", words[lv]);
		plain(l->f, title);
		fputs(": ", l->f);
		plain(l->f, msg);
	}
	fputc('\n', l->f);
}

void ci_log_mask(struct ci_log *l, const struct sensitive *v)
{
	if (sensitive_is_empty(v) || memchr(v->data, '\n', v->len) || memchr(v->data, '\r', v->len))
		return;
	/* the only lines that carry a secret, read and hidden by the runner
	 * (escaped as command data: the runner unescapes it to the value) */
	if (l->style == CI_LOG_GITHUB)
		gh_command(l->f, "add-mask", NULL, v->data);
	else if (l->style == CI_LOG_AZURE)
		fprintf(l->f, "##vso[task.setsecret]%s\n", v->data);
}

int ci_shell_quote(char *out, size_t n, const char *text)
{
	size_t o = 0;

	if (n < 3)
		return -1;
	out[o++] = '\'';
	for (; *text; text++) {
		if (*text == '\'') {
			if (o + 4 >= n)
				return -1;
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else {
			if (o + 1 >= n)
				return -1;
			out[o++] = *text;
		}
	}
	if (o + 2 > n)
		return -1;
	out[o++] = '\'';
	out[o] = '\0';
	return 0;
}

/* Appends text to the file the variable names. */
static int append(const struct ci_env *env, const char *var, const char *text, struct err *e)
{
	const char *path = ci_env_value(env, var);
	FILE *f;
	int bad;

	if (!path)
		return err_set(e, "$%s is not set: cannot hand the result to later steps", var);
	if (!(f = fopen(path, "a")))
		return err_set(e, "appending to $%s ('%s'): %m", var, path);
	bad = fputs(text, f) == EOF;
	if (fclose(f) != 0 || bad)
		return err_set(e, "writing $%s ('%s'): %m", var, path);
	return 0;
}

int ci_out_handoff(const struct ci_env *env, struct ci_log *l, const struct ci_handoff *h,
		   const char **via, struct err *e)
{
	char text[8192], q[4200];

	*via = "";
	if (strpbrk(h->dir, "\r\n"))
		return err_set(e, "'%s': a path with a line break cannot be handed on", h->dir);
	if (env->sys == CI_GITHUB) {
		*via = "$GITHUB_ENV";
		snprintf(text, sizeof(text), "DOCKER_CONFIG=%s\n%s", h->dir,
			 h->unset_dac ? "DOCKER_AUTH_CONFIG=\n" : "");
		return append(env, "GITHUB_ENV", text, e);
	}
	if (env->sys == CI_CIRCLECI) {
		*via = "$BASH_ENV";
		if (ci_shell_quote(q, sizeof(q), h->dir) < 0)
			return err_set(e, "'%s': path too long", h->dir);
		snprintf(text, sizeof(text), "export DOCKER_CONFIG=%s\n%s", q,
			 h->unset_dac ? "unset DOCKER_AUTH_CONFIG\n" : "");
		return append(env, "BASH_ENV", text, e);
	}
	if (env->sys == CI_AZURE) {
		*via = "##vso[task.setvariable]";
		fputs("##vso[task.setvariable variable=DOCKER_CONFIG]", l->f);
		az_escaped(l->f, h->dir);
		fputc('\n', l->f);
		if (h->unset_dac)
			fputs("##vso[task.setvariable variable=DOCKER_AUTH_CONFIG]\n", l->f);
	}
	return 0;
}

int ci_out_print_env(FILE *f, const struct ci_handoff *h, struct err *e)
{
	char q[4200];

	if (ci_shell_quote(q, sizeof(q), h->dir) < 0)
		return err_set(e, "'%s': path too long", h->dir);
	fprintf(f, "export DOCKER_CONFIG=%s\n", q);
	if (h->unset_dac)
		fputs("unset DOCKER_AUTH_CONFIG\n", f);
	return 0;
}

int ci_out_dotenv(const char *path, const struct ci_handoff *h, struct err *e)
{
	FILE *f;
	int bad;

	if (strpbrk(h->dir, "\r\n"))
		return err_set(e, "'%s': a path with a line break cannot be handed on", h->dir);
	if (!(f = fopen(path, "a")))
		return err_set(e, "appending to '%s': %m", path);
	bad = fprintf(f, "DOCKER_CONFIG=%s\n%s", h->dir, h->unset_dac ? "DOCKER_AUTH_CONFIG=\n" : "") < 0;
	if (fclose(f) != 0 || bad)
		return err_set(e, "writing '%s': %m", path);
	return 0;
}

int ci_out_github_outputs(const struct ci_env *env, const char *dir, const char *file,
			  const char *registries, struct err *e)
{
	char text[12288];

	if (env->sys != CI_GITHUB || !ci_env_value(env, "GITHUB_OUTPUT"))
		return 0;
	if (strpbrk(dir, "\r\n") || strpbrk(registries, "\r\n"))
		return err_set(e, "a value with a line break cannot be a step output");
	snprintf(text, sizeof(text), "docker-config=%s\nconfig-file=%s\nregistries=%s\n", dir, file,
		 registries);
	return append(env, "GITHUB_OUTPUT", text, e);
}

int ci_out_github_summary(const struct ci_env *env, const char *markdown, struct err *e)
{
	if (env->sys != CI_GITHUB || !ci_env_value(env, "GITHUB_STEP_SUMMARY"))
		return 0;
	return append(env, "GITHUB_STEP_SUMMARY", markdown, e);
}
