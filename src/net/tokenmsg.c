#include "net/tokenmsg.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "net/http.h"

/* "401 Unauthorized"; the standard phrase when the server sent none
 * (Go's resp.Status always has one). */
static void status_text(char *out, size_t n, long status, const char *reason)
{
	const char *r = reason && *reason ? reason : http_status_text(status);

	if (*r)
		snprintf(out, n, "%ld %s", status, r);
	else
		snprintf(out, n, "%ld", status);
}

void tokenmsg_fetch(char *out, size_t n, int anonymous, const char *method, const char *url,
		    long status, const char *reason)
{
	char st[160];

	status_text(st, sizeof(st), status, reason);
	snprintf(out, n, "failed to fetch %s token: unexpected status from %s request to %s: %s",
		 anonymous ? "anonymous" : "oauth", method, url, st);
}

/* distribution's errcode defaults (the ones registries send):
 * containerd core/remotes/docker/errdesc.go. */
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
		/* distribution registry/api/v2/errors.go (c/image imports it) */
		{ "DIGEST_INVALID", "provided digest did not match uploaded content" },
		{ "SIZE_INVALID", "provided length did not match content length" },
		{ "TAG_INVALID", "manifest tag did not match URI" },
		{ "MANIFEST_INVALID", "manifest invalid" },
		{ "MANIFEST_UNVERIFIED", "manifest failed signature verification" },
		{ "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry" },
		{ "BLOB_UNKNOWN", "blob unknown to registry" },
		{ "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry" },
		{ "BLOB_UPLOAD_INVALID", "blob upload invalid" },
		{ "PAGINATION_NUMBER_INVALID", "invalid number of results requested" },
		{ "RANGE_INVALID", "invalid content range" },
		{ NULL, NULL },
	};
	size_t i;

	for (i = 0; tab[i][0]; i++)
		if (strcmp(tab[i][0], code) == 0)
			return tab[i][1];
	return NULL;
}

int tokenmsg_registry_error(char *out, size_t n, const char *body, size_t len)
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
	/* ErrorCode.Error(): lower case, '_' -> ' ' (errcode.go). */
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

/* The "details" string of {"details": "..."}, the older error form
 * distribution's parseHTTPErrorResponse still reads; NULL if none. The
 * result lives in *j (the caller's reference). */
static const char *details_of(json_t **j, const char *body, size_t len)
{
	json_error_t je;
	const char *d;

	*j = len ? json_loadb(body, len, 0, &je) : NULL;
	d = json_string_value(json_object_get(*j, "details"));
	return d && *d ? d : NULL;
}

/* The length of body[0..len)'s first line (no NUL needed). */
static int first_line(const char *body, size_t len)
{
	size_t i = 0;

	while (body && i < len && i < 1024 && body[i] != '\n' && body[i] != '\r' && body[i])
		i++;
	return (int)i;
}

void tokenmsg_login(char *out, size_t n, const char *ping_url, long status, const char *reason,
		    const char *body, size_t len)
{
	char re[512];
	json_t *j = NULL;
	const char *details = details_of(&j, body, len);

	if (status == 401)
		snprintf(out, n, "Get \"%s\": unauthorized: %s", ping_url,
			 details ? details : "authentication required");
	else if (len && tokenmsg_registry_error(re, sizeof(re), body, len) == 0)
		snprintf(out, n, "Get \"%s\": %s", ping_url, re);
	else if (status == 429)
		/* makeError: ErrorCodeTooManyRequests.WithMessage(details or
		 * the body; its first line here, the message is one line). */
		snprintf(out, n, "Get \"%s\": toomanyrequests: %.*s", ping_url,
			 details ? (int)strlen(details) : first_line(body, len),
			 details ? details : body ? body : "");
	else
		snprintf(out, n, "Get \"%s\": unexpected status %ld %s", ping_url, status, reason);
	json_decref(j);
}

/* containerd's docker.Error text of one registry error e
 * (core/remotes/docker/errcode.go): containerd registers only the six
 * codes below (errdesc.go), any other is "unknown"; an error without a
 * detail whose message is empty or the code's default is only the code
 * (Errors.UnmarshalJSON), else "<code>: <message>"; BuildKit adds
 * " - <detail>" for a string detail (errutil.go formattedDockerError). */
static void containerd_error_text(struct buf *b, const json_t *e)
{
	static const char *const known[][2] = {
		{ "UNKNOWN", "unknown error" },
		{ "UNSUPPORTED", "The operation is unsupported." },
		{ "UNAUTHORIZED", "authentication required" },
		{ "DENIED", "requested access to the resource is denied" },
		{ "UNAVAILABLE", "service unavailable" },
		{ "TOOMANYREQUESTS", "too many requests" },
	};
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	const json_t *detail = json_object_get(e, "detail");
	char lc[32];
	size_t i, k = 0;

	for (i = 0; code && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(known[i][0], code) == 0)
			k = i;
	for (i = 0; known[k][0][i] && i + 1 < sizeof(lc); i++)
		lc[i] = known[k][0][i] == '_' ? ' ' : (char)tolower((unsigned char)known[k][0][i]);
	lc[i] = '\0';
	buf_appends(b, lc);
	if ((!detail || json_is_null(detail)) && (!msg || !*msg || strcmp(msg, known[k][1]) == 0))
		return;
	buf_appendf(b, ": %s", msg ? msg : "");
	if (json_string_value(detail) && *json_string_value(detail))
		buf_appendf(b, " - %s", json_string_value(detail));
}

