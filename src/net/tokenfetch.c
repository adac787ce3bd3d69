#include "net/tokenfetch.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/jsontext.h"
#include "net/tokenresp.h"
#include "net/urlvalues.h"

/* ---- the token request ---- */

/* POST <realm> with the form kv[0..n) (it holds a secret: wiped). */
static void send_form(struct tf_flow *f, const struct urlvalues_kv *kv, size_t n)
{
	struct buf body = BUF_INIT(64u << 10);

	if (urlvalues_encode(&body, kv, n) < 0) {
		buf_release(&body);
		tokenstate_finish(f, TF_INTERNAL, "token request form too large");
		return;
	}
	tokenstate_issue(f, TF_ST_TOKEN, "POST", f->realm, TF_AUTH_NONE, &body);
	buf_release(&body);
}

/* c/image's refresh-token POST (docker_client.go getBearerTokenOAuth2):
 * service (when set), one scope field per scope, grant_type=refresh_token,
 * refresh_token, client_id=containers/image; no other grant, no fallback. */
static void cimage_post(struct tf_flow *f)
{
	struct urlvalues_kv kv[SCOPE_SET_MAX + 4];
	const struct credential *c = f->cfg.cred;
	size_t n = 0, i;

	if (f->service[0])
		kv[n++] = (struct urlvalues_kv){ "service", f->service, strlen(f->service) };
	for (i = 0; i < f->nscopes; i++)
		kv[n++] = (struct urlvalues_kv){ "scope", f->scope_list[i], strlen(f->scope_list[i]) };
	kv[n++] = (struct urlvalues_kv){ "grant_type", "refresh_token", 13 };
	kv[n++] = (struct urlvalues_kv){ "refresh_token", c->secret.data, c->secret.len };
	kv[n++] = (struct urlvalues_kv){ "client_id", "containers/image", 16 };
	send_form(f, kv, n);
}

/* POST <realm> with the OAuth2 form (containerd fetch.go
 * FetchTokenWithOAuth): scope (space-joined), service, client_id, then
 * the refresh_token grant (identity token, or no username) or the
 * password grant; docker login asks for a refresh token. */
static void post_token(struct tf_flow *f)
{
	struct urlvalues_kv kv[8];
	const struct credential *c = f->cfg.cred;
	const char *cid = tokenclient_id(f->cfg.client);
	char joined[SCOPE_MAX * 4];
	size_t n = 0;

	f->tried_post = 1;
	if (tokenstate_is_cimage(f)) {
		cimage_post(f);
		return;
	}
	tokenstate_scopes_joined(f, joined, sizeof(joined));
	if (f->nscopes)
		kv[n++] = (struct urlvalues_kv){ "scope", joined, strlen(joined) };
	kv[n++] = (struct urlvalues_kv){ "service", f->service, strlen(f->service) };
	kv[n++] = (struct urlvalues_kv){ "client_id", cid, strlen(cid) };
	if (c->identity_token || !c->username[0]) {
		kv[n++] = (struct urlvalues_kv){ "grant_type", "refresh_token", 13 };
		kv[n++] = (struct urlvalues_kv){ "refresh_token", c->secret.data, c->secret.len };
	} else {
		kv[n++] = (struct urlvalues_kv){ "grant_type", "password", 8 };
		kv[n++] = (struct urlvalues_kv){ "username", c->username, strlen(c->username) };
		kv[n++] = (struct urlvalues_kv){ "password", c->secret.data, c->secret.len };
	}
	if (tokenstate_is_login(f))
		kv[n++] = (struct urlvalues_kv){ "access_type", "offline", 7 };
	send_form(f, kv, n);
}

/* GET <realm>?scope=…&service=… (containerd fetch.go FetchToken), with
 * Basic whenever the secret is non-empty, even with an empty username;
 * docker login adds account=, client_id=docker, offline_token=true and
 * sends Basic only with both (distribution session.go
 * fetchTokenWithBasicAuth, docker/cli internal/registry/auth.go). */
static void get_token(struct tf_flow *f)
{
	struct urlvalues_kv kv[SCOPE_SET_MAX + 8];
	const struct credential *c = f->cfg.cred;
	char url[HTTP_URL_MAX];
	size_t n = 0, i;
	int login = f->cfg.client == TOKENCLIENT_DOCKER_LOGIN, cimage = tokenstate_is_cimage(f);
	int basic;

	f->tried_get = 1;
	/* c/image getBearerToken: account= whenever there is a username */
	if (cimage && c && c->username[0])
		kv[n++] = (struct urlvalues_kv){ "account", c->username, strlen(c->username) };
	if (f->service[0])
		kv[n++] = (struct urlvalues_kv){ "service", f->service, strlen(f->service) };
	for (i = 0; i < f->nscopes; i++)
		kv[n++] = (struct urlvalues_kv){ "scope", f->scope_list[i], strlen(f->scope_list[i]) };
	if (login && !f->anonymous) {
		kv[n++] = (struct urlvalues_kv){ "offline_token", "true", 4 };
		kv[n++] = (struct urlvalues_kv){ "client_id", "docker", 6 };
		if (c->username[0])
			kv[n++] = (struct urlvalues_kv){ "account", c->username, strlen(c->username) };
	}
	if (urlvalues_url(url, sizeof(url), f->realm, kv, n) < 0) {
		tokenstate_finish(f, TF_INTERNAL, "token URL too long");
		return;
	}
	basic = tokenstate_has_secret(f) && (!(login || cimage) || tokenstate_user(f)[0]);
	tokenstate_issue(f, TF_ST_TOKEN, "GET", url, basic ? TF_AUTH_BASIC : TF_AUTH_NONE, NULL);
}

