/* plan.h — one plan for the whole run: the findings' best workarounds
 * that fixkb can carry out, merged, ordered, checked against each other,
 * with the files they change as one write set.
 *
 * Building a plan (fixplan_build):
 *  1. choose: for each finding (DESIGN.md §3 objects, best first), its
 *     workarounds in rank order; the first applicable one whose action
 *     fixkb implements (fix/fixaction.h) and whose action says it can
 *     act here is taken. An action that applies but needs something the
 *     user did not give (a credential, --gpg-key, --cacert) is taken too,
 *     as a blocked step saying what it needs: a plan never skips to a
 *     worse workaround because the better one needs input. A finding no
 *     action fits gets a manual step: its best applicable workaround's
 *     title and command, for the user.
 *  2. merge: steps of one action for one registry (and target) become one
 *     step resolving several findings; conflicts are resolved:
 *       - a step never logs out the credential another step stores or
 *         relies on (the logout is dropped and the plan says why);
 *       - when DOCKER_AUTH_CONFIG supplies a registry's credential, the
 *         step that unsets or rewrites it comes first, and nothing logs
 *         out what the variable hides;
 *     and preconditions become steps of their own (initialise the pass
 *     store before storing into it; keep a config.json the build context
 *     would send out of the context).
 *  3. order: by phase (the environment, then preconditions, then the
 *     config's own repairs, then stores, then clean-ups, then other files,
 *     then what is only printed), then by finding.
 *  4. realise: each step, in order, computes its edits on the state the
 *     steps before it leave (config.json is parsed once and edited in
 *     turn), so the diff is the plan's whole change. Helper stores and
 *     erases are recorded, not run.
 *
 * Realising reads files through a write set (fix/writeset.h): a dry run
 * reads without locks; an apply (lock_timeout_ms >= 0) holds every file's
 * lock from the read to the end of the run, so what is shown, verified and
 * written is what was read. A step that needs a file the set does not yet
 * hold makes the builder start again with it added.
 *
 * Ownership: the plan owns its steps, strings, JSON and write set;
 * pointers into the kb, the engine and the input are borrowed and must
 * outlive it. fixplan_release wipes the credentials the steps hold. */
#ifndef FIXKB_FIX_PLAN_H
#define FIXKB_FIX_PLAN_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>

#include "docker/credential.h"
#include "engine.h"
#include "fix/writeset.h"
#include "kb.h"
#include "targets.h"
#include "util/err.h"
#include "util/settings.h"
#include "util/strlist.h"

#define FIXPLAN_REG_MAX 256
#define FIXPLAN_KEY_MAX 512
#define FIXPLAN_NAME_MAX 128

/* What the user gave fix (all borrowed but cred, which the caller owns). */
struct fix_input {
	struct credential cred;        /* --username(-env) with --password-env / -stdin */
	int have_cred;
	char cred_origin[160];         /* "--username-env U --password-env P": for messages */
	const char *user_env;         /* the variable names, when given (for printed commands) */
	const char *pass_env;
	const char *gpg_key;           /* --gpg-key ID, or NULL */
	const char *cacert;            /* --cacert FILE, or NULL */
	const char *context;           /* --context DIR, or NULL (".") */
	int push;                      /* --push */
	const struct strlist *registries;   /* --registry as typed */
	char cred_registry[256];       /* the registry the credential is for (normalised) */
};

#define FIX_INPUT_INIT { CREDENTIAL_INIT, 0, "", NULL, NULL, NULL, NULL, NULL, 0, NULL, "" }

/* What a step is. */
enum fix_kind {
	FIX_WRITE,     /* fixkb changes files or a credential store (--apply) */
	FIX_YOURS,     /* the user does it: fixkb prints exactly what (a variable
	                  only the parent shell or the CI settings can change, a
	                  build command); it counts as done when verified */
	FIX_MANUAL,    /* no action fits: the best workaround, for the user */
	FIX_BLOCKED,   /* the action fits but needs input (needs says what) */
};

/* The order steps run in. */
enum fix_phase {
	PHASE_ENV,        /* DOCKER_AUTH_CONFIG: unset or rewrite it first */
	PHASE_PRECOND,    /* make a store usable (pass init) */
	PHASE_CONFIG,     /* config.json's own repairs (a missing helper, a key never read) */
	PHASE_STORE,      /* store credentials */
	PHASE_CLEANUP,    /* remove stale credentials */
	PHASE_FILES,      /* other files: CA certificates, .dockerignore */
	PHASE_PRINT,      /* printed only: build flags */
	PHASE_MANUAL,     /* the user's: manual steps */
};

