/* gitignore.h — .gitignore patterns, as git reads and matches them
 * (gitignore(5); git's dir.c and wildmatch.c with WM_PATHNAME), for the
 * audit walk: a directory .gitignore ignores is not descended.
 *
 *  - blank lines and lines starting with '#' are skipped; "\#" and "\!"
 *    start a literal; trailing spaces are dropped unless escaped;
 *  - '!' negates (a later match re-includes); a trailing '/' matches only
 *    directories;
 *  - a pattern with a '/' before its end is anchored to the directory of
 *    the .gitignore and matched against the path below it; one without is
 *    matched against the name at any depth;
 *  - '*' and '?' never match '/', "[...]" is a class ('!' or '^'
 *    negates, ranges, '\' escapes); "**" matches across directories when
 *    it is a whole component ("**" + "/" at the start, "/" + "**" at the
 *    end, "/" + "**" + "/" inside), else it is a plain '*'.
 * Not read: .git/info/exclude and core.excludesFile (per-user, not the
 * tree's). Matching has a step budget, so a hostile pattern cannot make
 * it take more than linear-times-a-constant time: past the budget it is
 * no match. */
#ifndef FIXKB_AUDIT_GITIGNORE_H
#define FIXKB_AUDIT_GITIGNORE_H

#include <stddef.h>

#define GITIGNORE_MAX_PATTERNS 4096
#define GITIGNORE_STEP_BUDGET 100000

struct gitignore_pattern {
	char *pat;        /* owned; anchored patterns without their leading '/' */
	size_t len;
	unsigned flags;
};

#define GITIGNORE_NEGATE 1u
#define GITIGNORE_DIRONLY 2u
#define GITIGNORE_ANCHORED 4u    /* match the path below the .gitignore's dir */
#define GITIGNORE_LITERAL 8u     /* no wildcard: compare bytes */

struct gitignore {
	struct gitignore_pattern *p;
	size_t n;
};

#define GITIGNORE_INIT { NULL, 0 }

/* Parses a .gitignore held in memory. Returns -1 on OOM only (patterns
 * past GITIGNORE_MAX_PATTERNS are dropped). */
int gitignore_parse(struct gitignore *g, const char *text, size_t len);
void gitignore_release(struct gitignore *g);

/* The last pattern in g that matches decides: 1 ignored, 0 re-included
 * (a '!' pattern), -1 no pattern matched (ask the parent directory's
 * .gitignore). relpath is the path below the .gitignore's directory,
 * name its last component. */
int gitignore_match(const struct gitignore *g, const char *relpath, const char *name, int is_dir);

/* git's wildmatch(pattern, text, WM_PATHNAME): 1 match, 0 not. */
int gitignore_wildmatch(const char *pattern, const char *text);

#endif
