/* token_endpoint.c — run the registry token flow the way the client would
 * (BuildKit's client path by default: HEAD the manifest, POST the OAuth2
 * form, GET with Basic on fallback, then the manifest with the token),
 * with the credential docker/BuildKit would use, and say which step
 * failed, why, and the exact message the client prints. When the
 * credential fails, the same flow runs anonymously: if that works, the
 * stored credential is what breaks a public pull (shadowed_credentials).
 * Without --image only /v2/ and the token endpoint are checked, as
 * `docker login` does, which does not prove pull access.
 * Every registry in a batch runs concurrently on one libcurl multi handle
 * under one deadline. Secrets appear only as fingerprints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "util/clock.h"
#include "docker/credhelper.h"
#include "docker/credplan.h"
#include "docker/daemoncfg.h"
#include "net/http.h"
#include "net/trust.h"
#include "util/jsontext.h"
#include "docker/imageref.h"
#include "util/sensitive.h"
#include "net/tokenflow.h"

struct te_item {
	const struct probe_ctx *ctx;
	struct probe_result *res;
	struct cred_plan plan;
	struct credential cred;               /* from auths / DOCKER_AUTH_CONFIG */
	struct credhelper_result helper;      /* from a helper */
	int helper_ran;
	const struct credential *use;         /* what the flow sends (borrowed), or NULL */
	char cred_line[512];                  /* "alice's credential from auths in FILE (fp)" */
	char note[512];                       /* prefix for the detail, or "" */
	json_t *evidence;
	struct trust trust;
	struct tf_check check;
	int started;
	int done;                             /* result already set (no flow) */
};

static json_t *credential_json(struct te_item *it)
{
	const struct cred_plan *p = &it->plan;
	json_t *o = json_object();
	char fp[SENSITIVE_FP_MAX];

	json_object_set_new(o, "consumer", json_string(consumer_name(CONSUMER_DOCKER)));
	json_object_set_new(o, "source", json_string(cred_source_name(p->source)));
	json_object_set_new(o, "file", p->file[0] ? json_string(p->file) : json_null());
	json_object_set_new(o, "key", p->key[0] ? json_string(p->key) : json_null());
	if (p->helper[0])
		json_object_set_new(o, "helper", json_string(p->helper));
	if (it->helper_ran)
		json_object_set_new(o, "helper_outcome",
				    json_string(credhelper_status_name(it->helper.status)));
	if (it->use) {
		json_object_set_new(o, "username", jsontext_string(it->use->username,
								  strlen(it->use->username), 256));
		json_object_set_new(o, "identity_token", json_boolean(it->use->identity_token));
		sensitive_fingerprint(&it->use->secret, fp);
		json_object_set_new(o, "secret_fingerprint", json_string(fp));
		if (!sensitive_is_empty(&it->use->registry_token)) {
			sensitive_fingerprint(&it->use->registry_token, fp);
			json_object_set_new(o, "registry_token_fingerprint", json_string(fp));
		}
	} else {
		json_object_set_new(o, "username", json_null());
	}
	if (p->shadowed && json_array_size(p->shadowed))
		json_object_set(o, "shadowed", p->shadowed);
	if (p->problems && json_array_size(p->problems))
		json_object_set(o, "problems", p->problems);
	return o;
}

