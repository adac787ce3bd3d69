#include "net/tokenprobe.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "net/tokenfetch.h"
#include "net/tokenpush.h"
#include "net/url.h"

/* ---- the challenge ---- */

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
			      strchr(site_of(rhost), '.') &&
			      strcasecmp(site_of(rhost), site_of(ghost)) == 0;

		tokenstate_warn(f, "the token realm %s is on another host than the registry %s: "
				"BuildKit and containerd send the credentials there without "
				"checking%s", f->realm, f->host, sibling ? "" : "; fixkb does not");
		if (!sibling)
			refuse |= REALM_OTHER_SITE;
	}
	if (strcmp(f->scheme, "https") == 0 && strncasecmp(f->realm, "http://", 7) == 0) {
		tokenstate_warn(f, "the registry %s is https but its token realm %s is plain http: "
				"BuildKit and containerd would send the credentials unencrypted "
				"(go-containerregistry refuses); fixkb does not send them", f->host,
				f->realm);
		refuse |= REALM_DOWNGRADE;
	}
	return refuse;
}

/* A Basic challenge: docker login sends Basic to /v2/, a pull repeats
 * the manifest request with Basic; without username and secret the
 * client stops there. */
static void basic_challenge(struct tf_flow *f, const struct http_req *r)
{
	if (!tokenstate_has_secret(f) || !tokenstate_user(f)[0]) {
		if (tokenstate_is_cimage(f)) {
			/* c/image sends Basic with the empty credential and
			 * the registry refuses it (setupRequestAuth). */
			if (tokenstate_is_login(f))
				snprintf(f->message, sizeof(f->message), "unable to retrieve auth "
					 "token: invalid username/password: authentication required");
			else
				snprintf(f->message, sizeof(f->message), "reading manifest %s in "
					 "%s/%s: authentication required", f->cfg.ref, f->cfg.registry,
					 f->cfg.repo);
			tokenstate_finish(f, TF_NO_CREDENTIALS, "the registry asks for Basic "
					  "credentials (%s) and none are configured", r->raw_challenge);
			return;
		}
		if (tokenstate_is_login(f)) {
			tokenstate_finish(f, TF_NO_CREDENTIALS, "the registry asks for Basic "
					  "credentials and none are configured");
			return;
		}
		snprintf(f->message, sizeof(f->message), "%s",
			 tokenmsg_basic_missing(f->cfg.client == TOKENCLIENT_CONTAINERD));
		tokenstate_finish(f, TF_NO_CREDENTIALS, "the registry asks for Basic credentials "
				  "(%s) and none are configured", r->raw_challenge);
		return;
	}
	tokenstate_issue_registry(f, TF_ST_LOGIN_BASIC, TF_ST_AUTH_HEAD, TF_AUTH_BASIC);
}

/* Takes realm and service from a Bearer challenge, as containerd's
 * GenerateTokenOptions does. Returns -1 (the flow finished) when the
 * challenge is unusable or fixkb will not send the credential there. */
static int take_bearer(struct tf_flow *f, const struct http_req *r,
		       const struct wwwauth_challenge *c)
{
	const char *realm = wwwauth_param(c, "realm"), *service = wwwauth_param(c, "service");
	int refuse;

	if (!realm || !*realm) {
		snprintf(f->message, sizeof(f->message), "%s", TOKENMSG_NO_REALM);
		tokenstate_finish(f, TF_OUTAGE, "the Bearer challenge has no realm: %s",
				  r->raw_challenge);
		return -1;
	}
	if (strncasecmp(realm, "https://", 8) != 0 && strncasecmp(realm, "http://", 7) != 0) {
		tokenmsg_bad_realm(f->message, sizeof(f->message), realm);
		tokenstate_finish(f, TF_OUTAGE, "the Bearer challenge's realm is not an http(s) "
				  "URL: %s", r->raw_challenge);
		return -1;
	}
	snprintf(f->realm, sizeof(f->realm), "%s", realm);
	snprintf(f->service, sizeof(f->service), "%s", service ? service : "");
	refuse = check_realm(f);
	if (refuse && !f->anonymous) {
		tokenstate_finish(f,
				  refuse & REALM_DOWNGRADE ? TF_REALM_PLAIN_HTTP : TF_REALM_OTHER_HOST,
				  "not sending the credential to the token realm %s: %s", f->realm,
				  json_string_value(json_array_get(f->warnings,
								   json_array_size(f->warnings) - 1)));
		return -1;
	}
	return 0;
}

