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
#include "checks/token_endpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/sensitive.h"
#include "docker/credhelper.h"
#include "docker/credplan.h"
#include "docker/daemoncfg.h"
#include "docker/imageref.h"
#include "net/http.h"
#include "net/trust.h"
#include "net/url.h"
#include "util/jsontext.h"

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
	struct token_endpoint_check check;
	int started;
	int done;                             /* result already set (no flow) */
};

/* ================= the check: credentialed, then anonymous ================= */

/* A credential the endpoint or the registry refused: worth seeing whether
 * anonymous access works (a stale credential shadowing a public image). */
static int worth_anonymous(enum tf_outcome o)
{
	return o == TF_TOKEN_REJECTED || o == TF_EXPIRED || o == TF_SCOPE_DENIED;
}

static void main_done(struct tf_flow *f, void *arg)
{
	struct token_endpoint_check *k = arg;
	struct tf_config cfg;

	/* An anonymous push is never worth trying. */
	if (f->anonymous || !f->cfg.repo[0] || f->cfg.client == TOKENCLIENT_DOCKER_LOGIN ||
	    f->cfg.push || !worth_anonymous(f->outcome))
		return;
	cfg = k->cfg;
	cfg.cred = NULL;
	snprintf(cfg.scheme, sizeof(cfg.scheme), "%s", f->scheme);
	if (tf_flow_start(&k->anon, k->transport, &cfg, NULL, NULL) == 0)
		k->anon_started = 1;
	else
		tf_flow_release(&k->anon);
}

int token_endpoint_check_start(struct token_endpoint_check *k, struct tf_transport *t,
			       const struct tf_config *cfg)
{
	memset(k, 0, sizeof(*k));
	k->cfg = *cfg;
	k->transport = t;
	return tf_flow_start(&k->main, t, cfg, main_done, k);
}

void token_endpoint_check_release(struct token_endpoint_check *k)
{
	if (!k)
		return;
	tf_flow_release(&k->main);
	if (k->anon_started)
		tf_flow_release(&k->anon);
	k->anon_started = 0;
}

/* ================= the verdict ================= */

/* Whether each client would accept the registry's transport: plain http
 * (docker: loopback or insecure-registries), an untrusted certificate. */
static json_t *clients_json(const struct tf_flow *f, const char *reg)
{
	json_t *o = json_object();
	int loop = url_host_is_loopback(f->host), insecure = f->cfg.insecure_declared;
	char m[768];

	if (f->plain_http) {
		snprintf(m, sizeof(m), "%s", loop ? "accepts plain http: 127.0.0.0/8 is an insecure "
			 "registry by default" : insecure ? "accepts plain http: listed in daemon.json "
			 "insecure-registries" : "refuses plain http (add it to daemon.json "
			 "insecure-registries)");
		json_object_set_new(o, "docker", json_string(m));
		snprintf(m, sizeof(m), loop ? "falls back to plain http for loopback hosts" :
			 "needs buildkitd.toml [registry.\"%s\"] http = true", reg);
		json_object_set_new(o, "buildkit", json_string(m));
		json_object_set_new(o, "containers/image", json_string(
			"needs --tls-verify=false (or insecure = true for it in registries.conf)"));
	} else if (f->outcome == TF_TLS_UNTRUSTED || f->outcome == TF_TLS_OTHER) {
		if (loop || insecure)
			snprintf(m, sizeof(m), "accepts: it skips TLS verification for insecure "
				 "registries (%s)", loop ? "127.0.0.0/8 by default"
				 : "daemon.json insecure-registries");
		else
			snprintf(m, sizeof(m), "refuses until the CA is in "
				 "/etc/docker/certs.d/%s/ca.crt", reg);
		json_object_set_new(o, "docker", json_string(m));
		snprintf(m, sizeof(m), "refuses until buildkitd.toml has [registry.\"%s\"] "
			 "ca=[\"/path/to/ca.crt\"] (or insecure = true)", reg);
		json_object_set_new(o, "buildkit", json_string(m));
		snprintf(m, sizeof(m), "refuses until the CA is in /etc/containers/certs.d/%s/ca.crt "
			 "(or --cert-dir DIR, or --tls-verify=false)", reg);
		json_object_set_new(o, "containers/image", json_string(m));
	} else {
		json_object_set_new(o, "docker", json_string("https with a verified certificate"));
		json_object_set_new(o, "buildkit", json_string("https with a verified certificate"));
		json_object_set_new(o, "containers/image", json_string("https with a verified certificate"));
	}
	return o;
}

