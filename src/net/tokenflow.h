/* tokenflow.h — the registry token flows, as each client runs them.
 *
 * Facts §1–§3. A flow is a state machine whose requests go through a
 * transport (struct tf_transport: libcurl in the probe, a scripted one in
 * the unit tests), so any number run concurrently under one deadline:
 *
 *  - TOKENCLIENT_BUILDKIT (default; the buildx/buildctl client fetches the
 *    token): HEAD /v2/<name>/manifests/<ref> (GET on 405), take the 401's
 *    challenge; Bearer: POST the OAuth2 form (client_id=buildkit-client),
 *    GET with Basic on 401/404/405-with-username; Basic: send Basic;
 *    then the manifest again with the credential.
 *  - TOKENCLIENT_CONTAINERD: the same with client_id=containerd-client and
 *    GET fallback on 400 too.
 *  - TOKENCLIENT_BUILDKIT_DAEMON (BUILDKIT_NO_CLIENT_TOKEN=1, old clients):
 *    GET first, POST on 401/404/405-with-username.
 *  - TOKENCLIENT_DOCKER_LOGIN: GET /v2/, then the realm with Basic and
 *    account=&client_id=docker&offline_token=true, no scope (or POST
 *    grant_type=refresh_token for an identity token).
 * Without a secret every client fetches an anonymous token (GET, no
 * Basic). Every request is recorded as a step (net/tokenstep.h) with the
 * credential shown only as "Basic alice:sha256:…" and response bodies
 * redacted. The per-client tables are net/tokenclient.h, the clients'
 * messages net/tokenmsg.h.
 *
 * A flow ends with an outcome (enum tf_outcome) and facts: a summary,
 * the message the client prints, the challenge, the steps and warnings.
 * What an outcome means for the user (a probe status, a cause code,
 * remediation), and whether to try anonymously too, is the probe's
 * business (checks/token_endpoint.c). The flow's state and its steps'
 * modules are described in net/tokenstate.h. */
#ifndef FIXKB_NET_TOKENFLOW_H
#define FIXKB_NET_TOKENFLOW_H

#include <jansson.h>

#include "net/http.h"
#include "net/tokenstate.h"

/* "ok", "token_rejected", "rate_limited", ... (the flow JSON's "outcome"). */
const char *tf_outcome_name(enum tf_outcome o);

/* The real transport: libcurl through hc (borrowed; the caller runs
 * http_client_run, which runs the flows' callbacks). */
void tf_transport_http(struct tf_transport *t, struct http_client *hc);

/* Starts f (zeroed by this call) on transport t (borrowed; cfg copied,
 * its cred and trust borrowed for the flow's life); on_finish (may be
 * NULL) runs when it ends, from the transport's loop. Returns -1 only on
 * OOM (release f all the same). */
int tf_flow_start(struct tf_flow *f, struct tf_transport *t, const struct tf_config *cfg,
		  void (*on_finish)(struct tf_flow *, void *), void *arg);
/* Marks an unfinished flow as timed out (after the transport's loop
 * returned): TF_NETWORK. */
void tf_flow_settle(struct tf_flow *f);
/* Frees the request (wiped), the token, the steps and warnings. NULL-safe. */
void tf_flow_release(struct tf_flow *f);
/* The flow as evidence: client, anonymous, scheme, outcome, summary,
 * message (and BuildKit >= v0.24's when it differs), realm, service,
 * scopes, challenge scheme, steps, warnings. A new object. */
json_t *tf_flow_json(const struct tf_flow *f);

#endif