/* The first request with the credential after a Bearer challenge: a
 * stored registry token goes as it is (BuildKit client, docker); docker
 * login with an identity token POSTs the refresh_token grant; otherwise
 * the client's first token request. */
static void first_credentialed(struct tf_flow *f)
{
	const struct credential *c = f->cfg.cred;
	char url[HTTP_URL_MAX];

	/* c/image sends only --registry-token, never the config's. */
	if (c && !sensitive_is_empty(&c->registry_token) && !tokenstate_is_login(f) &&
	    !tokenstate_is_cimage(f)) {
		struct err e = ERR_INIT;

		sensitive_copy(&f->token, &c->registry_token);
		f->jwt_ok = jwt_decode(&f->jwt, &f->token, &e) == 0;
		if (f->jwt_ok && f->jwt.has_exp && f->jwt.exp <= (long long)time(NULL))
			tokenstate_warn(f, "the stored registrytoken expired at %lld", f->jwt.exp);
		tokenstate_manifest_url(f, url, sizeof(url));
		tokenstate_issue(f, TF_ST_AUTH_HEAD, "HEAD", url, TF_AUTH_BEARER, NULL);
		return;
	}
	/* docker login and c/image: an identity token is a refresh-token
	 * POST (c/image getBearerTokenOAuth2, no fallback). */
	if ((tokenstate_is_login(f) || tokenstate_is_cimage(f)) && c && c->identity_token &&
	    tokenstate_has_secret(f)) {
		tokenfetch_start(f, TOKENCLIENT_POST);
		return;
	}
	tokenfetch_start(f, tokenstate_is_login(f) ? TOKENCLIENT_GET
			 : tokenclient_first_method(f->cfg.client, tokenstate_has_secret(f)));
}

/* c/image takes the first basic or bearer challenge in header order
 * (setupRequestAuth); the others take containerd's order. NULL: none. */
static const struct wwwauth_challenge *pick_challenge(struct tf_flow *f, struct http_req *r)
{
	size_t i;

	if (!tokenstate_is_cimage(f)) {
		wwwauth_containerd_order(&r->challenges);
		return r->challenges.n ? &r->challenges.c[0] : NULL;
	}
	for (i = 0; i < r->challenges.n; i++)
		if (r->challenges.c[i].scheme == WWWAUTH_BASIC ||
		    r->challenges.c[i].scheme == WWWAUTH_BEARER)
			return &r->challenges.c[i];
	return r->challenges.n ? &r->challenges.c[0] : NULL;
}

static void on_challenge(struct tf_flow *f, struct http_req *r)
{
	const struct wwwauth_challenge *c;
	char ctxscope[SCOPE_MAX] = "";

	c = pick_challenge(f, r);
	if (!c) {
		tokenstate_finish(f, TF_OUTAGE, "%s %s answered 401 without a Bearer or Basic "
				  "challenge (WWW-Authenticate: %s)", r->method, r->url,
				  r->raw_challenge[0] ? r->raw_challenge : "absent");
		return;
	}
	snprintf(f->challenge_scheme, sizeof(f->challenge_scheme), "%s",
		 wwwauth_scheme_name(c->scheme));
	snprintf(f->raw_challenge, sizeof(f->raw_challenge), "%s", r->raw_challenge);
	if (c->scheme == WWWAUTH_BASIC) {
		basic_challenge(f, r);
		return;
	}
	if (c->scheme != WWWAUTH_BEARER) {
		tokenstate_finish(f, TF_INTERNAL, "the registry only offers %s authentication, "
				  "which %s does not support", c->scheme_name,
				  tokenclient_name(f->cfg.client));
		return;
	}
	if (take_bearer(f, r, c) < 0)
		return;
	if (f->cfg.repo[0] && !tokenstate_is_login(f)) {
		if (f->cfg.push)
			scope_push(ctxscope, sizeof(ctxscope), f->cfg.repo);
		else
			scope_pull(ctxscope, sizeof(ctxscope), f->cfg.repo);
	}
	f->nscopes = tokenclient_scopes(f->cfg.client, ctxscope, (char *const *)c->scopes,
					c->nscopes, f->scope_list, SCOPE_SET_MAX);
	scope_set_add(&f->scopes, ctxscope);
	for (size_t i = 0; i < c->nscopes; i++)
		scope_set_add(&f->scopes, c->scopes[i]);
	first_credentialed(f);
}

