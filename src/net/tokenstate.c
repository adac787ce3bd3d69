#include "net/tokenstate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"
#include "util/jsontext.h"
#include "net/url.h"

#define MANIFEST_ACCEPT \
	"application/vnd.docker.distribution.manifest.v2+json, " \
	"application/vnd.docker.distribution.manifest.list.v2+json, " \
	"application/vnd.oci.image.manifest.v1+json, " \
	"application/vnd.oci.image.index.v1+json, */*"
#define FORM_TYPE "application/x-www-form-urlencoded; charset=utf-8"

int tokenstate_has_secret(const struct tf_flow *f)
{
	return f->cfg.cred && !sensitive_is_empty(&f->cfg.cred->secret);
}

const char *tokenstate_user(const struct tf_flow *f)
{
	return f->cfg.cred ? f->cfg.cred->username : "";
}

int tokenstate_is_login(const struct tf_flow *f)
{
	return f->cfg.client == TOKENCLIENT_DOCKER_LOGIN || !f->cfg.repo[0];
}

int tokenstate_is_cimage(const struct tf_flow *f)
{
	return f->cfg.client == TOKENCLIENT_PODMAN;
}

void tokenstate_base_url(const struct tf_flow *f, char *out, size_t n, const char *path)
{
	snprintf(out, n, "%s://%s%s", f->scheme, f->host, path);
}

void tokenstate_manifest_url(const struct tf_flow *f, char *out, size_t n)
{
	char path[600];

	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", f->cfg.repo, f->cfg.ref);
	tokenstate_base_url(f, out, n, path);
}

void tokenstate_scopes_joined(const struct tf_flow *f, char *out, size_t n)
{
	size_t i, w = 0;

	out[0] = '\0';
	for (i = 0; i < f->nscopes && w < n; i++)
		w += (size_t)snprintf(out + w, n - w, "%s%s", i ? " " : "", f->scope_list[i]);
}

void tokenstate_warn(struct tf_flow *f, const char *fmt, ...)
{
	char m[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	json_array_append_new(f->warnings, jsontext_string(m, strlen(m), sizeof(m)));
}

void tokenstate_finish(struct tf_flow *f, enum tf_outcome o, const char *fmt, ...)
{
	va_list ap;

	f->outcome = o;
	va_start(ap, fmt);
	vsnprintf(f->summary, sizeof(f->summary), fmt, ap);
	va_end(ap);
	f->finished = 1;
	if (f->on_finish)
		f->on_finish(f, f->arg);
}

void tokenstate_rate_limited(struct tf_flow *f, const struct http_req *r)
{
	tokenstate_finish(f, TF_RATE_LIMITED, "the registry is rate limiting: %s %s answered "
			  "429 %s", r->method, r->url, r->reason);
}

/* What the request carries besides its URL: the credential and the form. */
static int attach(struct tf_flow *f, struct http_req *r, enum tf_auth auth,
		  const struct buf *body)
{
	f->auth_basic = auth == TF_AUTH_BASIC;
	if (auth == TF_AUTH_BASIC) {
		r->basic_user = tokenstate_user(f);
		r->basic_secret = &f->cfg.cred->secret;
	} else if (auth == TF_AUTH_BEARER) {
		r->bearer = &f->token;
	}
	if (!body)
		return 0;
	if (sensitive_set(&r->body, body->data ? body->data : "", body->len) < 0)
		return -1;
	r->content_type = FORM_TYPE;
	r->body_has_secret = 1;
	return 0;
}

void tokenstate_issue(struct tf_flow *f, enum tf_state state, const char *method,
		      const char *url, enum tf_auth auth, const struct buf *body)
{
	struct http_req *r = &f->req;
	char u[HTTP_URL_MAX];

	/* url may be r->url (the same request again after a 405), which
	 * http_req_init clears before it copies. */
	snprintf(u, sizeof(u), "%s", url);
	http_req_release(r);
	http_req_init(r, method, u);
	f->state = state;
	r->deadline_ms = f->cfg.deadline_ms;
	r->trust = f->cfg.trust;
	r->insecure_host = f->cfg.insecure_declared ? f->cfg.registry : NULL;
	r->done = f->dispatch;
	r->arg = f;
	if (state == TF_ST_TOKEN) {
		r->body_cap = HTTP_BODY_CAP;
		r->accept = "application/json";
	} else {
		r->body_cap = HTTP_BODY_CAP_SMALL;
		if (state != TF_ST_PING && strstr(u, "/manifests/"))
			r->accept = MANIFEST_ACCEPT;
	}
	r->resp_body = (struct buf)BUF_INIT(r->body_cap);
	if (attach(f, r, auth, body) < 0) {
		tokenstate_finish(f, TF_INTERNAL, "out of memory");
		return;
	}
	/* https first on a port that may speak plain http (which never answers
	 * a ClientHello): keep the handshake short so http can still be tried. */
	if ((state == TF_ST_PROBE_HEAD || state == TF_ST_PING) && !f->cfg.scheme[0] &&
	    strcmp(f->scheme, "https") == 0 &&
	    (url_host_is_loopback(f->host) || f->cfg.insecure_declared)) {
		double left = f->cfg.deadline_ms - clock_now_ms();

		r->connect_timeout_ms = left / 4 < 2000 ? (left / 4 > 100 ? left / 4 : 100) : 2000;
		r->sniff_plain = 1;   /* plain http is told without a TLS context */
	}
	f->transport->send(f->transport, r);
}

void tokenstate_issue_registry(struct tf_flow *f, enum tf_state login_state,
			       enum tf_state pull_state, enum tf_auth auth)
{
	char url[HTTP_URL_MAX];

	if (tokenstate_is_login(f)) {
		tokenstate_base_url(f, url, sizeof(url), "/v2/");
		tokenstate_issue(f, login_state, "GET", url, auth, NULL);
	} else if (tokenstate_is_cimage(f)) {
		/* c/image fetchManifest: GET (docker_client.go) */
		tokenstate_manifest_url(f, url, sizeof(url));
		tokenstate_issue(f, pull_state == TF_ST_PROBE_HEAD ? TF_ST_PROBE_GET : TF_ST_AUTH_GET,
				 "GET", url, auth, NULL);
	} else {
		tokenstate_manifest_url(f, url, sizeof(url));
		tokenstate_issue(f, pull_state, "HEAD", url, auth, NULL);
	}
}

void tokenstate_issue_first(struct tf_flow *f)
{
	char url[HTTP_URL_MAX];

	if (tokenstate_is_login(f) || tokenstate_is_cimage(f)) {
		tokenstate_base_url(f, url, sizeof(url), "/v2/");
		tokenstate_issue(f, TF_ST_PING, "GET", url, TF_AUTH_NONE, NULL);
	} else {
		tokenstate_manifest_url(f, url, sizeof(url));
		tokenstate_issue(f, TF_ST_PROBE_HEAD, "HEAD", url, TF_AUTH_NONE, NULL);
	}
}
