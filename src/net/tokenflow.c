#include "net/tokenflow.h"

#include <stdio.h>
#include <string.h>

#include "util/jsontext.h"
#include "docker/regname.h"
#include "net/tokenauthorised.h"
#include "net/tokenfetch.h"
#include "net/tokenprobe.h"
#include "net/tokenpush.h"
#include "net/tokenstep.h"
#include "net/url.h"

const char *tf_outcome_name(enum tf_outcome o)
{
	switch (o) {
	case TF_PENDING: return "pending";
	case TF_OK: return "ok";
	case TF_NO_AUTH_NEEDED: return "no_auth_needed";
	case TF_TOKEN_REJECTED: return "token_rejected";
	case TF_EXPIRED: return "expired";
	case TF_SCOPE_DENIED: return "scope_denied";
	case TF_PUSH_DENIED: return "push_denied";
	case TF_NO_CREDENTIALS: return "no_credentials";
	case TF_NOT_FOUND: return "not_found";
	case TF_OUTAGE: return "outage";
	case TF_RATE_LIMITED: return "rate_limited";
	case TF_NETWORK: return "network";
	case TF_TIMEOUT: return "timeout";
	case TF_TLS_UNTRUSTED: return "tls_untrusted_ca";
	case TF_TLS_OTHER: return "tls_other";
	case TF_TLS_HTTP_MISMATCH: return "tls_http_mismatch";
	case TF_REFUSED: return "refused";
	case TF_REALM_OTHER_HOST: return "realm_other_host";
	case TF_REALM_PLAIN_HTTP: return "realm_plain_http";
	case TF_INTERNAL: return "internal";
	}
	return "internal";
}

/* ---- the libcurl transport ---- */

static void http_send(struct tf_transport *t, struct http_req *r)
{
	http_client_add(t->ctx, r);
}

void tf_transport_http(struct tf_transport *t, struct http_client *hc)
{
	t->send = http_send;
	t->ctx = hc;
}

/* ---- evidence ---- */

static const char *step_name(int state)
{
	switch (state) {
	case TF_ST_PROBE_HEAD:
	case TF_ST_PROBE_GET: return "manifest";
	case TF_ST_PING: return "ping";
	case TF_ST_TOKEN: return "token";
	case TF_ST_AUTH_HEAD:
	case TF_ST_AUTH_GET: return "authorised";
	case TF_ST_LOGIN_BASIC: return "login";
	case TF_ST_PUSH: return "push";
	case TF_ST_PUSH_CANCEL: return "push_cancel";
	}
	return "request";
}

/* Records r as the flow's next step; returns the step (borrowed). */
static json_t *record_step(struct tf_flow *f, const struct http_req *r)
{
	char joined[SCOPE_MAX * 4];
	struct tokenstep s = { .name = step_name(f->state), .token = f->state == TF_ST_TOKEN };
	json_t *o;

	if (f->state == TF_ST_TOKEN && f->method == TOKENCLIENT_POST && strcmp(r->method, "POST") == 0) {
		tokenstate_scopes_joined(f, joined, sizeof(joined));
		s.form = 1;
		s.cred = f->cfg.cred;
		s.client_id = tokenclient_id(f->cfg.client);
		s.service = f->service;
		s.scope = joined;
	}
	o = tokenstep_json(r, &s);
	json_array_append_new(f->steps, o);
	return o;
}

/* ---- outcomes from transport errors ---- */

static enum tf_outcome outcome_of(const struct http_req *r)
{
	switch (r->errclass) {
	case HTTP_ERR_NETWORK: return TF_NETWORK;
	case HTTP_ERR_TIMEOUT: return r->connect_timed_out ? TF_NETWORK : TF_TIMEOUT;
	case HTTP_ERR_TLS_UNTRUSTED: return TF_TLS_UNTRUSTED;
	case HTTP_ERR_TLS_OTHER: return TF_TLS_OTHER;
	case HTTP_ERR_TLS_HTTP_MISMATCH: return TF_TLS_HTTP_MISMATCH;
	case HTTP_ERR_TOO_LARGE:
	case HTTP_ERR_REDIRECT:
	case HTTP_ERR_PROTOCOL: return TF_OUTAGE;
	case HTTP_ERR_REFUSED: return TF_REFUSED;
	case HTTP_ERR_INTERNAL: return TF_INTERNAL;
	case HTTP_RESPONSE: break;
	}
	return TF_INTERNAL;
}