/* Finds the credential the docker consumer would send. */
static void resolve_credential(struct te_item *it)
{
	const struct probe_ctx *ctx = it->ctx;
	struct err e = ERR_INIT;
	char fp[SENSITIVE_FP_MAX];
	const char *where;

	if (credplan_resolve(&it->plan, ctx->settings, ctx->registry, CONSUMER_DOCKER, &e) < 0) {
		snprintf(it->note, sizeof(it->note), "could not resolve the credential (%s); "
			 "probed anonymously: ", e.msg);
		return;
	}
	switch (it->plan.source) {
	case SRC_NONE:
		snprintf(it->cred_line, sizeof(it->cred_line), "no credential configured");
		return;
	case SRC_AUTHS:
	case SRC_DOCKER_AUTH_CONFIG:
		if (credplan_read_auths(&it->cred, &it->plan, &e) < 0) {
			snprintf(it->note, sizeof(it->note), "the %s entry could not be read (%s); "
				 "probed anonymously: ", cred_source_name(it->plan.source), e.msg);
			return;
		}
		it->use = &it->cred;
		break;
	case SRC_CRED_HELPER:
	case SRC_CREDS_STORE:
	case SRC_AUTO_STORE:
		it->helper_ran = 1;
		if (credhelper_get(&it->helper, it->plan.helper, it->plan.key, ctx->deadline_ms,
				   &e) < 0) {
			snprintf(it->note, sizeof(it->note), "helper %s could not run (%s); probed "
				 "anonymously: ", it->plan.helper, e.msg);
			return;
		}
		if (it->helper.status == CREDHELPER_FOUND) {
			it->use = &it->helper.cred;
			break;
		}
		if (it->helper.status == CREDHELPER_NOT_FOUND) {
			snprintf(it->cred_line, sizeof(it->cred_line), "helper %s has no credential "
				 "for '%s'", it->plan.helper, it->plan.key);
			return;
		}
		snprintf(it->note, sizeof(it->note), "docker-credential-%s %s (the client stops "
			 "there; see the cred_helper probe); probed anonymously: ", it->plan.helper,
			 credhelper_status_name(it->helper.status));
		return;
	}
	if (it->use && credential_is_empty(it->use))
		it->use = NULL;
	if (!it->use) {
		snprintf(it->cred_line, sizeof(it->cred_line), "empty credential from %s",
			 cred_source_name(it->plan.source));
		return;
	}
	sensitive_fingerprint(&it->use->secret, fp);
	where = it->plan.file[0] ? it->plan.file : "the environment";
	if (it->use->identity_token)
		snprintf(it->cred_line, sizeof(it->cred_line), "identity token from %s in %s (%s)",
			 cred_source_name(it->plan.source), where, fp);
	else if (sensitive_is_empty(&it->use->secret) && !sensitive_is_empty(&it->use->registry_token))
		snprintf(it->cred_line, sizeof(it->cred_line), "registrytoken from %s in %s",
			 cred_source_name(it->plan.source), where);
	else
		snprintf(it->cred_line, sizeof(it->cred_line), "%s's credential from %s%s%s in %s (%s)",
			 it->use->username, cred_source_name(it->plan.source),
			 it->helper_ran ? " helper " : "", it->helper_ran ? it->plan.helper : "",
			 where, fp);
}

/* --client (validated by main.c); BuildKit's client path by default. */
static enum tf_client client_from_settings(const struct settings *s)
{
	const char *c = s ? s->client : NULL;

	if (c && strcmp(c, "buildkit-daemon") == 0)
		return TF_CLIENT_BUILDKIT_DAEMON;
	if (c && strcmp(c, "containerd") == 0)
		return TF_CLIENT_CONTAINERD;
	if (c && strcmp(c, "docker-login") == 0)
		return TF_CLIENT_DOCKER_LOGIN;
	return TF_CLIENT_BUILDKIT;
}

static void setup(struct te_item *it, struct http_client *hc)
{
	const struct probe_ctx *ctx = it->ctx;
	struct tf_config cfg;
	struct image_ref ref;
	struct err e = ERR_INIT;
	char daemon_json[512];
	const char *declared_by = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.client = client_from_settings(ctx->settings);
	snprintf(cfg.registry, sizeof(cfg.registry), "%s", ctx->registry);
	if (ctx->image && *ctx->image) {
		if (image_ref_parse(&ref, ctx->image, &e) < 0) {
			probe_result_set(it->res, PROBE_ERROR, "bad_image", "--image '%s': %s",
					 ctx->image, e.msg);
			it->done = 1;
			return;
		}
		snprintf(cfg.repo, sizeof(cfg.repo), "%s", ref.path);
		snprintf(cfg.ref, sizeof(cfg.ref), "%s", ref.digest[0] ? ref.digest : ref.tag);
		json_object_set_new(it->evidence, "image", json_string(ctx->image));
		json_object_set_new(it->evidence, "mode", json_string("pull"));
	} else {
		cfg.client = TF_CLIENT_DOCKER_LOGIN;
		json_object_set_new(it->evidence, "mode", json_string("login"));
		json_object_set_new(it->evidence, "mode_note", json_string(
			"no image given: checked what docker login checks (GET /v2/ and the token "
			"endpoint without a scope); this does not prove pull access (give --image)"));
	}
	resolve_credential(it);
	json_object_set_new(it->evidence, "credential", credential_json(it));
	if (trust_load(&it->trust, ctx->settings, ctx->registry, &e) < 0) {
		probe_result_set(it->res, PROBE_ERROR, "probe_error", "%s", e.msg);
		it->done = 1;
		return;
	}
	json_object_set_new(it->evidence, "trust", trust_json(&it->trust));
	cfg.insecure_declared = daemoncfg_declares_insecure(ctx->registry, daemon_json,
								sizeof(daemon_json));
	json_object_set_new(it->evidence, "daemon_json", json_string(daemon_json));
	if (cfg.insecure_declared) {
		declared_by = daemon_json;
	} else {
		const struct strlist *ir = &ctx->settings->insecure_registries;

		for (int i = 0; i < ir->n && !cfg.insecure_declared; i++)
			cfg.insecure_declared = daemoncfg_insecure_entry_matches(ir->items[i], ctx->registry);
		if (cfg.insecure_declared)
			declared_by = "--insecure-registry";
	}
	json_object_set_new(it->evidence, "declared_insecure", json_boolean(cfg.insecure_declared));
	json_object_set_new(it->evidence, "declared_insecure_by",
			    declared_by ? json_string(declared_by) : json_null());
	cfg.cred = it->use;
	cfg.trust = &it->trust;
	cfg.deadline_ms = ctx->deadline_ms;
	if (tf_check_start(&it->check, hc, &cfg) < 0) {
		probe_result_set(it->res, PROBE_ERROR, "probe_error", "out of memory");
		it->done = 1;
		return;
	}
	it->started = 1;
}

