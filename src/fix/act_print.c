/* act_print.c — what a build needs that fixkb can only print, since it
 * lives in the build command and the Dockerfile:
 *   print_secret_build_command  `docker buildx build --secret id=ID,env=VAR`
 *                               and the `RUN --mount=type=secret` line
 *   print_ssh_build_command     `docker buildx build --ssh default` and the
 *                               `RUN --mount=type=ssh` line, with the agent
 * The secret itself stays in the variable: only its name is printed. */
#include "fix/fixaction.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* The build's secret id from the variable's name ("GITHUB_TOKEN" →
 * "github_token"). */
static void secret_id(char *out, size_t n, const char *var)
{
	size_t i;

	for (i = 0; var[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)var[i]);
	out[i] = '\0';
}

/* Both print actions always fit: what they print needs nothing here. */
static int print_choose(const struct fix_ctx *c, const json_t *f, struct fix_step *st,
			char *reason, size_t n)
{
	int ssh = st->act == &fixact_print_ssh_build_command;

	(void)c;
	(void)f;
	(void)reason;
	(void)n;
	st->kind = FIX_YOURS;
	return fixstep_set(&st->what, "%s", ssh ? "forward your SSH agent to the RUN step that needs it"
			   : "pass the token to the build as a BuildKit secret, never as a build "
			   "argument or a file in the context") < 0 ? FIXACT_NO : FIXACT_YES;
}

static int secret_realise(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
			  struct err *e)
{
	const char *var = c->in->pass_env ? c->in->pass_env : "TOKEN";
	const char *image = st->image[0] ? st->image : "IMAGE";
	char id[128];

	(void)p;
	secret_id(id, sizeof(id), var);
	st->kind = FIX_YOURS;
	if (fixstep_line(st, "docker buildx build --secret id=%s,env=%s -t %s .", id, var, image) < 0 ||
	    fixstep_line(st, "# in the Dockerfile (syntax docker/dockerfile:1.10 or later):") < 0 ||
	    fixstep_line(st, "RUN --mount=type=secret,id=%s,env=%s <the command that needs it>", id,
			 var) < 0 ||
	    fixstep_note(st, "the secret is in the RUN step's environment only: it is not in any "
			 "layer, the build history or the context; export %s before the build", var) < 0)
		return err_set(e, "out of memory");
	return 0;
}

const struct fix_action fixact_print_secret_build_command = {
	"print_secret_build_command", PHASE_PRINT, print_choose, secret_realise,
};

static int ssh_realise(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
		       struct err *e)
{
	(void)p;
	(void)c;
	st->kind = FIX_YOURS;
	if (fixstep_line(st, "eval \"$(ssh-agent -s)\" && ssh-add   # a key the remote accepts") < 0 ||
	    fixstep_line(st, "docker buildx build --ssh default -t %s .",
			 st->image[0] ? st->image : "IMAGE") < 0 ||
	    fixstep_line(st, "# in the Dockerfile:") < 0 ||
	    fixstep_line(st, "RUN --mount=type=ssh mkdir -p -m 0700 ~/.ssh && ssh-keyscan github.com "
			 ">> ~/.ssh/known_hosts && git clone git@github.com:OWNER/REPO.git") < 0 ||
	    fixstep_note(st, "the key never enters the image: the RUN step talks to your agent "
			 "through a socket for its duration only") < 0)
		return err_set(e, "out of memory");
	return 0;
}

const struct fix_action fixact_print_ssh_build_command = {
	"print_ssh_build_command", PHASE_PRINT, print_choose, ssh_realise,
};