/* A finding a step resolves. */
struct fix_problem {
	char registry[FIXPLAN_REG_MAX];   /* "" for none */
	char cause[64];
};

/* A change to a credential helper's store, run at apply after the files. */
struct fix_helper_op {
	int erase;                        /* 0: store cred; 1: erase */
	char helper[FIXPLAN_NAME_MAX];    /* "pass" */
	char key[FIXPLAN_KEY_MAX];        /* the server key docker asks it for */
	struct credential cred;           /* what to store (owned, wiped) */
	/* at apply */
	int done;                         /* it ran and succeeded */
	int had_old;                      /* the helper held a credential before */
	struct credential old;            /* that credential (owned, wiped): rollback, undo */
};

struct fix_action;

struct fix_step {
	const struct fix_action *act;     /* NULL for a manual step */
	enum fix_kind kind;
	enum fix_phase phase;
	char registry[FIXPLAN_REG_MAX];   /* "" when not about one registry */
	char image[512];
	char target[PATH_MAX];            /* what else tells two steps of one action apart */
	const struct kb_entry *entry;     /* borrowed; NULL for steps fixkb adds */
	const struct kb_workaround *w;    /* borrowed; NULL likewise */
	char *title;                      /* owned: the workaround's title, or fixkb's */
	char *what;                       /* owned: what it does, one line, no secret */
	char *why;                        /* owned: the evidence */
	char *needs;                      /* owned: FIX_BLOCKED: what to give */
	json_t *lines;                    /* array of strings to show (commands); owned */
	json_t *notes;                    /* array of strings; owned */
	json_t *files;                    /* the files it changes (display paths); owned */
	struct fix_problem *resolves;     /* owned */
	size_t nresolves;
	struct fix_problem *expects;      /* findings it makes appear on purpose (a credential
	                                     stored in config.json is plain text); owned */
	size_t nexpects;
	struct fix_helper_op *ops;        /* owned */
	size_t nops;
	/* a credential this step introduces: verified at the token endpoint
	 * before anything is written (borrowed from the input or from ops) */
	const struct credential *verify_cred;
	struct credential owned_cred;     /* a credential the step read (DOCKER_AUTH_CONFIG's):
	                                     owned, wiped */
	char verify_what[160];            /* "the credential from --password-env P" */
	/* the environment the user is to give the build, for verifying after:
	 * env_unset (DOCKER_AUTH_CONFIG unset), or env_value set (owned) */
	int env_unset;
	char *env_value;
	int number;                       /* 1-based position in the plan */
	/* for the builder */
	enum fix_kind chosen_kind;        /* what choose() said, restored on a restart */
	char *chosen_what, *chosen_needs; /* owned */
	size_t order;                     /* the finding's position: ties in a phase */
	int gone;                         /* realise found nothing left to do */
	int folded;                       /* a conflict merged it into another step */
};

struct fix_plan {
	struct fix_step *steps;           /* owned, in order */
	size_t n;
	struct writeset ws;               /* the files the steps change */
	json_t *dropped;                  /* [{workaround, entry, registry, why}]: not taken; owned */
	json_t *notes;                    /* strings; owned */
	int locked;                       /* built under the files' locks (for --apply) */
	/* while realising */
	json_t *cfg;                      /* config.json as the steps so far leave it; owned */
	size_t cfg_index;                 /* its file in ws */
	int cfg_loaded, cfg_dirty, cfg_broken;
	char cfg_path[PATH_MAX];
	struct fix_want {
		char *path;
		unsigned flags;
	} *want;                          /* files the next read must include; owned */
	size_t nwant;
	int need_restart;
};

#define FIX_PLAN_INIT { NULL, 0, WRITESET_INIT, NULL, NULL, 0, NULL, 0, 0, 0, 0, "", NULL, 0, 0 }

/* What a plan is built from (all borrowed). */
struct fix_ctx {
	const struct settings *s;
	const struct kb *kb;
	const struct engine *en;
	const struct targets *t;
	const json_t *findings;        /* DESIGN.md §3 array, best first */
	const struct fix_input *in;
};

/* Builds the plan (steps 1–4 above). lock_timeout_ms < 0: a dry run (no
 * lock, nothing created); >= 0: the files' locks are taken and held
 * until fixplan_release. -1 with e set: a file that cannot be read or
 * locked, out of memory. */