static void conclude(struct te_item *it)
{
	enum probe_status st = PROBE_ERROR;
	char code[PROBE_CODE_MAX] = "", detail[PROBE_DETAIL_MAX * 2] = "";
	int login;

	if (it->done || !it->started)
		return;
	login = it->check.cfg.client == TF_CLIENT_DOCKER_LOGIN;
	tf_check_verdict(&it->check, &st, code, sizeof(code), detail, sizeof(detail), it->evidence);
	if (it->use)
		probe_result_set(it->res, st, code, "%swith %s: %s%s", it->note, it->cred_line, detail,
				 login && st == PROBE_OK ? " (no --image: pull access not checked)" : "");
	else
		probe_result_set(it->res, st, code, "%sanonymously%s%s%s: %s%s", it->note,
				 it->cred_line[0] ? " (" : "", it->cred_line, it->cred_line[0] ? ")" : "",
				 detail, login && st == PROBE_OK ? " (no --image: pull access not checked)"
								 : "");
	jsontext_sanitize_utf8(it->res->detail);
}

static void release_item(struct te_item *it)
{
	if (it->started)
		tf_check_release(&it->check);
	trust_release(&it->trust);
	credential_release(&it->cred);
	if (it->helper_ran)
		credhelper_result_release(&it->helper);
	cred_plan_release(&it->plan);
}

static void token_endpoint_run_batch(const struct probe_ctx *ctxs, struct probe_result *res,
				     size_t n)
{
	struct http_client hc;
	struct te_item *items = NULL;
	struct err e = ERR_INIT;
	double deadline = 0;
	size_t i;

	items = calloc(n ? n : 1, sizeof(*items));
	if (!items || http_client_init(&hc, ctxs[0].settings, &e) < 0) {
		for (i = 0; i < n; i++) {
			res[i].evidence = json_object();
			probe_result_set(&res[i], PROBE_ERROR, "probe_error", "%s",
					 e.set ? e.msg : "out of memory");
		}
		free(items);
		return;
	}
	for (i = 0; i < n; i++) {
		struct te_item *it = &items[i];

		it->ctx = &ctxs[i];
		it->res = &res[i];
		it->plan = (struct cred_plan)CRED_PLAN_INIT;
		it->cred = (struct credential)CREDENTIAL_INIT;
		it->helper = (struct credhelper_result)CREDHELPER_RESULT_INIT;
		it->evidence = json_object();
		res[i].evidence = it->evidence;
		if (!ctxs[i].registry) {
			probe_result_set(&res[i], PROBE_SKIP, "unmet_need", "needs a registry");
			it->done = 1;
			continue;
		}
		setup(it, &hc);
		if (ctxs[i].deadline_ms > deadline)
			deadline = ctxs[i].deadline_ms;
	}
	http_client_run(&hc, deadline);
	for (i = 0; i < n; i++) {
		conclude(&items[i]);
		release_item(&items[i]);
	}
	http_client_release(&hc);
	free(items);
}

static void token_endpoint_run(const struct probe_ctx *ctx, struct probe_result *res)
{
	token_endpoint_run_batch(ctx, res, 1);
}

const struct probe probe_token_endpoint = {
	.name = "token_endpoint",
	.summary = "run the registry token flow as BuildKit would, with the credential it would use",
	.needs = NEEDS_REGISTRY | NEEDS_NETWORK,
	.deadline_ms = 10000,
	.run = token_endpoint_run,
	.run_batch = token_endpoint_run_batch,
};
