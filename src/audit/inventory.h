/* inventory.h — every credential one home stores, where, and who uses it.
 *
 * An entry is one stored credential: a registry, the store and key it is
 * under, the username (shown) and the secret's kind. The secret itself is
 * kept only as a SHA-256 digest of "username NUL secret" (to tell two
 * stores' credentials apart; never shown) and its sensitive_fingerprint()
 * (shown). With --online the credential is kept too, in `cred`, wiped on
 * release. used_by says which consumer sends it (credplan.h's consumers). */
#ifndef FIXKB_AUDIT_INVENTORY_H
#define FIXKB_AUDIT_INVENTORY_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>

#include "audit/report.h"
#include "audit/secretclass.h"
#include "docker/credential.h"
#include "docker/credplan.h"
#include "util/sensitive.h"

enum inv_store {
	STORE_DOCKER_CONFIG,   /* auths in docker's config.json */
	STORE_AUTHFILE,        /* auths in a containers auth file */
	STORE_LEGACY,          /* ~/.dockercfg */
	STORE_HELPER,          /* a credential helper's answer */
	STORE_ENV,             /* the DOCKER_AUTH_CONFIG variable */
};

struct inv_cred {
	char registry[256];               /* normalised ("docker.io" for Hub) */
	char key[512];                    /* the key it is stored under */
	enum inv_store store;
	char file[PATH_MAX];              /* the file ("" for helpers and the variable) */
	char display[PATH_MAX];           /* the file as shown, or "DOCKER_AUTH_CONFIG" */
	char helper[128];                 /* STORE_HELPER: the helper name */
	char cfgfile[PATH_MAX];           /* STORE_HELPER: the config naming the helper */
	char cfgdisplay[PATH_MAX];        /* ... as shown */
	int line;                         /* where the key is in the file (0: unknown) */
	char username[CREDENTIAL_USER_MAX];
	enum secret_kind kind;
	char digest[65];                  /* sha256 of username NUL secret: compared, never shown */
	char fp[SENSITIVE_FP_MAX];
	struct secret_verdict verdict;
	int used_by[CONSUMER_COUNT];
	int read_by[CONSUMER_COUNT];      /* the consumer reads this store at all */
	char online[32];                  /* --online: "valid", "rejected", "expired", "unknown" */
	struct credential cred;           /* --online only; wiped on release */
};

/* Which source a consumer takes a registry's credential from. */
struct inv_plan {
	char registry[256];
	enum consumer consumer;
	char source[PATH_MAX + 160];      /* "credsStore secretservice (~/.docker/config.json)" */
	int yields;                       /* that source holds a credential for it */
};

struct inventory {
	struct inv_cred *v;
	size_t n, cap;
	struct inv_plan *plans;
	size_t nplans, capplans;
	int keep_secrets;                 /* --online */
};

#define INVENTORY_INIT { NULL, 0, 0, NULL, 0, 0, 0 }

/* Adds a credential (username + secret of kind) found in a store; the
 * secret is digested, fingerprinted and classified (now: epoch seconds),
 * and copied only when keep_secrets. *out (may be NULL) gets the entry,
 * valid until the next add. Returns -1 on OOM. */
int inventory_add(struct inventory *inv, struct inv_cred **out, const struct inv_cred *where,
		  const char *username, const struct sensitive *secret, enum secret_kind kind,
		  const struct sensitive *registry_token, long long now);
void inventory_release(struct inventory *inv);
/* Records a consumer's plan for a registry. -1 on OOM. */
int inventory_add_plan(struct inventory *inv, const char *registry, enum consumer c,
		       const char *source, int yields);

/* The entry of a store/file/key, or NULL (STORE_HELPER: helper + key). */
struct inv_cred *inventory_find(struct inventory *inv, enum inv_store store, const char *file,
				const char *helper, const char *key);

const char *inventory_store_name(enum inv_store s);   /* "config.json auths", ... */

/* The entry as JSON for the report's "credentials" (no secret). */
json_t *inventory_cred_json(const struct inv_cred *c, const char *user);

/* Where a finding about c points (its file and line, or the config
 * naming its helper); subject is filled into the buffer given. */
void inventory_cred_loc(struct audit_loc *loc, const struct inv_cred *c, const char *user,
			char *subject, size_t n);

/* The rules on single credentials: expired-token, account-password,
 * unsupported-token (from each entry's verdict), and
 * shadowed-credentials across entries of one registry. */
int inventory_findings(struct audit_report *r, const struct inventory *inv, const char *user);

#endif
