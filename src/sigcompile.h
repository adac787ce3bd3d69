/* sigcompile.h — turn the KB's signatures into matcher patterns, and
 * check one signature exactly as explain will run it (kb lint).
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
 * ignored). A signature that does not compile is named in e by its
 * entry's file and JSON pointer ("kb/x/y.json: /signatures/2: regex: ..."). */
int sig_set_compile(struct sig_set *out, const struct kb *kb,
		    const struct matcher_pattern *extra, size_t nextra, struct err *e);
void sig_set_release(struct sig_set *s);

/* Called once per problem: field is relative to the signature ("/regex",
 * "/literal", "/captures/status", "/examples/2"). */
typedef void (*sig_problem_fn)(void *ctx, const char *field, const char *problem);

/* kb lint's check of one signature, with the code explain runs:
 *   - every capture number names a group (as sig_name_groups counts them),
 *     and PCRE2 gives the named group that number;
 *   - sig_name_groups' regex and the literal compile with matcher_compile
 *     (PCRE2 with explain's flags, the literal prefilter, no empty match);
 *   - each example, read as explain reads a log line (logline_normalise),
 *     holds the literal (ASCII case ignored) and matches through
 *     matcher_scan_line. An example that the regex matches but that lacks
 *     the literal is reported as such: the literal is not required by the
 *     regex, and explain would never see that line.
 * Returns the number of problems reported. */
size_t sig_check(const struct kb_signature *sg, sig_problem_fn fn, void *ctx);

#endif