int fixplan_build(struct fix_plan *p, const struct fix_ctx *c, double lock_timeout_ms,
		  struct err *e);

/* Steps that would change something at --apply (FIX_WRITE), and those
 * waiting for the user or for input. */
size_t fixplan_count(const struct fix_plan *p, enum fix_kind k);

/* The plan as JSON: {"steps": [...], "diff": "<unified diff, secrets as
 * fingerprints>", "dropped": [...], "notes": [...], "writes": N,
 * "blocked": N, "yours": N, "manual": N}. Each step: number, kind, phase,
 * action, registry, title, what, why, needs, lines, notes, files,
 * entry, workaround, success, resolves [{registry, cause}], helper
 * [{op, helper, key}]. New reference, or NULL (out of memory). */
json_t *fixplan_json(const struct fix_plan *p, struct err *e);

/* Adds to each finding of findings (the array the plan was built from)
 * "plan": {"step": n, "of": N, and the step's JSON} naming the step that
 * resolves it, or null when no step does: what doctor and explain print
 * as the fix; and to each of its workarounds the plan did not take
 * because its action cannot act here, "not_here": why. */
void fixplan_annotate(const struct fix_plan *p, json_t *findings);

void fixplan_release(struct fix_plan *p);

/* ---- the actions ----
 *
 * KB workarounds name actions (src/actions.c holds the names, which the
 * KB loader and `kb lint` check); fixaction_table holds what each does,
 * and every name in action_table has a row (tests/unit/t-fix-plan.c).
 * The actions live one family per file:
 *   fix/act_config.c   drop_missing_creds_store, logout_registry, move_hub_auth_key
 *   fix/act_store.c    store_credentials_from_env, import_docker_auth_config,
 *                      migrate_auths_to_helper, init_pass_store
 *   fix/act_env.c      unset_docker_auth_config, rewrite_docker_auth_config
 *   fix/act_files.c    install_registry_ca, add_dockerignore_entry
 *   fix/act_print.c    print_secret_build_command, print_ssh_build_command
 * and share fix/fixaction.h. An action never writes anything itself:
 * choose() decides whether it can act on a finding, realise() computes its
 * edits into the plan (the write set's new texts, helper operations), and
 * the run (fix/fixrun.h) verifies, applies, verifies again, rolls back. */

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

/* The first probe of the finding's evidence, as "probe: detail". */
void fixact_evidence(const json_t *f, char *out, size_t n);

/* Adds a step of fixkb's own (a precondition, why: which step needs it)
 * unless one of that action for that registry/target exists; 1 when it
 * was added (restart). */
int fixplan_add_step(struct fix_plan *p, const struct fix_action *a, const char *registry,
		     const char *target, const char *title, const char *why, struct err *e);


/* ---- for the actions (fix/fixaction.h) while realising ---- */

/* config.json as the steps before leave it: *root borrowed from the plan
 * (edit it in place and call fixplan_config_touch). 0 loaded; 1 the
 * builder must restart (the file was not in the set yet: return 1 from
 * realise too); -1 with e set: config.json is not JSON docker reads (a
 * malformed config is a manual fix). */
int fixplan_config(struct fix_plan *p, const struct fix_ctx *c, json_t **root, struct err *e);
void fixplan_config_touch(struct fix_plan *p);

/* File path in the write set: 0 with *index set; 1 the builder must
 * restart (return 1 from realise); -1 on OOM. */
int fixplan_file(struct fix_plan *p, const char *path, unsigned flags, size_t *index,
		 struct err *e);

/* Step helpers: add a line (printf), a note, a file, a resolved or an
 * expected finding, a helper op (cred copied; NULL for an erase). -1 on OOM. */
int fixstep_line(struct fix_step *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fixstep_note(struct fix_step *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fixstep_set(char **field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fixstep_file(struct fix_step *st, const char *path);
int fixstep_resolves(struct fix_step *st, const char *registry, const char *cause);
int fixstep_expects(struct fix_step *st, const char *registry, const char *cause);
int fixstep_op(struct fix_step *st, int erase, const char *helper, const char *key,
	       const struct credential *cred);
/* Frees a step's contents (not the step). */
void fixplan_step_release(struct fix_step *st);
/* Clears what realise() fills and restores what choose() said. */
void fixstep_unrealise(struct fix_step *st);

#endif
