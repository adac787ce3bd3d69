/* cmd_fix_ci.c — `fixkb fix --ci`: the CI mode's options. The work is
 * fix/ci.h's (docs/ci.md). `fixkb fix` enters it with --ci, or by itself
 * in a detected CI system unless --no-ci is given (cmd_fix_wants_ci). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "fix/ci.h"
#include "fix/ci_detect.h"
#include "util/msg.h"

extern char **environ;

#define CI_EXPLICIT_MAX STRLIST_MAX

struct fix_ci_opts {
	struct strlist registries, images, contexts, files, user_envs, pass_envs;
	int push, apply, yes, ci, no_ci, print_env;
	const char *token_registry, *dotenv;
};

static int has_arg(int argc, char **argv, const char *name)
{
	int i;

	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int cmd_fix_wants_ci(int argc, char **argv)
{
	struct ci_env env;

	if (has_arg(argc, argv, "--ci"))
		return 1;
	if (has_arg(argc, argv, "--no-ci"))
		return 0;
	return ci_detect(&env, environ, 0) != CI_NONE;
}

static void fix_ci_help(const struct opt *opts)
{
	printf("usage: fixkb fix --ci [--apply] [--print-env] [--image REF]... [--push]\n"
	       "                 [--context DIR]... [--file PATH]... [--registry HOST]...\n"
	       "                 [[--registry HOST] --username-env VAR --password-env VAR]...\n"
	       "                 [--token-registry HOST] [--dotenv FILE] [--format text|json]\n\n"
	       "Sets up registry credentials for a CI job. Finds what the build needs (the FROM\n"
	       "images of the Dockerfiles, --image and --push targets, --registry), the\n"
	       "credentials the job has (its docker config, --username-env/--password-env, the CI\n"
	       "system's own token, DOCKER_AUTH_CONFIG, cloud credential helpers, in that order),\n"
	       "checks each at the registry's token endpoint for exactly the scopes needed, as\n"
	       "BuildKit asks, and writes the first that works into a job-scoped docker config\n"
	       "(never ~/.docker), handed to later steps as DOCKER_CONFIG ($GITHUB_ENV, $BASH_ENV,\n"
	       "Azure's task.setvariable, or eval \"$(fixkb fix --ci --apply --print-env)\").\n"
	       "Without --apply it only shows what it would write. Entered by itself in a\n"
	       "detected CI system (GitHub Actions, GitLab CI, Jenkins, CircleCI, Buildkite,\n"
	       "Azure Pipelines, Bitbucket Pipelines, Woodpecker, Drone); --no-ci leaves it.\n"
	       "A --username-env/--password-env pair is for the --registry before it (every\n"
	       "registry when none is). See docs/ci.md.\n\noptions:\n");
	opt_print_help(stdout, opts);
	printf("\nexit status: 0 nothing to do, or written and verified; 1 no working credential\n"
	       "(nothing written), a dry run that would write, or a write that did not verify\n"
	       "(rolled back); 2 usage error\n");
}

/* The --username-env/--password-env pairs in argv order, each scoped to
 * the --registry before it. */
static int explicit_pairs(int argc, char **argv, struct ci_explicit *out, size_t *n,
			  struct err *e)
{
	const char *reg = NULL, *user = NULL;
	int i;

	*n = 0;
	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i], *v = NULL;
		size_t l = strcspn(a, "=");

		if (a[l] == '=')
			v = a + l + 1;
		else if (i + 1 < argc)
			v = argv[i + 1];
		if (strncmp(a, "--registry", l) == 0 && l == 10)
			reg = v;
		else if (strncmp(a, "--username-env", l) == 0 && l == 14)
			user = v;
		else if (strncmp(a, "--password-env", l) == 0 && l == 14) {
			if (!user)
				return err_set(e, "--password-env %s: give --username-env VAR before it", v);
			if (*n == CI_EXPLICIT_MAX)
				return err_set(e, "too many --password-env");
			out[(*n)++] = (struct ci_explicit){ reg, user, v };
			user = NULL;
		}
	}
	if (user)
		return err_set(e, "--username-env %s: give --password-env VAR with it", user);
	return 0;
}

