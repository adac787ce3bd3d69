/* rank.h — orders an entry's workarounds on evidence (DESIGN.md §5).
 *
 * A workaround's prior is its success rate. Its conditions (kb.h) are
 * checked against the probe results for the registry in question, the
 * context facts that hold and (this machine only) its variables and
 * programs; a matching not_applicable condition wins over a matching
 * indicated one, and with neither it is neutral. A workaround kept as
 * history (the seed's text, wrong as written) is left out: never offered. Order:
 * indicated, neutral, not applicable; within a group by success rate
 * (ties keep the entry's order). Dead ends are not ranked: they are
 * always shown (rank_json lists them all). */
#ifndef FIXKB_SRC_RANK_H
#define FIXKB_SRC_RANK_H

#include <jansson.h>
#include <stddef.h>

#include "checks/checks.h"
#include "util/err.h"
#include "kb.h"
#include "util/settings.h"

/* Facts that are not KB context facts but tell rank about the machine:
 * RANK_FACT_THIS_MACHINE ("this_machine") when the evidence comes from the
 * machine fixkb runs on, the only case in which env and program
 * conditions are evaluated (a log from a CI runner says nothing about
 * this machine's variables and programs); "helper:<name>"
 * (RANK_FACT_HELPER then the name) fills {helper} in a program condition. */
#define RANK_FACT_THIS_MACHINE "this_machine"
#define RANK_FACT_HELPER "helper:"

/* One piece of evidence: what probe `probe` found (borrowed). */
struct rank_evidence {
	const char *probe;
	const struct probe_result *result;
};

enum rank_verdict { RANK_INDICATED, RANK_NEUTRAL, RANK_NOT_APPLICABLE };

struct ranked_workaround {
	const struct kb_workaround *w;     /* borrowed from the kb */
	int rank;                          /* 1-based position */
	enum rank_verdict verdict;
	int applicable;                    /* verdict != RANK_NOT_APPLICABLE */
	const struct kb_condition *cause;  /* the condition that decided, or NULL (neutral) */
	const char *why;                   /* in the ranking's language; never NULL */
};

struct ranking {
	const struct kb_entry *entry;      /* borrowed */
	struct ranked_workaround *items;   /* owned, in rank order; history ones left out */
	size_t n;
	enum out_lang lang;
};

#define RANKING_INIT { NULL, NULL, 0, LANG_EN }

/* Ranks entry's workarounds on nev pieces of evidence and nfacts context
 * facts ("base_image_pull", "ci", ...; see kb_context_facts). Strings in
 * the result are borrowed from the kb (or static). Returns 0, or -1 with
 * e set (out of memory). */
int rank_workarounds(struct ranking *out, const struct kb_entry *entry,
		     const struct rank_evidence *ev, size_t nev,
		     const char *const *facts, size_t nfacts,
		     enum out_lang lang, struct err *e);
void ranking_release(struct ranking *r);

/* Does condition c hold on this evidence and these facts? */
int rank_condition_holds(const struct kb_condition *c, const struct rank_evidence *ev,
			 size_t nev, const char *const *facts, size_t nfacts);

const char *rank_verdict_name(enum rank_verdict v);   /* "indicated", "neutral", "not_applicable" */

/* DESIGN.md §3 "workarounds" array (in rank order: id, title, success,
 * rank, applicable, verdict, why, action, command, requires,
 * provenance, success_source, steps) and "dead_ends" array (what, fail,
 * why, and review when fixkb reviewed it), strings in the ranking's
 * language. New references. */
json_t *rank_workarounds_json(const struct ranking *r);
json_t *rank_dead_ends_json(const struct kb_entry *entry, enum out_lang lang);

#endif
