#include "net/tokenstep.h"

#include <stdio.h>
#include <string.h>

#include "util/jsontext.h"
#include "util/redact.h"
#include "net/scope.h"

void tokenstep_credential_desc(char *out, size_t n, const char *scheme, const char *user,
			       const struct sensitive *secret)
{
	char fp[SENSITIVE_FP_MAX];

	sensitive_fingerprint(secret, fp);
	snprintf(out, n, "%s %s:%s", scheme, user ? user : "", fp);
}

/* The POST form's fields, secrets as fingerprints. */
static json_t *form_json(const struct tokenstep *s)
{
	const struct credential *c = s->cred;
	const char *grant = c->identity_token ? "refresh_token" : "password";
	json_t *o = json_object();
	char fp[SENSITIVE_FP_MAX];

	json_object_set_new(o, "grant_type", json_string(grant));
	sensitive_fingerprint(&c->secret, fp);
	if (strcmp(grant, "password") == 0) {
		json_object_set_new(o, "username",
				    jsontext_string(c->username, strlen(c->username), 256));
		json_object_set_new(o, "password", json_string(fp));
	} else {
		json_object_set_new(o, "refresh_token", json_string(fp));
	}
	json_object_set_new(o, "client_id", json_string(s->client_id));
	json_object_set_new(o, "service", jsontext_string(s->service, strlen(s->service), 256));
	if (s->scope && *s->scope)
		json_object_set_new(o, "scope",
				    jsontext_string(s->scope, strlen(s->scope), SCOPE_MAX * 4));
	return o;
}

/* Which credential went with the request. */
static json_t *auth_json(const struct http_req *r, const struct tokenstep *s)
{
	char desc[256];

	if (r->basic_secret) {
		tokenstep_credential_desc(desc, sizeof(desc), "Basic", r->basic_user,
					  r->basic_secret);
		return jsontext_string(desc, strlen(desc), sizeof(desc));
	}
	if (r->bearer) {
		char fp[SENSITIVE_FP_MAX];

		sensitive_fingerprint(r->bearer, fp);
		snprintf(desc, sizeof(desc), "Bearer %s", fp);
		return json_string(desc);
	}
	if (r->body_has_secret || s->form)
		return json_string("form");
	return json_string(r->credentials_dropped ? "dropped (redirect to another host)" : "none");
}

/* The presented certificate, when TLS failed or was inspected. */
static json_t *tls_json(const struct http_req *r)
{
	json_t *t = json_object();

	json_object_set_new(t, "subject",
			    jsontext_string(r->tls_subject, strlen(r->tls_subject), 256));
	json_object_set_new(t, "issuer", jsontext_string(r->tls_issuer, strlen(r->tls_issuer), 256));
	json_object_set_new(t, "not_after", json_string(r->tls_not_after));
	if (r->tls_verify_error) {
		json_object_set_new(t, "verify_error", json_integer(r->tls_verify_error));
		json_object_set_new(t, "verify_message", json_string(r->tls_verify_msg));
	}
	return t;
}

/* status/reason or error_class/error, the challenges. */
static void outcome_json(json_t *o, const struct http_req *r)
{
	json_t *ch = json_array();
	size_t i;

	if (r->errclass != HTTP_RESPONSE) {
		json_object_set_new(o, "error_class", json_string(http_errclass_name(r->errclass)));
		json_object_set_new(o, "error", jsontext_string(r->error, strlen(r->error), 512));
		json_object_set_new(o, "connected", json_boolean(r->connected));
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
}

json_t *tokenstep_json(const struct http_req *r, const struct tokenstep *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "step", json_string(s->name));
	json_object_set_new(o, "method", json_string(r->method));
	json_object_set_new(o, "url", jsontext_string(r->url, strlen(r->url), HTTP_URL_MAX));
	json_object_set_new(o, "auth", auth_json(r, s));
	if (s->form && s->cred)
		json_object_set_new(o, "form", form_json(s));
	outcome_json(o, r);
	if (r->tls_subject[0] || r->tls_verify_error)
		json_object_set_new(o, "tls", tls_json(r));
	if (r->redirect_log)
		json_object_set(o, "redirects", r->redirect_log);
	if (r->errclass == HTTP_RESPONSE && r->resp_body.len && (s->token || r->status >= 400))
		json_object_set_new(o, "response", redact_body(r->resp_body.data, r->resp_body.len,
							       TOKENSTEP_BODY_MAX));
	json_object_set_new(o, "ms", json_real((double)(long)(r->ms * 10) / 10.0));
	return o;
}
