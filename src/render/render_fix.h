/* render_fix.h — a fix plan and what became of it, from its JSON (the
 * planner is fix/plan.h, above this layer, so everything shown here is
 * what `--format json` gives a script too).
 *
 * The document (cmd/cmd_fix.c builds it):
 *   { "fixkb", "command": "fix", "mode": "dry-run" | "apply",
 *     "registries": [...], "findings": [... each with "plan"],
 *     "plan": { "steps": [ { number, kind (write, yours, manual,
 *                blocked), phase, action, registry, title, what, why,
 *                needs, lines, notes, files, helper, entry, workaround,
 *                success, observed: {runs, ok} | null, resolves,
 *                expects, verifies } ],
 *               "diff", "writes", "yours", "blocked", "manual",
 *               "dropped": [ { entry, workaround, registry, why } ],
 *               "notes": [...] },
 *     "result": { "confirmed", "checks": [ { step, what, ok, code, detail } ],
 *                 "applied", "backup", "verified", "rolled_back",
 *                 "remaining", "appeared", "outcomes", "error", "exit" },
 *     "probes": [...] }
 * Text shows each step (what, why, the workaround's rate and the rate
 * fixkb observed, the lines to run, what it needs), then the diff, then
 * the workarounds not taken and why. */
#ifndef FIXKB_RENDER_RENDER_FIX_H
#define FIXKB_RENDER_RENDER_FIX_H

#include <jansson.h>
#include <stdio.h>

#include "util/settings.h"

/* The plan part of doc as text (the steps, the diff, what was not taken). */
void render_fix_plan(FILE *out, const struct settings *s, const json_t *doc);

/* One part of the result as text, as it happens: "checks" (verify
 * before), "applied", "verified" (verify after), "undo". */
void render_fix_checks(FILE *out, const struct settings *s, const json_t *checks);
void render_fix_result(FILE *out, const struct settings *s, const json_t *result);

/* The undo report ({id, created, nothing, why, files: [{path, what}],
 * saved}) as text. */
void render_fix_undo(FILE *out, const struct settings *s, const json_t *undo);

/* The closing lines of doctor's and explain's text when a plan has
 * steps: "fixkb fix ... --apply" and what it needs. */
void render_fix_hint(FILE *out, const struct settings *s, const json_t *plan,
		     const char *command);

#endif