int cmd_fix_ci(int argc, char **argv, const struct settings *s)
{
	struct fix_ci_opts o;
	struct ci_explicit ex[CI_EXPLICIT_MAX];
	struct ci_request rq;
	struct err e = ERR_INIT;
	const char *pos[1];
	size_t nex = 0;
	int npos;
	const struct opt opts[] = {
		{ "ci", 0, OPT_FLAG, &o.ci, NULL, "CI mode even where no CI system is detected" },
		{ "no-ci", 0, OPT_FLAG, &o.no_ci, NULL, "not the CI mode, even in a CI system" },
		{ "apply", 0, OPT_FLAG, &o.apply, NULL, "write the job's config (else only show it)" },
		{ "yes", 0, OPT_FLAG, &o.yes, NULL, "no confirmation (the CI mode never asks)" },
		{ "print-env", 0, OPT_FLAG, &o.print_env, NULL, "print export lines for eval (with --apply)" },
		{ "image", 0, OPT_LIST, &o.images, "REF", "an image the build pulls (or pushes, with --push)" },
		{ "push", 0, OPT_FLAG, &o.push, NULL, "the --image references are pushed: pull,push" },
		{ "context", 0, OPT_LIST, &o.contexts, "DIR", "a build context (its Dockerfile is read)" },
		{ "file", 0, OPT_LIST, &o.files, "PATH", "a Dockerfile outside the context (docker build -f)" },
		{ "registry", 0, OPT_LIST, &o.registries, "HOST", "a registry to set up; scopes the pairs after it" },
		{ "username-env", 0, OPT_LIST, &o.user_envs, "VAR", "the variable holding a username" },
		{ "password-env", 0, OPT_LIST, &o.pass_envs, "VAR", "the variable holding its password or token" },
		{ "token-registry", 0, OPT_STRING, &o.token_registry, "HOST",
		  "the registry the CI system's own token is for (default ghcr.io; GitLab $CI_REGISTRY)" },
		{ "dotenv", 0, OPT_STRING, &o.dotenv, "FILE", "also write DOCKER_CONFIG=… to FILE (GitLab dotenv)" },
		OPT_TABLE_END,
	};

	memset(&o, 0, sizeof(o));
	if (cmd_wants_help(argc, argv)) {
		fix_ci_help(opts);
		return EXIT_OK;
	}
	if (opt_parse(opts, argc, argv, pos, 0, &npos, &e) < 0)
		return msg_usage("fix: %s", e.msg);
	if (o.ci && o.no_ci)
		return msg_usage("fix: --ci and --no-ci contradict each other");
	if (o.print_env && !o.apply)
		return msg_usage("fix: --print-env prints what --apply wrote: give --apply too");
	if (o.print_env && s->format == FORMAT_JSON)
		return msg_usage("fix: --print-env and --format json both want standard output");
	if (s->offline)
		return msg_usage("fix --ci: it checks every credential at its registry: not with --offline");
	if (s->format != FORMAT_TEXT && s->format != FORMAT_JSON)
		return msg_usage("fix --ci: --format text or json");
	if (explicit_pairs(argc, argv, ex, &nex, &e) < 0)
		return msg_usage("fix: %s", e.msg);
	rq = (struct ci_request){ &o.registries, &o.images, &o.contexts, &o.files, o.push, o.apply,
		o.ci, ex, nex, o.token_registry, o.dotenv, environ,
		o.print_env || s->format == FORMAT_JSON ? msg_stream() : stdout,
		s->format == FORMAT_JSON ? stdout : NULL, o.print_env ? stdout : NULL };
	return ci_fix_run(&rq, s);
}
