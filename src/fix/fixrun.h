/* fixrun.h — carrying out a plan: verify before writing, write, verify
 * after, put everything back when the fix does not verify, and record
 * what happened.
 *
 *   fixrun_verify_before  every credential a step introduces gets a token
 *                         for the scopes the build needs (pull; pull,push
 *                         with --push) from the registry's real token
 *                         endpoint, as the build client asks for it
 *                         (checks/token_endpoint's check on net/tokenflow);
 *                         a CA to install must make the registry's
 *                         certificate verify. One refusal: nothing is
 *                         written.
 *   fixrun_apply          the write set (backups, manifest, atomic writes),
 *                         then the credential helpers' stores and erases in
 *                         plan order, each helper's old entry kept first (in
 *                         memory for a rollback, and in the backup set as
 *                         the extra "helper" for --undo). A failure puts
 *                         back what was done.
 *   fixrun_verify_after   the doctor probes again, on the same registries,
 *                         with the environment the plan asks the user for
 *                         (DOCKER_AUTH_CONFIG unset or rewritten) put in
 *                         place for the duration: every finding an applied
 *                         step resolves must be gone and no new one may
 *                         appear but those a step expects (a credential
 *                         stored in plain text, by design, in config.json).
 *   fixrun_rollback       the helpers' entries back, then the files.
 *   fixrun_outcomes       one outcomes.jsonl line per applied workaround.
 *   fixrun_undo           --undo: the last applied set, files and helper
 *                         entries (undo.h with this module's hooks).
 *
 * Nothing here prints: each call fills JSON the renderer shows. */
#ifndef FIXKB_FIX_FIXRUN_H
#define FIXKB_FIX_FIXRUN_H

#include <jansson.h>

#include "fix/plan.h"
#include "fix/undo.h"
#include "targets.h"
#include "util/err.h"

/* Checks every credential and CA the plan's write steps introduce. Fills
 * *checks with [{step, what, ok, code, detail}]. Returns 1 when all were
 * accepted, 0 when one was refused (checks say which), -1 with e set. */
int fixrun_verify_before(const struct fix_plan *p, const struct fix_ctx *c, json_t **checks,
			 struct err *e);

/* Applies the plan's files and helper operations (see above). -1 with e
 * set; then nothing stays changed (or e says what could not be put back). */
int fixrun_apply(struct fix_plan *p, struct err *e);

/* Re-runs the probes for t and compares. *report gets {verified,
 * remaining: [{registry, cause, detail}], appeared: [...], findings:
 * [...], probes: [...]}. Returns 1 verified, 0 not, -1 with e set. */
int fixrun_verify_after(const struct fix_plan *p, const struct fix_ctx *c,
			const struct targets *t, json_t **report, struct err *e);

/* Puts back what fixrun_apply did. -1 with e naming what could not be. */
int fixrun_rollback(struct fix_plan *p, struct err *e);

/* Appends an outcome for each applied step that came from a KB
 * workaround. Returns how many lines were written, -1 with e set. */
int fixrun_outcomes(const struct fix_plan *p, int ok, struct err *e);

/* --undo: undo_last with the helper hooks. */
int fixrun_undo(struct undo_report *r, int force, struct err *e);

#endif