void tokenfetch_start(struct tf_flow *f, enum tokenclient_method m)
		      {
	f->method = m;
	if (m == TOKENCLIENT_POST)
		post_token(f);
	else
		get_token(f);
}


/* ---- the token response ---- */

/* A token request failed with r->status and the client does not fall
 * back: the client's message, then the outcome. */
static void token_refused(struct tf_flow *f, const struct http_req *r)
{
	const char *method = f->method == TOKENCLIENT_POST ? "POST" : "GET";
	const struct credential *c = f->cfg.cred;
	int anon = f->anonymous;
	char ping[HTTP_URL_MAX];

	tokenmsg_fetch(f->message, sizeof(f->message), anon, method, r->url, r->status, r->reason);
	tokenmsg_fetch_v024(f->message_v024, sizeof(f->message_v024), anon, method, r->url,
			    r->status, r->reason, r->resp_body.data, r->resp_body.len);
	if (tokenstate_is_cimage(f)) {
		tokenmsg_cimage_token(f->message, sizeof(f->message), f->method == TOKENCLIENT_POST,
				      r->status, r->reason, &r->challenges, r->resp_body.data,
				      r->resp_body.len);
		f->message_v024[0] = '\0';
	} else if (tokenstate_is_login(f)) {
		tokenstate_base_url(f, ping, sizeof(ping), "/v2/");
		tokenmsg_login(f->message, sizeof(f->message), ping, r->status, r->reason,
			       r->resp_body.data, r->resp_body.len);
		f->message_v024[0] = '\0';
	}
	if (r->status < 400)
		tokenstate_finish(f, TF_OUTAGE, "the token endpoint answered %ld %s to %s %s; "
				  "containers/image takes only 200", r->status, r->reason, method,
				  r->url);
	else if (r->status >= 500)
		tokenstate_finish(f, TF_OUTAGE, "the token endpoint failed: %s %s answered %ld %s",
				  method, r->url, r->status, r->reason);
	else if (r->status == 429)
		tokenstate_finish(f, TF_RATE_LIMITED, "the token endpoint is rate limiting: %s "
				  "answered 429 %s", method, r->reason);
	else if (r->status == 404 && (f->tried_post + f->tried_get >= 2 || anon ||
				      tokenstate_is_login(f) || tokenstate_is_cimage(f)))
		tokenstate_finish(f, TF_OUTAGE, "the token endpoint %s answered 404 to every "
				  "method tried", f->realm);
	else if (anon)
		tokenstate_finish(f, TF_NO_CREDENTIALS, "the token endpoint refused an anonymous "
				  "token (%s %ld %s): the repository needs credentials", method,
				  r->status, r->reason);
	else if (c && c->identity_token && (r->status == 400 || r->status == 401))
		tokenstate_finish(f, TF_EXPIRED, "the identity (refresh) token was refused by %s "
				  "%s (%ld %s): expired or revoked", method, f->realm, r->status,
				  r->reason);
	else
		tokenstate_finish(f, TF_TOKEN_REJECTED, "the token endpoint refused the "
				  "credential: %s %s answered %ld %s", method, r->url, r->status,
				  r->reason);
}

/* A token response the client cannot use: its message and TF_OUTAGE.
 * Returns 0 when tr holds a token. */
static int token_unusable(struct tf_flow *f, const struct http_req *r, const struct tokresp *tr)
{
	switch (tr->status) {
	case TOKRESP_OK:
		return 0;
	case TOKRESP_NOT_JSON:
		tokenmsg_undecodable(f->message, sizeof(f->message), tr->detail);
		tokenstate_finish(f, TF_OUTAGE, "the token endpoint %s %s answered %ld but not "
				  "with JSON (%s)", r->method, r->url, r->status,
				  r->resp_content_type[0] ? r->resp_content_type : "no content type");
		return -1;
	case TOKRESP_BAD_ISSUED_AT:
		tokenmsg_bad_issued_at(f->message, sizeof(f->message), tr->issued_at);
		tokenstate_finish(f, TF_OUTAGE, "the token endpoint's issued_at \"%.200s\" is not "
				  "RFC 3339: the client fails to decode the whole response",
				  tr->issued_at);
		return -1;
	case TOKRESP_NO_TOKEN:
		snprintf(f->message, sizeof(f->message), "%s", TOKENMSG_NO_TOKEN);
		tokenstate_finish(f, TF_OUTAGE, "the token endpoint answered %ld without %s",
				  r->status, f->method == TOKENCLIENT_POST
				  ? "access_token (POST requires it)" : "token or access_token");
		return -1;
	case TOKRESP_OOM:
		break;
	}
	tokenstate_finish(f, TF_INTERNAL, "out of memory");
	return -1;
}

