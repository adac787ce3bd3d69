/* audit.h — `fixkb audit`: the registry-credential hygiene of a machine.
 *
 * One run: for each home in scope (homes.h), its stores (stores.h),
 * helpers and clients' plans (resolve.h), the inventory's rules
 * (inventory.h) and its shell start-up files (shellrc.h); then the build
 * contexts under each --context DIR (default "."; with --all-users, every
 * home instead) (walk.h); with --online, every stored credential at its
 * registry (online.h). Nothing is written anywhere. The result is the
 * JSON report of report.h; renderers take it from there. */
#ifndef FIXKB_AUDIT_AUDIT_H
#define FIXKB_AUDIT_AUDIT_H

#include <jansson.h>

#include "audit/rules.h"
#include "util/err.h"
#include "util/settings.h"
#include "util/strlist.h"

struct audit_opts {
	const struct strlist *contexts;   /* --context DIR... (may be empty) */
	int all_users;
	int online;
	const char *baseline;             /* --baseline FILE, or NULL */
	enum audit_severity fail_on;
};

/* Runs the audit. *doc gets the report (caller's reference), *failed
 * whether a finding reached fail_on. Returns 0, or -1 with e set when the
 * run cannot start: --all-users without root, a --context that is not a
 * directory, an unreadable --baseline (exit 2). */
int audit_run(json_t **doc, int *failed, const struct audit_opts *o, const struct settings *s,
	      struct err *e);

#endif
