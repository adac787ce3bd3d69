/* tokenfetch.h — the token request and its response (facts §2.1–§2.4).
 *
 * The request: POST <realm> with the OAuth2 form, or GET <realm>?scope=…
 * &service=… with Basic (or anonymous), as the client builds it. The
 * response: on a status the client falls back on, the other method; on
 * another failure the client's message and the outcome; on success the
 * token decoded as the client decodes it (net/tokenresp.h), its facts
 * recorded (never the token: its fingerprint and decoded claims), and the
 * registry asked again with it (net/tokenauthorised.h takes that answer).
 * Part of the token flow (see net/tokenstate.h for the layout). */
#ifndef FIXKB_NET_TOKENFETCH_H
#define FIXKB_NET_TOKENFETCH_H

#include <jansson.h>

#include "net/tokenstate.h"

/* Sends the token request with method m (f->realm, f->service and
 * f->scope_list set by the challenge). */
void tokenfetch_start(struct tf_flow *f, enum tokenclient_method m);

/* Takes the token response r; step is its evidence object (borrowed),
 * which gets a "token_result". */
void tokenfetch_on_response(struct tf_flow *f, struct http_req *r, json_t *step);

#endif
