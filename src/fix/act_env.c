/* act_env.c — DOCKER_AUTH_CONFIG, which only the shell or the CI job that
 * runs the build can change (a child cannot change its parent's
 * environment), so fixkb prints exactly what to do and verifies it as if
 * done:
 *   unset_docker_auth_config    unset the variable that overrides config.json
 *   rewrite_docker_auth_config  the value docker CLI >= 28.3 accepts (raw JSON,
 *                               {"auths":{"<exact key>":{"auth":"…"}}}), printed
 *                               as a shell line that builds it from the current
 *                               value (and the given credential's variables), so
 *                               no secret is ever printed; the result is shown
 *                               with fingerprints */
#include "fix/fixaction.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker/credhelper.h"
#include "docker/credplan.h"
#include "docker/dockerauthcfg.h"
#include "docker/regname.h"
#include "fix/masktext.h"
#include "util/clock.h"
#include "util/jsontext.h"

/* ================= unset_docker_auth_config ================= */

/* What docker would send for registry without DOCKER_AUTH_CONFIG: 1 with
 * *out filled and where[] saying from where, 0 nothing, -1 with e set. */
static int hidden_credential(const struct fix_ctx *c, const char *registry,
			     struct credential *out, char *where, size_t n, struct err *e)
{
	struct cred_plan plan = CRED_PLAN_INIT;
	struct credhelper_result hr = CREDHELPER_RESULT_INIT;
	const char *now = getenv("DOCKER_AUTH_CONFIG");
	char *saved = now ? strdup(now) : NULL;
	int rc = -1;

	if (now && !saved)
		return err_set(e, "out of memory");
	unsetenv("DOCKER_AUTH_CONFIG");
	if (credplan_resolve(&plan, c->s, registry, CONSUMER_DOCKER, e) < 0)
		goto cleanup;
	rc = 0;
	snprintf(where, n, "%s%s%s", cred_source_name(plan.source),
		 plan.helper[0] ? " docker-credential-" : "", plan.helper);
	if (plan.source == SRC_AUTHS) {
		rc = credplan_read_auths(out, &plan, e) < 0 ? 0 : 1;
		err_clear(e);
	} else if (plan.source != SRC_NONE && plan.helper[0]) {
		if (credhelper_get_in(&hr, c->s, plan.helper, plan.key, clock_now_ms() + 5000.0, e) < 0)
			rc = -1;
		else if (hr.status == CREDHELPER_FOUND) {
			memcpy(out->username, hr.cred.username, sizeof(out->username));
			out->identity_token = hr.cred.identity_token;
			rc = sensitive_copy(&out->secret, &hr.cred.secret) < 0 ? -1 : 1;
		}
	}
cleanup:
	if (saved) {
		setenv("DOCKER_AUTH_CONFIG", saved, 1);
		explicit_bzero(saved, strlen(saved));
		free(saved);
	}
	credhelper_result_release(&hr);
	cred_plan_release(&plan);
	return rc;
}

/* Whether docker takes registry's credential from the variable. */
static int from_variable(const struct fix_ctx *c, const char *registry)
{
	struct cred_plan plan = CRED_PLAN_INIT;
	struct err e = ERR_INIT;
	int yes = credplan_resolve(&plan, c->s, registry, CONSUMER_DOCKER, &e) == 0 &&
		  plan.source == SRC_DOCKER_AUTH_CONFIG;

	cred_plan_release(&plan);
	return yes;
}

/* A failing credential from the variable: unsetting it helps only when
 * what it hides (or anonymous access) gets a token. */