/* BuildKit's formattedDockerError of body, when it holds registry errors
 * ({"errors":[…]}, at least one): one error's text, or "errors:" then
 * each one (upstream puts each on its own line; the message here is one
 * line, so a space). -1 when body is not that. */
static int containerd_errors(struct buf *b, const char *body, size_t len)
{
	json_error_t je;
	json_t *j = json_loadb(body, len, 0, &je), *errs = json_object_get(j, "errors"), *e;
	size_t i;

	if (!json_is_array(errs) || json_array_size(errs) == 0) {
		json_decref(j);
		return -1;
	}
	if (json_array_size(errs) > 1)
		buf_appends(b, "errors:");
	json_array_foreach(errs, i, e) {
		if (json_array_size(errs) > 1)
			buf_appends(b, " ");
		containerd_error_text(b, e);
	}
	json_decref(j);
	return 0;
}

/* Control bytes (the body's line breaks) as spaces, trailing blanks cut:
 * the message is one line. */
static void one_line(char *s)
{
	size_t l = strlen(s);

	for (size_t i = 0; i < l; i++)
		if ((unsigned char)s[i] < 0x20)
			s[i] = ' ';
	while (l && s[l - 1] == ' ')
		s[--l] = '\0';
}

void tokenmsg_fetch_v024(char *out, size_t n, int anonymous, const char *method,
			 const char *url, long status, const char *reason,
			 const char *body, size_t len)
{
	char base[TOKENMSG_MAX];
	struct buf b = BUF_INIT(TOKENMSG_MAX);
	json_t *j = NULL;
	const char *details;

	tokenmsg_fetch(base, sizeof(base), anonymous, method, url, status, reason);
	if (anonymous || !body || !len) {
		snprintf(out, n, "%s", base);
		return;
	}
	if (containerd_errors(&b, body, len) == 0) {
		snprintf(out, n, "failed to fetch oauth token: %s", b.data ? b.data : "");
		goto cleanup;
	}
	/* verboseUnexpectedStatusError: {"details": "…"} gives its text;
	 * any other body is shown, cut at 256 bytes. */
	details = details_of(&j, body, len);
	if (details)
		buf_appends(&b, details);
	else if (buf_append(&b, body, len > 256 ? 256 : len) == 0 && len > 256)
		buf_appendf(&b, "... (%zu bytes truncated)", len - 256);
	if (b.data)
		one_line(b.data);
	snprintf(out, n, "%s: %s", base, b.data ? b.data : "");
cleanup:
	json_decref(j);
	buf_release(&b);
}

void tokenmsg_undecodable(char *out, size_t n, const char *why)
{
	snprintf(out, n, "unable to decode token response: %s", why);
}

void tokenmsg_bad_issued_at(char *out, size_t n, const char *issued_at)
{
	snprintf(out, n, "unable to decode token response: parsing time \"%.200s\" as "
		 "\"2006-01-02T15:04:05Z07:00\": not RFC 3339", issued_at);
}

void tokenmsg_bad_realm(char *out, size_t n, const char *realm)
{
	snprintf(out, n, "invalid token auth challenge realm: %.900s", realm);
}

const char *tokenmsg_basic_missing(int containerd)
{
	return containerd ? "authorization failed: no basic auth credentials"
			  : "failed to find supported auth scheme: not implemented";
}

void tokenmsg_pull_denied(char *out, size_t n, const char *error)
{
	snprintf(out, n, "pull access denied, repository does not exist or may require "
		 "authorization: server message: %s: authorization failed",
		 error && *error ? error : "insufficient_scope");
}

void tokenmsg_basic_refused(char *out, size_t n, int login, const char *url, const char *host,
			    const char *ref, long status, const char *reason)
{
	if (login)
		snprintf(out, n, "login attempt to %s failed with status: %ld %s", url, status,
			 reason);
	else
		snprintf(out, n, "pulling from host %s failed with status code [manifests %s]: "
			 "%ld %s", host, ref, status, reason);
}

/* ---- containers/image ---- */

/* errcode.Error's text as c/image words it (docker/errors.go
 * registryHTTPResponseToError): "<code lower, _ -> space>: <message>",
 * only the message when it is the code's default. An unregistered code
 * is UNKNOWN (errcode.ErrorCode.UnmarshalText). */
static void cimage_errcode(struct buf *b, const char *code, const char *msg)
{
	const char *def = code ? errcode_default(code) : NULL;
	const char *c = def ? code : "UNKNOWN";
	size_t i;

	if (!def)
		def = "unknown error";
	if (!msg || !*msg || strcmp(msg, def) == 0) {
		buf_appends(b, def);
		return;
	}
	for (i = 0; c[i]; i++)
		buf_appendf(b, "%c", c[i] == '_' ? ' ' : (char)tolower((unsigned char)c[i]));
	buf_appendf(b, ": %s", msg);
}

