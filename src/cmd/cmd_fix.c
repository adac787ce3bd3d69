/* cmd_fix.c — `fixkb fix`: one plan for the whole run, from doctor's
 * probes and the knowledge base; --apply carries it out: every new
 * credential verified at the registry's token endpoint before anything
 * is written, the files written atomically with backups, the probes run
 * again, everything put back when the problems are not gone. --undo puts
 * back the last applied set. Exit 0: nothing to fix, or fixed and
 * verified; 1: problems remain (a dry run with a plan, a rejected
 * credential, a failed verification rolled back, steps that need you);
 * 2: usage. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "docker/imageref.h"
#include "docker/regname.h"
#include "doctor.h"
#include "findings.h"
#include "fix/fixrun.h"
#include "fix/outcomes.h"
#include "fix/plan.h"
#include "kb.h"
#include "render/render_fix.h"
#include "render/report.h"
#include "util/msg.h"

#define PASSWORD_STDIN_MAX 4096
#define LOCK_WAIT_MS 10000.0

struct fix_opts {
	struct strlist registries, images;
	const char *context, *username, *username_env, *password_env, *gpg_key;
	int push, apply, yes, undo, force, password_stdin, no_ci;
};

static void fix_help(const struct opt *opts)
{
	printf("usage: fixkb fix [--registry HOST]... [--image REF]... [--context DIR] [--push]\n"
	       "                 [--apply] [--yes] [--undo [--force]] [--gpg-key ID]\n"
	       "                 [--username USER | --username-env VAR]\n"
	       "                 [--password-env VAR | --password-stdin] [--ci | --no-ci]\n\n"
	       "Runs doctor's checks and prints one plan that fixes what they find: each step,\n"
	       "why (the evidence), the workaround's success rate (and what fixkb observed), and\n"
	       "a unified diff of every file it would touch, secrets as fingerprints. Nothing is\n"
	       "written without --apply. With --apply, each new credential must first get a token\n"
	       "from the registry's token endpoint (pull; pull,push with --push), the files are\n"
	       "replaced atomically with backups, the probes run again, and everything is put\n"
	       "back if the problems are not gone. On a terminal --apply asks first (--yes does\n"
	       "not). Credentials come only from the environment or stdin, never from argv.\n"
	       "--cacert FILE (a global option) is the CA to install for a registry whose\n"
	       "certificate does not verify. In a detected CI system, or with --ci, fix runs\n"
	       "its CI mode instead ('fixkb fix --ci --help', fixkb-ci(7)); --no-ci leaves it.\n\n"
	       "options:\n");
	opt_print_help(stdout, opts);
	printf("\nexit status: 0 nothing to fix, or fixed and verified; 1 problems remain (a dry\n"
	       "run with a plan, a credential refused, a verification failed and rolled back,\n"
	       "steps that need you); 2 usage error\n");
}

/* ---- the credential: environment or stdin, never argv ---- */

