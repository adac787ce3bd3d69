/* tokenmsg.h — the exact messages the clients print when a token flow
 * fails, so fixkb's evidence quotes what the user sees in the build log.
 *
 * Every function is pure: it formats into out[0..n) (always
 * NUL-terminated, cut to fit) and never sees a secret (bodies passed in
 * are error bodies, not token responses). Each one names the upstream
 * file and function its format comes from; the versions are those of
 * docs/registry-auth-facts.md (containerd 301026e, BuildKit 73ed682,
 * docker/cli 28f7560). */
#ifndef FIXKB_NET_TOKENMSG_H
#define FIXKB_NET_TOKENMSG_H

#include <stddef.h>

#include "net/wwwauth.h"

#define TOKENMSG_MAX 1536

/* containerd core/remotes/docker/auth/fetch.go ErrNoToken. */
#define TOKENMSG_NO_TOKEN "authorization server did not include a token in the response"
/* containerd core/remotes/docker/auth/fetch.go GenerateTokenOptions. */
#define TOKENMSG_NO_REALM "no realm specified for token auth challenge"

/* A token request answered with a status the client does not fall back
 * on: "failed to fetch oauth token: unexpected status from GET request to
 * URL: 401 Unauthorized" ("anonymous" without a secret). url is the
 * request URL with its query; reason "" uses the standard phrase (HTTP/2
 * has none). containerd core/remotes/errors/errors.go
 * ErrUnexpectedStatus.Error, wrapped by core/remotes/docker/authorizer.go
 * doBearerAuth and BuildKit session/auth/authprovider/authprovider.go
 * FetchToken. A 429 is worded the same: neither client special-cases it
 * on the token request (containerd's retry on 429, resolver.go
 * retryRequest, is for registry requests, not the token fetch). */
void tokenmsg_fetch(char *out, size_t n, int anonymous, const char *method, const char *url,
		    long status, const char *reason);

/* BuildKit >= v0.24 (util/errutil/errutil.go WithDetails, d84b119),
 * credentialed errors only. Registry-error JSON ({"errors":[…]}) becomes
 * "failed to fetch oauth token: <code>[: <message>][ - <detail>]" in
 * containerd's words (core/remotes/docker/errcode.go: "<code lower,
 * _ -> space>", only the code when the message is the code's default and
 * there is no detail; a code containerd does not register is "unknown").
 * Otherwise the classic message, then ": " and the body's "details" string
 * ({"details": "…"}) or the body itself, cut at 256 bytes with "... (N
 * bytes truncated)". Line breaks become spaces. Anonymous: the same as
 * tokenmsg_fetch. */
void tokenmsg_fetch_v024(char *out, size_t n, int anonymous, const char *method,
			 const char *url, long status, const char *reason,
			 const char *body, size_t len);

/* "denied: denied" from {"errors":[{"code":"DENIED","message":"denied"}]}
 * (only the code when the message is its default). -1 when body is not
 * registry-error JSON. */
int tokenmsg_registry_error(char *out, size_t n, const char *body, size_t len);

/* docker login's error when its token request fails, as the daemon wraps
 * it around the /v2/ request: `Get "<ping>": unauthorized: <details>` for
 * a 401; registry-error JSON as tokenmsg_registry_error; for a 429
 * `Get "<ping>": toomanyrequests: <details or body>`; else
 * `Get "<ping>": unexpected status <status> <reason>`. docker/cli
 * vendor/github.com/docker/distribution/registry/client/auth/session.go
 * fetchTokenWithBasicAuth -> registry/client/errors.go
 * HandleErrorResponse, parseHTTPErrorResponse, makeError. */
void tokenmsg_login(char *out, size_t n, const char *ping_url, long status, const char *reason,
		    const char *body, size_t len);

/* "unable to decode token response: <why>" (containerd fetch.go
 * FetchToken / FetchTokenWithOAuth). */
void tokenmsg_undecodable(char *out, size_t n, const char *why);
/* The same for an issued_at that is not RFC 3339 (Go's time.Time
 * UnmarshalJSON fails the whole decode). */
void tokenmsg_bad_issued_at(char *out, size_t n, const char *issued_at);
/* "invalid token auth challenge realm: <realm>" (containerd fetch.go
 * GenerateTokenOptions). */
