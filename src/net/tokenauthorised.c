#include "net/tokenauthorised.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "net/tokenfetch.h"
#include "net/tokenpush.h"

static void authorised_ok(struct tf_flow *f, const struct http_req *r)
{
	if (f->jwt_lacks_pull)
		tokenstate_warn(f, "the registry served the manifest although the token's access "
				"claim lacks pull");
	if (tokenstate_is_login(f))
		tokenstate_finish(f, TF_OK, "%s login would succeed (no scope was requested, "
				  "so this does not prove pull access)",
				  tokenstate_is_cimage(f) ? "podman" : "docker");
	else if (f->anonymous)
		tokenstate_finish(f, TF_OK, "an anonymous token grants %s %s:%s", r->method,
				  f->cfg.repo, f->cfg.ref);
	else
		tokenstate_finish(f, TF_OK, "%s granted %s:%s with the credential",
				  f->auth_basic ? "Basic auth" : "the token", f->cfg.repo,
				  f->cfg.ref);
}

/* BuildKit (util/resolver/authorizer.go AddResponses): on a 401 with
 * error=insufficient_scope whose scopes the token did not cover, merge
 * them and fetch a token again, once. Returns 1 when it did. */
static int scope_retry(struct tf_flow *f, const struct http_req *r,
		       const struct wwwauth_challenge *c, const char *errp)
{
	if (r->status != 401 || !c || !errp || strcmp(errp, "insufficient_scope") != 0 ||
	    f->scope_retries || !c->nscopes || tokenstate_is_login(f))
		return 0;
	/* c/image (docker_client.go needsRetryWithUpdatedScope): once, on
	 * the first attempt, its own scope plus the challenge's, whatever
	 * the token already covered. */
	if (tokenstate_is_cimage(f)) {
		f->scope_retries++;
		if (f->nscopes < SCOPE_SET_MAX)
			snprintf(f->scope_list[f->nscopes++], SCOPE_MAX, "%s", c->scopes[0]);
		f->tried_get = f->tried_post = 0;
		sensitive_release(&f->token);
		jwt_info_release(&f->jwt);
		tokenfetch_start(f, f->cfg.cred && f->cfg.cred->identity_token &&
				 tokenstate_has_secret(f) ? TOKENCLIENT_POST : TOKENCLIENT_GET);
		return 1;
	}
	for (size_t i = 0; i < c->nscopes; i++)
		if (!scope_set_covers(&f->scopes, c->scopes[i]))
			goto retry;
	return 0;
retry:
	f->scope_retries++;
	for (size_t i = 0; i < c->nscopes; i++)
		scope_set_add(&f->scopes, c->scopes[i]);
	f->nscopes = scope_set_strings(&f->scopes, f->scope_list, SCOPE_SET_MAX);
	f->tried_get = f->tried_post = 0;
	sensitive_release(&f->token);
	jwt_info_release(&f->jwt);
	tokenfetch_start(f, tokenclient_first_method(f->cfg.client, tokenstate_has_secret(f)));
	return 1;
}

/* A 401 or 403 to the request with a token: expired, the registry and
 * its issuer disagreeing, no access for anonymous, or scope denied. */
static void token_denied(struct tf_flow *f, const struct http_req *r, const char *errp)
{
	const struct credential *c = f->cfg.cred;
	int stored = c && !sensitive_is_empty(&c->registry_token);

	if (r->status == 401 && !tokenstate_is_cimage(f))
		tokenmsg_pull_denied(f->message, sizeof(f->message), errp);
	if (errp && strcmp(errp, "invalid_token") == 0) {
		if (stored)
			tokenstate_finish(f, TF_EXPIRED, "the registry refused the stored "
					  "registrytoken (error=invalid_token): expired or "
					  "revoked");
		else
			tokenstate_finish(f, TF_OUTAGE, "the registry refused the token its own "
					  "issuer signed (error=invalid_token): the registry and "
					  "token service disagree on the signing key, issuer or "
					  "service");
		return;
	}
	if (stored && f->jwt_ok && f->jwt.has_exp && f->jwt.exp <= (long long)time(NULL)) {
		tokenstate_finish(f, TF_EXPIRED, "the stored registrytoken expired (exp %lld) and "
				  "the registry refused it", f->jwt.exp);
		return;
	}
	if (f->anonymous)
		tokenstate_finish(f, TF_NO_CREDENTIALS, "the anonymous token does not grant pull "
				  "on %s (%s %ld%s%s): the repository is private or does not exist",
				  f->cfg.repo, r->method, r->status, errp ? ", error=" : "",
				  errp ? errp : "");
	else
		tokenstate_finish(f, TF_SCOPE_DENIED, "the token was granted but %s %s answered "
				  "%ld%s%s%s", r->method, r->url, r->status, errp ? " (error=" : "",
				  errp ? errp : "", errp ? ")" : "");
}

