/* tokenprobe.h — the first request of a token flow, without a
 * credential, and the challenge it brings back (facts §1).
 *
 * A pull HEADs the manifest (GET on 405); docker login GETs /v2/. A 2xx
 * needs no credential; a 401's WWW-Authenticate is ordered as containerd
 * orders it (Bearer > Digest > Basic). Basic: the request again with
 * Basic (or the client's "no basic auth credentials"). Bearer: realm and
 * service taken; a realm on another site, or plain http for an https
 * registry, is reported and gets no credential; the scopes are the
 * client's (net/tokenclient.h); then a stored registry token is sent as
 * it is, or the token is fetched (net/tokenfetch.h). A 404, 403 or 429
 * ends the flow. Part of the token flow (see net/tokenstate.h). */
#ifndef FIXKB_NET_TOKENPROBE_H
#define FIXKB_NET_TOKENPROBE_H

#include "net/tokenstate.h"

/* Takes the response r to the request in TF_ST_PROBE_HEAD, _PROBE_GET or
 * _PING. */
void tokenprobe_on_response(struct tf_flow *f, struct http_req *r);

#endif
