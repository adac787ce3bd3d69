/* findings.h — from probe results to KB-backed findings (DESIGN.md §3–5).
 *
 * Every warn/fail probe result whose code is a cause code becomes a
 * finding: the KB entry for that cause (the one tied to that probe), the
 * registry, the evidence for that registry, and the entry's workarounds
 * ranked on that evidence and on context facts (a base-image pull, CI).
 * One finding per (registry, cause); fails before warns. */
#ifndef FIXKB_SRC_FINDINGS_H
#define FIXKB_SRC_FINDINGS_H

#include <jansson.h>
#include <stdio.h>

#include "engine.h"
#include "kb.h"
#include "settings.h"
#include "targets.h"

struct findings {
	json_t *json;   /* array of DESIGN.md §3 finding objects; owned */
};

#define FINDINGS_INIT { NULL }

int findings_build(struct findings *f, const struct kb *kb, const struct engine *en,
		   const struct targets *t, const struct settings *s);
void findings_release(struct findings *f);

/* The findings for one registry, as text: cause, best workaround with its
 * command, the other workarounds, the dead ends. */
void findings_print_text(FILE *out, const struct settings *s, const struct findings *f,
			 const char *registry);

#endif