/* c/image's message for a refused registry request (fetchManifest:
 * "reading manifest <ref> in <name>: <error>"; CheckAuth for a login). */
static void cimage_message(struct tf_flow *f, const struct http_req *r)
{
	char e[TOKENMSG_MAX];

	if (!tokenstate_is_cimage(f))
		return;
	tokenmsg_cimage_error(e, sizeof(e), r->status, r->reason, &r->challenges,
			      r->resp_body.data, r->resp_body.len);
	if (tokenstate_is_login(f))
		snprintf(f->message, sizeof(f->message), "%s%s", r->status == 401
			 ? "unable to retrieve auth token: invalid username/password: " : "", e);
	else
		snprintf(f->message, sizeof(f->message), "reading manifest %s in %s/%s: %s",
			 f->cfg.ref, f->cfg.registry, f->cfg.repo, e);
}

void tokenauthorised_on_response(struct tf_flow *f, struct http_req *r)
{
	const struct wwwauth_challenge *c;
	const char *errp = NULL;
	char url[HTTP_URL_MAX];

	if (r->status == 405 && strcmp(r->method, "HEAD") == 0) {
		tokenstate_issue(f, TF_ST_AUTH_GET, "GET", r->url,
				 f->auth_basic ? TF_AUTH_BASIC : TF_AUTH_BEARER, NULL);
		return;
	}
	if (f->cfg.push && !tokenstate_is_login(f) &&
	    ((r->status >= 200 && r->status < 300) || r->status == 404)) {
		f->manifest_status = r->status;
		tokenpush_start(f);
		return;
	}
	if (r->status >= 200 && r->status < 300) {
		authorised_ok(f, r);
		return;
	}
	if (r->credentials_dropped && (r->status == 401 || r->status == 403)) {
		tokenstate_finish(f, TF_OUTAGE, "the registry %s redirected %s to another host "
				  "(%s) and the credential is not carried across hosts (Go's "
				  "client drops it too), so the request failed with %ld", f->host,
				  r->method, r->url, r->status);
		return;
	}
	wwwauth_containerd_order(&r->challenges);
	c = wwwauth_find(&r->challenges, WWWAUTH_BEARER);
	if (c)
		errp = wwwauth_param(c, "error");
	if (r->status == 401 && f->auth_basic) {
		tokenmsg_basic_refused(f->message, sizeof(f->message), tokenstate_is_login(f),
				       r->url, f->host, f->cfg.ref, r->status, r->reason);
		cimage_message(f, r);
		tokenstate_finish(f, TF_TOKEN_REJECTED, "the registry refused the Basic "
				  "credential: %s %s answered %ld %s", r->method, r->url, r->status,
				  r->reason);
		return;
	}
	if (scope_retry(f, r, c, errp))
		return;
	if (r->status < 200 || r->status > 299)
		cimage_message(f, r);
	if (r->status == 401 || r->status == 403) {
		token_denied(f, r, errp);
	} else if (r->status == 404) {
		tokenstate_manifest_url(f, url, sizeof(url));
		tokenstate_finish(f, TF_NOT_FOUND, "authorised, but %s answered 404: the "
				  "repository or tag does not exist",
				  tokenstate_is_login(f) ? r->url : url);
	} else if (r->status == 429) {
		tokenstate_rate_limited(f, r);
	} else {
		tokenstate_finish(f, TF_OUTAGE, "%s %s answered %ld %s", r->method, r->url,
				  r->status, r->reason);
	}
}

void tokenauthorised_on_login(struct tf_flow *f, struct http_req *r)
{
	if (r->status >= 200 && r->status < 300) {
		tokenstate_finish(f, TF_OK, "%s login would succeed with Basic auth",
				  tokenstate_is_cimage(f) ? "podman" : "docker");
	} else if (r->status == 401) {
		tokenmsg_basic_refused(f->message, sizeof(f->message), 1, r->url, f->host,
				       f->cfg.ref, r->status, r->reason);
		cimage_message(f, r);
		tokenstate_finish(f, TF_TOKEN_REJECTED, "the registry refused the Basic "
				  "credential: GET %s answered %ld %s", r->url, r->status,
				  r->reason);
	} else if (r->status == 429) {
		tokenstate_rate_limited(f, r);
	} else {
		tokenstate_finish(f, TF_OUTAGE, "GET %s answered %ld %s", r->url, r->status,
				  r->reason);
	}
}
