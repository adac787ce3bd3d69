/* tokenpush.h — --push: may the credential push to the repository?
 *
 * A push asks its token for repository:<path>:pull,push (tokenprobe.c
 * sets that scope when cfg.push is set). Once the registry granted the
 * pull side (the manifest answered 2xx, or 404: a tag the push creates):
 *  - a token whose JWT access claim lists the repository decides it
 *    without another request: push granted, or TF_PUSH_DENIED (the
 *    registry authorises by that claim);
 *  - otherwise (an opaque token, Basic, no credential at all) the first
 *    write of a real push is sent: POST /v2/<repo>/blobs/uploads/ with the
 *    same credential. 2xx: push granted, and the upload it started is
 *    cancelled at once (DELETE <Location>; a registry that refuses the
 *    cancel keeps an empty upload session until it purges it, which the
 *    flow's warnings say). 401/403: TF_PUSH_DENIED (anonymous:
 *    TF_NO_CREDENTIALS); a 401 challenge before any credential was sent
 *    goes back to the challenge step (tokenflow.c asks
 *    tokenpush_wants_challenge).
 * Nothing is ever uploaded. Part of the token flow (net/tokenstate.h). */
#ifndef FIXKB_NET_TOKENPUSH_H
#define FIXKB_NET_TOKENPUSH_H

#include "net/tokenstate.h"

/* The pull side was granted (or the tag is new): check the push side. */
void tokenpush_start(struct tf_flow *f);

/* 1 when r (the answer to the upload POST) is a 401 challenge to a
 * request that carried no credential yet: the token step must run. */
int tokenpush_wants_challenge(const struct tf_flow *f, const struct http_req *r);

/* Takes the answer to TF_ST_PUSH (the upload POST) or TF_ST_PUSH_CANCEL. */
void tokenpush_on_response(struct tf_flow *f, struct http_req *r);

#endif
