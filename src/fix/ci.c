/* ci.c — fix --ci: detect, gather the needs, verify the candidates round
 * by round, write the job-scoped config, verify it, hand it on. The
 * report is built as JSON (ci_report.c renders it). */
#include "fix/ci.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util/clock.h"
#include "util/msg.h"
#include "docker/dockerauthcfg.h"
#include "docker/dockercfg.h"
#include "fix/ci_advice.h"
#include "fix/ci_config.h"
#include "fix/ci_out.h"
#include "fix/ci_report.h"
#include "fix/ci_verify.h"

struct regstate {
	struct ci_reg *reg;
	struct ci_cands cands;
	struct ci_trial *trials;      /* one per candidate; valid where tried */
	int *tried;
	size_t next;                  /* the next candidate to try */
	int chosen;                   /* the candidate that works, or -1 */
};

struct ci_run {
	const struct ci_request *rq;
	const struct settings *s;
	struct ci_env env;
	struct ci_needs needs;
	struct ci_cands_request crq;
	struct regstate *rs;
	size_t nrs;
	double deadline;
	struct ci_config cfg;
	struct ci_log log;
	int unset_dac;
	json_t *rep;
};

static int gather(struct ci_run *r, struct err *e)
{
	const struct ci_request *rq = r->rq;
	struct ci_needs_request nrq = { rq->registries, rq->images, rq->contexts, rq->files, rq->push };
	size_t i;

	if (ci_needs_gather(&r->needs, &nrq, e) < 0)
		return -1;
	if (!r->needs.nregs)
		return err_set(e, "nothing to set up: no Dockerfile FROM, --image or --registry names "
			       "a registry");
	r->crq = (struct ci_cands_request){ &r->env, r->s, rq->explicit, rq->nexplicit,
					    rq->token_registry, r->deadline };
	if (!(r->rs = calloc(r->needs.nregs, sizeof(*r->rs))))
		return err_set(e, "out of memory");
	r->nrs = r->needs.nregs;
	for (i = 0; i < r->nrs; i++) {
		struct regstate *rs = &r->rs[i];

		rs->reg = &r->needs.regs[i];
		rs->chosen = -1;
		if (ci_cands_for(&rs->cands, &r->crq, rs->reg->name, e) < 0)
			return -1;
		rs->trials = calloc(rs->cands.n, sizeof(*rs->trials));
		rs->tried = calloc(rs->cands.n, sizeof(*rs->tried));
		if (!rs->trials || !rs->tried)
			return err_set(e, "out of memory");
	}
	return 0;
}

/* Round after round, each registry's next usable candidate, all at once,
 * until every registry has one that works or has none left. */
static int rounds(struct ci_run *r, struct err *e)
{
	struct ci_trial *batch = calloc(r->nrs, sizeof(*batch));
	size_t *who = calloc(r->nrs, sizeof(*who)), nb, i;
	int rc = -1;

	if (!batch || !who) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	for (;;) {
		for (nb = 0, i = 0; i < r->nrs; i++) {
			struct regstate *rs = &r->rs[i];

			while (rs->chosen < 0 && rs->next < rs->cands.n && !rs->cands.c[rs->next].usable)
				rs->next++;
			if (rs->chosen >= 0 || rs->next >= rs->cands.n)
				continue;
			batch[nb] = (struct ci_trial)CI_TRIAL_INIT;
			batch[nb].reg = rs->reg;
			batch[nb].cred = rs->cands.c[rs->next].kind == CI_CAND_ANONYMOUS ? NULL
				       : &rs->cands.c[rs->next].cred;
			who[nb++] = i;
		}
		if (!nb)
			break;
		if (ci_verify(batch, nb, r->s, r->deadline, e) < 0) {
			for (i = 0; i < nb; i++)
				ci_trial_release(&batch[i]);
			goto cleanup;
		}
		for (i = 0; i < nb; i++) {
			struct regstate *rs = &r->rs[who[i]];

			rs->trials[rs->next] = batch[i];
			rs->tried[rs->next] = 1;
			if (batch[i].ok)
				rs->chosen = (int)rs->next;
			rs->next++;
		}
	}
	rc = 0;
cleanup:
	free(batch);
	free(who);
	return rc;
}

