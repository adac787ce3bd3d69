/* tokenstep.h — one request of a token flow as evidence: a JSON object
 * with the step, method, URL with its query, the credential form sent
 * ("Basic alice:sha256:…", "Bearer sha256:…", "form", "none"), the status
 * or transport error, the challenges, TLS facts, redirects and the
 * redacted response body. Never a secret: credentials appear as
 * fingerprints, bodies go through redact_body. */
#ifndef FIXKB_NET_TOKENSTEP_H
#define FIXKB_NET_TOKENSTEP_H

#include <jansson.h>
#include <stddef.h>

#include "docker/credential.h"
#include "net/http.h"

#define TOKENSTEP_BODY_MAX 512   /* evidence excerpt of a response body */

/* What the step was, beyond the request itself (all borrowed). */
struct tokenstep {
	const char *name;    /* "manifest", "ping", "token", "authorised", "login" */
	int token;           /* a token request: its response body is shown whatever the status */
	/* A token POST: the OAuth2 form went in the body (auth "form"). The
	 * form's fields are shown when cred is set. */
	int form;
	const struct credential *cred;
	const char *client_id, *service;
	const char *scope;   /* space-joined, "" for none */
};

/* A new JSON object for r (finished). */
json_t *tokenstep_json(const struct http_req *r, const struct tokenstep *s);

/* "Basic alice:sha256:1a2b3c4d…, 7 bytes": scheme, user and the secret's
 * fingerprint, never the secret. */
void tokenstep_credential_desc(char *out, size_t n, const char *scheme, const char *user,
			       const struct sensitive *secret);

#endif