/* c/image's /v2/ ping (docker_client.go detectPropertiesHelper): 200 or
 * 401, whose challenge every later request reuses; anything else fails
 * with "pinging container registry …". */
static void cimage_ping(struct tf_flow *f, struct http_req *r)
{
	if (r->status == 401 || (r->status == 200 && r->challenges.n)) {
		on_challenge(f, r);
		return;
	}
	if (r->status == 200) {
		if (tokenstate_is_login(f))
			tokenstate_finish(f, TF_NO_AUTH_NEEDED, "GET %s answered 200 without a "
					  "challenge: no authentication needed", r->url);
		else
			tokenstate_issue_registry(f, TF_ST_PING, TF_ST_PROBE_HEAD, TF_AUTH_NONE);
		return;
	}
	tokenmsg_cimage_ping(f->message, sizeof(f->message), f->host, r->url, NULL, r->status,
			     r->reason, &r->challenges, r->resp_body.data, r->resp_body.len);
	if (r->status == 429)
		tokenstate_rate_limited(f, r);
	else
		tokenstate_finish(f, TF_OUTAGE, "GET %s answered %ld %s: the ping fails, so "
				  "containers/image stops there", r->url, r->status, r->reason);
}

void tokenprobe_on_response(struct tf_flow *f, struct http_req *r)
{
	if (tokenstate_is_cimage(f) && f->state == TF_ST_PING) {
		cimage_ping(f, r);
		return;
	}
	if (r->status == 405 && strcmp(r->method, "HEAD") == 0) {
		tokenstate_issue(f, TF_ST_PROBE_GET, "GET", r->url, TF_AUTH_NONE, NULL);
		return;
	}
	if (f->cfg.push && f->state != TF_ST_PING &&
	    ((r->status >= 200 && r->status < 300) || r->status == 404)) {
		f->manifest_status = r->status;
		tokenpush_start(f);
		return;
	}
	if (r->status >= 200 && r->status < 300) {
		tokenstate_finish(f, TF_NO_AUTH_NEEDED, "%s %s answered %ld without credentials: "
				  "no authentication needed", r->method, r->url, r->status);
		return;
	}
	if (r->status == 401) {
		on_challenge(f, r);
		return;
	}
	if (r->status == 404) {
		if (f->state == TF_ST_PING)
			tokenstate_finish(f, TF_OUTAGE, "GET %s answered 404: not a registry v2 "
					  "API", r->url);
		else
			tokenstate_finish(f, TF_NOT_FOUND, "%s %s answered 404 without "
					  "authentication: the repository or tag does not exist",
					  r->method, r->url);
		return;
	}
	if (r->status == 403) {
		tokenstate_finish(f, f->anonymous ? TF_NO_CREDENTIALS : TF_SCOPE_DENIED,
				  "%s %s answered 403 Forbidden without a challenge", r->method,
				  r->url);
		return;
	}
	if (r->status == 429) {
		tokenstate_rate_limited(f, r);
		return;
	}
	tokenstate_finish(f, TF_OUTAGE, "%s %s answered %ld %s", r->method, r->url, r->status,
			  r->reason);
}
