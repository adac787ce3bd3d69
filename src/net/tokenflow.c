#include "net/tokenflow.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/clock.h"
#include "util/jsontext.h"
#include "util/redact.h"
#include "docker/regname.h"
#include "net/tokenresp.h"
#include "net/url.h"

#define MANIFEST_ACCEPT \
	"application/vnd.docker.distribution.manifest.v2+json, " \
	"application/vnd.docker.distribution.manifest.list.v2+json, " \
	"application/vnd.oci.image.manifest.v1+json, " \
	"application/vnd.oci.image.index.v1+json, */*"
#define FORM_TYPE "application/x-www-form-urlencoded; charset=utf-8"
#define EVIDENCE_BODY_MAX 512

enum tf_state {
	ST_PROBE_HEAD,    /* HEAD manifest, no credential */
	ST_PROBE_GET,     /* GET manifest after 405 */
	ST_PING,          /* GET /v2/ (docker login way) */
	ST_TOKEN,         /* a token request (f->method) */
	ST_AUTH_HEAD,     /* HEAD manifest with the credential */
	ST_AUTH_GET,      /* GET manifest (or /v2/ for login) with the credential */
	ST_LOGIN_BASIC,   /* GET /v2/ with Basic (docker login, Basic registry) */
};

/* How the credential goes on the wire for the current request. */
enum tf_auth { AUTH_NONE, AUTH_BASIC, AUTH_BEARER };

/* ================= pure helpers ================= */

const char *tf_client_name(enum tf_client c)
{
	switch (c) {
	case TF_CLIENT_BUILDKIT: return "buildkit";
	case TF_CLIENT_BUILDKIT_DAEMON: return "buildkit-daemon";
	case TF_CLIENT_CONTAINERD: return "containerd";
	case TF_CLIENT_DOCKER_LOGIN: return "docker-login";
	}
	return "buildkit";
}

const char *tf_client_id(enum tf_client c)
{
	switch (c) {
	case TF_CLIENT_BUILDKIT:
	case TF_CLIENT_BUILDKIT_DAEMON: return "buildkit-client";
	case TF_CLIENT_CONTAINERD: return "containerd-client";
	case TF_CLIENT_DOCKER_LOGIN: return "docker";
	}
	return "buildkit-client";
}

const char *tf_outcome_name(enum tf_outcome o)
{
	switch (o) {
	case TF_PENDING: return "pending";
	case TF_OK: return "ok";
	case TF_NO_AUTH_NEEDED: return "no_auth_needed";
	case TF_TOKEN_REJECTED: return "token_rejected";
	case TF_EXPIRED: return "expired";
	case TF_SCOPE_DENIED: return "scope_denied";
	case TF_NO_CREDENTIALS: return "no_credentials";
	case TF_NOT_FOUND: return "not_found";
	case TF_OUTAGE: return "outage";
	case TF_NETWORK: return "network";
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

int tf_query_escape(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	int rc = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char enc[3];

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			if (buf_append(out, &s[i], 1) < 0)
				rc = -1;
		} else if (c == ' ') {
			if (buf_append(out, "+", 1) < 0)
				rc = -1;
		} else {
			enc[0] = '%';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			if (buf_append(out, enc, 3) < 0)
				rc = -1;
		}
	}
	return rc;
}

