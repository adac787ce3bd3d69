/* resolve.h — credential helpers, DOCKER_AUTH_CONFIG and which stored
 * credential each client sends.
 *
 * Helpers: every helper named by credsStore, credHelpers (docker's
 * config.json and the containers auth files) or docker's auto-selected
 * store is checked: a name docker cannot run or a program not on PATH is
 * helper-missing. For the invoking user each is then asked, exactly as
 * docker asks it (src/docker/credhelper.c: `get`, the server key on stdin,
 * scrubbed environment, deadline), for every registry it covers (credsStore:
 * every registry any store names, and Docker Hub); a failure is
 * helper-failed, an answer goes into the inventory. Other users' helpers
 * are never run (their keyrings and pass stores are theirs).
 *
 * Plans: which store each consumer reads for each registry. For the
 * invoking user this is src/docker/credplan.c itself. For other users
 * credplan cannot be used (it reads $HOME and the environment, and follows
 * symlinks), so resolve_plans applies the same precedence to the files
 * stores.c read through safefs: docker DOCKER_AUTH_CONFIG > credHelpers >
 * credsStore > auths; containers/image the auth file chain, credHelpers
 * then auths in each file. (A credplan that takes loaded files would let
 * this go; see the closing note.) */
#ifndef FIXKB_AUDIT_RESOLVE_H
#define FIXKB_AUDIT_RESOLVE_H

#include "audit/inventory.h"
#include "audit/report.h"
#include "audit/stores.h"
#include "util/settings.h"

#define RESOLVE_HELPER_DEADLINE_MS 5000
#define RESOLVE_JOBS_MAX 256

enum job_outcome { JOB_NOT_RUN, JOB_FOUND, JOB_NOT_FOUND, JOB_FAILED };

struct helper_job {
	char helper[128];
	char key[512];             /* the server key docker passes */
	char registry[256];
	int file;                  /* index in home_stores of the config naming it */
	int line;
	const char *why;           /* "credsStore", "credHelpers", "auto-selected store" */
	enum job_outcome outcome;
};

struct resolver {
	const struct settings *s;
	struct audit_report *r;
	struct home_stores *hs;
	struct inventory *inv;
	double deadline_ms;
	long long now;
	struct helper_job jobs[RESOLVE_JOBS_MAX];
	size_t njobs;
	json_t *registries;        /* every registry named anywhere (array of strings) */
};

/* Helpers and DOCKER_AUTH_CONFIG (see above). Returns -1 on OOM. */
int resolve_helpers(struct resolver *rv);
/* Marks each inventory entry with the consumers that send it and records
 * the helper plans. Returns -1 on OOM. */
int resolve_plans(struct resolver *rv);
void resolve_release(struct resolver *rv);

#endif
