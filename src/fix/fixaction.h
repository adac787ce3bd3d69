/* fixaction.h — what the fix actions share (the action interface and
 * table are in fix/plan.h, struct fix_action).
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

/* ---- shared by the actions ---- */

/* The probe record's evidence / code / status for registry (borrowed), or
 * NULL / "" when the probe did not run there. */
const struct probe_record *fixact_record(const struct fix_ctx *c, const char *probe,
					 const char *registry);
const char *fixact_code(const struct fix_ctx *c, const char *probe, const char *registry);

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

/* The build client's token flow (--client; docker login's without an
 * image) for registry and image with cred (NULL: anonymous), under
 * settings s (its --cacert among the trust anchors), as the
 * token_endpoint probe runs it: fills its status, cause code and
 * detail. -1 with e set (out of memory, a bad image reference). */
int fixact_token_check(const struct settings *s, const char *registry, const char *image,
		       const struct credential *cred, enum probe_status *st, char *code,
		       size_t cn, char *detail, size_t dn, struct err *e);

/* `prefix."key"` as a jsonedit path (" and \ escaped); -1 when too long. */
int fixact_path(char *out, size_t n, const char *prefix, const char *key);

/* Whether helper's store can take a credential now: installed, and for
 * pass an initialised store (else a precondition step is added: returns
 * FIXACT_RESTART). FIXACT_MARKED_BLOCKED when st was marked blocked
 * (st->needs says why). */
#define FIXACT_MARKED_BLOCKED 3
int fixact_helper_ready(struct fix_plan *p, struct fix_step *st, const char *helper,
			struct err *e);

/* {"auth": base64(user:secret)}, as docker's file store writes an
 * auths entry (new reference; the intermediate copies wiped), or NULL. */
json_t *fixact_auth_entry(const char *user, const struct sensitive *secret);

/* The pass store: $PASSWORD_STORE_DIR or ~/.password-store; 1 when it
 * has a .gpg-id (initialised). */
int fixact_pass_dir(char *out, size_t n);
int fixact_pass_initialised(void);

#endif