/* The evidence both flows give: the client, the transport, the clients'
 * acceptance, the flow (and the anonymous one). */
static void flows_evidence(struct token_endpoint_check *k, json_t *evidence)
{
	const struct tf_flow *f = &k->main;

	json_object_set_new(evidence, "client", json_string(tokenclient_name(f->cfg.client)));
	json_object_set_new(evidence, "scheme", json_string(f->scheme));
	json_object_set_new(evidence, "plain_http", json_boolean(f->plain_http));
	json_object_set_new(evidence, "clients", clients_json(f, k->cfg.registry));
	json_object_set_new(evidence, "flow", tf_flow_json(f));
	if (k->anon_started)
		json_object_set_new(evidence, "anonymous_flow", tf_flow_json(&k->anon));
}

/* Outcomes whose verdict is a fixed status and code, with the summary as
 * the detail (and the client's message when with_message). */
static const struct {
	enum tf_outcome outcome;
	enum probe_status status;
	const char *code;
	int with_message;
	const char *advice;   /* appended, or NULL */
} plain_verdicts[] = {
	{ TF_NO_AUTH_NEEDED, PROBE_OK, "no_auth_required", 0, NULL },
	{ TF_NO_CREDENTIALS, PROBE_FAIL, "no_credentials", 1, NULL },
	{ TF_NOT_FOUND, PROBE_WARN, "repo_not_found_or_private", 0, NULL },
	{ TF_OUTAGE, PROBE_FAIL, "registry_outage", 1, NULL },
	{ TF_RATE_LIMITED, PROBE_FAIL, "rate_limited", 1,
	  "; wait before retrying (limits count per account or IP; authenticated pulls "
	  "usually get more)" },
	{ TF_NETWORK, PROBE_FAIL, "network_unreachable", 0, NULL },
	{ TF_REFUSED, PROBE_ERROR, "refused_plain_http", 0, NULL },
	/* the realm downgrades an https registry to plain http */
	{ TF_REALM_PLAIN_HTTP, PROBE_FAIL, "tls_http_mismatch", 0, NULL },
	{ TF_REALM_OTHER_HOST, PROBE_ERROR, "realm_other_host", 0, NULL },
};

/* The credential was refused (token endpoint, registry) or expired: if
 * anonymous access works, the credential shadows a public image. */
static void credential_verdict(const struct token_endpoint_check *k, enum probe_status *status,
			       char *code, size_t codelen, char *detail, size_t detaillen,
			       const char *extra)
{
	const struct tf_flow *f = &k->main, *a = k->anon_started ? &k->anon : NULL;
	int anon_ok = a && (a->outcome == TF_OK || a->outcome == TF_NO_AUTH_NEEDED);

	*status = PROBE_FAIL;
	if (anon_ok && f->outcome != TF_EXPIRED) {
		snprintf(code, codelen, "shadowed_credentials");
		snprintf(detail, detaillen, "anonymous pull of %s works but the stored credential "
			 "fails (%s); %s sends the credential and never retries anonymously: fix "
			 "or remove it (docker logout %s)%s", f->cfg.repo, f->summary,
			 tokenclient_name(f->cfg.client), k->cfg.registry, extra);
		return;
	}
	snprintf(code, codelen, "%s", f->outcome == TF_TOKEN_REJECTED ? "oauth_token_rejected"
		 : f->outcome == TF_EXPIRED ? "expired_token" : "insufficient_scope_or_permission");
	snprintf(detail, detaillen, "%s%s%s", f->summary, extra,
		 anon_ok ? "; anonymous pull works" : "");
}