static int read_password_stdin(struct sensitive *out)
{
	char buf[PASSWORD_STDIN_MAX + 2];
	size_t n = fread(buf, 1, sizeof(buf) - 1, stdin);
	int rc;

	if (n > PASSWORD_STDIN_MAX) {
		explicit_bzero(buf, sizeof(buf));
		return msg_usage("fix: --password-stdin: more than %d bytes", PASSWORD_STDIN_MAX);
	}
	/* as docker login: the trailing newline goes */
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	rc = n ? (sensitive_set(out, buf, n) < 0 ? msg_error("out of memory") : 0)
	       : msg_usage("fix: --password-stdin: nothing on stdin");
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

/* The registry the credential is for: the one --registry, else the one
 * --image's. */
static int cred_registry(struct fix_input *in, const struct fix_opts *o)
{
	struct image_ref ref;
	struct err e = ERR_INIT;

	if (o->registries.n == 1) {
		if (regname_normalise(o->registries.items[0], in->cred_registry,
				      sizeof(in->cred_registry), &e) < 0)
			return msg_usage("fix: --registry '%s': %s", o->registries.items[0], e.msg);
		return 0;
	}
	if (o->registries.n == 0 && o->images.n == 1) {
		if (image_ref_parse(&ref, o->images.items[0], &e) < 0)
			return msg_usage("fix: --image '%s': %s", o->images.items[0], e.msg);
		snprintf(in->cred_registry, sizeof(in->cred_registry), "%s", ref.registry);
		return 0;
	}
	if (o->registries.n == 0 && o->images.n == 0)
		return 0;   /* the --context Dockerfile's, once read (plan_run) */
	return msg_usage("fix: a credential is for one registry: name it with one --registry "
			 "(or one --image)");
}

static int read_credential(struct fix_input *in, const struct fix_opts *o)
{
	const char *user = o->username, *pass;

	if (!o->username && !o->username_env && !o->password_env && !o->password_stdin)
		return 0;
	if ((o->username && o->username_env) || (o->password_env && o->password_stdin))
		return msg_usage("fix: give the username one way and the password one way");
	if (!(o->username || o->username_env) || !(o->password_env || o->password_stdin))
		return msg_usage("fix: a credential needs a username (--username, --username-env) "
				 "and a password (--password-env, --password-stdin)");
	if (o->username_env && !((user = getenv(o->username_env)) && *user))
		return msg_usage("fix: --username-env %s: the variable is not set", o->username_env);
	if (strlen(user) >= sizeof(in->cred.username) || strchr(user, ':'))
		return msg_usage("fix: the username must be shorter than %zu bytes, without ':'",
				 sizeof(in->cred.username));
	snprintf(in->cred.username, sizeof(in->cred.username), "%s", user);
	if (o->password_env) {
		pass = getenv(o->password_env);
		if (!pass || !*pass)
			return msg_usage("fix: --password-env %s: the variable is not set",
					 o->password_env);
		if (sensitive_set(&in->cred.secret, pass, strlen(pass)) < 0)
			return msg_error("out of memory");
	} else if (read_password_stdin(&in->cred.secret)) {
		return EXIT_USAGE;
	}
	in->have_cred = 1;
	in->user_env = o->username_env;
	in->pass_env = o->password_env;
	snprintf(in->cred_origin, sizeof(in->cred_origin), "%s%s %s%s",
		 o->username_env ? "--username-env " : "--username ",
		 o->username_env ? o->username_env : user,
		 o->password_env ? "--password-env " : "--password-stdin",
		 o->password_env ? o->password_env : "");
	return cred_registry(in, o);
}

/* ---- --undo ---- */

static json_t *undo_json(const struct undo_report *r)
{
	json_t *files = json_array();
	static const char *const what[] = { "restored", "removed (fixkb had created it)",
					    "already as before", "restored (--force)" };
	size_t i;

	for (i = 0; i < r->n; i++)
		json_array_append_new(files, json_pack("{s:s, s:s}", "path", r->files[i].path,
						       "what", what[r->files[i].what]));
	return json_pack("{s:b, s:s, s:s, s:s, s:o, s:s}", "nothing", r->nothing, "why", r->why,
			 "id", r->id, "created", r->created, "files", files, "saved", r->saved);
}

static int run_undo(const struct settings *s, int force)
{
	struct undo_report r = UNDO_REPORT_INIT;
	struct err e = ERR_INIT;
	json_t *doc, *u;

	if (fixrun_undo(&r, force, &e) < 0) {
		undo_report_release(&r);
		msg_error("fix --undo: %s", e.msg);
		return EXIT_PROBLEMS;
	}
	u = undo_json(&r);
	if (s->format == FORMAT_JSON) {
		doc = report_new("fix");
		json_object_set_new(doc, "mode", json_string("undo"));
		json_object_set_new(doc, "undo", u);
		report_print_json(stdout, doc);
		json_decref(doc);
	} else {
		render_fix_undo(stdout, s, u);
		json_decref(u);
	}
	undo_report_release(&r);
	return EXIT_OK;
}

/* ---- the run ---- */

struct fix_run {
	const struct settings *s;      /* the user's (--cacert is the CA to install) */
	struct settings probe;         /* what the probes see: no --cacert */
	struct fix_input in;
	struct fix_opts o;
	struct targets t;
	struct findings f;
	struct kb *kb;
	struct engine en;
	int engine_started;
	struct fix_plan plan;
	struct fix_ctx c;
	json_t *doc, *result;
};

/* Each step's observed success, from outcomes.jsonl. */
static void add_observed(json_t *plan)
{
	struct outcomes oc = OUTCOMES_INIT;
	struct err e = ERR_INIT;
	json_t *st;
	size_t i;

	if (outcomes_read(&oc, NULL, &e) < 0)
		return;
	json_array_foreach(json_object_get(plan, "steps"), i, st) {
		const char *entry = json_string_value(json_object_get(st, "entry"));
		const char *w = json_string_value(json_object_get(st, "workaround"));
		const struct outcomes_stat *os = entry && w ? outcomes_find(&oc, entry, w) : NULL;

		json_object_set_new(st, "observed", os ? json_pack("{s:I, s:I}", "runs",
					(json_int_t)os->runs, "ok", (json_int_t)os->ok) : json_null());
	}
	outcomes_release(&oc);
}

/* A credential given with neither --registry nor --image is for the one
 * registry the build context's Dockerfile pulls from. */
static int cred_from_dockerfile(struct fix_run *r)
{
	const char *one = NULL;
	size_t i;

	if (!r->in.have_cred || r->in.cred_registry[0])
		return 0;
	for (i = 0; i < r->t.n; i++) {
		if (!r->t.items[i].base_image)
			continue;
		if (one && strcmp(one, r->t.items[i].registry) != 0)
			return msg_usage("fix: a credential is for one registry, and the Dockerfile "
					 "pulls from several: name it with --registry");
		one = r->t.items[i].registry;
	}
	if (!one)
		return msg_usage("fix: a credential is for one registry: name it with --registry "
				 "(or --image)");
	snprintf(r->in.cred_registry, sizeof(r->in.cred_registry), "%s", one);
	return 0;
}

/* doctor's pipeline, then the plan (under the files' locks with --apply). */
static int plan_run(struct fix_run *r)
{
	struct doctor_request rq = { &r->o.registries, &r->o.images, r->o.context };
	struct err e = ERR_INIT;
	json_t *plan;
	size_t i;

	if (kb_load(&r->kb, &e) < 0)
		return msg_error("loading the knowledge base: %s", e.msg);
	if (doctor_gather(&r->t, &rq, &r->probe, &e) < 0)
		return msg_usage("fix: %s", e.msg);
	/* FROM lines it could not use, registries left out: as doctor says */
	for (i = 0; i < json_array_size(r->t.warnings); i++)
		msg_warn("%s", json_string_value(json_array_get(r->t.warnings, i)));
	if (cred_from_dockerfile(r))
		return EXIT_USAGE;
	engine_init(&r->en, &r->probe);
	r->engine_started = 1;
	if (doctor_run_probes(&r->en, &r->t, &e) < 0 ||
	    findings_build(&r->f, r->kb, &r->en, &r->t, &r->probe) < 0)
		return msg_error("%s", e.msg[0] ? e.msg : "out of memory");
	r->c = (struct fix_ctx){ &r->probe, r->kb, &r->en, &r->t, r->f.json, &r->in };
	if (fixplan_build(&r->plan, &r->c, r->o.apply ? LOCK_WAIT_MS : -1, &e) < 0) {
		/* with --apply: a file that cannot be locked or written (nothing was) */
		msg_error("fix: %s", e.msg);
		return r->o.apply ? EXIT_PROBLEMS : EXIT_USAGE;
	}
	fixplan_annotate(&r->plan, r->f.json);
	plan = fixplan_json(&r->plan, &e);
	if (!plan)
		return msg_error("fix: %s", e.msg);
	add_observed(plan);
	r->doc = report_new("fix");
	json_object_set_new(r->doc, "mode", json_string(r->o.apply ? "apply" : "dry-run"));
	json_object_set(r->doc, "findings", r->f.json);
	json_object_set_new(r->doc, "plan", plan);
	json_object_set_new(r->doc, "probes", engine_probes_json(&r->en));
	r->result = json_object();
	json_object_set(r->doc, "result", r->result);
	return 0;
}

static int confirm(const struct fix_run *r)
{
	char answer[16];

	if (r->o.yes || r->o.password_stdin || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return 1;
	printf("\napply %zu step%s? [y/N] ", fixplan_count(&r->plan, FIX_WRITE),
	       fixplan_count(&r->plan, FIX_WRITE) == 1 ? "" : "s");
	fflush(stdout);
	if (!fgets(answer, sizeof(answer), stdin))
		return 0;
	return answer[0] == 'y' || answer[0] == 'Y';
}

__attribute__((format(printf, 3, 4)))
static int summary(struct fix_run *r, int rc, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	json_object_set_new(r->result, "summary", json_string(line));
	json_object_set_new(r->result, "exit", json_integer(rc));
	return rc;
}

/* Findings that fail the build (doctor's exit 1), as opposed to warnings. */
static int failing(const json_t *findings)
{
	size_t i;

	for (i = 0; i < json_array_size(findings); i++) {
		const char *sev = json_string_value(json_object_get(json_array_get(findings, i),
								   "severity"));

		if (!sev || strcmp(sev, "warn") != 0)
			return 1;
	}
	return 0;
}

/* --apply: verify before, apply, verify after, roll back. */
static int apply_run(struct fix_run *r)
{
	struct err e = ERR_INIT;
	json_t *checks = NULL, *after = NULL;
	int text = r->s->format != FORMAT_JSON, rc;

	if (fixplan_count(&r->plan, FIX_WRITE) + fixplan_count(&r->plan, FIX_YOURS) == 0)
		return summary(r, failing(r->f.json) ? EXIT_PROBLEMS : EXIT_OK, "%s",
			       failing(r->f.json) ? "nothing fixkb can apply: what is left needs you"
			       : "nothing to do");
	if (!confirm(r)) {
		json_object_set_new(r->result, "confirmed", json_false());
		return summary(r, EXIT_PROBLEMS, "%s", "not applied: not confirmed");
	}
	rc = fixrun_verify_before(&r->plan, &r->c, &checks, &e);
	json_object_set_new(r->result, "checks", checks ? checks : json_array());
	if (text)
		render_fix_checks(stdout, r->s, checks);
	if (rc < 0)
		return summary(r, EXIT_PROBLEMS, "not applied: %s", e.msg);
	if (rc == 0)
		return summary(r, EXIT_PROBLEMS, "%s", "nothing written: a credential or CA was "
			       "refused (above)");
	if (fixrun_apply(&r->plan, &e) < 0) {
		json_object_set_new(r->result, "error", json_string(e.msg));
		return summary(r, EXIT_PROBLEMS, "%s", "nothing stays changed");
	}
	json_object_set_new(r->result, "applied", json_boolean(r->plan.ws.has_applied));
	json_object_set_new(r->result, "backup", json_string(r->plan.ws.has_applied ?
							     r->plan.ws.applied.dir : ""));
	rc = fixrun_verify_after(&r->plan, &r->c, &r->t, &after, &e);
	if (after) {
		json_object_set(r->result, "verified", json_object_get(after, "verified"));
		json_object_set(r->result, "remaining", json_object_get(after, "remaining"));
		json_object_set(r->result, "appeared", json_object_get(after, "appeared"));
		json_object_set(r->result, "after", json_object_get(after, "findings"));
		json_decref(after);
	}
	if (rc <= 0) {
		if (rc < 0)
			json_object_set_new(r->result, "error", json_string(e.msg));
		err_clear(&e);
		if (fixrun_rollback(&r->plan, &e) < 0)
			json_object_set_new(r->result, "error", json_string(e.msg));
		else if (r->plan.ws.has_applied)
			json_object_set_new(r->result, "rolled_back", json_true());
		json_object_set_new(r->result, "outcomes", json_integer(fixrun_outcomes(&r->plan, 0, &e)));
		return summary(r, EXIT_PROBLEMS, "%s", r->plan.ws.has_applied ? "the fix did not "
			       "verify: rolled back" : "the plan did not verify: nothing was written");
	}
	json_object_set_new(r->result, "outcomes", json_integer(fixrun_outcomes(&r->plan, 1, &e)));
	if (failing(json_object_get(r->result, "after")))
		return summary(r, EXIT_PROBLEMS, "%s", "applied and verified; what still fails needs "
			       "the steps marked 'needs input' or 'by hand' (above)");
	return summary(r, EXIT_OK, "%s", fixplan_count(&r->plan, FIX_YOURS) ?
		       "verified with the steps marked 'you run' done as printed: run them where "
		       "the build runs" : "fixed and verified");
}

static void run_release(struct fix_run *r)
{
	fixplan_release(&r->plan);
	if (r->engine_started)
		engine_release(&r->en);
	findings_release(&r->f);
	targets_release(&r->t);
	kb_free(r->kb);
	credential_release(&r->in.cred);
	json_decref(r->doc);
	json_decref(r->result);
}

static int fix_main(struct fix_run *r)
{
	int rc = read_credential(&r->in, &r->o);

	if (rc)
		return rc;
	if (r->o.push && r->o.images.n == 0)
		return msg_usage("fix: --push needs --image REF (the image the build pushes)");
	r->in.gpg_key = r->o.gpg_key;
	r->in.cacert = r->s->cacert;
	r->in.context = r->o.context;
	r->in.push = r->o.push;
	r->in.registries = &r->o.registries;
	r->probe = *r->s;
	r->probe.cacert = NULL;
	/* --push: the probes and the checks before writing ask pull,push */
	r->probe.push_images = r->o.push ? &r->o.images : NULL;
	rc = plan_run(r);
	if (rc)
		return rc;
	if (r->s->format != FORMAT_JSON)
		render_fix_plan(stdout, r->s, r->doc);
	if (!r->o.apply)
		rc = summary(r, failing(r->f.json) ? EXIT_PROBLEMS : EXIT_OK, "%s",
			     fixplan_count(&r->plan, FIX_WRITE) + fixplan_count(&r->plan, FIX_YOURS)
			     ? "dry run: run again with --apply to carry it out" : "");
	else
		rc = apply_run(r);
	if (r->s->format == FORMAT_JSON)
		report_print_json(stdout, r->doc);
	else
		render_fix_result(stdout, r->s, r->result);
	return rc;
}

int cmd_fix(int argc, char **argv, const struct settings *s)
{
	struct fix_run r;
	struct err e = ERR_INIT;
	const char *pos[1];
	int npos, rc;
	const struct opt opts[] = {
		{ "registry", 0, OPT_LIST, &r.o.registries, "HOST", "fix this registry" },
		{ "image", 0, OPT_LIST, &r.o.images, "REF", "fix the registry of this image (and check pull access to it)" },
		{ "context", 0, OPT_STRING, &r.o.context, "DIR", "build context whose Dockerfile to read" },
		{ "push", 0, OPT_FLAG, &r.o.push, NULL, "the build pushes the --image references: a new credential must get pull,push" },
		{ "apply", 0, OPT_FLAG, &r.o.apply, NULL, "carry the plan out (verified before and after)" },
		{ "yes", 'y', OPT_FLAG, &r.o.yes, NULL, "do not ask on a terminal before applying" },
		{ "undo", 0, OPT_FLAG, &r.o.undo, NULL, "put back the last applied set of files and helper entries" },
		{ "force", 0, OPT_FLAG, &r.o.force, NULL, "with --undo: restore even what changed since" },
		{ "username", 0, OPT_STRING, &r.o.username, "USER", "the username of the credential to store" },
		{ "username-env", 0, OPT_STRING, &r.o.username_env, "VAR", "take the username from $VAR" },
		{ "password-env", 0, OPT_STRING, &r.o.password_env, "VAR", "take the password or token from $VAR" },
		{ "password-stdin", 0, OPT_FLAG, &r.o.password_stdin, NULL, "read the password or token from stdin" },
		{ "gpg-key", 0, OPT_STRING, &r.o.gpg_key, "ID", "initialise an empty pass store for this GPG key" },
		{ "no-ci", 0, OPT_FLAG, &r.o.no_ci, NULL, "the workstation mode even in a detected CI system" },
		OPT_TABLE_END,
	};

	/* --ci, or a detected CI system without --no-ci: the job-scoped mode */
	if (cmd_fix_wants_ci(argc, argv))
		return cmd_fix_ci(argc, argv, s);
	memset(&r, 0, sizeof(r));
	r.s = s;
	r.in = (struct fix_input)FIX_INPUT_INIT;
	r.t = (struct targets)TARGETS_INIT;
	r.f = (struct findings)FINDINGS_INIT;
	r.plan = (struct fix_plan)FIX_PLAN_INIT;
	if (cmd_wants_help(argc, argv)) {
		fix_help(opts);
		return EXIT_OK;
	}
	if (opt_parse(opts, argc, argv, pos, 0, &npos, &e) < 0)
		return msg_usage("fix: %s", e.msg);
	if (r.o.undo)
		return run_undo(s, r.o.force);
	if (r.o.force)
		return msg_usage("fix: --force goes with --undo");
	rc = fix_main(&r);
	run_release(&r);
	return rc;
}