/* Go's %q of s[0..len) (printable ASCII and UTF-8 as is, the rest escaped). */
static void go_quote(struct buf *b, const char *s, size_t len)
{
	size_t i;

	buf_appends(b, "\"");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			buf_appendf(b, "\\%c", c);
		else if (c == '\n')
			buf_appends(b, "\\n");
		else if (c == '\r')
			buf_appends(b, "\\r");
		else if (c == '\t')
			buf_appends(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			buf_appendf(b, "\\x%02x", c);
		else if (buf_append(b, (const char *)&c, 1) < 0)
			return;
	}
	buf_appends(b, "\"");
}

/* A 401's Bearer error= (RFC 6750 3.1) as handleErrorResponse reads it:
 * 1 when it set the text. */
static int cimage_bearer_error(struct buf *b, const struct wwwauth_set *ch)
{
	size_t i;

	for (i = 0; ch && i < ch->n; i++) {
		const struct wwwauth_challenge *c = &ch->c[i];
		const char *err = c->scheme == WWWAUTH_BEARER ? wwwauth_param(c, "error") : NULL;
		const char *desc = err ? wwwauth_param(c, "error_description") : NULL;

		if (!err || (strcmp(err, "invalid_token") != 0 && strcmp(err, "insufficient_scope") != 0))
			continue;
		cimage_errcode(b, strcmp(err, "invalid_token") == 0 ? "UNAUTHORIZED" : "DENIED", desc);
		return 1;
	}
	return 0;
}

void tokenmsg_cimage_error(char *out, size_t n, long status, const char *reason,
			   const struct wwwauth_set *ch, const char *body, size_t len)
{
	struct buf b = BUF_INIT(TOKENMSG_MAX);
	json_error_t je;
	json_t *j = NULL, *e0;
	const char *details;
	char st[160];

	if (status < 400 || status > 499) {
		status_text(st, sizeof(st), status, reason);
		snprintf(out, n, "received unexpected HTTP status: %s", st);
		return;
	}
	if (status == 401 && cimage_bearer_error(&b, ch))
		goto done;
	j = len ? json_loadb(body, len, 0, &je) : NULL;
	details = json_string_value(json_object_get(j, "details"));
	e0 = json_array_get(json_object_get(j, "errors"), 0);
	if (details && *details)
		cimage_errcode(&b, status == 401 ? "UNAUTHORIZED" : status == 429 ? "TOOMANYREQUESTS"
			       : "UNKNOWN", details);
	else if (json_is_object(e0))
		cimage_errcode(&b, json_string_value(json_object_get(e0, "code")),
			       json_string_value(json_object_get(e0, "message")));
	else if (status == 401)
		buf_appends(&b, "authentication required");
	else {
		buf_appendf(&b, "StatusCode: %ld, ", status);
		if (len > 50) {
			char cut[54];

			memcpy(cut, body, 50);
			memcpy(cut + 50, "...", 3);
			go_quote(&b, cut, 53);
		} else {
			go_quote(&b, body ? body : "", len);
		}
	}
done:
	snprintf(out, n, "%s", b.data ? b.data : "");
	json_decref(j);
	buf_release(&b);
}

void tokenmsg_cimage_token(char *out, size_t n, int post, long status, const char *reason,
			   const struct wwwauth_set *ch, const char *body, size_t len)
{
	char e[TOKENMSG_MAX], st[160];

	if (status == 429) {
		snprintf(out, n, "too many requests to registry");
	} else if (status == 401) {
		tokenmsg_cimage_error(e, sizeof(e), status, reason, ch, body, len);
		snprintf(out, n, "unable to retrieve auth token: invalid username/password: %s", e);
	} else {
		status_text(st, sizeof(st), status, reason);
		snprintf(out, n, "%s: received unexpected HTTP status: %s",
			 post ? "Trying to obtain access token" : "Requesting bearer token", st);
	}
}

void tokenmsg_cimage_ping(char *out, size_t n, const char *host, const char *url,
			  const char *transport_error, long status, const char *reason,
			  const struct wwwauth_set *ch, const char *body, size_t len)
{
	char e[TOKENMSG_MAX];

	if (transport_error)
		snprintf(out, n, "pinging container registry %s: Get \"%s\": %s", host, url,
			 transport_error);
	else {
		tokenmsg_cimage_error(e, sizeof(e), status, reason, ch, body, len);
		snprintf(out, n, "pinging container registry %s: %s", host, e);
	}
}

void tokenmsg_push_denied(char *out, size_t n, int cimage, const char *repo, const char *host,
			  const char *registry_error)
{
	if (cimage)
		snprintf(out, n, "initiating layer upload to /v2/%s/blobs/uploads/ in %s: %s", repo,
			 host, registry_error && *registry_error ? registry_error
			 : "requested access to the resource is denied");
	else
		snprintf(out, n, "push access denied, repository does not exist or may require "
			 "authorization: server message: insufficient_scope: authorization failed");
}
