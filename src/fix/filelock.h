/* filelock.h — one fixkb run at a time on a file.
 *
 * docker does not lock config.json (ConfigFile.Save writes a temp file and
 * renames it, and two `docker login`s at once can lose one of the two
 * updates); neither does containers/image for auth.json. fixkb's
 * read-modify-write of a file happens under an exclusive flock(2) on a
 * lock file beside it, "<dir>/.<base>.fixkb-lock", so two fixkb runs on
 * one config never lose an update. The lock is advisory: it orders fixkb
 * runs, not docker's (a concurrent `docker login` still races; the rename
 * in atomicfile keeps each write whole).
 *
 * The lock file is created 0644 (it holds only the holder's pid, for the
 * message a waiting run prints) and, when root creates it in a directory
 * owned by someone else, given to that owner so the owner's own runs can
 * open it. It is never removed: removing a lock file races with a process
 * that has just opened it. flock locks belong to the open file, so the
 * kernel drops the lock when its holder dies, kill -9 included; the fd is
 * close-on-exec, so helpers fixkb runs never inherit it.
 *
 * Pass the resolved target (atomicfile_resolve): two paths to one file then
 * name one lock file. One process must not take the same lock twice (flock
 * on a second open of the file would wait for itself): fix/writeset.h
 * takes each lock once, in path order, so runs never deadlock. */
#ifndef FIXKB_FIX_FILELOCK_H
#define FIXKB_FIX_FILELOCK_H

#include <stddef.h>

#include "util/err.h"

/* How often a waiting run tries again. */
#define FILELOCK_POLL_MS 20

struct filelock {
	int fd;       /* -1 when not held */
	char *path;   /* the lock file (owned) */
};

#define FILELOCK_INIT { -1, NULL }

/* "<dir>/.<base>.fixkb-lock" for target; -1 when it does not fit. */
int filelock_path(char *out, size_t n, const char *target);

/* Takes the lock for target, waiting at most timeout_ms (0: one try).
 * The directory must exist. -1 with "'<target>' is locked by another fixkb
 * run (pid N); waited 10.0 s: try again when it has finished" after the
 * wait, or the path and errno text when the lock file cannot be made. */
int filelock_acquire(struct filelock *l, const char *target, double timeout_ms,
		     struct err *e);

/* Drops the lock (NULL-safe, idempotent). */
void filelock_release(struct filelock *l);

#endif
