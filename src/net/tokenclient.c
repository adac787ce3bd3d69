#include "net/tokenclient.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {
	[TOKENCLIENT_BUILDKIT] = "buildkit",
	[TOKENCLIENT_BUILDKIT_DAEMON] = "buildkit-daemon",
	[TOKENCLIENT_CONTAINERD] = "containerd",
	[TOKENCLIENT_DOCKER_LOGIN] = "docker-login",
	[TOKENCLIENT_PODMAN] = "podman",
};

const char *tokenclient_name(enum tokenclient c)
{
	if ((size_t)c < sizeof(names) / sizeof(names[0]))
		return names[c];
	return "buildkit";
}

int tokenclient_from_name(const char *name, enum tokenclient *c)
{
	size_t i;

	for (i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], name) == 0) {
			*c = (enum tokenclient)i;
			return 0;
		}
	return -1;
}

const char *tokenclient_id(enum tokenclient c)
{
	switch (c) {
	case TOKENCLIENT_BUILDKIT:
	case TOKENCLIENT_BUILDKIT_DAEMON: return "buildkit-client";
	case TOKENCLIENT_CONTAINERD: return "containerd-client";
	case TOKENCLIENT_DOCKER_LOGIN: return "docker";
	case TOKENCLIENT_PODMAN: return "containers/image";
	}
	return "buildkit-client";
}

enum tokenclient_method tokenclient_first_method(enum tokenclient c, int has_secret)
{
	if (!has_secret)
		return TOKENCLIENT_GET;
	switch (c) {
	case TOKENCLIENT_BUILDKIT:
	case TOKENCLIENT_CONTAINERD:
		return TOKENCLIENT_POST;
	case TOKENCLIENT_BUILDKIT_DAEMON:
	case TOKENCLIENT_DOCKER_LOGIN:
	case TOKENCLIENT_PODMAN:
		return TOKENCLIENT_GET;
	}
	return TOKENCLIENT_POST;
}

enum tokenclient_method tokenclient_fallback(enum tokenclient c, enum tokenclient_method failed,
					     long status, int has_username)
{
	int common = status == 401 || status == 404 || (status == 405 && has_username);

	switch (c) {
	case TOKENCLIENT_BUILDKIT:
		return failed == TOKENCLIENT_POST && common ? TOKENCLIENT_GET : TOKENCLIENT_NONE;
	case TOKENCLIENT_CONTAINERD:
		return failed == TOKENCLIENT_POST && (common || status == 400) ? TOKENCLIENT_GET
									   : TOKENCLIENT_NONE;
	case TOKENCLIENT_BUILDKIT_DAEMON:
		return failed == TOKENCLIENT_GET && common ? TOKENCLIENT_POST : TOKENCLIENT_NONE;
	case TOKENCLIENT_DOCKER_LOGIN:
	case TOKENCLIENT_PODMAN:
		return TOKENCLIENT_NONE;
	}
	return TOKENCLIENT_NONE;
}

static int cmp_scope(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

size_t tokenclient_scopes(enum tokenclient c, const char *context_scope, char *const *challenge,
			  size_t nchallenge, char out[][SCOPE_MAX], size_t max)
{
	struct scope_set set = SCOPE_SET_INIT;
	size_t i, n = 0, k;

	if (c == TOKENCLIENT_DOCKER_LOGIN)
		return 0;
	/* c/image: its own scope only (docker_client.go setupRequestAuth:
	 * c.scope, plus an extra scope after insufficient_scope); the
	 * challenge comes from the /v2/ ping and names none. */
	if (c == TOKENCLIENT_PODMAN) {
		if (context_scope && *context_scope && max)
			snprintf(out[n++], SCOPE_MAX, "%s", context_scope);
		return n;
	}
	if (c == TOKENCLIENT_CONTAINERD) {
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