int tf_encode_values(struct buf *out, const struct tf_kv *kv, size_t n)
{
	size_t *idx = NULL, i, j;
	int rc = -1;

	idx = calloc(n ? n : 1, sizeof(*idx));
	if (!idx)
		return -1;
	for (i = 0; i < n; i++)
		idx[i] = i;
	/* Stable insertion sort on the key. */
	for (i = 1; i < n; i++) {
		size_t t = idx[i];

		for (j = i; j > 0 && strcmp(kv[idx[j - 1]].key, kv[t].key) > 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = t;
	}
	for (i = 0; i < n; i++) {
		const struct tf_kv *p = &kv[idx[i]];

		if (i && buf_append(out, "&", 1) < 0)
			goto cleanup;
		if (tf_query_escape(out, p->key, strlen(p->key)) < 0 || buf_append(out, "=", 1) < 0 ||
		    tf_query_escape(out, p->val ? p->val : "", p->val ? p->len : 0) < 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	free(idx);
	return rc;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Go's QueryUnescape (lenient: a bad escape is kept as is). */
static char *query_unescape(const char *s, size_t n)
{
	char *o = malloc(n + 1);
	size_t i, w = 0;

	if (!o)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '+') {
			o[w++] = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
			   hexval((unsigned char)s[i + 2]) >= 0) {
			o[w++] = (char)(hexval((unsigned char)s[i + 1]) * 16 +
					hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			o[w++] = s[i];
		}
	}
	o[w] = '\0';
	return o;
}

#define TF_QUERY_MAX 64

int tf_token_get_url(char *out, size_t n, const char *realm, const struct tf_kv *kv, size_t nkv)
{
	struct tf_kv all[TF_QUERY_MAX];
	char *owned[TF_QUERY_MAX * 2];
	size_t na = 0, no = 0, i, baselen;
	const char *q = strchr(realm, '?'), *frag = strchr(realm, '#'), *p;
	struct buf b = BUF_INIT(HTTP_URL_MAX);
	int rc = -1;

	if (frag && q && frag < q)
		q = NULL;
	baselen = q ? (size_t)(q - realm) : frag ? (size_t)(frag - realm) : strlen(realm);
	/* The realm's own parameters first (req.URL.Query()). */
	for (p = q ? q + 1 : NULL; p && *p && *p != '#';) {
		const char *amp = p + strcspn(p, "&#"), *eq;

		eq = memchr(p, '=', (size_t)(amp - p));
		if (amp > p && na < TF_QUERY_MAX && no + 2 <= TF_QUERY_MAX * 2) {
			char *k = query_unescape(p, eq ? (size_t)(eq - p) : (size_t)(amp - p));
			char *v = eq ? query_unescape(eq + 1, (size_t)(amp - eq - 1)) : strdup("");

			if (!k || !v) {
				free(k);
				free(v);
				goto cleanup;
			}
			owned[no++] = k;
			owned[no++] = v;
			all[na].key = k;
			all[na].val = v;
			all[na].len = strlen(v);
			na++;
		}
		p = *amp == '&' ? amp + 1 : amp;
		if (*amp == '#')
			break;
	}
	for (i = 0; i < nkv && na < TF_QUERY_MAX; i++)
		all[na++] = kv[i];
	if (buf_append(&b, realm, baselen) < 0)
		goto cleanup;
	if (na) {
		if (buf_append(&b, "?", 1) < 0 || tf_encode_values(&b, all, na) < 0)
			goto cleanup;
	}
	if (b.len >= n)
		goto cleanup;
	memcpy(out, b.data, b.len + 1);
	rc = 0;
cleanup:
	for (i = 0; i < no; i++)
		free(owned[i]);
	buf_release(&b);
	return rc;
}

enum tf_method tf_first_method(enum tf_client c, int has_secret)
{
	if (!has_secret)
		return TF_GET;
	switch (c) {
	case TF_CLIENT_BUILDKIT:
	case TF_CLIENT_CONTAINERD:
		return TF_POST;
	case TF_CLIENT_BUILDKIT_DAEMON:
	case TF_CLIENT_DOCKER_LOGIN:
		return TF_GET;
	}
	return TF_POST;
}

enum tf_method tf_fallback(enum tf_client c, enum tf_method failed, long status, int has_username)
{
	int common = status == 401 || status == 404 || (status == 405 && has_username);

	switch (c) {
	case TF_CLIENT_BUILDKIT:
		return failed == TF_POST && common ? TF_GET : TF_NONE;
	case TF_CLIENT_CONTAINERD:
		return failed == TF_POST && (common || status == 400) ? TF_GET : TF_NONE;
	case TF_CLIENT_BUILDKIT_DAEMON:
		return failed == TF_GET && common ? TF_POST : TF_NONE;
	case TF_CLIENT_DOCKER_LOGIN:
		return TF_NONE;
	}
	return TF_NONE;
}

static void status_text(char *out, size_t n, long status, const char *reason)
{
	const char *r = reason && *reason ? reason : http_status_text(status);

	if (*r)
		snprintf(out, n, "%ld %s", status, r);
	else
		snprintf(out, n, "%ld", status);
}

void tf_fetch_message(char *out, size_t n, int anonymous, const char *method, const char *url,
		      long status, const char *reason)
{
	char st[160];

	status_text(st, sizeof(st), status, reason);
	snprintf(out, n, "failed to fetch %s token: unexpected status from %s request to %s: %s",
		 anonymous ? "anonymous" : "oauth", method, url, st);
}

/* distribution's errcode defaults (the ones registries send). */
static const char *errcode_default(const char *code)
{
	static const char *const tab[][2] = {
		{ "UNAUTHORIZED", "authentication required" },
		{ "DENIED", "requested access to the resource is denied" },
		{ "UNSUPPORTED", "The operation is unsupported." },
		{ "TOOMANYREQUESTS", "too many requests" },
		{ "UNAVAILABLE", "service unavailable" },
		{ "NAME_UNKNOWN", "repository name not known to registry" },
		{ "MANIFEST_UNKNOWN", "manifest unknown" },
		{ "NAME_INVALID", "invalid repository name" },
		{ "UNKNOWN", "unknown error" },
		{ NULL, NULL },
	};
	size_t i;

	for (i = 0; tab[i][0]; i++)
		if (strcmp(tab[i][0], code) == 0)
			return tab[i][1];
	return NULL;
}

/* "denied: denied" from {"errors":[{"code":"DENIED","message":"denied"}]}. */
static int registry_error_text(char *out, size_t n, const char *body, size_t len)
{
	json_error_t je;
	json_t *j = json_loadb(body, len, 0, &je), *e0;
	const char *code, *msg, *def;
	char lc[64];
	size_t i;
	int rc = -1;

	if (!j)
		return -1;
	e0 = json_array_get(json_object_get(j, "errors"), 0);
	code = json_string_value(json_object_get(e0, "code"));
	msg = json_string_value(json_object_get(e0, "message"));
	if (!code)
		goto cleanup;
	for (i = 0; code[i] && i + 1 < sizeof(lc); i++)
		lc[i] = code[i] == '_' ? ' ' : (char)tolower((unsigned char)code[i]);
	lc[i] = '\0';
	def = errcode_default(code);
	if (!msg || !*msg || (def && strcmp(def, msg) == 0))
		snprintf(out, n, "%s", lc);
	else
		snprintf(out, n, "%s: %s", lc, msg);
	rc = 0;
cleanup:
	json_decref(j);
	return rc;
}

void tf_fetch_message_v024(char *out, size_t n, int anonymous, const char *method,
			   const char *url, long status, const char *reason,
			   const char *body, size_t len)
{
	char base[TF_MSG_MAX], re[512], cut[260];
	size_t l;

	tf_fetch_message(base, sizeof(base), anonymous, method, url, status, reason);
	if (anonymous || !body || !len) {
		snprintf(out, n, "%s", base);
		return;
	}
	if (registry_error_text(re, sizeof(re), body, len) == 0) {
		snprintf(out, n, "failed to fetch oauth token: %s", re);
		return;
	}
	l = len > 256 ? 256 : len;
	memcpy(cut, body, l);
	cut[l] = '\0';
	while (l && (cut[l - 1] == '\n' || cut[l - 1] == '\r' || cut[l - 1] == ' '))
		cut[--l] = '\0';
	for (size_t i = 0; i < l; i++)
		if ((unsigned char)cut[i] < 0x20)
			cut[i] = ' ';
	snprintf(out, n, "%s: %s", base, cut);
}

static int cmp_scope(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

size_t tf_scopes_for(enum tf_client c, const char *context_scope, char *const *challenge,
		     size_t nchallenge, char out[][SCOPE_MAX], size_t max)
{
	struct scope_set set = SCOPE_SET_INIT;
	size_t i, n = 0, k;

	if (c == TF_CLIENT_DOCKER_LOGIN)
		return 0;
	if (c == TF_CLIENT_CONTAINERD) {
		if (context_scope && *context_scope && n < max)
			snprintf(out[n++], SCOPE_MAX, "%s", context_scope);
		for (i = 0; i < nchallenge && n < max; i++)
			snprintf(out[n++], SCOPE_MAX, "%s", challenge[i]);
		qsort(out, n, SCOPE_MAX, cmp_scope);
		for (i = 1, k = n ? 1 : 0; i < n; i++)
			if (strcmp(out[k - 1], out[i]) != 0)
				memmove(out[k++], out[i], SCOPE_MAX);
		return k;
	}
	if (context_scope && *context_scope)
		scope_set_add(&set, context_scope);
	for (i = 0; i < nchallenge; i++)
		scope_set_add(&set, challenge[i]);
	return scope_set_strings(&set, out, max);
}

static int digits(const char *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int tf_rfc3339_valid(const char *s)
{
	size_t l = strlen(s);
	const char *p;

	if (l < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) ||
	    s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return 0;
	if (atoi(s + 5) < 1 || atoi(s + 5) > 12 || atoi(s + 8) < 1 || atoi(s + 8) > 31 ||
	    atoi(s + 11) > 23 || atoi(s + 14) > 59 || atoi(s + 17) > 60)
		return 0;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		return 1;
	if ((*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2) &&
	    p[6] == '\0')
		return 1;
	return 0;
}

void tf_credential_desc(char *out, size_t n, const char *scheme, const char *user,
			const struct sensitive *secret)
{
	char fp[SENSITIVE_FP_MAX];

	sensitive_fingerprint(secret, fp);
	snprintf(out, n, "%s %s:%s", scheme, user ? user : "", fp);
}

/* ================= flows ================= */

static int has_secret(const struct tf_flow *f)
{
	return f->cfg.cred && !sensitive_is_empty(&f->cfg.cred->secret);
}

static const char *cred_user(const struct tf_flow *f)
{
	return f->cfg.cred ? f->cfg.cred->username : "";
}

static void base_url(const struct tf_flow *f, char *out, size_t n, const char *path)
{
	snprintf(out, n, "%s://%s%s", f->scheme, f->host, path);
}

static void manifest_url(const struct tf_flow *f, char *out, size_t n)
{
	char path[600];

	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", f->cfg.repo, f->cfg.ref);
	base_url(f, out, n, path);
}

static void warn(struct tf_flow *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct tf_flow *f, const char *fmt, ...)
{
	char m[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	json_array_append_new(f->warnings, jsontext_string(m, strlen(m), sizeof(m)));
}

static void finish(struct tf_flow *f, enum tf_outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void finish(struct tf_flow *f, enum tf_outcome o, const char *fmt, ...)
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

static void on_done(struct http_req *r, void *arg);

/* Starts the next request (releasing the previous one). auth says what
 * credential to attach; body (may be NULL) is a form that holds a secret
 * when body_secret. */
static void issue(struct tf_flow *f, int state, const char *method, const char *url,
		  enum tf_auth auth, struct buf *body)
{
	struct http_req *r = &f->req;

	http_req_release(r);
	http_req_init(r, method, url);
	f->state = state;
	r->deadline_ms = f->cfg.deadline_ms;
	r->trust = f->cfg.trust;
	r->insecure_host = f->cfg.insecure_declared ? f->cfg.registry : NULL;
	r->done = on_done;
	r->arg = f;
	if (state == ST_TOKEN) {
		r->body_cap = HTTP_BODY_CAP;
		r->accept = "application/json";
	} else {
		r->body_cap = HTTP_BODY_CAP_SMALL;
		if (state != ST_PING && strstr(url, "/manifests/"))
			r->accept = MANIFEST_ACCEPT;
	}
	r->resp_body = (struct buf)BUF_INIT(r->body_cap);
	f->auth_basic = auth == AUTH_BASIC;
	if (auth == AUTH_BASIC) {
		r->basic_user = cred_user(f);
		r->basic_secret = &f->cfg.cred->secret;
	} else if (auth == AUTH_BEARER) {
		r->bearer = &f->token;
	}
	if (body) {
		if (sensitive_set(&r->body, body->data ? body->data : "", body->len) < 0) {
			finish(f, TF_INTERNAL, "out of memory");
			return;
		}
		r->content_type = FORM_TYPE;
		r->body_has_secret = 1;
	}
	/* https first on a port that may speak plain http (which never answers
	 * a ClientHello): keep the handshake short so http can still be tried. */
	if ((state == ST_PROBE_HEAD || state == ST_PING) && !f->cfg.scheme[0] &&
	    strcmp(f->scheme, "https") == 0 &&
	    (url_host_is_loopback(f->host) || f->cfg.insecure_declared)) {
		double left = f->cfg.deadline_ms - clock_now_ms();

		r->connect_timeout_ms = left / 4 < 2000 ? (left / 4 > 100 ? left / 4 : 100) : 2000;
	}
	http_client_add(f->hc, r);
}

/* ---- evidence ---- */

static json_t *form_json(const struct tf_flow *f, const char *grant)
{
	json_t *o = json_object();
	char fp[SENSITIVE_FP_MAX];

	json_object_set_new(o, "grant_type", json_string(grant));
	if (strcmp(grant, "password") == 0) {
		json_object_set_new(o, "username", jsontext_string(cred_user(f), strlen(cred_user(f)), 256));
		sensitive_fingerprint(&f->cfg.cred->secret, fp);
		json_object_set_new(o, "password", json_string(fp));
	} else {
		sensitive_fingerprint(&f->cfg.cred->secret, fp);
		json_object_set_new(o, "refresh_token", json_string(fp));
	}
	json_object_set_new(o, "client_id", json_string(tf_client_id(f->cfg.client)));
	json_object_set_new(o, "service", jsontext_string(f->service, strlen(f->service), 256));
	if (f->nscopes) {
		char joined[SCOPE_MAX * 4] = "";
		size_t i, w = 0;

		for (i = 0; i < f->nscopes && w < sizeof(joined); i++)
			w += (size_t)snprintf(joined + w, sizeof(joined) - w, "%s%s", i ? " " : "",
					      f->scope_list[i]);
		json_object_set_new(o, "scope", jsontext_string(joined, strlen(joined), sizeof(joined)));
	}
	return o;
}

static const char *step_name(int state)
{
	switch (state) {
	case ST_PROBE_HEAD:
	case ST_PROBE_GET: return "manifest";
	case ST_PING: return "ping";
	case ST_TOKEN: return "token";
	case ST_AUTH_HEAD:
	case ST_AUTH_GET: return "authorised";
	case ST_LOGIN_BASIC: return "login";
	}
	return "request";
}

static json_t *step_json(struct tf_flow *f, const struct http_req *r)
{
	json_t *o = json_object(), *ch = json_array();
	char desc[256];
	size_t i;

	json_object_set_new(o, "step", json_string(step_name(f->state)));
	json_object_set_new(o, "method", json_string(r->method));
	json_object_set_new(o, "url", jsontext_string(r->url, strlen(r->url), HTTP_URL_MAX));
	if (r->basic_secret) {
		tf_credential_desc(desc, sizeof(desc), "Basic", r->basic_user, r->basic_secret);
		json_object_set_new(o, "auth", jsontext_string(desc, strlen(desc), sizeof(desc)));
	} else if (r->bearer) {
		char fp[SENSITIVE_FP_MAX];

		sensitive_fingerprint(r->bearer, fp);
		snprintf(desc, sizeof(desc), "Bearer %s", fp);
		json_object_set_new(o, "auth", json_string(desc));
	} else if (r->body_has_secret || (f->state == ST_TOKEN && f->method == TF_POST &&
					  strcmp(r->method, "POST") == 0)) {
		json_object_set_new(o, "auth", json_string("form"));
	} else {
		json_object_set_new(o, "auth", json_string(r->credentials_dropped ? "dropped (redirect "
						 "to another host)" : "none"));
	}
	if (f->state == ST_TOKEN && strcmp(r->method, "POST") == 0 && f->cfg.cred)
		json_object_set_new(o, "form", form_json(f, f->cfg.cred->identity_token
							    ? "refresh_token" : "password"));
	if (r->errclass != HTTP_RESPONSE) {
		json_object_set_new(o, "error_class", json_string(http_errclass_name(r->errclass)));
		json_object_set_new(o, "error", jsontext_string(r->error, strlen(r->error), 512));
	} else {
		json_object_set_new(o, "status", json_integer(r->status));
		json_object_set_new(o, "reason", jsontext_string(r->reason, strlen(r->reason), 128));
		json_object_set_new(o, "http_version", json_string(r->http_version));
	}
	if (r->raw_challenge[0])
		json_object_set_new(o, "challenge",
				    jsontext_string(r->raw_challenge, strlen(r->raw_challenge), 1024));
	for (i = 0; i < r->challenges.n; i++)
		json_array_append_new(ch, wwwauth_challenge_json(&r->challenges.c[i]));
	if (json_array_size(ch))
		json_object_set_new(o, "challenges", ch);
	else
		json_decref(ch);
	if (r->tls_subject[0] || r->tls_verify_error) {
		json_t *t = json_object();

		json_object_set_new(t, "subject", jsontext_string(r->tls_subject, strlen(r->tls_subject), 256));
		json_object_set_new(t, "issuer", jsontext_string(r->tls_issuer, strlen(r->tls_issuer), 256));
		json_object_set_new(t, "not_after", json_string(r->tls_not_after));
		if (r->tls_verify_error) {
			json_object_set_new(t, "verify_error", json_integer(r->tls_verify_error));
			json_object_set_new(t, "verify_message", json_string(r->tls_verify_msg));
		}
		json_object_set_new(o, "tls", t);
	}
	if (r->redirect_log)
		json_object_set(o, "redirects", r->redirect_log);
	if (r->errclass == HTTP_RESPONSE && r->resp_body.len &&
	    (f->state == ST_TOKEN || r->status >= 400))
		json_object_set_new(o, "response", redact_body(r->resp_body.data, r->resp_body.len,
								   EVIDENCE_BODY_MAX));
	json_object_set_new(o, "ms", json_real((double)(long)(r->ms * 10) / 10.0));
	json_array_append_new(f->steps, o);
	return o;
}

/* ---- outcomes from transport errors ---- */

static enum tf_outcome outcome_of(enum http_errclass c)
{
	switch (c) {
	case HTTP_ERR_NETWORK:
	case HTTP_ERR_TIMEOUT: return TF_NETWORK;
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

/* ---- the token request ---- */

static void start_token(struct tf_flow *f, enum tf_method m)
{
	struct buf body = BUF_INIT(64u << 10);
	char url[HTTP_URL_MAX];
	struct tf_kv kv[SCOPE_SET_MAX + 8];
	size_t n = 0, i;
	const struct credential *c = f->cfg.cred;
	char joined[SCOPE_MAX * 4] = "";
	int login = f->cfg.client == TF_CLIENT_DOCKER_LOGIN;

	f->method = m;
	if (m == TF_POST) {
		size_t w = 0;

		f->tried_post = 1;
		for (i = 0; i < f->nscopes && w < sizeof(joined); i++)
			w += (size_t)snprintf(joined + w, sizeof(joined) - w, "%s%s", i ? " " : "",
					      f->scope_list[i]);
		if (f->nscopes)
			kv[n++] = (struct tf_kv){ "scope", joined, strlen(joined) };
		kv[n++] = (struct tf_kv){ "service", f->service, strlen(f->service) };
		kv[n++] = (struct tf_kv){ "client_id", tf_client_id(f->cfg.client),
					  strlen(tf_client_id(f->cfg.client)) };
		if (c->identity_token || !c->username[0]) {
			kv[n++] = (struct tf_kv){ "grant_type", "refresh_token", 13 };
			kv[n++] = (struct tf_kv){ "refresh_token", c->secret.data, c->secret.len };
		} else {
			kv[n++] = (struct tf_kv){ "grant_type", "password", 8 };
			kv[n++] = (struct tf_kv){ "username", c->username, strlen(c->username) };
			kv[n++] = (struct tf_kv){ "password", c->secret.data, c->secret.len };
		}
		if (login)
			kv[n++] = (struct tf_kv){ "access_type", "offline", 7 };
		if (tf_encode_values(&body, kv, n) < 0) {
			buf_release(&body);
			finish(f, TF_INTERNAL, "token request form too large");
			return;
		}
		issue(f, ST_TOKEN, "POST", f->realm, AUTH_NONE, &body);
		buf_release(&body);
		return;
	}
	f->tried_get = 1;
	if (f->service[0])
		kv[n++] = (struct tf_kv){ "service", f->service, strlen(f->service) };
	for (i = 0; i < f->nscopes; i++)
		kv[n++] = (struct tf_kv){ "scope", f->scope_list[i], strlen(f->scope_list[i]) };
	if (login && !f->anonymous) {
		kv[n++] = (struct tf_kv){ "offline_token", "true", 4 };
		kv[n++] = (struct tf_kv){ "client_id", "docker", 6 };
		if (c->username[0])
			kv[n++] = (struct tf_kv){ "account", c->username, strlen(c->username) };
	}
	if (tf_token_get_url(url, sizeof(url), f->realm, kv, n) < 0) {
		finish(f, TF_INTERNAL, "token URL too long");
		return;
	}
	/* Basic whenever the secret is non-empty, even with an empty username;
	 * docker login sends it only with both. */
	issue(f, ST_TOKEN, "GET", url,
	      has_secret(f) && (!login || cred_user(f)[0]) ? AUTH_BASIC : AUTH_NONE, NULL);
}

/* The last two labels of a DNS name ("docker.io" of "auth.docker.io"). */
static const char *site_of(const char *host)
{
	const char *p = host + strlen(host);
	int dots = 0;

	while (p > host) {
		p--;
		if (*p == '.' && ++dots == 2)
			return p + 1;
	}
	return host;
}

static int is_ip_literal(const char *h)
{
	return strspn(h, "0123456789.") == strlen(h) || strchr(h, ':') || h[0] == '[';
}

/* Reports a realm on another host or over plain http for an https
 * registry. Returns non-zero when fixkb must not send credentials there:
 * REALM_OTHER_SITE for another site (not the same host, not a sibling name
 * such as auth.docker.io for registry-1.docker.io), REALM_DOWNGRADE for an
 * https -> http downgrade (both bits may be set). */
enum { REALM_OTHER_SITE = 1, REALM_DOWNGRADE = 2 };
static int check_realm(struct tf_flow *f)
{
	char rhp[512], rhost[512], ghost[512];
	int refuse = 0;

	if (url_hostport(f->realm, rhp, sizeof(rhp)) < 0)
		return REALM_OTHER_SITE;
	snprintf(rhost, sizeof(rhost), "%s", rhp);
	snprintf(ghost, sizeof(ghost), "%s", f->host);
	if (strchr(rhost, ':') && rhost[0] != '[')
		*strchr(rhost, ':') = '\0';
	if (strchr(ghost, ':') && ghost[0] != '[')
		*strchr(ghost, ':') = '\0';
	if (strcasecmp(rhost, ghost) != 0) {
		int sibling = !is_ip_literal(rhost) && !is_ip_literal(ghost) &&
			      strchr(site_of(rhost), '.') && strcasecmp(site_of(rhost), site_of(ghost)) == 0;

		warn(f, "the token realm %s is on another host than the registry %s: BuildKit and "
		     "containerd send the credentials there without checking%s", f->realm, f->host,
		     sibling ? "" : "; fixkb does not");
		if (!sibling)
			refuse |= REALM_OTHER_SITE;
	}
	if (strcmp(f->scheme, "https") == 0 && strncasecmp(f->realm, "http://", 7) == 0) {
		warn(f, "the registry %s is https but its token realm %s is plain http: BuildKit "
		     "and containerd would send the credentials unencrypted (go-containerregistry "
		     "refuses); fixkb does not send them", f->host, f->realm);
		refuse |= REALM_DOWNGRADE;
	}
	return refuse;
}

static void on_challenge(struct tf_flow *f, struct http_req *r)
{
	const struct wwwauth_challenge *c;
	const char *realm, *service;
	char ctxscope[SCOPE_MAX] = "";
	int login = f->cfg.client == TF_CLIENT_DOCKER_LOGIN, refuse;
	char url[HTTP_URL_MAX];

	wwwauth_containerd_order(&r->challenges);
	if (!r->challenges.n) {
		finish(f, TF_OUTAGE, "%s %s answered 401 without a Bearer or Basic challenge "
		       "(WWW-Authenticate: %s)", r->method, r->url,
		       r->raw_challenge[0] ? r->raw_challenge : "absent");
		return;
	}
	c = &r->challenges.c[0];
	snprintf(f->challenge_scheme, sizeof(f->challenge_scheme), "%s", wwwauth_scheme_name(c->scheme));
	snprintf(f->raw_challenge, sizeof(f->raw_challenge), "%s", r->raw_challenge);
	if (c->scheme == WWWAUTH_BASIC) {
		if (login) {
			if (!has_secret(f) || !cred_user(f)[0]) {
				finish(f, TF_NO_CREDENTIALS, "the registry asks for Basic credentials "
				       "and none are configured");
				return;
			}
			base_url(f, url, sizeof(url), "/v2/");
			issue(f, ST_LOGIN_BASIC, "GET", url, AUTH_BASIC, NULL);
			return;
		}
		if (!has_secret(f) || !cred_user(f)[0]) {
			snprintf(f->message, sizeof(f->message), "%s",
				 f->cfg.client == TF_CLIENT_CONTAINERD
				 ? "authorization failed: no basic auth credentials"
				 : "failed to find supported auth scheme: not implemented");
			finish(f, TF_NO_CREDENTIALS, "the registry asks for Basic credentials (%s) and "
			       "none are configured", r->raw_challenge);
			return;
		}
		manifest_url(f, url, sizeof(url));
		issue(f, ST_AUTH_HEAD, "HEAD", url, AUTH_BASIC, NULL);
		return;
	}
	if (c->scheme != WWWAUTH_BEARER) {
		finish(f, TF_INTERNAL, "the registry only offers %s authentication, which %s does not "
		       "support", c->scheme_name, tf_client_name(f->cfg.client));
		return;
	}
	realm = wwwauth_param(c, "realm");
	service = wwwauth_param(c, "service");
	if (!realm || !*realm) {
		snprintf(f->message, sizeof(f->message), "no realm specified for token auth challenge");
		finish(f, TF_OUTAGE, "the Bearer challenge has no realm: %s", r->raw_challenge);
		return;
	}
	if (strncasecmp(realm, "https://", 8) != 0 && strncasecmp(realm, "http://", 7) != 0) {
		snprintf(f->message, sizeof(f->message),
			 "invalid token auth challenge realm: %.900s", realm);
		finish(f, TF_OUTAGE, "the Bearer challenge's realm is not an http(s) URL: %s",
		       r->raw_challenge);
		return;
	}
	snprintf(f->realm, sizeof(f->realm), "%s", realm);
	snprintf(f->service, sizeof(f->service), "%s", service ? service : "");
	refuse = check_realm(f);
	if (refuse && !f->anonymous) {
		finish(f, refuse & REALM_DOWNGRADE ? TF_REALM_PLAIN_HTTP : TF_REALM_OTHER_HOST,
		       "not sending the credential to the token realm %s: %s", f->realm,
		       json_string_value(json_array_get(f->warnings, json_array_size(f->warnings) - 1)));
		return;
	}
	if (f->cfg.repo[0] && !login)
		scope_pull(ctxscope, sizeof(ctxscope), f->cfg.repo);
	f->nscopes = tf_scopes_for(f->cfg.client, ctxscope, (char *const *)c->scopes, c->nscopes,
				   f->scope_list, SCOPE_SET_MAX);
	scope_set_add(&f->scopes, ctxscope);
	for (size_t i = 0; i < c->nscopes; i++)
		scope_set_add(&f->scopes, c->scopes[i]);
	/* A registry token is sent as it is (BuildKit client, docker). */
	if (f->cfg.cred && !sensitive_is_empty(&f->cfg.cred->registry_token) && !login) {
		struct err e = ERR_INIT;

		sensitive_copy(&f->token, &f->cfg.cred->registry_token);
		f->jwt_ok = jwt_decode(&f->jwt, &f->token, &e) == 0;
		if (f->jwt_ok && f->jwt.has_exp && f->jwt.exp <= (long long)time(NULL))
			warn(f, "the stored registrytoken expired at %lld", f->jwt.exp);
		manifest_url(f, url, sizeof(url));
		issue(f, ST_AUTH_HEAD, "HEAD", url, AUTH_BEARER, NULL);
		return;
	}
	if (login && f->cfg.cred && f->cfg.cred->identity_token && has_secret(f)) {
		start_token(f, TF_POST);
		return;
	}
	start_token(f, login ? TF_GET : tf_first_method(f->cfg.client, has_secret(f)));
}

static void login_message(struct tf_flow *f, const struct http_req *r)
{
	char ping[HTTP_URL_MAX], re[512];
	json_error_t je;
	json_t *j;
	const char *details = NULL;

	base_url(f, ping, sizeof(ping), "/v2/");
	j = r->resp_body.len ? json_loadb(r->resp_body.data, r->resp_body.len, 0, &je) : NULL;
	if (j)
		details = json_string_value(json_object_get(j, "details"));
	if (r->status == 401)
		snprintf(f->message, sizeof(f->message), "Get \"%s\": unauthorized: %s", ping,
			 details && *details ? details : "authentication required");
	else if (r->resp_body.len && registry_error_text(re, sizeof(re), r->resp_body.data,
							 r->resp_body.len) == 0)
		snprintf(f->message, sizeof(f->message), "Get \"%s\": %s", ping, re);
	else
		snprintf(f->message, sizeof(f->message), "Get \"%s\": unexpected status %ld %s", ping,
			 r->status, r->reason);
	if (j)
		json_decref(j);
}

static void on_token_response(struct tf_flow *f, struct http_req *r, json_t *step)
{
	struct tokresp tr;
	json_t *tok = json_object();
	const char *method = f->method == TF_POST ? "POST" : "GET";
	int anon = f->anonymous, login = f->cfg.client == TF_CLIENT_DOCKER_LOGIN;
	char url[HTTP_URL_MAX], fp[SENSITIVE_FP_MAX];
	struct err e = ERR_INIT;
	long long now = (long long)time(NULL);

	memset(&tr, 0, sizeof(tr));
	json_object_set_new(step, "token_result", tok);
	if (r->status >= 400) {
		enum tf_method next = TF_NONE;

		if (!anon && !login)
			next = tf_fallback(f->cfg.client, f->method, r->status, cred_user(f)[0] != 0);
		if ((next == TF_GET && !f->tried_get) || (next == TF_POST && !f->tried_post)) {
			json_object_set_new(tok, "fallback", json_string(next == TF_GET ? "GET" : "POST"));
			start_token(f, next);
			return;
		}
		tf_fetch_message(f->message, sizeof(f->message), anon, method, r->url, r->status,
				 r->reason);
		tf_fetch_message_v024(f->message_v024, sizeof(f->message_v024), anon, method, r->url,
				      r->status, r->reason, r->resp_body.data, r->resp_body.len);
		if (login) {
			login_message(f, r);
			f->message_v024[0] = '\0';
		}
		if (r->status >= 500)
			finish(f, TF_OUTAGE, "the token endpoint failed: %s %s answered %ld %s", method,
			       r->url, r->status, r->reason);
		else if (r->status == 429)
			finish(f, TF_OUTAGE, "the token endpoint is rate limiting: %s answered 429", method);
		else if (r->status == 404 && (f->tried_post + f->tried_get >= 2 || anon || login))
			finish(f, TF_OUTAGE, "the token endpoint %s answered 404 to every method tried",
			       f->realm);
		else if (anon)
			finish(f, TF_NO_CREDENTIALS, "the token endpoint refused an anonymous token "
			       "(%s %ld %s): the repository needs credentials", method, r->status,
			       r->reason);
		else if (f->cfg.cred && f->cfg.cred->identity_token &&
			 (r->status == 400 || r->status == 401))
			finish(f, TF_EXPIRED, "the identity (refresh) token was refused by %s %s "
			       "(%ld %s): expired or revoked", method, f->realm, r->status, r->reason);
		else
			finish(f, TF_TOKEN_REJECTED, "the token endpoint refused the credential: %s %s "
			       "answered %ld %s", method, r->url, r->status, r->reason);
		return;
	}
	/* 2xx/3xx: decode. */
	tokresp_parse(&tr, r->resp_body.data, r->resp_body.len, f->method == TF_POST);
	if (tr.status == TOKRESP_NOT_JSON) {
		snprintf(f->message, sizeof(f->message), "unable to decode token response: %s",
			 tr.detail);
		finish(f, TF_OUTAGE, "the token endpoint %s %s answered %ld but not with JSON (%s)",
		       r->method, r->url, r->status,
		       r->resp_content_type[0] ? r->resp_content_type : "no content type");
		goto cleanup;
	}
	json_object_set_new(tok, "fields", json_pack("{s:b,s:b,s:b}", "access_token",
						     tr.has_access_token, "token", tr.has_token,
						     "refresh_token", tr.has_refresh_token));
	if (tr.status == TOKRESP_BAD_ISSUED_AT) {
		snprintf(f->message, sizeof(f->message), "unable to decode token response: parsing "
			 "time \"%.200s\" as \"2006-01-02T15:04:05Z07:00\": not RFC 3339", tr.issued_at);
		finish(f, TF_OUTAGE, "the token endpoint's issued_at \"%.200s\" is not RFC 3339: the "
		       "client fails to decode the whole response", tr.issued_at);
		goto cleanup;
	}
	if (tr.status == TOKRESP_NO_TOKEN) {
		snprintf(f->message, sizeof(f->message),
			 "authorization server did not include a token in the response");
		finish(f, TF_OUTAGE, "the token endpoint answered %ld without %s", r->status,
		       f->method == TF_POST ? "access_token (POST requires it)"
					    : "token or access_token");
		goto cleanup;
	}
	if (tr.status == TOKRESP_OOM || sensitive_copy(&f->token, &tr.token) < 0) {
		finish(f, TF_INTERNAL, "out of memory");
		goto cleanup;
	}
	f->expires_in = tr.expires_in;
	sensitive_fingerprint(&f->token, fp);
	json_object_set_new(tok, "token", json_string(fp));
	json_object_set_new(tok, "expires_in", tr.has_expires_in
				? json_integer((json_int_t)tr.expires_in_given) : json_null());
	json_object_set_new(tok, "expires_in_effective", json_integer(f->expires_in));
	json_object_set_new(tok, "issued_at", tr.has_issued_at
				? jsontext_string(tr.issued_at, strlen(tr.issued_at), 64) : json_null());
	f->jwt_ok = jwt_decode(&f->jwt, &f->token, &e) == 0;
	if (f->jwt_ok) {
		json_object_set_new(tok, "jwt", jwt_info_json(&f->jwt, now));
		if (f->cfg.repo[0] && f->jwt.access &&
		    !jwt_allows(&f->jwt, "repository", f->cfg.repo, "pull")) {
			f->jwt_lacks_pull = 1;
			warn(f, "the token's access claim does not grant repository:%s:pull",
			     f->cfg.repo);
		}
		if (f->jwt.has_exp && f->jwt.exp <= now)
			warn(f, "the token the endpoint just issued is already expired (exp %lld, now "
			     "%lld): clock skew?", f->jwt.exp, now);
	} else {
		json_object_set_new(tok, "jwt", json_null());
		json_object_set_new(tok, "jwt_error", json_string(e.msg));
	}
	if (tr.has_refresh_token && login)
		warn(f, "the endpoint returned a refresh_token: docker login stores it as identitytoken "
		     "and clears the password");
	if (login) {
		base_url(f, url, sizeof(url), "/v2/");
		issue(f, ST_AUTH_GET, "GET", url, AUTH_BEARER, NULL);
		goto cleanup;
	}
	manifest_url(f, url, sizeof(url));
	issue(f, ST_AUTH_HEAD, "HEAD", url, AUTH_BEARER, NULL);
cleanup:
	tokresp_release(&tr);
}

static void on_authorised(struct tf_flow *f, struct http_req *r)
{
	int basic = f->auth_basic, anon = f->anonymous;
	int login = f->cfg.client == TF_CLIENT_DOCKER_LOGIN;
	const struct wwwauth_challenge *c;
	const char *errp = NULL;
	char url[HTTP_URL_MAX];

	if (r->status == 405 && strcmp(r->method, "HEAD") == 0) {
		issue(f, ST_AUTH_GET, "GET", r->url, basic ? AUTH_BASIC : AUTH_BEARER, NULL);
		return;
	}
	if (r->status >= 200 && r->status < 300) {
		if (f->jwt_lacks_pull)
			warn(f, "the registry served the manifest although the token's access claim "
			     "lacks pull");
		if (login)
			finish(f, TF_OK, "docker login would succeed (no scope was requested, so this "
			       "does not prove pull access)");
		else if (anon)
			finish(f, TF_OK, "an anonymous token grants %s %s:%s", r->method, f->cfg.repo,
			       f->cfg.ref);
		else
			finish(f, TF_OK, "%s granted %s:%s with the credential", basic ? "Basic auth"
			       : "the token", f->cfg.repo, f->cfg.ref);
		return;
	}
	if (r->credentials_dropped && (r->status == 401 || r->status == 403)) {
		finish(f, TF_OUTAGE, "the registry %s redirected %s to another host (%s) and the "
		       "credential is not carried across hosts (Go's client drops it too), so the "
		       "request failed with %ld", f->host, r->method, r->url, r->status);
		return;
	}
	wwwauth_containerd_order(&r->challenges);
	c = wwwauth_find(&r->challenges, WWWAUTH_BEARER);
	if (c)
		errp = wwwauth_param(c, "error");
	if (r->status == 401 && basic) {
		if (login)
			snprintf(f->message, sizeof(f->message),
				 "login attempt to %s failed with status: %ld %s", r->url, r->status,
				 r->reason);
		else
			snprintf(f->message, sizeof(f->message),
				 "pulling from host %s failed with status code [manifests %s]: %ld %s",
				 f->host, f->cfg.ref, r->status, r->reason);
		finish(f, TF_TOKEN_REJECTED, "the registry refused the Basic credential: %s %s "
		       "answered %ld %s", r->method, r->url, r->status, r->reason);
		return;
	}
	if (r->status == 401 && c && errp && strcmp(errp, "insufficient_scope") == 0 &&
	    f->scope_retries == 0 && c->nscopes && !login) {
		int covered = 1;

		for (size_t i = 0; i < c->nscopes; i++)
			if (!scope_set_covers(&f->scopes, c->scopes[i]))
				covered = 0;
		if (!covered) {
			/* BuildKit merges the new scopes and fetches again, once. */
			f->scope_retries++;
			for (size_t i = 0; i < c->nscopes; i++)
				scope_set_add(&f->scopes, c->scopes[i]);
			f->nscopes = scope_set_strings(&f->scopes, f->scope_list, SCOPE_SET_MAX);
			f->tried_get = f->tried_post = 0;
			sensitive_release(&f->token);
			jwt_info_release(&f->jwt);
			start_token(f, tf_first_method(f->cfg.client, has_secret(f)));
			return;
		}
	}
	if (r->status == 401 || r->status == 403) {
		if (r->status == 401)
			snprintf(f->message, sizeof(f->message), "pull access denied, repository does not "
				 "exist or may require authorization: server message: %s: authorization "
				 "failed", errp && *errp ? errp : "insufficient_scope");
		if (errp && strcmp(errp, "invalid_token") == 0) {
			if (f->cfg.cred && !sensitive_is_empty(&f->cfg.cred->registry_token))
				finish(f, TF_EXPIRED, "the registry refused the stored registrytoken "
				       "(error=invalid_token): expired or revoked");
			else
				finish(f, TF_OUTAGE, "the registry refused the token its own issuer "
				       "signed (error=invalid_token): the registry and token service "
				       "disagree on the signing key, issuer or service");
			return;
		}
		if (f->cfg.cred && !sensitive_is_empty(&f->cfg.cred->registry_token) &&
		    f->jwt_ok && f->jwt.has_exp && f->jwt.exp <= (long long)time(NULL)) {
			finish(f, TF_EXPIRED, "the stored registrytoken expired (exp %lld) and the "
			       "registry refused it", f->jwt.exp);
			return;
		}
		if (anon)
			finish(f, TF_NO_CREDENTIALS, "the anonymous token does not grant pull on %s "
			       "(%s %ld%s%s): the repository is private or does not exist",
			       f->cfg.repo, r->method, r->status, errp ? ", error=" : "", errp ? errp : "");
		else
			finish(f, TF_SCOPE_DENIED, "the token was granted but %s %s answered %ld%s%s%s",
			       r->method, r->url, r->status, errp ? " (error=" : "", errp ? errp : "",
			       errp ? ")" : "");
		return;
	}
	if (r->status == 404) {
		manifest_url(f, url, sizeof(url));
		finish(f, TF_NOT_FOUND, "authorised, but %s answered 404: the repository or tag does "
		       "not exist", login ? r->url : url);
		return;
	}
	finish(f, TF_OUTAGE, "%s %s answered %ld %s", r->method, r->url, r->status, r->reason);
}

static void on_probe(struct tf_flow *f, struct http_req *r)
{
	if (r->status == 405 && strcmp(r->method, "HEAD") == 0) {
		issue(f, ST_PROBE_GET, "GET", r->url, AUTH_NONE, NULL);
		return;
	}
	if (r->status >= 200 && r->status < 300) {
		finish(f, TF_NO_AUTH_NEEDED, "%s %s answered %ld without credentials: no "
		       "authentication needed", r->method, r->url, r->status);
		return;
	}
	if (r->status == 401) {
		on_challenge(f, r);
		return;
	}
	if (r->status == 404) {
		if (f->state == ST_PING)
			finish(f, TF_OUTAGE, "GET %s answered 404: not a registry v2 API", r->url);
		else
			finish(f, TF_NOT_FOUND, "%s %s answered 404 without authentication: the "
			       "repository or tag does not exist", r->method, r->url);
		return;
	}
	if (r->status == 403) {
		finish(f, f->anonymous ? TF_NO_CREDENTIALS : TF_SCOPE_DENIED,
		       "%s %s answered 403 Forbidden without a challenge", r->method, r->url);
		return;
	}
	finish(f, TF_OUTAGE, "%s %s answered %ld %s", r->method, r->url, r->status, r->reason);
}

static void on_done(struct http_req *r, void *arg)
{
	struct tf_flow *f = arg;
	json_t *step = step_json(f, r);

	if (r->errclass != HTTP_RESPONSE) {
		int first = f->state == ST_PROBE_HEAD || f->state == ST_PING;

		if (first && (r->errclass == HTTP_ERR_TLS_HTTP_MISMATCH ||
			      r->errclass == HTTP_ERR_TIMEOUT || r->errclass == HTTP_ERR_PROTOCOL) &&
		    !f->cfg.scheme[0] &&
		    strcmp(f->scheme, "https") == 0 &&
		    (url_host_is_loopback(f->host) || f->cfg.insecure_declared)) {
			char url[HTTP_URL_MAX];

			snprintf(f->scheme, sizeof(f->scheme), "http");
			f->plain_http = 1;
			json_object_set_new(step, "note", json_string(
				r->errclass == HTTP_ERR_TLS_HTTP_MISMATCH
				? "https answered as plain http: retrying over http"
				: "no TLS handshake on this port: retrying over http (loopback/insecure)"));
			f->https_error = r->errclass;
			if (f->state == ST_PING)
				base_url(f, url, sizeof(url), "/v2/");
			else
				manifest_url(f, url, sizeof(url));
			issue(f, f->state, f->state == ST_PING ? "GET" : "HEAD", url, AUTH_NONE, NULL);
			return;
		}
		if (r->tls_subject[0] || r->tls_verify_error) {
			snprintf(f->tls_subject, sizeof(f->tls_subject), "%s", r->tls_subject);
			snprintf(f->tls_issuer, sizeof(f->tls_issuer), "%s", r->tls_issuer);
		}
		snprintf(f->tls_error, sizeof(f->tls_error), "%s", r->error);
		finish(f, outcome_of(r->errclass), "%s %s: %s", r->method, r->url, r->error);
		return;
	}
	switch (f->state) {
	case ST_PROBE_HEAD:
	case ST_PROBE_GET:
	case ST_PING:
		on_probe(f, r);
		return;
	case ST_TOKEN:
		on_token_response(f, r, step);
		return;
	case ST_AUTH_HEAD:
	case ST_AUTH_GET:
		on_authorised(f, r);
		return;
	case ST_LOGIN_BASIC:
		if (r->status >= 200 && r->status < 300) {
			finish(f, TF_OK, "docker login would succeed with Basic auth");
		} else if (r->status == 401) {
			snprintf(f->message, sizeof(f->message),
				 "login attempt to %s failed with status: %ld %s", r->url, r->status,
				 r->reason);
			finish(f, TF_TOKEN_REJECTED, "the registry refused the Basic credential: GET %s "
			       "answered %ld %s", r->url, r->status, r->reason);
		} else {
			finish(f, TF_OUTAGE, "GET %s answered %ld %s", r->url, r->status, r->reason);
		}
		return;
	}
}

int tf_flow_start(struct tf_flow *f, struct http_client *hc, const struct tf_config *cfg,
		  void (*on_finish)(struct tf_flow *, void *), void *arg)
{
	char url[HTTP_URL_MAX];

	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	f->hc = hc;
	f->on_finish = on_finish;
	f->arg = arg;
	f->steps = json_array();
	f->warnings = json_array();
	if (!f->steps || !f->warnings)
		return -1;
	if (!f->cfg.repo[0])
		f->cfg.client = TF_CLIENT_DOCKER_LOGIN;
	if (!f->cfg.ref[0])
		snprintf(f->cfg.ref, sizeof(f->cfg.ref), "latest");
	snprintf(f->host, sizeof(f->host), "%s",
		 regname_request_host(cfg->registry));
	snprintf(f->scheme, sizeof(f->scheme), "%s", cfg->scheme[0] ? cfg->scheme : "https");
	f->plain_http = strcmp(f->scheme, "http") == 0;
	f->anonymous = !cfg->cred || (sensitive_is_empty(&cfg->cred->secret) &&
				      sensitive_is_empty(&cfg->cred->registry_token));
	if (f->cfg.client == TF_CLIENT_DOCKER_LOGIN) {
		base_url(f, url, sizeof(url), "/v2/");
		issue(f, ST_PING, "GET", url, AUTH_NONE, NULL);
	} else {
		manifest_url(f, url, sizeof(url));
		issue(f, ST_PROBE_HEAD, "HEAD", url, AUTH_NONE, NULL);
	}
	return 0;
}

void tf_flow_settle(struct tf_flow *f)
{
	if (f->finished || !f->steps)
		return;
	f->outcome = TF_NETWORK;
	snprintf(f->summary, sizeof(f->summary), "the flow did not finish before the deadline");
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

	json_object_set_new(o, "client", json_string(tf_client_name(f->cfg.client)));
	json_object_set_new(o, "anonymous", json_boolean(f->anonymous));
	json_object_set_new(o, "scheme", json_string(f->scheme));
	json_object_set_new(o, "outcome", json_string(tf_outcome_name(f->outcome)));
	json_object_set_new(o, "summary", jsontext_string(f->summary, strlen(f->summary), TF_MSG_MAX));
	if (f->message[0])
		json_object_set_new(o, "message", jsontext_string(f->message, strlen(f->message),
								 TF_MSG_MAX));
	if (f->message_v024[0] && strcmp(f->message_v024, f->message) != 0)
		json_object_set_new(o, "message_buildkit_v0_24",
				    jsontext_string(f->message_v024, strlen(f->message_v024), TF_MSG_MAX));
	if (f->realm[0]) {
		json_t *sc = json_array();

		for (size_t i = 0; i < f->nscopes; i++)
			json_array_append_new(sc, json_string(f->scope_list[i]));
		json_object_set_new(o, "realm", jsontext_string(f->realm, strlen(f->realm), HTTP_URL_MAX));
		json_object_set_new(o, "service", jsontext_string(f->service, strlen(f->service), 256));
		json_object_set_new(o, "scopes", sc);
	}
	if (f->challenge_scheme[0])
		json_object_set_new(o, "challenge_scheme", json_string(f->challenge_scheme));
	json_object_set(o, "steps", f->steps ? f->steps : json_array());
	json_object_set(o, "warnings", f->warnings ? f->warnings : json_array());
	return o;
}

/* ================= the check ================= */

static int worth_anonymous(enum tf_outcome o)
{
	return o == TF_TOKEN_REJECTED || o == TF_EXPIRED || o == TF_SCOPE_DENIED;
}

static void main_done(struct tf_flow *f, void *arg)
{
	struct tf_check *k = arg;
	struct tf_config cfg;

	if (f->anonymous || !f->cfg.repo[0] || f->cfg.client == TF_CLIENT_DOCKER_LOGIN ||
	    !worth_anonymous(f->outcome))
		return;
	cfg = k->cfg;
	cfg.cred = NULL;
	snprintf(cfg.scheme, sizeof(cfg.scheme), "%s", f->scheme);
	if (tf_flow_start(&k->anon, k->hc, &cfg, NULL, NULL) == 0)
		k->anon_started = 1;
}

int tf_check_start(struct tf_check *k, struct http_client *hc, const struct tf_config *cfg)
{
	memset(k, 0, sizeof(*k));
	k->cfg = *cfg;
	k->hc = hc;
	return tf_flow_start(&k->main, hc, cfg, main_done, k);
}

void tf_check_release(struct tf_check *k)
{
	if (!k)
		return;
	tf_flow_release(&k->main);
	if (k->anon_started)
		tf_flow_release(&k->anon);
	k->anon_started = 0;
}

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
		snprintf(m, sizeof(m), loop || insecure ? "accepts: it skips TLS verification for "
			 "insecure registries (%s)" : "refuses until the CA is in "
			 "/etc/docker/certs.d/%s/ca.crt%s", loop || insecure
			 ? (loop ? "127.0.0.0/8 by default" : "daemon.json insecure-registries") : reg,
			 loop || insecure ? "" : "");
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

void tf_check_verdict(struct tf_check *k, enum probe_status *status, char *code, size_t codelen,
		      char *detail, size_t detaillen, json_t *evidence)
{
	struct tf_flow *f = &k->main, *a = k->anon_started ? &k->anon : NULL;
	const char *reg = k->cfg.registry, *cname = tf_client_name(f->cfg.client);
	int anon_ok;
	char extra[TF_MSG_MAX + 64] = "";

	tf_flow_settle(f);
	if (a)
		tf_flow_settle(a);
	anon_ok = a && (a->outcome == TF_OK || a->outcome == TF_NO_AUTH_NEEDED);
	json_object_set_new(evidence, "client", json_string(cname));
	json_object_set_new(evidence, "scheme", json_string(f->scheme));
	json_object_set_new(evidence, "plain_http", json_boolean(f->plain_http));
	json_object_set_new(evidence, "clients", clients_json(f, reg));
	json_object_set_new(evidence, "flow", tf_flow_json(f));
	if (a)
		json_object_set_new(evidence, "anonymous_flow", tf_flow_json(a));
	if (f->message[0])
		snprintf(extra, sizeof(extra), "; the client reports: %s", f->message);
	switch (f->outcome) {
	case TF_OK:
		*status = PROBE_OK;
		snprintf(code, codelen, "%s", f->cfg.client == TF_CLIENT_DOCKER_LOGIN ? "login_ok"
									   : "token_ok");
		snprintf(detail, detaillen, "%s%s", f->summary, f->plain_http
			 ? " (plain http: containers/image needs --tls-verify=false)" : "");
		return;
	case TF_NO_AUTH_NEEDED:
		*status = PROBE_OK;
		snprintf(code, codelen, "no_auth_required");
		snprintf(detail, detaillen, "%s", f->summary);
		return;
	case TF_TOKEN_REJECTED:
	case TF_SCOPE_DENIED:
	case TF_EXPIRED:
		*status = PROBE_FAIL;
		if (anon_ok && f->outcome != TF_EXPIRED) {
			snprintf(code, codelen, "shadowed_credentials");
			snprintf(detail, detaillen, "anonymous pull of %s works but the stored "
				 "credential fails (%s); %s sends the credential and never retries "
				 "anonymously: fix or remove it (docker logout %s)%s", f->cfg.repo,
				 f->summary, cname, reg, extra);
			return;
		}
		snprintf(code, codelen, "%s", f->outcome == TF_TOKEN_REJECTED ? "oauth_token_rejected"
			 : f->outcome == TF_EXPIRED ? "expired_token" : "insufficient_scope_or_permission");
		snprintf(detail, detaillen, "%s%s%s", f->summary, extra,
			 anon_ok ? "; anonymous pull works" : "");
		return;
	case TF_NO_CREDENTIALS:
		*status = PROBE_FAIL;
		snprintf(code, codelen, "no_credentials");
		snprintf(detail, detaillen, "%s%s", f->summary, extra);
		return;
	case TF_NOT_FOUND:
		*status = PROBE_WARN;
		snprintf(code, codelen, "repo_not_found_or_private");
		snprintf(detail, detaillen, "%s", f->summary);
		return;
	case TF_OUTAGE:
		*status = PROBE_FAIL;
		snprintf(code, codelen, "registry_outage");
		snprintf(detail, detaillen, "%s%s", f->summary, extra);
		return;
	case TF_NETWORK:
		*status = PROBE_FAIL;
		snprintf(code, codelen, "network_unreachable");
		snprintf(detail, detaillen, "%s", f->summary);
		return;
	case TF_TLS_UNTRUSTED:
		*status = PROBE_FAIL;
		snprintf(code, codelen, "tls_untrusted_ca");
		snprintf(detail, detaillen, "%s presents a certificate (subject %s, issuer %s) that "
			 "does not chain to a trusted CA: %s. Trust it: docker "
			 "/etc/docker/certs.d/%s/ca.crt; BuildKit buildkitd.toml [registry.\"%s\"] "
			 "ca=[\"/path/ca.crt\"]; podman /etc/containers/certs.d/%s/ca.crt",
			 reg, f->tls_subject[0] ? f->tls_subject : "?",
			 f->tls_issuer[0] ? f->tls_issuer : "?", f->tls_error, reg, reg, reg);
		return;
	case TF_TLS_OTHER:
		*status = PROBE_FAIL;
		snprintf(code, codelen, "tls_other");
		snprintf(detail, detaillen, "TLS to %s failed: %s (certificate subject %s, issuer %s)",
			 reg, f->tls_error, f->tls_subject[0] ? f->tls_subject : "?",
			 f->tls_issuer[0] ? f->tls_issuer : "?");
		return;
	case TF_TLS_HTTP_MISMATCH:
		*status = PROBE_FAIL;
		snprintf(code, codelen, "tls_http_mismatch");
		snprintf(detail, detaillen, "%s speaks plain http where clients expect https (%s): "
			 "serve TLS, or declare it insecure (daemon.json insecure-registries, "
			 "buildkitd.toml http = true, --tls-verify=false)", reg, f->tls_error);
		return;
	case TF_REFUSED:
		*status = PROBE_ERROR;
		snprintf(code, codelen, "refused_plain_http");
		snprintf(detail, detaillen, "%s", f->summary);
		return;
	case TF_REALM_PLAIN_HTTP:
		/* the realm downgrades an https registry to plain http */
		*status = PROBE_FAIL;
		snprintf(code, codelen, "tls_http_mismatch");
		snprintf(detail, detaillen, "%s", f->summary);
		return;
	case TF_REALM_OTHER_HOST:
		*status = PROBE_ERROR;
		snprintf(code, codelen, "realm_other_host");
		snprintf(detail, detaillen, "%s", f->summary);
		return;
	case TF_PENDING:
	case TF_INTERNAL:
		break;
	}
	*status = PROBE_ERROR;
	snprintf(code, codelen, "probe_error");
	snprintf(detail, detaillen, "%s", f->summary[0] ? f->summary : "the flow did not finish");
}