/* The token's facts into the step's token_result (tok), with warnings
 * for an access claim without pull or a token already expired. */
static void token_facts(struct tf_flow *f, const struct tokresp *tr, json_t *tok)
{
	char fp[SENSITIVE_FP_MAX];
	struct err e = ERR_INIT;
	long long now = (long long)time(NULL);

	f->expires_in = tr->expires_in;
	sensitive_fingerprint(&f->token, fp);
	json_object_set_new(tok, "token", json_string(fp));
	json_object_set_new(tok, "expires_in", tr->has_expires_in
				? json_integer((json_int_t)tr->expires_in_given) : json_null());
	json_object_set_new(tok, "expires_in_effective", json_integer(f->expires_in));
	json_object_set_new(tok, "issued_at", tr->has_issued_at
			    ? jsontext_string(tr->issued_at, strlen(tr->issued_at), 64) : json_null());
	f->jwt_ok = jwt_decode(&f->jwt, &f->token, &e) == 0;
	if (!f->jwt_ok) {
		json_object_set_new(tok, "jwt", json_null());
		json_object_set_new(tok, "jwt_error", json_string(e.msg));
		return;
	}
	json_object_set_new(tok, "jwt", jwt_info_json(&f->jwt, now));
	if (f->cfg.repo[0] && f->jwt.access && !jwt_allows(&f->jwt, "repository", f->cfg.repo, "pull")) {
		f->jwt_lacks_pull = 1;
		tokenstate_warn(f, "the token's access claim does not grant repository:%s:pull",
				f->cfg.repo);
	}
	if (f->cfg.push && f->cfg.repo[0] && f->jwt.access &&
	    !jwt_allows(&f->jwt, "repository", f->cfg.repo, "push"))
		f->jwt_lacks_push = 1;
	if (f->jwt.has_exp && f->jwt.exp <= now)
		tokenstate_warn(f, "the token the endpoint just issued is already expired (exp "
				"%lld, now %lld): clock skew?", f->jwt.exp, now);
}

void tokenfetch_on_response(struct tf_flow *f, struct http_req *r, json_t *step)
{
	struct tokresp tr;
	json_t *tok = json_object();

	memset(&tr, 0, sizeof(tr));
	json_object_set_new(step, "token_result", tok);
	if (r->status >= 400 || (tokenstate_is_cimage(f) && r->status != 200)) {
		enum tokenclient_method next = TOKENCLIENT_NONE;

		if (!f->anonymous && !tokenstate_is_login(f))
			next = tokenclient_fallback(f->cfg.client, f->method, r->status,
						    tokenstate_user(f)[0] != 0);
		if ((next == TOKENCLIENT_GET && !f->tried_get) ||
		    (next == TOKENCLIENT_POST && !f->tried_post)) {
			json_object_set_new(tok, "fallback", json_string(next == TOKENCLIENT_GET
									 ? "GET" : "POST"));
			tokenfetch_start(f, next);
			return;
		}
		token_refused(f, r);
		return;
	}
	/* 2xx/3xx: decode. */
	/* c/image decodes both answers alike (token, else access_token). */
	tokresp_parse(&tr, r->resp_body.data, r->resp_body.len,
		      f->method == TOKENCLIENT_POST && !tokenstate_is_cimage(f));
	if (tr.status != TOKRESP_NOT_JSON)
		json_object_set_new(tok, "fields",
				    json_pack("{s:b,s:b,s:b}", "access_token", tr.has_access_token,
					      "token", tr.has_token, "refresh_token",
					      tr.has_refresh_token));
	if (token_unusable(f, r, &tr) < 0)
		goto cleanup;
	if (sensitive_copy(&f->token, &tr.token) < 0) {
		tokenstate_finish(f, TF_INTERNAL, "out of memory");
		goto cleanup;
	}
	token_facts(f, &tr, tok);
	if (tr.has_refresh_token && tokenstate_is_login(f))
		tokenstate_warn(f, "the endpoint returned a refresh_token: docker login stores it "
				"as identitytoken and clears the password");
	tokenstate_issue_registry(f, TF_ST_AUTH_GET, TF_ST_AUTH_HEAD, TF_AUTH_BEARER);
cleanup:
	tokresp_release(&tr);
}
