/* fixhelpers.h — a plan's changes to credential helpers' stores: the
 * entries each held before (so a rollback or an undo puts them back), the
 * stores and erases themselves, and the undo hooks.
 *
 * The record kept in a backup set (the extra "helper", backupset.h) is a
 * JSON array, in plan order, of
 *   {"op": "store"|"erase", "helper": "pass", "key": "<server key>",
 *    "had_old": bool, "old_username": "...", "old_secret": "...",
 *    "old_identity_token": bool, "new_fingerprint": "sha256:…"}
 * old_secret is the credential the helper held before: the set holds it
 * as a backup of config.json holds the credentials in it (0600, in the
 * private state directory); it is never printed. At undo, an entry that
 * no longer holds what fixkb stored (new_fingerprint; nothing, for an
 * erase) is a conflict, as a file changed since is. */
#ifndef FIXKB_FIX_FIXHELPERS_H
#define FIXKB_FIX_FIXHELPERS_H

#include "fix/plan.h"
#include "fix/undo.h"
#include "util/buf.h"
#include "util/err.h"

/* Deadline for each helper run. */
#define FIXHELPERS_DEADLINE_MS 15000.0

/* Reads the entry each write step's op will replace and fills out (empty,
 * wiped on release) with the record above. 0 when there is no op, 1 when
 * out holds a record, -1 with e set (a helper that cannot be read). */
int fixhelpers_prepare(struct fix_plan *p, struct buf *out, struct err *e);

/* Runs the ops in plan order; on a failure puts back those done, and
 * e says what failed. */
int fixhelpers_run(struct fix_plan *p, struct err *e);

/* Puts back every op that ran, last first. */
int fixhelpers_rollback(struct fix_plan *p, struct err *e);

/* For undo_last: check and restore the "helper" extra. */
extern const struct undo_hooks fixhelpers_undo_hooks;

#endif