/* A transport error. On the first request to a loopback or insecure
 * registry, https that met plain http (or no handshake) is retried over
 * http, as docker does; anything else ends the flow. Returns 1 when it
 * retried. */
static int http_fallback(struct tf_flow *f, const struct http_req *r, json_t *step)
{
	int first = f->state == TF_ST_PROBE_HEAD || f->state == TF_ST_PING;

	/* docker: loopback or insecure-registries; c/image only with
	 * --tls-verify=false (declared insecure here). */
	int may_http = f->cfg.insecure_declared ||
		       (!tokenstate_is_cimage(f) && url_host_is_loopback(f->host));

	if (!first || (r->errclass != HTTP_ERR_TLS_HTTP_MISMATCH && r->errclass != HTTP_ERR_TIMEOUT &&
		       r->errclass != HTTP_ERR_PROTOCOL) ||
	    f->cfg.scheme[0] || strcmp(f->scheme, "https") != 0 || !may_http)
		return 0;
	snprintf(f->scheme, sizeof(f->scheme), "http");
	f->plain_http = 1;
	json_object_set_new(step, "note", json_string(
		r->errclass == HTTP_ERR_TLS_HTTP_MISMATCH
		? "https answered as plain http: retrying over http"
		: "no TLS handshake on this port: retrying over http (loopback/insecure)"));
	f->https_error = r->errclass;
	/* The first request again (login, c/image: GET /v2/; pull: HEAD manifest). */
	tokenstate_issue_first(f);
	return 1;
}

/* Go's words for a transport error where fixkb knows them (what c/image
 * prints after `Get "<url>": `), else libcurl's. */
static const char *go_error(const struct http_req *r)
{
	switch (r->errclass) {
	case HTTP_ERR_TLS_HTTP_MISMATCH: return "http: server gave HTTP response to HTTPS client";
	case HTTP_ERR_TLS_UNTRUSTED: return "x509: certificate signed by unknown authority";
	default: return r->error;
	}
}

static void on_transport_error(struct tf_flow *f, struct http_req *r, json_t *step)
{
	if (http_fallback(f, r, step))
		return;
	if (tokenstate_is_cimage(f) && f->state == TF_ST_PING)
		tokenmsg_cimage_ping(f->message, sizeof(f->message), f->host, r->url, go_error(r), 0,
				     "", NULL, NULL, 0);
	if (r->tls_subject[0] || r->tls_verify_error) {
		snprintf(f->tls_subject, sizeof(f->tls_subject), "%s", r->tls_subject);
		snprintf(f->tls_issuer, sizeof(f->tls_issuer), "%s", r->tls_issuer);
	}
	snprintf(f->tls_error, sizeof(f->tls_error), "%s", r->error);
	if (outcome_of(r) == TF_TIMEOUT) {
		f->timeout_connected = r->connected;
		f->timeout_token = f->state == TF_ST_TOKEN;
		tokenstate_finish(f, TF_TIMEOUT, "%s %s %s: %s", f->timeout_token
				  ? "the token endpoint did not answer" : "the registry did not answer",
				  r->method, r->url, r->connected
				  ? "it accepted the connection, but no answer came before the run's "
				    "deadline: it is slow, not unreachable"
				  : "no connection was made before the run's deadline (unreachable, or "
				    "slow to connect)");
		return;
	}
	if (r->errclass == HTTP_ERR_TIMEOUT)
		tokenstate_finish(f, TF_NETWORK, "%s %s: no connection within %.0f ms (%s)",
				  r->method, r->url, r->connect_timeout_ms, r->error);
	else
		tokenstate_finish(f, outcome_of(r), "%s %s: %s", r->method, r->url, r->error);
}