/* TLS failures: name the certificate and say how each client trusts it. */
static void tls_verdict(const struct tf_flow *f, const char *reg, enum probe_status *status,
			char *code, size_t codelen, char *detail, size_t detaillen)
{
	const char *subject = f->tls_subject[0] ? f->tls_subject : "?";
	const char *issuer = f->tls_issuer[0] ? f->tls_issuer : "?";

	*status = PROBE_FAIL;
	if (f->outcome == TF_TLS_UNTRUSTED) {
		snprintf(code, codelen, "tls_untrusted_ca");
		snprintf(detail, detaillen, "%s presents a certificate (subject %s, issuer %s) that "
			 "does not chain to a trusted CA: %s. Trust it: docker "
			 "/etc/docker/certs.d/%s/ca.crt; BuildKit buildkitd.toml [registry.\"%s\"] "
			 "ca=[\"/path/ca.crt\"]; podman /etc/containers/certs.d/%s/ca.crt",
			 reg, subject, issuer, f->tls_error, reg, reg, reg);
	} else if (f->outcome == TF_TLS_OTHER) {
		snprintf(code, codelen, "tls_other");
		snprintf(detail, detaillen, "TLS to %s failed: %s (certificate subject %s, issuer %s)",
			 reg, f->tls_error, subject, issuer);
	} else {
		snprintf(code, codelen, "tls_http_mismatch");
		snprintf(detail, detaillen, "%s speaks plain http where clients expect https (%s): "
			 "serve TLS, or declare it insecure (daemon.json insecure-registries, "
			 "buildkitd.toml http = true, --tls-verify=false)%s", reg, f->tls_error,
			 f->cfg.client == TOKENCLIENT_PODMAN ? "; podman, buildah and skopeo never "
			 "fall back to http on their own, even for 127.0.0.1 (fixkb "
			 "--insecure-registry HOST checks the registry as --tls-verify=false does)"
			 : "");
	}
}

/* The run's deadline passed first: a timeout, not an unreachable
 * registry. The real client has no such deadline (BuildKit waits for a
 * slow issuer), so fixkb cannot tell: error, with the deadline and how
 * to wait longer. */
static void timeout_verdict(const struct tf_flow *f, enum probe_status *status, char *code,
			    size_t codelen, char *detail, size_t detaillen)
{
	double t = f->cfg.timeout_s;

	*status = PROBE_ERROR;
	snprintf(code, codelen, "timeout");
	if (t > 0)
		snprintf(detail, detaillen, "timeout: %s; the deadline was the run's --timeout of "
			 "%g s: raise it (e.g. --timeout %g) to wait for %s", f->summary, t,
			 t < 30 ? 60 : t * 2, f->timeout_token ? "the token endpoint" : "the registry");
	else
		snprintf(detail, detaillen, "timeout: %s; raise --timeout to wait longer", f->summary);
}

void token_endpoint_verdict(struct token_endpoint_check *k, enum probe_status *status,
			    char *code, size_t codelen, char *detail, size_t detaillen,
			    json_t *evidence)
{
	const struct tf_flow *f = &k->main;
	char extra[TF_MSG_MAX + 64] = "";
	size_t i;

	tf_flow_settle(&k->main);
	if (k->anon_started)
		tf_flow_settle(&k->anon);
	flows_evidence(k, evidence);
	if (f->message[0])
		snprintf(extra, sizeof(extra), "; the client reports: %s", f->message);
	for (i = 0; i < sizeof(plain_verdicts) / sizeof(plain_verdicts[0]); i++) {
		if (plain_verdicts[i].outcome != f->outcome)
			continue;
		*status = plain_verdicts[i].status;
		snprintf(code, codelen, "%s", plain_verdicts[i].code);
		snprintf(detail, detaillen, "%s%s%s", f->summary,
			 plain_verdicts[i].with_message ? extra : "",
			 plain_verdicts[i].advice ? plain_verdicts[i].advice : "");
		return;
	}
	switch (f->outcome) {
	case TF_OK:
		*status = PROBE_OK;
		snprintf(code, codelen, "%s", f->cfg.client == TOKENCLIENT_DOCKER_LOGIN ||
			 !f->cfg.repo[0] ? "login_ok" : "token_ok");
		snprintf(detail, detaillen, "%s%s", f->summary, !f->plain_http ? ""
			 : f->cfg.client == TOKENCLIENT_PODMAN
			 ? " (plain http, as podman/skopeo --tls-verify=false use it)"
			 : " (plain http: containers/image needs --tls-verify=false)");
		return;
	case TF_TOKEN_REJECTED:
	case TF_SCOPE_DENIED:
	case TF_EXPIRED:
		credential_verdict(k, status, code, codelen, detail, detaillen, extra);
		return;
	case TF_PUSH_DENIED:
		*status = PROBE_FAIL;
		snprintf(code, codelen, "insufficient_scope_or_permission");
		snprintf(detail, detaillen, "%s%s", f->summary, extra);
		return;
	case TF_TLS_UNTRUSTED:
	case TF_TLS_OTHER:
	case TF_TLS_HTTP_MISMATCH:
		tls_verdict(f, k->cfg.registry, status, code, codelen, detail, detaillen);
		return;
	case TF_TIMEOUT:
		timeout_verdict(f, status, code, codelen, detail, detaillen);
		return;
	default:
		break;
	}
	*status = PROBE_ERROR;
	snprintf(code, codelen, "probe_error");
	snprintf(detail, detaillen, "%s", f->summary[0] ? f->summary : "the flow did not finish");
}

