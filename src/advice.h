/* advice.h — what a finding advises: its KB entry's workarounds ranked on
 * the evidence (rank.h), with every command made runnable for this
 * registry, and the dead ends. findings.c builds a finding with it.
 *
 * The rules the advice follows (issue 10):
 *  - a workaround the KB keeps as history (the seed's text, wrong as
 *    written) is never offered: rank leaves it out, kb show shows it;
 *  - a workaround whose precondition is false here (a variable not set,
 *    a program not on $PATH: the entry's env/program conditions) is not
 *    applicable, and a not-applicable workaround's command is never
 *    printed; such facts about this machine count only when the evidence
 *    comes from this machine (advice_facts' this_machine);
 *  - a command's placeholders are filled from the evidence:
 *      {registry}      the registry ("docker.io" for Hub)
 *      {registry_url}  <scheme>://<host> with the scheme the registry
 *                      really speaks (the token_endpoint flow's, else the
 *                      log line's URL, else https)
 *      {helper}        the credential helper the cred_helper probe ran
 *      {helper_key}    the key it was asked for (the credHelpers key)
 *      {auth_key}      the key docker looks the registry up by in auths
 *                      and DOCKER_AUTH_CONFIG (https://index.docker.io/v1/
 *                      for Docker Hub)
 *      {image} {config}
 *    and what must hold before it runs ("requires") goes beside it. */
#ifndef FIXKB_SRC_ADVICE_H
#define FIXKB_SRC_ADVICE_H

#include <jansson.h>

#include "engine.h"
#include "kb.h"
#include "util/err.h"
#include "util/settings.h"

#define ADVICE_FACTS_MAX 12

/* What the advice is about. Every pointer is borrowed. */
struct advice_spec {
	const struct kb_entry *entry;   /* not NULL */
	const char *registry;           /* "" when none */
	const char *image;              /* or NULL */
	const char *url;                /* the URL a log line names, or NULL */
	int base_image;                 /* the failing request pulls a base image */
	int this_machine;               /* the evidence is from the machine fixkb runs on */
	/* The CI system the log comes from ("github_actions", "gitlab_ci"),
	 * or NULL: its context facts hold whatever this machine is. */
	const char *origin;
};

/* Sets "workarounds" (DESIGN.md §3, ranked, commands filled, each with
 * its "requires" lines) and "dead_ends" (what, fail, why, and fixkb's
 * review as "review" when the KB has one) on finding f, ranked on en's
 * records for the registry. -1 with e set (out of memory). */
int advice_add(json_t *f, const struct advice_spec *sp, const struct engine *en,
	       const struct settings *s, struct err *e);

#endif