static void on_done(struct http_req *r, void *arg)
{
	struct tf_flow *f = arg;
	json_t *step = record_step(f, r);

	if (r->errclass != HTTP_RESPONSE) {
		on_transport_error(f, r, step);
		return;
	}
	switch (f->state) {
	case TF_ST_PROBE_HEAD:
	case TF_ST_PROBE_GET:
	case TF_ST_PING:
		tokenprobe_on_response(f, r);
		return;
	case TF_ST_TOKEN:
		tokenfetch_on_response(f, r, step);
		return;
	case TF_ST_AUTH_HEAD:
	case TF_ST_AUTH_GET:
		tokenauthorised_on_response(f, r);
		return;
	case TF_ST_LOGIN_BASIC:
		tokenauthorised_on_login(f, r);
		return;
	case TF_ST_PUSH:
	case TF_ST_PUSH_CANCEL:
		if (tokenpush_wants_challenge(f, r))
			tokenprobe_on_response(f, r);
		else
			tokenpush_on_response(f, r);
		return;
	}
}

/* ---- the flow's life ---- */

int tf_flow_start(struct tf_flow *f, struct tf_transport *t, const struct tf_config *cfg,
		  void (*on_finish)(struct tf_flow *, void *), void *arg)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	f->transport = t;
	f->on_finish = on_finish;
	f->dispatch = on_done;
	f->arg = arg;
	f->steps = json_array();
	f->warnings = json_array();
	if (!f->steps || !f->warnings)
		return -1;
	if (!f->cfg.repo[0] && f->cfg.client != TOKENCLIENT_PODMAN)
		f->cfg.client = TOKENCLIENT_DOCKER_LOGIN;
	if (!f->cfg.ref[0])
		snprintf(f->cfg.ref, sizeof(f->cfg.ref), "latest");
	snprintf(f->host, sizeof(f->host), "%s", regname_request_host(cfg->registry));
	snprintf(f->scheme, sizeof(f->scheme), "%s", cfg->scheme[0] ? cfg->scheme : "https");
	f->plain_http = strcmp(f->scheme, "http") == 0;
	f->anonymous = !cfg->cred || (sensitive_is_empty(&cfg->cred->secret) &&
				      sensitive_is_empty(&cfg->cred->registry_token));
	tokenstate_issue_first(f);
	return 0;
}

void tf_flow_settle(struct tf_flow *f)
{
	if (f->finished || !f->steps)
		return;
	f->outcome = TF_TIMEOUT;
	snprintf(f->summary, sizeof(f->summary), "the flow did not finish before the run's deadline");
	f->finished = 1;
}

void tf_flow_release(struct tf_flow *f)
{
	if (!f)
		return;
	http_req_release(&f->req);
	sensitive_release(&f->token);
	jwt_info_release(&f->jwt);
	if (f->steps)
		json_decref(f->steps);
	if (f->warnings)
		json_decref(f->warnings);
	f->steps = f->warnings = NULL;
}

json_t *tf_flow_json(const struct tf_flow *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "client", json_string(tokenclient_name(f->cfg.client)));
	if (f->cfg.push)
		json_object_set_new(o, "push", json_true());
	json_object_set_new(o, "anonymous", json_boolean(f->anonymous));
	json_object_set_new(o, "scheme", json_string(f->scheme));
	json_object_set_new(o, "outcome", json_string(tf_outcome_name(f->outcome)));
	json_object_set_new(o, "summary",
			    jsontext_string(f->summary, strlen(f->summary), TF_MSG_MAX));
	if (f->message[0])
		json_object_set_new(o, "message",
				    jsontext_string(f->message, strlen(f->message), TF_MSG_MAX));
	if (f->message_v024[0] && strcmp(f->message_v024, f->message) != 0)
		json_object_set_new(o, "message_buildkit_v0_24",
				    jsontext_string(f->message_v024, strlen(f->message_v024), TF_MSG_MAX));
	if (f->realm[0]) {
		json_t *sc = json_array();

		for (size_t i = 0; i < f->nscopes; i++)
			json_array_append_new(sc, json_string(f->scope_list[i]));
		json_object_set_new(o, "realm",
				    jsontext_string(f->realm, strlen(f->realm), HTTP_URL_MAX));
		json_object_set_new(o, "service",
				    jsontext_string(f->service, strlen(f->service), 256));
		json_object_set_new(o, "scopes", sc);
	}
	if (f->challenge_scheme[0])
		json_object_set_new(o, "challenge_scheme", json_string(f->challenge_scheme));
	json_object_set(o, "steps", f->steps ? f->steps : json_array());
	json_object_set(o, "warnings", f->warnings ? f->warnings : json_array());
	return o;
}
