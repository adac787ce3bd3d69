/* credential.h — a credential as a consumer would send it.
 * The username is not a secret (it is shown); everything else is. */
#ifndef FIXKB_DOCKER_CREDENTIAL_H
#define FIXKB_DOCKER_CREDENTIAL_H

#include "util/sensitive.h"

#define CREDENTIAL_USER_MAX 256

struct credential {
	char username[CREDENTIAL_USER_MAX];   /* "" when absent; "<token>" is mapped to identity_token */
	struct sensitive secret;              /* password, or the identity (refresh) token */
	int identity_token;                   /* secret is an identity/refresh token */
	struct sensitive registry_token;      /* auths.registrytoken: sent as Bearer as-is */
};

#define CREDENTIAL_INIT { "", SENSITIVE_INIT, 0, SENSITIVE_INIT }

static inline int credential_is_empty(const struct credential *c)
{
	return c->username[0] == '\0' && sensitive_is_empty(&c->secret) &&
	       sensitive_is_empty(&c->registry_token);
}

static inline void credential_release(struct credential *c)
{
	c->username[0] = '\0';
	sensitive_release(&c->secret);
	sensitive_release(&c->registry_token);
	c->identity_token = 0;
}

#endif