static json_t *cand_json(const struct ci_env *env, const struct regstate *rs, size_t i)
{
	const struct ci_cand *c = &rs->cands.c[i];
	const struct ci_trial *t = rs->tried[i] ? &rs->trials[i] : NULL;
	json_t *o = json_pack("{s:s, s:s, s:b, s:b}", "kind", ci_cand_kind_name(c->kind),
			      "source", c->source, "usable", c->usable, "tried", t != NULL);
	json_t *adv = json_array();

	if (c->note[0])
		json_object_set_new(o, "note", json_string(c->note));
	if (c->helper[0])
		json_object_set_new(o, "helper", json_string(c->helper));
	if (!credential_is_empty(&c->cred)) {
		char fp[SENSITIVE_FP_MAX];

		sensitive_fingerprint(&c->cred.secret, fp);
		json_object_set_new(o, "username", json_string(c->cred.username));
		json_object_set_new(o, "secret_fingerprint", json_string(fp));
	}
	if (t) {
		json_object_set_new(o, "ok", json_boolean(t->ok));
		json_object_set_new(o, "code", json_string(t->code));
		json_object_set_new(o, "detail", json_string(t->detail));
		json_object_set_new(o, "scopes", json_string(t->scopes));
		json_object_set(o, "checks", t->results);
	}
	if ((int)i != rs->chosen)
		ci_advice_candidate(adv, env, rs->reg, c, t);
	json_object_set_new(o, "advice", adv);
	return o;
}

static json_t *reg_json(const struct ci_run *r, const struct regstate *rs)
{
	json_t *o = json_pack("{s:s}", "registry", rs->reg->name), *needs = json_array();
	json_t *cands = json_array(), *adv = json_array();
	char scope[300];
	size_t i;

	for (i = 0; i < rs->reg->nrepos; i++) {
		ci_repo_scope(&rs->reg->repos[i], scope, sizeof(scope));
		json_array_append_new(needs, json_pack("{s:s, s:s, s:s}", "image", rs->reg->repos[i].image,
						       "scope", scope, "why", rs->reg->repos[i].why));
	}
	json_object_set_new(o, "needs", needs);
	for (i = 0; i < rs->cands.n; i++)
		if (rs->chosen < 0 || (int)i <= rs->chosen)
			json_array_append_new(cands, cand_json(&r->env, rs, i));
	json_object_set_new(o, "candidates", cands);
	if (rs->chosen >= 0) {
		const struct ci_cand *c = &rs->cands.c[rs->chosen];

		json_object_set_new(o, "chosen", json_pack("{s:s, s:s}", "kind", ci_cand_kind_name(c->kind),
							   "source", c->source));
		json_object_set_new(o, "scopes_verified", json_string(rs->trials[rs->chosen].scopes));
		if (rs->trials[rs->chosen].warned)
			json_object_set_new(o, "warning", json_string(rs->trials[rs->chosen].detail));
	} else {
		json_object_set_new(o, "chosen", json_null());
		ci_advice_none(adv, &r->env, rs->reg);
	}
	json_object_set_new(o, "advice", adv);
	return o;
}

/* The registry works as the job is configured now. */
static int unchanged(const struct regstate *rs)
{
	size_t i;

	if (rs->cands.c[rs->chosen].kind == CI_CAND_CURRENT)
		return 1;
	if (rs->cands.c[rs->chosen].kind != CI_CAND_ANONYMOUS)
		return 0;
	for (i = 0; i < rs->cands.n; i++)
		if (rs->cands.c[i].kind == CI_CAND_CURRENT)
			return 0;   /* something is sent now, and it fails */
	return 1;
}

/* Later steps must not see DOCKER_AUTH_CONFIG: the CLI rejects it (it
 * warns and falls back), or it holds an entry for a registry the job
 * config now sets (the CLI would prefer it). */
static int wants_unset_dac(const struct ci_run *r, struct err *e)
{
	struct docker_auth_config d = DOCKER_AUTH_CONFIG_INIT;
	size_t i, j;
	int want = 0;

	if (dac_decode(&d, ci_env_get(&r->env, "DOCKER_AUTH_CONFIG"), e) < 0)
		return -1;
	if (d.set && !d.cli_accepts)
		want = 1;
	for (i = 0; d.set && !want && i < r->nrs; i++)
		for (j = 0; j < r->rs[i].cands.n; j++)
			if (r->rs[i].cands.c[j].kind == CI_CAND_DOCKER_AUTH_CONFIG)
				want = 1;
	dac_release(&d);
	return want;
}

static int plan(struct ci_run *r, struct err *e)
{
	struct ci_entry *en = calloc(r->nrs, sizeof(*en));
	size_t i;
	int rc;

	if (!en)
		return err_set(e, "out of memory");
	for (i = 0; i < r->nrs; i++) {
		const struct ci_cand *c = &r->rs[i].cands.c[r->rs[i].chosen];

		en[i].registry = r->rs[i].reg->name;
		en[i].helper = c->helper[0] ? c->helper : NULL;
		en[i].cred = c->kind == CI_CAND_ANONYMOUS || c->helper[0] ? NULL : &c->cred;
	}
	rc = ci_config_plan(&r->cfg, &r->env, r->s, en, r->nrs, &r->needs, r->rq->apply, e);
	free(en);
	return rc;
}

