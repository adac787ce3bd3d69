/* sigcompile.h — turn the KB's signatures into matcher patterns.
 *
 * KB signatures name their captures by group number (kb-format.md:
 * captures.registry = 2); the matcher reads the named groups registry,
 * status and url. sig_name_groups() rewrites the k-th capturing group's
 * "(" into "(?<name>" so one regex serves both. */
#ifndef FIXKB_SRC_SIGCOMPILE_H
#define FIXKB_SRC_SIGCOMPILE_H

#include <stddef.h>

#include "util/err.h"
#include "kb.h"
#include "matcher.h"

/* Rewrites regex with the given groups named (0 = none). Returns a
 * malloc'd string (caller frees) or NULL with e set when a group number
 * does not exist in the regex. */
char *sig_name_groups(const char *regex, int cap_registry, int cap_status, int cap_url,
		      struct err *e);

/* Where each compiled pattern came from. */
struct sig_ref {
	const struct kb_entry *entry;
	const struct kb_signature *sig;
};

struct sig_set {
	struct matcher *m;
	struct sig_ref *refs;   /* refs[i] for pattern i; owned */
	char **regexes;         /* rewritten regexes; owned */
	size_t n;
};

#define SIG_SET_INIT { NULL, NULL, NULL, 0 }

/* Compiles every signature of every entry of kb into one matcher, then
 * the nextra caller patterns (their refs have entry NULL; their ids are
 * ignored). */
int sig_set_compile(struct sig_set *out, const struct kb *kb,
		    const struct matcher_pattern *extra, size_t nextra, struct err *e);
void sig_set_release(struct sig_set *s);

#endif