static int unset_helps(const struct fix_ctx *c, struct fix_step *st, char *reason, size_t n)
{
	struct credential hidden = CREDENTIAL_INIT;
	struct err e = ERR_INIT;
	enum probe_status status = PROBE_ERROR;
	char where[300], code[PROBE_CODE_MAX], detail[PROBE_DETAIL_MAX], fp[SENSITIVE_FP_MAX];
	int have, rc;

	if (c->s->offline) {
		st->kind = FIX_YOURS;
		return fixstep_set(&st->what, "unset DOCKER_AUTH_CONFIG where the build runs (--offline: "
				   "whether what it hides gets a token was not checked)") < 0
		       ? FIXACT_NO : FIXACT_YES;
	}
	have = hidden_credential(c, st->registry, &hidden, where, sizeof(where), &e);

	if (have < 0 || fixact_token_check(c->s, st->registry, st->image, have ? &hidden : NULL,
					   &status, code, sizeof(code), detail, sizeof(detail), &e) < 0) {
		snprintf(reason, n, "could not check what DOCKER_AUTH_CONFIG hides: %s", e.msg);
		credential_release(&hidden);
		return FIXACT_NO;
	}
	sensitive_fingerprint(&hidden.secret, fp);
	if (status != PROBE_OK) {
		if (have)
			snprintf(reason, n, "the credential DOCKER_AUTH_CONFIG hides (%s's, from %s, %s) "
				 "is refused too: %s", hidden.username, where, fp, detail);
		else
			snprintf(reason, n, "nothing is stored for %s under the variable, and anonymous "
				 "access is refused: %s", st->registry, detail);
		credential_release(&hidden);
		return FIXACT_NO;
	}
	rc = have ? fixstep_set(&st->what, "unset DOCKER_AUTH_CONFIG where the build runs: the "
				"credential it hides (%s's, from %s, %s) gets a token from %s (checked "
				"just now)", hidden.username, where, fp, st->registry)
		  : fixstep_set(&st->what, "unset DOCKER_AUTH_CONFIG where the build runs: %s then "
				"pulls anonymously, which it allows (checked just now)", st->registry);
	credential_release(&hidden);
	st->kind = FIX_YOURS;
	return rc < 0 ? FIXACT_NO : FIXACT_YES;
}

static int unset_choose(const struct fix_ctx *c, const json_t *f, struct fix_step *st,
			char *reason, size_t n)
{
	const char *cause = jsontext_member(f, "cause");

	if (!getenv("DOCKER_AUTH_CONFIG")) {
		snprintf(reason, n, "DOCKER_AUTH_CONFIG is not set here");
		return FIXACT_NO;
	}
	st->kind = FIX_YOURS;
	if (strcmp(cause, "docker_auth_config_malformed") == 0 || !st->registry[0])
		return fixstep_set(&st->what, "unset DOCKER_AUTH_CONFIG where the build runs: docker "
				   "reads it before config.json") < 0 ? FIXACT_NO : FIXACT_YES;
	/* a variable that hides config.json helps only if what it hides works */
	if (!from_variable(c, st->registry)) {
		snprintf(reason, n, "docker does not take %s's credential from DOCKER_AUTH_CONFIG",
			 st->registry[0] ? st->registry : "this registry");
		return FIXACT_NO;
	}
	return unset_helps(c, st, reason, n);
}

static int unset_realise(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
			 struct err *e)
{
	(void)p;
	(void)c;
	if (!getenv("DOCKER_AUTH_CONFIG"))
		return FIXACT_NOTHING;
	st->kind = FIX_YOURS;
	st->env_unset = 1;
	/* what the variable hid shows again, plain-text warnings included */
	if (fixstep_expects(st, "*", "plaintext_credentials") < 0 ||
	    fixstep_line(st, "unset DOCKER_AUTH_CONFIG") < 0 ||
	    fixstep_note(st, "fixkb cannot change the environment of the shell or CI job that "
			 "runs the build: run the line above there, or remove the variable from "
			 "the CI settings") < 0)
		return err_set(e, "out of memory");
	return 0;
}

const struct fix_action fixact_unset_docker_auth_config = {
	"unset_docker_auth_config", PHASE_ENV, unset_choose, unset_realise,
};

/* ================= rewrite_docker_auth_config ================= */

struct rewrite {
	json_t *value;        /* {"auths": {...}}: the new value (holds secrets) */
	struct buf prog;      /* the jq object the shell line builds */
	int uses_input;       /* the line reads the current value */
	int uses_cred;        /* the line reads the credential's variables */
	size_t n;
};