/* Registers v with the log's masker once. */
static void mask_once(struct ci_log *l, const struct sensitive **done, size_t *n, size_t max,
		      const struct sensitive *v)
{
	size_t i;

	if (v->len < 4)
		return;   /* a mask that short would garble the log; it is never printed anyway */
	for (i = 0; i < *n; i++)
		if (sensitive_equal(done[i], v))
			return;
	ci_log_mask(l, v);
	if (*n < max)
		done[(*n)++] = v;
}

/* Every secret the write derives or decodes goes to the log's masker
 * first: the raw secrets chosen and the base64 auth strings written. */
static void masks(struct ci_run *r)
{
	const struct sensitive *done[2 * CI_CONFIG_MASKS_MAX];
	size_t i, n = 0, max = sizeof(done) / sizeof(done[0]);

	for (i = 0; i < r->nrs; i++) {
		const struct ci_cand *c = &r->rs[i].cands.c[r->rs[i].chosen];

		if (c->kind == CI_CAND_ANONYMOUS)
			continue;
		mask_once(&r->log, done, &n, max, &c->cred.secret);
		mask_once(&r->log, done, &n, max, &c->cred.registry_token);
	}
	for (i = 0; i < r->cfg.nmasks; i++)
		mask_once(&r->log, done, &n, max, &r->cfg.masks[i]);
}

/* The written config, read as BuildKit will read it in later steps
 * (DOCKER_CONFIG = the job dir; DOCKER_AUTH_CONFIG gone when it is
 * emptied for them), must give every registry what it needs. */
static int verify_written(struct ci_run *r, json_t *out, struct err *e)
{
	struct settings s2 = *r->s;
	struct ci_cands *cur = calloc(r->nrs, sizeof(*cur));
	struct ci_trial *t = calloc(r->nrs, sizeof(*t));
	size_t i;
	int ok = -1;

	if (!cur || !t) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	s2.config_dir = r->cfg.dir;
	if (r->unset_dac)
		unsetenv("DOCKER_AUTH_CONFIG");   /* this process stands in for the later steps */
	for (i = 0; i < r->nrs; i++) {
		t[i] = (struct ci_trial)CI_TRIAL_INIT;
		t[i].reg = r->rs[i].reg;
		if (ci_cands_current(&cur[i], &s2, r->rs[i].reg->name, r->deadline, e) < 0)
			goto cleanup;
		t[i].cred = cur[i].n && cur[i].c[0].usable ? &cur[i].c[0].cred : NULL;
	}
	if (ci_verify(t, r->nrs, &s2, r->deadline, e) < 0)
		goto cleanup;
	ok = 1;
	for (i = 0; i < r->nrs; i++) {
		json_array_append_new(out, json_pack("{s:s, s:s, s:b, s:s, s:s}", "registry",
			r->rs[i].reg->name, "source", cur[i].n ? cur[i].c[0].source : "anonymous",
			"ok", t[i].ok, "scopes", t[i].scopes, "detail", t[i].ok ? "" : t[i].detail));
		if (!t[i].ok)
			ok = 0;
	}
cleanup:
	for (i = 0; cur && t && i < r->nrs; i++) {
		ci_cands_release(&cur[i]);
		ci_trial_release(&t[i]);
	}
	free(cur);
	free(t);
	return ok;
}

/* GitHub's step outputs: the docker config dir in use and the registries. */
static int outputs(struct ci_run *r, const char *dir, struct err *e)
{
	char regs[4096] = "", file[PATH_MAX + 16];
	size_t i, l;

	for (i = 0; i < r->nrs; i++) {
		l = strlen(regs);
		snprintf(regs + l, sizeof(regs) - l, "%s%s", l ? " " : "", r->rs[i].reg->name);
	}
	snprintf(file, sizeof(file), "%s/config.json", dir);
	return ci_out_github_outputs(&r->env, dir, file, regs, e);
}

static int handoff(struct ci_run *r, struct err *e)
{
	struct ci_handoff h = { r->cfg.dir, r->unset_dac };
	const char *via = "";

	if (ci_out_handoff(&r->env, &r->log, &h, &via, e) < 0)
		return -1;
	json_object_set_new(r->rep, "handed_on_via", json_string(via));
	if (r->rq->env_out && ci_out_print_env(r->rq->env_out, &h, e) < 0)
		return -1;
	if (r->rq->dotenv && ci_out_dotenv(r->rq->dotenv, &h, e) < 0)
		return -1;
	return outputs(r, r->cfg.dir, e);
}

