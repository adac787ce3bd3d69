/* fixaction.h — the fix actions fixkb carries out, one row each.
 *
 * KB workarounds name actions (src/actions.c holds the names, which the
 * KB loader and `kb lint` check); this table holds what each does. Every
 * name in action_table has a row here (tests/unit/t-fix-plan.c checks).
 * The actions live one family per file:
 *   fix/act_config.c   drop_missing_creds_store, logout_registry, move_hub_auth_key
 *   fix/act_store.c    store_credentials_from_env, import_docker_auth_config,
 *                      migrate_auths_to_helper, init_pass_store
 *   fix/act_env.c      unset_docker_auth_config, rewrite_docker_auth_config
 *   fix/act_files.c    install_registry_ca, add_dockerignore_entry
 *   fix/act_print.c    print_secret_build_command, print_ssh_build_command
 *
 * An action never writes anything itself: choose() decides whether it
 * can act on a finding, realise() computes its edits into the plan (the
 * write set's new texts, helper operations to run), and the run
 * (fix/fixrun.h) verifies, applies, verifies again and rolls back. */
#ifndef FIXKB_FIX_FIXACTION_H
#define FIXKB_FIX_FIXACTION_H

#include <jansson.h>
#include <stddef.h>

#include "fix/plan.h"

/* choose() answers */
#define FIXACT_NO 0        /* not here: reason says why */
#define FIXACT_YES 1       /* it acts (st->kind FIX_WRITE or FIX_YOURS) */
#define FIXACT_BLOCKED 2   /* it would act but needs input (st->needs set) */

/* realise() answers: 0 done, FIXACT_RESTART (the plan must be built
 * again: a file was added, or a precondition step), FIXACT_NOTHING (on
 * the state the steps before leave, there is nothing left to do: the
 * step goes), -1 with e set. */
#define FIXACT_RESTART 1
#define FIXACT_NOTHING 2

struct fix_action {
	const char *name;        /* as in src/actions.c */
	enum fix_phase phase;
	/* Can it act on finding f? st has registry, image, entry, w and title
	 * set; choose sets kind (FIX_WRITE, FIX_YOURS or FIX_BLOCKED with
	 * needs), why and what as it sees fit. FIXACT_NO with reason[]. */
	int (*choose)(const struct fix_ctx *c, const json_t *f, struct fix_step *st, char *reason,
		      size_t n);
	/* Computes the edits on the plan's state (see above). */
	int (*realise)(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
		       struct err *e);
};

/* The row for name, or NULL when fixkb does not implement it. */
const struct fix_action *fixaction_find(const char *name);
/* The table, NULL-terminated. */
extern const struct fix_action *const fixaction_table[];

extern const struct fix_action fixact_add_dockerignore_entry;
extern const struct fix_action fixact_drop_missing_creds_store;
extern const struct fix_action fixact_import_docker_auth_config;
extern const struct fix_action fixact_init_pass_store;
extern const struct fix_action fixact_install_registry_ca;
extern const struct fix_action fixact_logout_registry;
extern const struct fix_action fixact_migrate_auths_to_helper;
extern const struct fix_action fixact_move_hub_auth_key;
extern const struct fix_action fixact_print_secret_build_command;
extern const struct fix_action fixact_print_ssh_build_command;
extern const struct fix_action fixact_rewrite_docker_auth_config;
extern const struct fix_action fixact_store_credentials_from_env;
extern const struct fix_action fixact_unset_docker_auth_config;

/* ---- shared by the actions ---- */

/* The probe record's evidence / code / status for registry (borrowed), or
 * NULL / "" when the probe did not run there. */
const struct probe_record *fixact_record(const struct fix_ctx *c, const char *probe,
					 const char *registry);
const char *fixact_code(const struct fix_ctx *c, const char *probe, const char *registry);

/* A finding's string member ("" when absent). */
const char *fixact_str(const json_t *f, const char *key);

/* The first probe of the finding's evidence, as "probe: detail". */
void fixact_evidence(const json_t *f, char *out, size_t n);

/* Where `docker login` would store a credential for registry on the
 * config the steps so far leave: a helper (credHelpers[key], credsStore,
 * or the store docker picks itself for a config without auth settings,
 * which docker then writes as credsStore) or config.json's auths. */
struct fix_dest {
	char key[FIXPLAN_KEY_MAX];           /* the server key (Hub: https://index.docker.io/v1/) */
	char helper[FIXPLAN_NAME_MAX];       /* "" for config.json */
	int auto_store;                      /* docker picks helper itself and writes credsStore */
	int from_cred_helpers;               /* credHelpers[key] names it */
};
int fixact_dest(struct fix_plan *p, const struct fix_ctx *c, const char *registry,
		struct fix_dest *d, struct err *e);

/* Stores cred for registry at d, as docker login does: a helper gets it
 * through its store protocol (an op, run at apply) and config.json an
 * empty auths[key] entry (docker's native store keeps one), plus
 * credsStore when docker picked the store itself; without a helper,
 * auths[key] = {"auth": base64(user:secret)} (or identitytoken). Adds
 * the step's expects (plaintext in config.json) and a precondition step
 * when the helper's store is not usable yet (pass not initialised).
 * 0, FIXACT_RESTART, or -1. */
int fixact_store(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
		 const struct fix_dest *d, const struct credential *cred, struct err *e);

/* `prefix."key"` as a jsonedit path (" and \ escaped); -1 when too long. */
int fixact_path(char *out, size_t n, const char *prefix, const char *key);

/* Whether helper's store can take a credential now: installed, and for
 * pass an initialised store (else a precondition step is added: returns
 * FIXACT_RESTART). 1 when st was marked blocked (st->needs says why). */
int fixact_helper_ready(struct fix_plan *p, struct fix_step *st, const char *helper,
			struct err *e);

/* The pass store: $PASSWORD_STORE_DIR or ~/.password-store; 1 when it
 * has a .gpg-id (initialised). */
int fixact_pass_dir(char *out, size_t n);
int fixact_pass_initialised(void);

/* Adds a step of fixkb's own (a precondition) unless one of that action
 * for that registry/target exists; 1 when it was added (restart). */
int fixplan_add_step(struct fix_plan *p, const struct fix_action *a, const char *registry,
		     const char *target, const char *title, struct err *e);

#endif