/* The key docker CLI reads for an entry's key: the exact key for a
 * registry it names loosely ("https://ghcr.io/", "GHCR.io"). */
static void exact_key(char *out, size_t n, const char *key)
{
	char loose[REGNAME_HOST_MAX], reg[REGNAME_HOST_MAX];
	struct err e = ERR_INIT;

	regname_loose_host(key, loose, sizeof(loose));
	if (regname_normalise(loose, reg, sizeof(reg), &e) < 0) {
		snprintf(out, n, "%s", key);
		return;
	}
	snprintf(out, n, "%s", regname_auth_key(reg, REGNAME_DOCKER_CLI));
}

/* A jq string literal of s (registry keys hold no quotes in practice). */
static int jq_str(struct buf *b, const char *s)
{
	size_t i;

	if (buf_appends(b, "\"") < 0)
		return -1;
	for (i = 0; s[i]; i++)
		if ((s[i] == '"' || s[i] == '\\' ? buf_appends(b, "\\") : 0) < 0 ||
		    buf_append(b, &s[i], 1) < 0)
			return -1;
	return buf_appends(b, "\"");
}

static int add_entry(struct rewrite *rw, const char *newkey, const char *oldkey, json_t *val)
{
	json_t *auths = json_object_get(rw->value, "auths");

	if (json_object_get(auths, newkey)) {
		json_decref(val);
		return 0;
	}
	if (!val || json_object_set_new(auths, newkey, val) < 0)
		return -1;
	if ((rw->n++ ? buf_appends(&rw->prog, ", ") : 0) < 0 || jq_str(&rw->prog, newkey) < 0 ||
	    buf_appends(&rw->prog, ": {auth: ") < 0)
		return -1;
	if (oldkey) {
		rw->uses_input = 1;
		if (buf_appends(&rw->prog, "(.auths[") < 0 || jq_str(&rw->prog, oldkey) < 0 ||
		    buf_appends(&rw->prog, "] | .auth // ((.username + \":\" + .password) | @base64))") < 0)
			return -1;
	} else {
		rw->uses_cred = 1;
		if (buf_appends(&rw->prog, "$a") < 0)
			return -1;
	}
	return buf_appends(&rw->prog, "}");
}

/* The rewritten value: the given credential for registry (when there is
 * one for it), then every entry of the current value under its exact key. */
static int build(struct rewrite *rw, const struct fix_ctx *c, const char *registry,
		 const struct docker_auth_config *d)
{
	const struct fix_input *in = c->in;
	char key[FIXPLAN_KEY_MAX];
	size_t i;

	rw->value = json_pack("{s:{}}", "auths");
	rw->prog = (struct buf)BUF_INIT(64u << 10);
	if (!rw->value)
		return -1;
	if (in->have_cred && strcmp(in->cred_registry, registry) == 0 &&
	    add_entry(rw, regname_auth_key(registry, REGNAME_DOCKER_CLI), NULL,
		      fixact_auth_entry(in->cred.username, &in->cred.secret)) < 0)
		return -1;
	for (i = 0; i < d->cfg.nauths; i++) {
		const struct dockercfg_entry *en = &d->cfg.auths[i];

		if (!en->username[0] || sensitive_is_empty(&en->password))
			continue;
		exact_key(key, sizeof(key), en->key);
		if (add_entry(rw, key, en->key, fixact_auth_entry(en->username, &en->password)) < 0)
			return -1;
	}
	return 0;
}

static void rewrite_release(struct rewrite *rw)
{
	json_decref(rw->value);
	buf_release(&rw->prog);
}

