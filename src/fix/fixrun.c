/* fixrun.c — see fixrun.h. */
#include "fix/fixrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"
#include "findings.h"
#include "fix/fixaction.h"
#include "fix/fixhelpers.h"
#include "fix/outcomes.h"
#include "fix/statedir.h"
#include "util/clock.h"
#include "util/jsontext.h"

/* ---- verify before: the token endpoint, as the build client asks ---- */

static int check_one(const struct fix_step *st, const struct fix_ctx *c, json_t *checks,
		     struct err *e)
{
	struct settings s = *c->s;
	enum probe_status status = PROBE_ERROR;
	char code[PROBE_CODE_MAX] = "", detail[PROBE_DETAIL_MAX * 2] = "", what[400];
	const struct credential *cred = st->verify_cred;
	int ok, ca = st->act == &fixact_install_registry_ca;

	if (ca)
		s.cacert = c->in->cacert;   /* the CA as it will be installed */
	if (fixact_token_check(&s, st->registry, st->image, ca ? NULL : cred, &status, code, sizeof(code),
		     detail, sizeof(detail), e) < 0)
		return -1;
	if (ca) {
		ok = strncmp(code, "tls_", 4) != 0 && status != PROBE_ERROR;
		snprintf(what, sizeof(what), "%s's certificate with the CA from %s", st->registry,
			 c->in->cacert);
	} else {
		ok = status == PROBE_OK;
		snprintf(what, sizeof(what), "%s at %s's token endpoint (%s%s)", st->verify_what,
			 st->registry, !st->image[0] ? "login, no image: " :
			 settings_pushes(&s, st->image) ? "pull and push of " : "pull of ",
			 st->image[0] ? st->image : "pull access not checked");
	}
	json_array_append_new(checks, json_pack("{s:i, s:s, s:b, s:s, s:s}", "step", st->number,
						"what", what, "ok", ok, "code", code, "detail", detail));
	return ok;
}

int fixrun_verify_before(const struct fix_plan *p, const struct fix_ctx *c, json_t **checks,
			 struct err *e)
{
	size_t i;
	int all = 1, rc;

	*checks = json_array();
	if (!*checks)
		return err_set(e, "out of memory");
	for (i = 0; i < p->n; i++) {
		const struct fix_step *st = &p->steps[i];

		if (st->kind != FIX_WRITE ||
		    (!st->verify_cred && st->act != &fixact_install_registry_ca))
			continue;
		rc = check_one(st, c, *checks, e);
		if (rc < 0)
			return -1;
		all &= rc;
	}
	return all;
}

/* ---- apply, roll back ---- */

int fixrun_apply(struct fix_plan *p, struct err *e)
{
	struct buf rec = BUF_INIT(BACKUPSET_EXTRA_MAX);
	struct err back = ERR_INIT;
	int rc = fixhelpers_prepare(p, &rec, e);

	if (rc < 0)
		goto cleanup;
	if (rc == 1 && writeset_attach(&p->ws, "helper", rec.data, rec.len, e) < 0) {
		rc = -1;
		goto cleanup;
	}
	rc = writeset_apply(&p->ws, NULL, "apply", e);
	if (rc < 0)
		goto cleanup;
	rc = fixhelpers_run(p, e);
	if (rc < 0 && p->ws.has_applied && writeset_rollback(&p->ws, &back) < 0)
		err_prefix(e, "putting the files back failed too (%s); before that", back.msg);
cleanup:
	buf_release(&rec);
	return rc;
}

int fixrun_rollback(struct fix_plan *p, struct err *e)
{
	struct err files = ERR_INIT;
	int rc = fixhelpers_rollback(p, e);

	if (p->ws.has_applied && writeset_rollback(&p->ws, &files) < 0) {
		if (!e->set)
			err_set(e, "%s", files.msg);
		rc = -1;
	}
	return rc;
}

/* ---- verify after ---- */

struct saved_env {
	int had;
	struct sensitive value;
};

/* Puts DOCKER_AUTH_CONFIG as the plan asks the user to (unset, or the
 * printed value); *sv keeps what was there. */
static void env_as_planned(const struct fix_plan *p, struct saved_env *sv)
{
	const char *now = getenv("DOCKER_AUTH_CONFIG");
	size_t i;

	sv->had = now != NULL;
	sv->value = (struct sensitive)SENSITIVE_INIT;
	if (now)
		sensitive_set(&sv->value, now, strlen(now));
	for (i = 0; i < p->n; i++) {
		const struct fix_step *st = &p->steps[i];

		if (st->kind != FIX_WRITE && st->kind != FIX_YOURS)
			continue;
		if (st->env_unset)
			unsetenv("DOCKER_AUTH_CONFIG");
		else if (st->env_value)
			setenv("DOCKER_AUTH_CONFIG", st->env_value, 1);
	}
}

