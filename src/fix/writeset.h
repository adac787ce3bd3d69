/* writeset.h — the files one fix run changes, changed together: read
 * under their locks, shown as a diff, backed up, written atomically, and
 * put back if anything fails or the fix does not verify.
 *
 *   struct writeset ws = WRITESET_INIT;
 *   writeset_add(&ws, "~/.docker/config.json" (expanded), WRITESET_JSON | WRITESET_SECRET, &i, &e);
 *   writeset_read(&ws, 10000, &e);            // locks every file, then reads it
 *   ... compute the new text from ws.files[i].old (jsonedit) ...
 *   writeset_replace(&ws, i, text, len, &e);  // or writeset_remove()
 *   writeset_diff(&ws, &out, &e);             // secrets as fingerprints
 *   writeset_apply(&ws, NULL, "apply", &e);   // backups, manifest, atomic writes
 *   ... verify (re-run the probes); if it failed: writeset_rollback(&ws, &e) ...
 *   writeset_release(&ws);                    // drops the locks
 *
 * Invariants:
 *  - a file is read, edited and written under one hold of its lock
 *    (fix/filelock.h), taken once per file in path order, so concurrent
 *    fixkb runs never lose an update and never deadlock; a dry run
 *    (writeset_read with a negative timeout) takes no lock, creates
 *    nothing and may not apply;
 *  - taking the locks first checks every file can be written
 *    (atomicfile_check_writable): a read-only file or directory fails the
 *    read, naming it, before anything on disk changes; then it creates a
 *    missing directory (as docker's MkdirAll) and removes the temp files a
 *    killed run left beside each file;
 *  - a file whose new text equals its old one is not written, and a set
 *    with no change writes nothing at all (no backup, no manifest): a
 *    second run of an applied fix is a no-op;
 *  - apply writes the backups and the manifest (fix/backupset.h) before
 *    the first file, then each file with atomicfile_replace; if one write
 *    fails, the files already written are put back and the error says
 *    so: the set is applied whole or not at all, as far as any one file
 *    can tell (each file is always its old or its new text, never part);
 *  - two paths that resolve to one file (a symlink) are one entry.
 * Old and new texts are wiped when released (they hold credentials). */
#ifndef FIXKB_FIX_WRITESET_H
#define FIXKB_FIX_WRITESET_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"
#include "util/err.h"
#include "fix/backupset.h"
#include "fix/filelock.h"

#define WRITESET_JSON   0x1u   /* JSON text: the diff masks secret members */
#define WRITESET_SECRET 0x2u   /* holds credentials: created 0600 in a 0700 dir (else 0644, 0755) */

/* The largest file a set reads or writes. */
#define WRITESET_FILE_MAX BACKUPSET_FILE_MAX

enum writeset_change { WRITESET_KEEP, WRITESET_REPLACE, WRITESET_REMOVE };

struct writeset_file {
	char *path;                  /* as added, made absolute (owned) */
	char target[PATH_MAX];       /* the file written: symlinks followed */
	unsigned flags;
	int existed;                 /* set by writeset_read */
	mode_t mode;                 /* its mode then, when it existed */
	struct buf old;              /* its text then (wiped on release) */
	enum writeset_change change;
	struct buf new_text;         /* for WRITESET_REPLACE */
};

/* A record of a change that is not a file, kept in the set (backupset.h
 * extras): the caller makes it and reads it back at undo. */
struct writeset_extra {
	char *name;                  /* owned */
	struct buf data;             /* wiped on release */
};

struct writeset {
	struct writeset_file *files;
	size_t n;
	struct writeset_extra *extras;
	size_t nextras;
	struct filelock *locks;      /* one per file, taken by writeset_read */
	size_t nlocks;
	int read, locked;
	struct backupset applied;    /* what writeset_apply wrote, for rollback */
	int has_applied;
};

#define WRITESET_INIT { NULL, 0, NULL, 0, NULL, 0, 0, 0, BACKUPSET_INIT, 0 }

/* Adds the file at path (resolved: a second path to the same file gives
 * the first one's index, its flags or'ed). *index gets its index. Only
 * before writeset_read. */
int writeset_add(struct writeset *ws, const char *path, unsigned flags, size_t *index,
		 struct err *e);

/* Reads every file (missing ones read as empty with existed = 0). With
 * lock_timeout_ms >= 0, first takes every lock (waiting at most that long
 * for each), as described above; < 0 is a dry run. */
int writeset_read(struct writeset *ws, double lock_timeout_ms, struct err *e);

/* The new text of file i (copied). Equal to the old text of a file that
 * existed: no change. */
int writeset_replace(struct writeset *ws, size_t i, const void *data, size_t len,
		     struct err *e);
/* File i is to be removed (no change when it does not exist). */
void writeset_remove(struct writeset *ws, size_t i);
/* Keeps data[0..len) (copied) as the extra called name in the set apply
 * writes; a set with an extra is written even when no file changes. */
int writeset_attach(struct writeset *ws, const char *name, const void *data, size_t len,
		    struct err *e);
/* How many files would change. */
size_t writeset_changes(const struct writeset *ws);

/* Appends the unified diff of every file that changes, each side masked
 * (fix/masktext.h), named as paths_display shows it. */
int writeset_diff(const struct writeset *ws, struct buf *out, struct err *e);

/* Applies the changes as described above. statedir NULL: statedir_ensure.
 * kind is "apply" (the set becomes the one --undo restores) or "undo"
 * (its backups are kept, "last" is left alone). A set with no change
 * and no extra returns 0 and writes nothing. */
int writeset_apply(struct writeset *ws, const char *statedir, const char *kind, struct err *e);

/* Puts back what writeset_apply wrote (the fix did not verify), still
 * under the locks. A file changed since by someone else (docker itself
 * does not lock) is left alone and named in the error; the others are
 * restored. The manifest's state becomes "rolled-back". */
int writeset_rollback(struct writeset *ws, struct err *e);

/* Drops the locks and frees everything (wiping the texts). */
void writeset_release(struct writeset *ws);

#endif
