#include "audit/audit.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/homes.h"
#include "audit/inventory.h"
#include "audit/online.h"
#include "audit/report.h"
#include "audit/resolve.h"
#include "audit/shellrc.h"
#include "audit/stores.h"
#include "audit/walk.h"
#include "util/clock.h"

struct home_run {
	struct audit_home *home;
	struct home_stores hs;
	struct inventory inv;
	int loaded;
};

struct run {
	const struct audit_opts *o;
	const struct settings *s;
	struct audit_report r;
	struct audit_home *homes;
	size_t nhomes;
	struct home_run *hr;
	double deadline_ms;
	long long now;
};

static int pick_homes(struct run *x, struct err *e)
{
	char skipped[4096];
	size_t i;

	if (!x->o->all_users) {
		x->homes = calloc(1, sizeof(*x->homes));
		if (!x->homes)
			return err_set(e, "out of memory");
		x->nhomes = 1;
		return homes_current(x->homes, e);
	}
	if (geteuid() != 0)
		return err_set(e, "--all-users reads every user's files: run it as root");
	if (homes_all(&x->homes, &x->nhomes, skipped, sizeof(skipped), e) < 0)
		return -1;
	if (skipped[0])
		audit_note(&x->r, NULL, "homes not audited: %s", skipped);
	for (i = 0; i < x->nhomes; i++)
		if (!x->homes[i].current)
			audit_note(&x->r, x->homes[i].home, "%s: credential helpers are not run for "
				   "another user (their keyring or pass store is theirs); only their "
				   "files are read", x->homes[i].user);
	return 0;
}

static int audit_home(struct run *x, struct home_run *h, struct err *e)
{
	struct resolver *rv;
	int rc = -1;

	h->inv = (struct inventory)INVENTORY_INIT;
	h->inv.keep_secrets = x->o->online;
	json_array_append_new(x->r.users, json_pack("{s:s, s:s, s:b}", "user", h->home->user,
						     "home", h->home->home, "current",
						     h->home->current));
	if (stores_load(&h->hs, h->home, x->s, &x->r, e) < 0)
		return -1;
	h->loaded = 1;
	if (stores_check(&h->hs, &h->inv, &x->r, x->now) < 0)
		return err_set(e, "out of memory");
	rv = calloc(1, sizeof(*rv));
	if (!rv)
		return err_set(e, "out of memory");
	rv->s = x->s;
	rv->r = &x->r;
	rv->hs = &h->hs;
	rv->inv = &h->inv;
	rv->deadline_ms = x->deadline_ms;
	rv->now = x->now;
	if (resolve_helpers(rv) < 0 || resolve_plans(rv) < 0 ||
	    inventory_findings(&x->r, &h->inv, h->home->user) < 0 ||
	    shellrc_scan_home(&x->r, h->home) < 0)
		err_set(e, "out of memory");
	else
		rc = 0;
	resolve_release(rv);
	free(rv);
	return rc;
}

static int walk_one(struct run *x, const char *root, const char *confine,
		    const struct audit_home *home)
{
	struct walk_opts wo = { root, confine, home, x->deadline_ms };

	json_array_append_new(x->r.contexts, json_string(root));
	return walk_tree(&x->r, &wo);
}

static const struct audit_home *current_home(const struct run *x)
{
	size_t i;

	for (i = 0; i < x->nhomes; i++)
		if (x->homes[i].current)
			return &x->homes[i];
	return &x->homes[0];
}

/* --context DIRs (default "." unless --all-users), then every home with
 * --all-users. A --context that is no directory is a usage error. */
static int walk_all(struct run *x, struct err *e)
{
	const struct strlist *c = x->o->contexts;
	char real[PATH_MAX];
	struct stat st;
	size_t i;
	int k;

	for (k = 0; c && k < c->n; k++) {
		if (!realpath(c->items[k], real) || stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
			return err_set(e, "--context '%s' is not a directory", c->items[k]);
		if (walk_one(x, real, "/", current_home(x)) < 0)
			return err_set(e, "out of memory");
	}
	if ((!c || c->n == 0) && !x->o->all_users) {
		if (!realpath(".", real))
			return err_set(e, "cannot resolve the current directory");
		if (walk_one(x, real, "/", current_home(x)) < 0)
			return err_set(e, "out of memory");
	}
	for (i = 0; x->o->all_users && i < x->nhomes; i++)
		if (walk_one(x, x->homes[i].home, x->homes[i].home, &x->homes[i]) < 0)
			return err_set(e, "out of memory");
	return 0;
}

static int online_all(struct run *x)
{
	struct online_set *sets = calloc(x->nhomes ? x->nhomes : 1, sizeof(*sets));
	size_t i;
	int rc;

	if (!sets)
		return -1;
	for (i = 0; i < x->nhomes; i++) {
		sets[i].inv = &x->hr[i].inv;
		sets[i].user = x->homes[i].user;
	}
	rc = online_check(&x->r, sets, x->nhomes, x->s, x->deadline_ms);
	free(sets);
	return rc;
}

static void add_inventories(struct run *x)
{
	size_t i, j;

	for (i = 0; i < x->nhomes; i++)
		for (j = 0; j < x->hr[i].inv.n; j++)
			json_array_append_new(x->r.credentials,
					      inventory_cred_json(&x->hr[i].inv.v[j], x->homes[i].user));
}

static void run_release(struct run *x)
{
	size_t i;

	for (i = 0; x->hr && i < x->nhomes; i++) {
		if (x->hr[i].loaded)
			stores_release(&x->hr[i].hs);
		inventory_release(&x->hr[i].inv);
	}
	free(x->hr);
	free(x->homes);
	audit_report_release(&x->r);
}

int audit_run(json_t **doc, int *failed, const struct audit_opts *o, const struct settings *s,
	      struct err *e)
{
	struct run x;
	size_t i;
	int rc = -1;

	memset(&x, 0, sizeof(x));
	*doc = NULL;
	*failed = 0;
	x.o = o;
	x.s = s;
	x.deadline_ms = clock_now_ms() + s->timeout_s * 1000.0;
	x.now = (long long)time(NULL);
	if (audit_report_init(&x.r, e) < 0)
		return -1;
	if (o->baseline && audit_report_load_baseline(&x.r, o->baseline, e) < 0)
		goto cleanup;
	if (pick_homes(&x, e) < 0)
		goto cleanup;
	x.hr = calloc(x.nhomes ? x.nhomes : 1, sizeof(*x.hr));
	if (!x.hr) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < x.nhomes; i++) {
		x.hr[i].home = &x.homes[i];
		if (audit_home(&x, &x.hr[i], e) < 0)
			goto cleanup;
	}
	if (walk_all(&x, e) < 0)
		goto cleanup;
	if (o->online && online_all(&x) < 0) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	add_inventories(&x);
	*doc = audit_report_json(&x.r, o->fail_on, o->all_users, o->online);
	*failed = audit_report_failed(&x.r, o->fail_on);
	rc = *doc ? 0 : err_set(e, "out of memory");
cleanup:
	run_release(&x);
	return rc;
}