void tokenmsg_bad_realm(char *out, size_t n, const char *realm);

/* A Basic challenge and no username+secret: containerd
 * core/remotes/docker/authorizer.go AddResponses ("authorization failed:
 * no basic auth credentials"); BuildKit util/resolver/authorizer.go
 * AddResponses ("failed to find supported auth scheme: not implemented").
 * A static string. */
const char *tokenmsg_basic_missing(int containerd);

/* The resolver's message when the registry refuses the token:
 * "pull access denied, repository does not exist or may require
 * authorization: server message: <error>: authorization failed"
 * (containerd core/remotes/docker/resolver.go Resolve, authorizer.go
 * invalidAuthorization). error "" is insufficient_scope. */
void tokenmsg_pull_denied(char *out, size_t n, const char *error);

/* The registry refused Basic credentials. docker login: "login attempt
 * to <url> failed with status: 401 Unauthorized" (docker/cli
 * internal/registry/auth.go loginV2); a pull: "pulling from host <host>
 * failed with status code [manifests <ref>]: 401 Unauthorized" (containerd
 * < 1.7 remotes/docker/resolver.go Resolve, replaced by
 * ErrUnexpectedStatus in b90c466). */
void tokenmsg_basic_refused(char *out, size_t n, int login, const char *url, const char *host,
			    const char *ref, long status, const char *reason);

/* ---- containers/image (podman, buildah, skopeo), c/image df7e80d ---- */

/* The text of a registry error response as c/image words it
 * (docker/errors.go registryHTTPResponseToError over
 * docker/distribution_error.go handleErrorResponse): a 401's Bearer
 * error=invalid_token / insufficient_scope first ("authentication
 * required", "requested access to the resource is denied", or
 * "<code>: <error_description>"); then a {"details": "…"} body
 * ("unauthorized: …" for a 401); then the first of {"errors":[…]}
 * (only the message when it is its code's default); a 401 without either
 * is "authentication required", another 4xx `StatusCode: 404, "<body,
 * 50 bytes>..."`; a status outside 4xx "received unexpected HTTP status:
 * 503 Service Unavailable". ch may be NULL. */
void tokenmsg_cimage_error(char *out, size_t n, long status, const char *reason,
			   const struct wwwauth_set *ch, const char *body, size_t len);

/* A token request that did not answer 200 (docker/errors.go
 * httpResponseToError): 401 "unable to retrieve auth token: invalid
 * username/password: <error>", 429 "too many requests to registry",
 * otherwise "Requesting bearer token: received unexpected HTTP status:
 * 403 Forbidden" (GET; docker_client.go getBearerToken) or "Trying to
 * obtain access token: …" (the POST of getBearerTokenOAuth2). */
void tokenmsg_cimage_token(char *out, size_t n, int post, long status, const char *reason,
			   const struct wwwauth_set *ch, const char *body, size_t len);

/* The /v2/ ping failed (docker_client.go detectPropertiesHelper):
 * "pinging container registry <host>: " then, for a transport error
 * (transport_error non-NULL, Go's words where fixkb knows them),
 * `Get "<url>": <error>`, or the response's error text. host is the
 * request host (registry-1.docker.io for Docker Hub). */
void tokenmsg_cimage_ping(char *out, size_t n, const char *host, const char *url,
			  const char *transport_error, long status, const char *reason,
			  const struct wwwauth_set *ch, const char *body, size_t len);

/* A push refused at its first write. BuildKit and containerd
 * (core/remotes/docker/pusher.go push, after the authorizer gave up on
 * insufficient_scope: BuildKit util/resolver/authorizer.go AddResponses,
 * invalidAuthorization): "push access denied, repository does not exist
 * or may require authorization: server message: insufficient_scope:
 * authorization failed". c/image (cimage = 1; docker_image_dest.go
 * PutBlob): "initiating layer upload to /v2/<repo>/blobs/uploads/ in
 * <host>: <registry_error>" ("requested access to the resource is
 * denied" when registry_error is NULL or ""). */
void tokenmsg_push_denied(char *out, size_t n, int cimage, const char *repo, const char *host,
			  const char *registry_error);

#endif
