/* dockerignore.h — .dockerignore as BuildKit applies it to a build
 * context, to tell whether a file would be sent to the builder.
 *
 * Read from moby/patternmatcher 5a6d842 (ignorefile/ignorefile.go
 * ReadAll; patternmatcher.go New, Pattern.compile, Pattern.match,
 * MatchesUsingParentResults) and tonistiigi/fsutil 6d9dc2e (filter.go:
 * the walk that sends the context), as BuildKit 73ed682 uses them
 * (frontend/dockerui/config.go: `<Dockerfile>.dockerignore` next to the
 * Dockerfile wins over the context's `.dockerignore`):
 *  - a UTF-8 BOM on the first line is dropped; a line starting with '#'
 *    is a comment (before trimming: " #x" is a pattern); lines are
 *    trimmed, "!" marks an exception, the rest goes through Go's
 *    filepath.Clean and loses one leading '/';
 *  - a pattern compiles to a regular expression anchored at both ends:
 *    '*' is [^/]*, '?' one character but '/', "**" any number of
 *    directories ("**" + "/" eats the slash), '[' ']' pass through as a
 *    class, '\' escapes the next character; a pattern with no wildcard is
 *    an exact match, "<literal>**" a prefix match, "**<rest>" a suffix
 *    match (and "**" + "/foo" also matches "foo");
 *  - a path is excluded when the last pattern that applies to it, or to
 *    one of its parent directories, is not an exception (fsutil walks
 *    top-down and carries each pattern's parent result along);
 *  - an excluded directory is not walked at all when no exception could
 *    match anything inside it (fsutil's onlyPrefixExcludeExceptions), so
 *    "!dir/file" re-includes a file but "!**" + "/file" under an excluded
 *    directory does not.
 * Divergence: Go matches runes, we match bytes (in the C locale); '?'
 * is made to consume one whole UTF-8 character, so names in UTF-8 match
 * as Go matches them; "\w"-style escapes are taken as the literal
 * character. */
#ifndef FIXKB_AUDIT_DOCKERIGNORE_H
#define FIXKB_AUDIT_DOCKERIGNORE_H

#include <regex.h>
#include <stddef.h>

#include "util/err.h"

#define DOCKERIGNORE_MAX_PATTERNS 4096

enum di_type { DI_EXACT, DI_PREFIX, DI_SUFFIX, DI_REGEX };

struct di_pattern {
	char *cleaned;          /* the cleaned pattern, without '!' (owned) */
	int exclusion;          /* a "!" exception */
	enum di_type type;
	regex_t re;             /* DI_REGEX */
	int re_ok;
};

struct dockerignore {
	struct di_pattern *p;
	size_t n;
	int exclusions;                    /* any "!" pattern */
	int only_prefix_exceptions;        /* no exception has a glob before a trailing slash-star */
};

#define DOCKERIGNORE_INIT { NULL, 0, 0, 1 }

/* Parses an ignore file held in memory. -1 with e set (and d released:
 * it excludes nothing) when BuildKit would refuse it (an illegal "!" alone,
 * a malformed pattern): that build fails before it sends anything. */
int dockerignore_parse(struct dockerignore *d, const char *text, size_t len, struct err *e);
void dockerignore_release(struct dockerignore *d);

/* 1 when relpath (slash-separated, relative to the context root, no
 * "./", the last component a file) is left out of the context. */
int dockerignore_excluded(const struct dockerignore *d, const char *relpath);

/* Go's path/filepath.Clean for '/'-separated paths, into out. */
void dockerignore_clean(char *out, size_t n, const char *in);

#endif
