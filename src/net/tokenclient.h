/* tokenclient.h — what each client does differently in the token flow,
 * as tables (facts §2.2–§2.4, §3): its name and OAuth2 client_id, the
 * first token request and the fallback after a failed one, and the
 * scopes it asks for. Pure functions; tokenflow.c runs them. */
#ifndef FIXKB_NET_TOKENCLIENT_H
#define FIXKB_NET_TOKENCLIENT_H

#include <stddef.h>

#include "net/scope.h"

enum tokenclient {
	TOKENCLIENT_BUILDKIT,          /* buildx/buildctl fetch the token (the default) */
	TOKENCLIENT_BUILDKIT_DAEMON,   /* BUILDKIT_NO_CLIENT_TOKEN=1, old clients */
	TOKENCLIENT_CONTAINERD,        /* nerdctl, Docker's containerd image store */
	TOKENCLIENT_DOCKER_LOGIN,      /* docker login: /v2/ and no scope */
	TOKENCLIENT_PODMAN,            /* containers/image: podman, buildah, skopeo */
};

enum tokenclient_method { TOKENCLIENT_NONE, TOKENCLIENT_GET, TOKENCLIENT_POST };

/* "buildkit", "buildkit-daemon", "containerd", "docker-login", "podman". */
const char *tokenclient_name(enum tokenclient c);
/* The inverse; -1 for an unknown name (then *c is untouched). */
int tokenclient_from_name(const char *name, enum tokenclient *c);
/* The OAuth2 client_id: "buildkit-client", "containerd-client", "docker",
 * "containers/image". */
const char *tokenclient_id(enum tokenclient c);

/* The first token request (GET without a secret: anonymous). */
enum tokenclient_method tokenclient_first_method(enum tokenclient c, int has_secret);
/* The request after `failed` answered status, or TOKENCLIENT_NONE:
 * BuildKit's client POST -> GET on 401, 404, 405-with-username
 * (session/auth/authprovider/authprovider.go FetchToken); containerd the
 * same plus 400 (core/remotes/docker/authorizer.go doBearerAuth); the
 * BuildKit daemon GET -> POST on the same three (util/resolver/
 * authorizer.go fetchToken); docker login and c/image none (c/image
 * docker_client.go setupRequestAuth: GET + Basic, or the refresh-token
 * POST, and no other). Never on 403, 429 or 5xx. */
enum tokenclient_method tokenclient_fallback(enum tokenclient c, enum tokenclient_method failed,
					     long status, int has_username);

/* The scopes a token request carries: containerd's are the context scope
 * and the challenge's, sorted and de-duplicated as strings; BuildKit's a
 * scope_set (actions merged per name, normalised); docker login's none;
 * c/image's only its own (the context scope).
 * Fills out (SCOPE_MAX each, at most max); returns how many. */
size_t tokenclient_scopes(enum tokenclient c, const char *context_scope, char *const *challenge,
			  size_t nchallenge, char out[][SCOPE_MAX], size_t max);

#endif
