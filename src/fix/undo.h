/* undo.h — `fixkb fix --undo`: put back the last applied set of files.
 *
 * The set is the one <statedir>/last names (fix/backupset.h). Each of its
 * files is, under its lock (fix/writeset.h):
 *  - what fixkb wrote (its SHA-256 is the manifest's new_sha256, or it is
 *    gone when the set removed it): restored from its backup, or removed
 *    when the set created it;
 *  - already as it was before the set (a run killed halfway left it
 *    untouched): left alone;
 *  - anything else (changed again since, by docker login or by hand):
 *    a conflict. Without force nothing at all is restored and the error
 *    names the file; with force its backup is restored anyway.
 * The restore is itself a set written through writeset_apply, so it is
 * atomic per file and the texts it replaces (a forced undo's newer edits
 * included) are backed up in a set of kind "undo"; "last" keeps naming the
 * undone set, whose manifest says "undone", and a second undo finds
 * nothing to do.
 *
 * A set's extras (changes that are not files, backupset.h) are put back
 * by their maker through hooks: check() runs before anything is restored
 * and may refuse (a conflict, as for a file), restore() before the files
 * are written (the reverse of an apply, which writes the files first). */
#ifndef FIXKB_FIX_UNDO_H
#define FIXKB_FIX_UNDO_H

#include <limits.h>
#include <stddef.h>

#include "util/err.h"
#include "fix/backupset.h"

enum undo_what {
	UNDO_RESTORED,   /* its backup was put back */
	UNDO_REMOVED,    /* the set had created it: removed */
	UNDO_ALREADY,    /* it was already as before the set */
	UNDO_FORCED,     /* changed since; restored because of force */
};

struct undo_file {
	char *path;      /* as the set named it (owned) */
	enum undo_what what;
};

struct undo_report {
	int nothing;                 /* there was nothing to undo: see why */
	char why[160];
	char id[BACKUPSET_ID_MAX];   /* the set undone */
	char created[32];
	char saved[PATH_MAX];        /* where the replaced texts were backed up ("": none) */
	struct undo_file *files;
	size_t n;
};

#define UNDO_REPORT_INIT { 0, "", "", "", "", NULL, 0 }

struct undo_hooks {
	int (*check)(void *arg, const struct backupset *bs, int force, struct err *e);
	int (*restore)(void *arg, const struct backupset *bs, int force, struct err *e);
	void *arg;
};

/* Undoes the last set in statedir (NULL: statedir_path()). Returns 0 with
 * r filled (r->nothing when there was no set, or it was undone or rolled
 * back already), or -1: a conflict without force ("'<path>' changed since
 * fixkb wrote it on <created>: nothing undone; --force restores its backup
 * anyway"), a lock that timed out, a backup that cannot be read, a write
 * that failed (then nothing changed, as writeset_apply promises), or what
 * a hook said. hooks may be NULL (a set with extras is then refused). */
int undo_last(struct undo_report *r, const char *statedir, int force, double lock_timeout_ms,
	      const struct undo_hooks *hooks, struct err *e);

void undo_report_release(struct undo_report *r);

#endif