static json_t *credential_json(struct te_item *it)
{
	const struct cred_plan *p = &it->plan;
	json_t *o = json_object();
	char fp[SENSITIVE_FP_MAX];

	json_object_set_new(o, "consumer", json_string(consumer_name(p->consumer)));
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

/* Finds the credential the client would send: docker/BuildKit's, or
 * podman's and buildah's for --client podman (containers/image with
 * their --authfile default; skopeo's differs only when DOCKER_CONFIG is
 * set without an authfile: credplan.h). */
static void resolve_credential(struct te_item *it, enum tokenclient client)
{
	const struct probe_ctx *ctx = it->ctx;
	struct err e = ERR_INIT;
	char fp[SENSITIVE_FP_MAX];
	const char *where;
	enum consumer who = client == TOKENCLIENT_PODMAN ? CONSUMER_PODMAN : CONSUMER_DOCKER;

	if (credplan_resolve(&it->plan, ctx->settings, ctx->registry, who, &e) < 0) {
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
		/* _in: a failing helper's output is scrubbed of the secrets of
		 * the configuration this run reads (--config), not the default's */
		if (credhelper_get_in(&it->helper, ctx->settings, it->plan.helper, it->plan.key,
				      ctx->deadline_ms, &e) < 0) {
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
static enum tokenclient client_from_settings(const struct settings *s)
{
	enum tokenclient c = TOKENCLIENT_BUILDKIT;

	if (s && s->client)
		(void)tokenclient_from_name(s->client, &c);
	return c;
}

static void setup(struct te_item *it, struct tf_transport *t)
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
		cfg.push = settings_pushes(ctx->settings, ctx->image);
		json_object_set_new(it->evidence, "image", json_string(ctx->image));
		json_object_set_new(it->evidence, "mode", json_string(cfg.push ? "push" : "pull"));
	} else {
		if (cfg.client != TOKENCLIENT_PODMAN)
			cfg.client = TOKENCLIENT_DOCKER_LOGIN;
		json_object_set_new(it->evidence, "mode", json_string("login"));
		json_object_set_new(it->evidence, "mode_note", json_string(
			"no image given: checked what docker login checks (GET /v2/ and the token "
			"endpoint without a scope); this does not prove pull access (give --image)"));
	}
	resolve_credential(it, cfg.client);
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
	cfg.timeout_s = ctx->settings->timeout_s;
	if (token_endpoint_check_start(&it->check, t, &cfg) < 0) {
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
	login = it->check.cfg.client == TOKENCLIENT_DOCKER_LOGIN || !it->check.cfg.repo[0];
	token_endpoint_verdict(&it->check, &st, code, sizeof(code), detail, sizeof(detail),
			       it->evidence);
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
		token_endpoint_check_release(&it->check);
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
	struct tf_transport transport;
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
	tf_transport_http(&transport, &hc);
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
		setup(it, &transport);
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
