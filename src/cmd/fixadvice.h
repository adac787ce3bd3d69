/* fixadvice.h — doctor's and explain's printed advice from the fix
 * planner (fix/plan.h), so what they print is what `fixkb fix` would do:
 * the plan for their findings is built as a dry run (nothing read under a
 * lock, nothing written, no credential given), each finding gets its
 * step in "plan" (fixplan_annotate), and the plan's JSON is handed back
 * for the report. */
#ifndef FIXKB_CMD_FIXADVICE_H
#define FIXKB_CMD_FIXADVICE_H

#include <jansson.h>

#include "engine.h"
#include "kb.h"
#include "targets.h"
#include "util/err.h"
#include "util/settings.h"

/* Annotates findings (the array the command built) and sets *plan to the
 * plan's JSON (new reference). t may be NULL (explain). -1 with e set. */
int fixadvice_annotate(json_t *findings, const struct kb *kb, const struct engine *en,
		       const struct targets *t, const struct settings *s, json_t **plan,
		       struct err *e);

#endif
