#include "net/tokenpush.h"

#include <stdio.h>
#include <string.h>

/* "may pull fixkb/tiny:latest" or "fixkb/tiny:latest does not exist yet
 * (the push creates it)": what the pull side showed. */
static void pull_side(const struct tf_flow *f, char *out, size_t n)
{
	if (f->manifest_status == 404)
		snprintf(out, n, "%s:%s does not exist yet (the push would create it)", f->cfg.repo,
			 f->cfg.ref);
	else
		snprintf(out, n, "pull of %s:%s is granted", f->cfg.repo, f->cfg.ref);
}

/* Push refused: anonymous needs credentials; a credential lacks the
 * right. why says how fixkb knows; registry_error is c/image's text of
 * the refusal (NULL when no request was refused). */
static void push_denied(struct tf_flow *f, const char *why, const char *registry_error)
{
	char pulled[600];

	pull_side(f, pulled, sizeof(pulled));
	tokenmsg_push_denied(f->message, sizeof(f->message), f->cfg.client == TOKENCLIENT_PODMAN,
			     f->cfg.repo, f->host, registry_error);
	if (f->anonymous)
		tokenstate_finish(f, TF_NO_CREDENTIALS, "pushing to %s needs credentials and none "
				  "are configured: %s; %s", f->cfg.repo, why, pulled);
	else
		tokenstate_finish(f, TF_PUSH_DENIED, "push to %s is refused: %s; %s, so the "
				  "account can read but not write this repository", f->cfg.repo, why,
				  pulled);
}

void tokenpush_start(struct tf_flow *f)
{
	char url[HTTP_URL_MAX], path[600], asked[SCOPE_MAX * 4];
	int bearer = !sensitive_is_empty(&f->token);

	if (bearer && f->jwt_ok && f->jwt.access) {
		if (f->jwt_lacks_push) {
			char why[SCOPE_MAX * 5];

			tokenstate_scopes_joined(f, asked, sizeof(asked));
			snprintf(why, sizeof(why), "the token asked for %s has an access claim that "
				 "does not grant push on repository:%s", asked, f->cfg.repo);
			push_denied(f, why, NULL);
			return;
		}
		tokenstate_finish(f, TF_OK, "the token grants push on %s: its access claim lists "
				  "push for repository:%s", f->cfg.repo, f->cfg.repo);
		return;
	}
	snprintf(path, sizeof(path), "/v2/%s/blobs/uploads/", f->cfg.repo);
	tokenstate_base_url(f, url, sizeof(url), path);
	tokenstate_issue(f, TF_ST_PUSH, "POST", url,
			 bearer ? TF_AUTH_BEARER : f->auth_basic ? TF_AUTH_BASIC : TF_AUTH_NONE, NULL);
}

int tokenpush_wants_challenge(const struct tf_flow *f, const struct http_req *r)
{
	return f->state == TF_ST_PUSH && r->status == 401 && r->challenges.n > 0 &&
	       sensitive_is_empty(&f->token) && !f->auth_basic && !f->realm[0];
}

/* The upload POST answered 2xx: cancel the upload at its Location. */
static void cancel_upload(struct tf_flow *f, const struct http_req *r)
{
	char url[HTTP_URL_MAX];
	int bearer = !sensitive_is_empty(&f->token);

	if (!r->location[0]) {
		tokenstate_finish(f, TF_OK, "push is granted: POST %s answered %ld (no upload "
				  "location to cancel)", r->url, r->status);
		return;
	}
	if (r->location[0] == '/')
		tokenstate_base_url(f, url, sizeof(url), r->location);
	else
		snprintf(url, sizeof(url), "%s", r->location);
	snprintf(f->push_location, sizeof(f->push_location), "%s", url);
	f->push_status = r->status;
	tokenstate_issue(f, TF_ST_PUSH_CANCEL, "DELETE", url,
			 bearer ? TF_AUTH_BEARER : f->auth_basic ? TF_AUTH_BASIC : TF_AUTH_NONE, NULL);
}

static void upload_refused(struct tf_flow *f, const struct http_req *r)
{
	char why[HTTP_URL_MAX + 200], regerr[TOKENMSG_MAX];
	const struct wwwauth_challenge *c = wwwauth_find(&r->challenges, WWWAUTH_BEARER);
	const char *errp = c ? wwwauth_param(c, "error") : NULL;

	tokenmsg_cimage_error(regerr, sizeof(regerr), r->status, r->reason, &r->challenges,
			      r->resp_body.data, r->resp_body.len);
	snprintf(why, sizeof(why), "POST %s (the first write of a push) answered %ld %s%s%s%s",
		 r->url, r->status, r->reason, errp ? " (error=" : "", errp ? errp : "",
		 errp ? ")" : "");
	push_denied(f, why, regerr);
	/* containerd's pusher words a 403 as its unexpected status */
	if (r->status == 403 && f->cfg.client != TOKENCLIENT_PODMAN)
		snprintf(f->message, sizeof(f->message), "unexpected status from POST request to "
			 "%s: %ld %s", r->url, r->status, r->reason);
}

void tokenpush_on_response(struct tf_flow *f, struct http_req *r)
{
	if (f->state == TF_ST_PUSH_CANCEL) {
		if (r->status < 200 || r->status > 299)
			tokenstate_warn(f, "the registry refused to cancel the upload fixkb started "
					"(DELETE answered %ld %s): it keeps an empty upload session "
					"until it purges old uploads", r->status, r->reason);
		tokenstate_finish(f, TF_OK, "push is granted: POST /v2/%s/blobs/uploads/ answered "
				  "%ld, and the upload it started was %s", f->cfg.repo,
				  f->push_status, r->status >= 200 && r->status <= 299
				  ? "cancelled at once" : "left for the registry to purge");
		return;
	}
	if (r->status >= 200 && r->status <= 299)
		cancel_upload(f, r);
	else if (r->status == 401 || r->status == 403)
		upload_refused(f, r);
	else if (r->status == 429)
		tokenstate_rate_limited(f, r);
	else
		tokenstate_finish(f, TF_OUTAGE, "POST %s (the first write of a push) answered %ld "
				  "%s", r->url, r->status, r->reason);
}
