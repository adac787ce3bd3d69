/* backupset.h — the backups of one applied set of file changes, and the
 * manifest `fixkb fix --undo` restores them from.
 *
 * Where: <statedir>/backups/<id>/ (fix/statedir.h: $XDG_STATE_HOME/fixkb),
 * not beside each file. A copy beside the file would put a second copy of
 * every credential in ~/.docker, inside any build context that includes
 * the config dir, and into directories other programs read whole
 * (/etc/docker/certs.d/<host>/ loads every *.crt it finds); one private
 * 0700 directory per user keeps the copies in one place, with the
 * manifest that says what they are, and makes --undo a single lookup.
 * Every file in it is 0600: the copies of credential files hold
 * credentials.
 *
 *   <statedir>/last                the id of the last applied set, one line
 *   <statedir>/backups/<id>/manifest.json
 *   <statedir>/backups/<id>/<n>-<base>   the old content of file n
 *
 * id is the UTC time, the pid and a count ("20250102T030405.678Z-1234-1"). A set is
 * built in "backups/.<id>.partial" and renamed to its id once its copies
 * and manifest are on disk (each fsync'ed), then "last" is replaced; only
 * then are the user's files written (fix/writeset.h). A run killed before
 * the rename leaves a .partial directory, which backupset_clean_partial
 * (the next apply, under the state lock) removes; killed after it, the
 * manifest says "applying" and undo restores whichever files had already
 * been written.
 *
 * manifest.json:
 *   { "fixkb": "<version>", "id": "<id>", "created": "<RFC 3339 UTC>",
 *     "kind": "apply" | "undo", "state": "applying" | "applied" |
 *     "rolled-back" | "undone",
 *     "files": [ { "path": "<as named>", "target": "<the file written>",
 *                  "existed": bool, "backup": "<n>-<base>" | null,
 *                  "old_sha256": hex | null, "mode": <old mode> | null,
 *                  "removed": bool, "new_sha256": hex | null,
 *                  "json": bool, "secret": bool } ],
 *     "extras": [ "<name>" ] }
 * Extras are records of changes that are not files (a credential
 * helper's entries, fix/fixrun.h): each is "x-<name>" in the set dir
 * (0600), written and read whole by whoever made it; they may hold the
 * credential a helper held before, as a file's backup may.
 * Hashes are SHA-256 of whole file contents (to tell whether a file
 * changed since fixkb wrote it); no secret is ever in the manifest.
 *
 * Ownership: a struct backupset owns its strings; _release frees them. */
#ifndef FIXKB_FIX_BACKUPSET_H
#define FIXKB_FIX_BACKUPSET_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"
#include "util/err.h"

#define BACKUPSET_ID_MAX 64
/* The largest file a set backs up (fix/writeset.h writes no larger). */
#define BACKUPSET_FILE_MAX (4u * 1024u * 1024u)

struct backupset_file {
	char *path;          /* as the caller named it (owned) */
	char *target;        /* the file written, absolute (owned) */
	int existed;         /* it existed before the set */
	char *backup;        /* its copy's file name in the set dir, NULL if !existed (owned) */
	char old_sha[65];    /* "" when !existed */
	mode_t mode;         /* its mode before, 0 when !existed */
	int removed;         /* the set removed it */
	char new_sha[65];    /* "" when removed */
	int json, secret;    /* how to show it; a credential file */
};

struct backupset {
	char id[BACKUPSET_ID_MAX];
	char dir[PATH_MAX];        /* where its files are now (the .partial dir until committed) */
	char statedir[PATH_MAX];
	char created[32];
	char kind[8];              /* "apply", "undo" */
	char state[16];            /* "applying", "applied", "rolled-back", "undone" */
	char prev[BACKUPSET_ID_MAX];  /* the set "last" named before commit ("": none) */
	int made_last;             /* commit pointed "last" at this set */
	struct backupset_file *files;
	size_t n;
	char **extras;             /* names of the extras, owned */
	size_t nextras;
};

#define BACKUPSET_INIT { "", "", "", "", "", "", "", 0, NULL, 0, NULL, 0 }
#define BACKUPSET_EXTRA_MAX (1u << 20)

/* Starts a new set of kind ("apply" or "undo") in statedir (which must
 * exist): makes its .partial directory, 0700. */
int backupset_create(struct backupset *bs, const char *statedir, const char *kind,
		     struct err *e);

/* Records one file: copies old[0..oldlen) into the set (0600, fsync'ed)
 * when it existed, and the hashes. new_data NULL means the set removes it. */
int backupset_add(struct backupset *bs, const char *path, const char *target, int existed,
		  const void *old, size_t oldlen, mode_t mode, const void *new_data, size_t newlen,
		  int json, int secret, struct err *e);

/* Records an extra: data[0..len) as "x-<name>" (0600, fsync'ed); name
 * is [a-z0-9-]+. */
int backupset_add_extra(struct backupset *bs, const char *name, const void *data, size_t len,
			struct err *e);
/* The extra called name into out (which must be empty): 1, or 0 when the
 * set has none of that name. */
int backupset_read_extra(const struct backupset *bs, const char *name, struct buf *out,
			 struct err *e);

/* Writes the manifest (state "applying"), renames the set to its id and,
 * when make_last, points <statedir>/last at it. */
int backupset_commit(struct backupset *bs, int make_last, struct err *e);

/* A set that was rolled back is not the one --undo should restore: points
 * "last" back at the set it named before commit (or removes it). No-op
 * unless commit made this set the last. */
int backupset_unmake_last(struct backupset *bs, struct err *e);

/* Rewrites the manifest with a new state. */
int backupset_set_state(struct backupset *bs, const char *state, struct err *e);

/* Loads the set <statedir>/last names. 1 loaded, 0 there is none, -1 a
 * set that cannot be read (the message names the file). */
int backupset_load_last(struct backupset *bs, const char *statedir, struct err *e);

/* The old content of file i into out (which must be empty). */
int backupset_read_backup(const struct backupset *bs, size_t i, struct buf *out, struct err *e);

/* Removes the .partial directories killed runs left. Call it holding the
 * state lock (backupset_lock_path). */
int backupset_clean_partial(const char *statedir, struct err *e);

/* The file whose lock (fix/filelock.h) guards the state: <statedir>/last. */
int backupset_lock_path(char *out, size_t n, const char *statedir);

void backupset_release(struct backupset *bs);

#endif