static int rewrite_choose(const struct fix_ctx *c, const json_t *f, struct fix_step *st,
			  char *reason, size_t n)
{
	const struct probe_record *r = fixact_record(c, "docker_auth_config", st->registry);
	const char *code = r ? r->res.code : "";
	int fresh = c->in->have_cred && strcmp(c->in->cred_registry, st->registry) == 0;

	(void)f;
	if (!getenv("DOCKER_AUTH_CONFIG")) {
		snprintf(reason, n, "DOCKER_AUTH_CONFIG is not set here");
		return FIXACT_NO;
	}
	if (strcmp(code, "docker_auth_config_malformed") != 0 && !fresh) {
		snprintf(reason, n, "docker CLI accepts DOCKER_AUTH_CONFIG as it is%s",
			 st->registry[0] ? ": only a new credential (--password-env) would change it"
					 : "");
		return FIXACT_NO;
	}
	st->kind = FIX_YOURS;
	return fixstep_set(&st->what, "set DOCKER_AUTH_CONFIG to the form docker CLI >= 28.3 "
			   "accepts (raw JSON, auths only, exact keys)") < 0 ? FIXACT_NO : FIXACT_YES;
}

/* The shell line that makes the value without printing a secret. */
static int shell_line(struct fix_step *st, const struct fix_ctx *c, const struct rewrite *rw,
		      const struct docker_auth_config *d)
{
	const char *src = d->form == DAC_FORM_BASE64 ? "printf %s \"$DOCKER_AUTH_CONFIG\" | base64 -d"
			  : d->form == DAC_FORM_FILE ? "cat \"$DOCKER_AUTH_CONFIG\""
			  : "printf %s \"$DOCKER_AUTH_CONFIG\"";
	char arg[600] = "";

	if (rw->uses_cred) {
		if (!c->in->user_env || !c->in->pass_env)
			return fixstep_note(st, "give the credential as --username-env VAR "
					    "--password-env VAR to get a line that sets it from them");
		snprintf(arg, sizeof(arg), " --arg a \"$(printf '%%s:%%s' \"$%s\" \"$%s\" | "
			 "base64 -w0)\"", c->in->user_env, c->in->pass_env);
	}
	if (rw->uses_input)
		return fixstep_line(st, "export DOCKER_AUTH_CONFIG=\"$(%s | jq -c%s '{auths: {%s}}')\"",
				    src, arg, rw->prog.data);
	return fixstep_line(st, "export DOCKER_AUTH_CONFIG=\"$(jq -cn%s '{auths: {%s}}')\"", arg,
			    rw->prog.data);
}

static int rewrite_realise(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
			   struct err *e)
{
	struct docker_auth_config d = DOCKER_AUTH_CONFIG_INIT;
	struct rewrite rw = { NULL, BUF_INIT(0), 0, 0, 0 };
	struct buf masked = BUF_INIT(64u << 10);
	char *text = NULL;
	int rc = -1;

	(void)p;
	if (dac_load_env(&d, e) < 0)
		return -1;
	if (!d.set || build(&rw, c, st->registry, &d) < 0) {
		rc = d.set ? err_set(e, "out of memory") : FIXACT_NOTHING;
		goto cleanup;
	}
	if (rw.n == 0) {
		st->kind = FIX_BLOCKED;
		rc = fixstep_set(&st->needs, "a credential for %s: DOCKER_AUTH_CONFIG holds no user "
				 "and password to keep (--username-env VAR --password-env VAR)",
				 st->registry[0] ? st->registry : "the registry") < 0 ? -1 : 0;
		goto cleanup;
	}
	text = json_dumps(rw.value, JSON_COMPACT);
	if (!text || masktext_json(&masked, text, strlen(text), e) < 0 ||
	    shell_line(st, c, &rw, &d) < 0 ||
	    fixstep_note(st, "the new value (secrets as fingerprints): %s", masked.data) < 0 ||
	    fixstep_note(st, "in CI, set the variable to that value in the CI settings instead") < 0)
		goto cleanup;
	st->kind = FIX_YOURS;
	st->env_value = text;
	text = NULL;
	rc = 0;
cleanup:
	if (text) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	buf_release(&masked);
	rewrite_release(&rw);
	dac_release(&d);
	return rc < 0 && !e->set ? err_set(e, "out of memory") : rc;
}

const struct fix_action fixact_rewrite_docker_auth_config = {
	"rewrite_docker_auth_config", PHASE_ENV, rewrite_choose, rewrite_realise,
};
