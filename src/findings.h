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
#include "util/settings.h"
#include "targets.h"

struct findings {
	json_t *json;   /* array of DESIGN.md §3 finding objects; owned */
};

#define FINDINGS_INIT { NULL }

/* One finding, for any command: the entry (may be NULL when the KB has
 * none for the cause), what triggered it, and where. */
struct finding_spec {
	const struct kb_entry *entry;
	const char *cause;                    /* a cause code */
	const char *severity;                 /* "fail" or "warn"; NULL: the cause's (cause.h) */
	const char *registry;                 /* normalised, or NULL */
	const char *image;                    /* or NULL */
	const struct probe_record *trigger;   /* the probe that found it, or NULL */
	int base_image;                       /* the failing request pulls a base image */
	const char *url;                      /* the URL the log line names, or NULL */
	/* The failure happened on another machine (explain: a log from a CI
	 * runner, not probed here): this machine's variables, programs and
	 * CI variables say nothing about it (advice.h). 0: this machine. */
	int elsewhere;
	const char *origin;                   /* a log's CI system ("github_actions"), or NULL */
};

/* A DESIGN.md §3 finding object: entry, code, cause, registry, severity,
 * summary, title, root_cause, review (fixkb's, or null), evidence (this
 * registry's probe results, trigger first), workarounds ranked on that
 * evidence and the context facts (advice.h: commands filled in, history
 * left out, requires), dead_ends. New reference, or NULL (OOM). */
json_t *finding_new(const struct finding_spec *sp, const struct engine *en,
		    const struct settings *s, struct err *e);
/* Cause, best workaround with its command (or, when the finding has a
 * "plan" member, the fix plan's step for it), the others, the dead ends. */
void finding_print_text(FILE *out, const struct settings *s, const json_t *finding);

int findings_build(struct findings *f, const struct kb *kb, const struct engine *en,
		   const struct targets *t, const struct settings *s);
void findings_release(struct findings *f);

/* The findings for one registry, as text: cause, best workaround with its
 * command, the other workarounds, the dead ends. */
void findings_print_text(FILE *out, const struct settings *s, const struct findings *f,
			 const char *registry);

#endif
