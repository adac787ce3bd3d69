/* token_endpoint.h — the token_endpoint probe's check, for the unit tests
 * that run it on a scripted transport (tests/unit/t-tokencases.c). The
 * probe itself is probe_token_endpoint (checks/checks.h).
 *
 * The check runs the client's token flow (net/tokenflow.h) with the
 * credential; when that fails on the credential (the token endpoint or
 * the registry refused it, or it expired), it runs the same flow
 * anonymously on the same transport and scheme: if that works, the stored
 * credential is what breaks a public pull. The verdict turns both into a
 * probe status, a cause code (DESIGN.md §4), a detail with what to do,
 * and evidence. */
#ifndef FIXKB_CHECKS_TOKEN_ENDPOINT_H
#define FIXKB_CHECKS_TOKEN_ENDPOINT_H

#include <jansson.h>
#include <stddef.h>

#include "checks/checks.h"
#include "net/tokenflow.h"

struct token_endpoint_check {
	struct tf_config cfg;
	struct tf_flow main;
	struct tf_flow anon;           /* valid when anon_started */
	int anon_started;
	struct tf_transport *transport;   /* borrowed */
};

/* Starts the credentialed flow on t (cfg copied; its cred and trust
 * borrowed until release). Returns -1 on OOM (release k all the same). */
int token_endpoint_check_start(struct token_endpoint_check *k, struct tf_transport *t,
			       const struct tf_config *cfg);
/* After the transport's loop: settles the flows and fills the status, the
 * cause code (codelen >= PROBE_CODE_MAX), the detail, and evidence (a JSON
 * object the flows' facts are added to). */
void token_endpoint_verdict(struct token_endpoint_check *k, enum probe_status *status,
			    char *code, size_t codelen, char *detail, size_t detaillen,
			    json_t *evidence);
void token_endpoint_check_release(struct token_endpoint_check *k);

#endif