static int write_and_verify(struct ci_run *r, struct err *e)
{
	json_t *after = json_array();
	struct err re = ERR_INIT;
	int ok;

	json_object_set_new(r->rep, "verified_after", after);
	masks(r);
	if (ci_config_apply(&r->cfg, e) < 0)
		return -1;
	json_object_set_new(r->rep, "applied", json_true());
	ok = verify_written(r, after, e);
	if (ok == 1)
		return handoff(r, e);
	if (ci_config_rollback(&r->cfg, &re) < 0)
		json_object_set_new(r->rep, "rollback_error", json_string(re.msg));
	json_object_set_new(r->rep, "rolled_back", json_true());
	if (ok < 0)
		return -1;
	return err_set(e, "the written config did not verify (rolled back): see verified_after");
}

/* Which result, and the exit status. */
static int conclude(struct ci_run *r, struct err *e)
{
	struct buf diff = BUF_INIT(1u << 20);
	size_t i, failed = 0, same = 0;
	int rc;

	for (i = 0; i < r->nrs; i++) {
		failed += r->rs[i].chosen < 0;
		same += r->rs[i].chosen >= 0 && unchanged(&r->rs[i]);
	}
	if (failed) {
		json_object_set_new(r->rep, "result", json_string("failed"));
		return EXIT_PROBLEMS;
	}
	if (same == r->nrs) {
		char dir[PATH_MAX];

		json_object_set_new(r->rep, "result", json_string("nothing_to_do"));
		/* the step outputs name the config in use, which works as it is */
		if (r->rq->apply && dockercfg_dir(dir, sizeof(dir), r->s, e) == 0 && outputs(r, dir, e) < 0)
			return -1;
		err_clear(e);
		return EXIT_OK;
	}
	if ((rc = wants_unset_dac(r, e)) < 0 || plan(r, e) < 0)
		return -1;
	r->unset_dac = rc;
	if (ci_config_diff(&r->cfg, &diff, e) < 0) {
		buf_release(&diff);
		return -1;
	}
	json_object_set_new(r->rep, "diff", json_string(diff.data ? diff.data : ""));
	buf_release(&diff);
	json_object_set_new(r->rep, "unset_docker_auth_config", json_boolean(r->unset_dac));
	if (!r->rq->apply) {
		json_object_set_new(r->rep, "result", json_string("would_fix"));
		return EXIT_PROBLEMS;
	}
	if (write_and_verify(r, e) < 0) {
		json_object_set_new(r->rep, "result", json_string("failed_after_write"));
		return EXIT_PROBLEMS;
	}
	json_object_set_new(r->rep, "result", json_string("fixed"));
	return EXIT_OK;
}

static void run_release(struct ci_run *r)
{
	size_t i, j;

	for (i = 0; r->rs && i < r->nrs; i++) {
		for (j = 0; r->rs[i].trials && j < r->rs[i].cands.n; j++)
			if (r->rs[i].tried[j])
				ci_trial_release(&r->rs[i].trials[j]);
		free(r->rs[i].trials);
		free(r->rs[i].tried);
		ci_cands_release(&r->rs[i].cands);
	}
	free(r->rs);
	ci_needs_release(&r->needs);
	ci_config_release(&r->cfg);
	json_decref(r->rep);
}

int ci_fix_run(const struct ci_request *rq, const struct settings *s)
{
	struct ci_run r;
	struct err e = ERR_INIT;
	size_t i;
	int rc = EXIT_USAGE;

	memset(&r, 0, sizeof(r));
	r.rq = rq;
	r.s = s;
	r.cfg = (struct ci_config)CI_CONFIG_INIT;
	r.deadline = clock_now_ms() + s->timeout_s * 1000.0;
	ci_detect(&r.env, rq->environ, rq->forced);
	ci_log_init(&r.log, rq->log, &r.env);
	r.rep = json_pack("{s:s, s:s, s:s, s:b}", "fixkb", FIXKB_VERSION, "command", "fix",
			  "mode", "ci", "apply", rq->apply);
	if (gather(&r, &e) < 0) {
		rc = msg_usage("fix --ci: %s", e.msg);
		goto cleanup;
	}
	if (rounds(&r, &e) < 0) {
		rc = msg_error("fix --ci: %s", e.msg);
		goto cleanup;
	}
	rc = conclude(&r, &e);
	if (rc < 0) {
		/* the job's config could not be planned or written: still broken */
		json_object_set_new(r.rep, "result", json_string("error"));
		rc = EXIT_PROBLEMS;
	}
	if (e.set)
		json_object_set_new(r.rep, "error", json_string(e.msg));
	json_object_set_new(r.rep, "registries", json_array());
	for (i = 0; i < r.nrs; i++)
		json_array_append_new(json_object_get(r.rep, "registries"), reg_json(&r, &r.rs[i]));
	ci_report_emit(&r.log, rq->json_out, &r.env, r.rep, &r.needs, &r.cfg);
cleanup:
	run_release(&r);
	return rc;
}
