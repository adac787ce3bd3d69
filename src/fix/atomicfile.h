/* atomicfile.h — replace a user's file the way docker's ConfigFile.Save
 * does, a little more carefully.
 *
 * docker/cli (cli/config/configfile/file.go Save, file_unix.go
 * copyFilePermissions; registry-auth-facts §4):
 *   MkdirAll(dir, 0700); CreateTemp(dir, "config.json*") (0600); write;
 *   close; EvalSymlinks (a dangling link allowed); chmod the temp to the
 *   target's mode when the target is a regular file; Lchown to the
 *   target's uid/gid when both are > 0 (errors ignored); rename over the
 *   target; the temp file removed on any error.
 *
 * atomicfile_replace does all of that, and differs on purpose in these:
 *  - the temp file is made in the directory of the symlink's *target*:
 *    docker makes it beside the link and renames across, which fails with
 *    EXDEV when the link points into another file system;
 *  - the temp file is fsync'ed before the rename and the directory after
 *    it (docker does neither: after a power cut its config.json can be
 *    empty);
 *  - the owner (uid and gid) is kept or nothing is written. docker ignores
 *    a failed chown and skips uid 0, so a run by another user leaves the
 *    file owned by whoever ran it, locking its real owner out of a 0600
 *    credential file;
 *  - a file that did not exist, written by root in a directory owned by
 *    someone else, takes that directory's owner (a `sudo` run would
 *    otherwise leave ~/.docker/config.json owned by root); so do the
 *    directories atomicfile_mkdir_all creates as root;
 *  - a read-only target (its owner-write bit clear, e.g. 0444) or a
 *    directory that cannot be written is refused with the path and the
 *    errno text ("Permission denied", "Read-only file system") before
 *    anything is created: root could rename over a 0444 file, and docker
 *    would, but a file made read-only was made so on purpose;
 *  - a target that exists but is not a regular file (a directory, a FIFO)
 *    is refused (docker would rename over a FIFO).
 *
 * Invariants: after atomicfile_replace returns, the target holds either
 * its old content or the new one, whatever happened (a crash, a kill -9,
 * an error): the only change before the rename is a temp file named
 * "<base>" ATOMICFILE_TMP_TAG "XXXXXX" in the target's directory, removed
 * on every error path; one left by a killed process is removed by
 * atomicfile_clean_temps (the next run, under the file's lock). Nothing
 * here locks: fix/filelock.h serialises fixkb runs (docker itself never
 * locks, so a concurrent `docker login` can still race a fixkb write; the
 * rename keeps either write whole). Functions never print; errors name
 * the path and say what failed. */
#ifndef FIXKB_FIX_ATOMICFILE_H
#define FIXKB_FIX_ATOMICFILE_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

/* "<base>.fixkb-tmp-XXXXXX" beside the target. */
#define ATOMICFILE_TMP_TAG ".fixkb-tmp-"
/* How many symlinks atomicfile_resolve follows (as Linux's MAXSYMLINKS). */
#define ATOMICFILE_MAX_LINKS 40

struct atomicfile_opts {
	mode_t new_mode;   /* a file that does not exist yet gets this mode */
	mode_t dir_mode;   /* a missing directory is created with this mode */
};

/* Credential files, as docker: 0600 in a 0700 directory. */
#define ATOMICFILE_CREDENTIALS { 0600, 0700 }
/* Files anyone may read (.dockerignore, a CA certificate): 0644, 0755. */
#define ATOMICFILE_PUBLIC { 0644, 0755 }

/* The file a write to path really replaces: path made absolute, the
 * symlinks of its last component followed (a dangling link gives the
 * missing file it names, as docker's Save allows), and the directory part
 * canonicalised when it exists (realpath). Two paths to one file give one
 * result, which filelock relies on. -1 on a loop, a path too long, or an
 * lstat/readlink error other than ENOENT. */
int atomicfile_resolve(char *out, size_t n, const char *path, struct err *e);

/* Whether a replace of target (already resolved) may go ahead, changing
 * nothing: the nearest existing directory must be writable and searchable
 * (access(2), and its owner-write bit set, since root passes access);
 * the target, when it exists, must be a regular file with its owner-write
 * bit set. -1 with "cannot write '<path>': <strerror> (read-only file,
 * mode 0444)" and the like. */
int atomicfile_check_writable(const char *target, struct err *e);

/* MkdirAll: creates dir and its missing parents with mode (exactly: the
 * umask does not apply), each fsync'ed into its parent. An existing
 * directory is fine; an existing non-directory is an error. */
int atomicfile_mkdir_all(const char *dir, mode_t mode, struct err *e);

/* Replaces path (symlinks followed) with data[0..len) as described above.
 * On error nothing changed but, at worst, the directories created for
 * it. */
int atomicfile_replace(const char *path, const void *data, size_t len,
		       const struct atomicfile_opts *o, struct err *e);

/* Removes target (not following a symlink: pass a resolved path) and
 * fsyncs its directory. A target already gone is fine. */
int atomicfile_remove(const char *target, struct err *e);

/* Removes the temp files a killed run left beside target
 * ("<base>" ATOMICFILE_TMP_TAG + 6 characters, regular files only).
 * Call it holding target's lock, so no live writer's temp file can be
 * taken. *removed (if not NULL) gets how many went. */
int atomicfile_clean_temps(const char *target, size_t *removed, struct err *e);

/* fsync(2) of a directory, so a rename or unlink in it is durable. */
int atomicfile_fsync_dir(const char *dir, struct err *e);

/* Splits a path at its last '/': dir ("/" for "/x", "." for "x") and
 * base. -1 when either does not fit. */
int atomicfile_split(const char *path, char *dir, size_t dn, char *base, size_t bn);

#endif
