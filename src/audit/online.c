#include "audit/online.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker/daemoncfg.h"
#include "net/http.h"
#include "net/trust.h"
#include "net/tokenflow.h"
#include "util/clock.h"

struct online_item {
	struct inv_cred *c;          /* the first entry holding this credential */
	const char *user;
	struct trust trust;
	struct tf_flow flow;
	int started;
};

/* 1 when an earlier entry holds the same registry and secret. */
static int seen_before(struct online_set *sets, size_t si, size_t ci)
{
	size_t s, i;

	for (s = 0; s <= si; s++)
		for (i = 0; i < (s == si ? ci : sets[s].inv->n); i++)
			if (strcmp(sets[s].inv->v[i].registry, sets[si].inv->v[ci].registry) == 0 &&
			    strcmp(sets[s].inv->v[i].digest, sets[si].inv->v[ci].digest) == 0)
				return 1;
	return 0;
}

/* An entry holding a credential checked under another entry shares its
 * outcome. */
static void copy_outcome(struct online_set *sets, size_t nsets, struct inv_cred *c)
{
	size_t s, i;

	for (s = 0; s < nsets && !c->online[0]; s++)
		for (i = 0; i < sets[s].inv->n && !c->online[0]; i++) {
			const struct inv_cred *o = &sets[s].inv->v[i];

			if (o != c && o->online[0] && strcmp(o->registry, c->registry) == 0 &&
			    strcmp(o->digest, c->digest) == 0)
				snprintf(c->online, sizeof(c->online), "%s", o->online);
		}
}

static void start_one(struct online_item *it, struct tf_transport *tr, const struct settings *s,
		      double deadline_ms)
{
	struct tf_config cfg;
	struct err e = ERR_INIT;
	char file[512];
	int i;

	memset(&cfg, 0, sizeof(cfg));
	cfg.client = TOKENCLIENT_DOCKER_LOGIN;
	snprintf(cfg.registry, sizeof(cfg.registry), "%s", it->c->registry);
	cfg.cred = &it->c->cred;
	if (trust_load(&it->trust, s, it->c->registry, &e) < 0)
		return;
	cfg.trust = &it->trust;
	cfg.insecure_declared = daemoncfg_declares_insecure(it->c->registry, file, sizeof(file));
	for (i = 0; i < s->insecure_registries.n && !cfg.insecure_declared; i++)
		cfg.insecure_declared = daemoncfg_insecure_entry_matches(s->insecure_registries.items[i],
								    it->c->registry);
	cfg.deadline_ms = deadline_ms;
	it->started = 1;   /* released either way */
	if (tf_flow_start(&it->flow, tr, &cfg, NULL, NULL) < 0)
		it->flow.outcome = TF_INTERNAL;
}

static int conclude(struct audit_report *r, struct online_item *it)
{
	struct inv_cred *c = it->c;
	char subject[800];
	struct audit_loc loc;
	const struct tf_flow *f = &it->flow;

	if (!it->started) {
		snprintf(c->online, sizeof(c->online), "unknown");
		audit_note(r, NULL, "--online: %s could not be checked (no memory or no trust store)",
			   c->registry);
		return 0;
	}
	tf_flow_settle(&it->flow);
	inventory_cred_loc(&loc, c, it->user, subject, sizeof(subject));
	switch (f->outcome) {
	case TF_OK:
	case TF_NO_AUTH_NEEDED:
		snprintf(c->online, sizeof(c->online), "valid");
		return 0;
	case TF_TOKEN_REJECTED:
		snprintf(c->online, sizeof(c->online), "rejected");
		return audit_add(r, RULE_CREDENTIAL_REJECTED, &loc, NULL,
				 "%s rejects the credential in %s (%s%s%s): %s", c->registry,
				 c->display, c->username,
				 c->username[0] ? ", " : "", c->fp, f->summary);
	case TF_EXPIRED:
		snprintf(c->online, sizeof(c->online), "expired");
		snprintf(subject + strlen(subject), sizeof(subject) - strlen(subject), " (online)");
		return audit_add(r, RULE_EXPIRED_TOKEN, &loc, NULL,
				 "%s: the registry says the %s in %s has expired or was revoked (%s): %s",
				 c->registry, secret_kind_name(c->kind), c->display, c->fp, f->summary);
	default:
		snprintf(c->online, sizeof(c->online), "unknown");
		audit_note(r, NULL, "--online: %s could not tell whether the credential in %s is valid "
			   "(%s): %s", c->registry, c->display, tf_outcome_name(f->outcome), f->summary);
		return 0;
	}
}

/* One window of at most ONLINE_PARALLEL checks, run to completion. */
static int run_window(struct audit_report *r, struct online_item *items, size_t n,
		      const struct settings *s, double deadline_ms)
{
	struct http_client hc;
	struct tf_transport tr;
	struct err e = ERR_INIT;
	size_t i;
	int rc = 0;

	if (http_client_init(&hc, s, &e) < 0) {
		audit_note(r, NULL, "--online: %s", e.msg);
		return 0;
	}
	tf_transport_http(&tr, &hc);
	for (i = 0; i < n; i++)
		start_one(&items[i], &tr, s, deadline_ms);
	http_client_run(&hc, deadline_ms);
	for (i = 0; i < n; i++) {
		if (rc == 0 && conclude(r, &items[i]) < 0)
			rc = -1;
		if (items[i].started)
			tf_flow_release(&items[i].flow);
		trust_release(&items[i].trust);
	}
	http_client_release(&hc);
	return rc;
}

int online_check(struct audit_report *r, struct online_set *sets, size_t nsets,
		 const struct settings *s, double deadline_ms)
{
	struct online_item *items;
	size_t si, ci, n = 0;
	int rc = 0;

	items = calloc(ONLINE_PARALLEL, sizeof(*items));
	if (!items)
		return -1;
	for (si = 0; si < nsets && rc == 0; si++) {
		for (ci = 0; ci < sets[si].inv->n && rc == 0; ci++) {
			if (seen_before(sets, si, ci))
				continue;
			memset(&items[n], 0, sizeof(items[n]));
			items[n].c = &sets[si].inv->v[ci];
			items[n].user = sets[si].user;
			if (++n == ONLINE_PARALLEL) {
				rc = run_window(r, items, n, s, deadline_ms);
				n = 0;
			}
		}
	}
	if (rc == 0 && n)
		rc = run_window(r, items, n, s, deadline_ms);
	for (si = 0; si < nsets; si++)
		for (ci = 0; ci < sets[si].inv->n; ci++)
			copy_outcome(sets, nsets, &sets[si].inv->v[ci]);
	free(items);
	return rc;
}
