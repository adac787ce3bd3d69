/* online.h — `fixkb audit --online`: each stored credential checked at
 * its registry's token endpoint, the way docker login checks it
 * (src/net/tokenflow.c, TOKENCLIENT_DOCKER_LOGIN: GET /v2/, then the realm
 * with Basic, or a refresh-token POST for an identity token; no scope, so
 * valid means "the registry accepts it", not "it may pull everything").
 *
 * Concurrent and bounded: at most ONLINE_PARALLEL checks in flight on one
 * libcurl multi handle, all under the run's deadline; each distinct
 * (registry, credential) is checked once even when several stores hold
 * it. TLS is verified, credentials go over plain http only to loopback or
 * a registry declared insecure (http.h). Outcomes: valid, rejected
 * (credential-rejected), expired (expired-token), unknown (noted with
 * the flow's summary: network, TLS, outage). */
#ifndef FIXKB_AUDIT_ONLINE_H
#define FIXKB_AUDIT_ONLINE_H

#include <stddef.h>

#include "audit/inventory.h"
#include "audit/report.h"
#include "util/settings.h"

#define ONLINE_PARALLEL 8

struct online_set {
	struct inventory *inv;     /* a home's inventory (kept secrets) */
	const char *user;
};

/* Checks every credential of every set; writes each entry's `online`
 * and adds the findings. Returns -1 on OOM. */
int online_check(struct audit_report *r, struct online_set *sets, size_t nsets,
		 const struct settings *s, double deadline_ms);

#endif
