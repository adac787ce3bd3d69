/* tokenauthorised.h — the registry asked again, with the credential: the
 * manifest (docker login: /v2/) with the token, or with Basic.
 *
 * 2xx: granted. 401 with Basic: the credential is refused. 401 with
 * error=insufficient_scope for scopes the token did not cover: BuildKit
 * merges them and fetches a token once more. 401/403 otherwise: an
 * expired stored token, a registry that rejects its own issuer's token
 * (error=invalid_token), or a token without access (scope denied; for
 * anonymous, no credentials). 404: not found. 429: rate limited. A
 * redirect that dropped the credential is reported. Part of the token
 * flow (see net/tokenstate.h). */
#ifndef FIXKB_NET_TOKENAUTHORISED_H
#define FIXKB_NET_TOKENAUTHORISED_H

#include "net/tokenstate.h"

/* Takes the response r to the request in TF_ST_AUTH_HEAD or _AUTH_GET. */
void tokenauthorised_on_response(struct tf_flow *f, struct http_req *r);
/* Takes the response r to docker login's GET /v2/ with Basic
 * (TF_ST_LOGIN_BASIC). */
void tokenauthorised_on_login(struct tf_flow *f, struct http_req *r);

#endif