static void env_restore(struct saved_env *sv)
{
	const char *now = getenv("DOCKER_AUTH_CONFIG");

	if (now)
		explicit_bzero((char *)now, strlen(now));
	if (sv->had)
		setenv("DOCKER_AUTH_CONFIG", sv->value.data ? sv->value.data : "", 1);
	else
		unsetenv("DOCKER_AUTH_CONFIG");
	sensitive_release(&sv->value);
}

static int has_problem(const json_t *findings, const char *registry, const char *cause)
{
	size_t i;

	for (i = 0; i < json_array_size(findings); i++) {
		const json_t *f = json_array_get(findings, i);

		if (strcmp(jsontext_member(f, "registry"), registry) == 0 &&
		    strcmp(jsontext_member(f, "cause"), cause) == 0)
			return 1;
	}
	return 0;
}

static int expected(const struct fix_plan *p, const char *registry, const char *cause)
{
	size_t i, j;

	for (i = 0; i < p->n; i++)
		for (j = 0; j < p->steps[i].nexpects; j++) {
			const struct fix_problem *x = &p->steps[i].expects[j];

			if (strcmp(x->cause, cause) == 0 &&
			    (strcmp(x->registry, "*") == 0 || strcmp(x->registry, registry) == 0))
				return 1;
		}
	return 0;
}

static json_t *problem_json(const json_t *f)
{
	const json_t *ev = json_array_get(json_object_get(f, "evidence"), 0);

	return json_pack("{s:s, s:s, s:s}", "registry", jsontext_member(f, "registry"), "cause",
			 jsontext_member(f, "cause"), "detail", ev ? jsontext_member(ev, "detail") : "");
}

/* The findings an applied step resolves that are still there, and those
 * that were not there before and no step expects. */
static int compare(const struct fix_plan *p, const json_t *before, const json_t *after,
		   json_t *remaining, json_t *appeared)
{
	size_t i, j, k;

	for (i = 0; i < json_array_size(after); i++) {
		const json_t *f = json_array_get(after, i);
		const char *reg = jsontext_member(f, "registry"), *cause = jsontext_member(f, "cause");
		int targeted = 0;

		for (j = 0; j < p->n && !targeted; j++) {
			const struct fix_step *st = &p->steps[j];

			if (st->kind != FIX_WRITE && st->kind != FIX_YOURS)
				continue;
			for (k = 0; k < st->nresolves; k++)
				targeted |= strcmp(st->resolves[k].registry, reg) == 0 &&
					    strcmp(st->resolves[k].cause, cause) == 0;
		}
		if (targeted)
			json_array_append_new(remaining, problem_json(f));
		else if (!has_problem(before, reg, cause) && !expected(p, reg, cause))
			json_array_append_new(appeared, problem_json(f));
	}
	return json_array_size(remaining) == 0 && json_array_size(appeared) == 0;
}

int fixrun_verify_after(const struct fix_plan *p, const struct fix_ctx *c,
			const struct targets *t, json_t **report, struct err *e)
{
	struct findings f = FINDINGS_INIT;
	struct saved_env sv;
	struct engine en;
	json_t *remaining = json_array(), *appeared = json_array();
	int rc = -1;

	*report = NULL;
	env_as_planned(p, &sv);
	engine_init(&en, c->s);
	if (!remaining || !appeared || doctor_run_probes(&en, t, e) < 0 ||
	    findings_build(&f, c->kb, &en, t, c->s) < 0) {
		if (!e->set)
			err_set(e, "out of memory");
		goto cleanup;
	}
	rc = compare(p, c->findings, f.json, remaining, appeared);
	*report = json_pack("{s:b, s:O, s:O, s:O, s:o}", "verified", rc, "remaining", remaining,
			    "appeared", appeared, "findings", f.json, "probes",
			    engine_probes_json(&en));
	if (!*report)
		rc = err_set(e, "out of memory");
cleanup:
	env_restore(&sv);
	json_decref(remaining);
	json_decref(appeared);
	findings_release(&f);
	engine_release(&en);
	return rc;
}

/* ---- outcomes, undo ---- */

int fixrun_outcomes(const struct fix_plan *p, int ok, struct err *e)
{
	size_t i;
	int n = 0;

	for (i = 0; i < p->n; i++) {
		const struct fix_step *st = &p->steps[i];

		if ((st->kind != FIX_WRITE && st->kind != FIX_YOURS) || !st->entry || !st->w ||
		    !outcomes_ids_valid(st->entry->id, st->w->id))
			continue;
		if (outcomes_append(NULL, st->entry->id, st->w->id, ok, e) < 0)
			return -1;
		n++;
	}
	return n;
}

int fixrun_undo(struct undo_report *r, int force, struct err *e)
{
	return undo_last(r, NULL, force, 10000.0, &fixhelpers_undo_hooks, e);
}
