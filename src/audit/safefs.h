/* safefs.h — read-only file access confined to a root directory.
 *
 * For --all-users, fixkb reads other people's homes as root: nothing it
 * opens may lead it out of the home it is auditing, and nothing it reads
 * may change anything (not even an access time). So:
 *  - safefs_open() resolves a path one component at a time from an fd on
 *    the root (openat with O_PATH|O_NOFOLLOW), reading each symlink itself:
 *    an absolute target must lie under the root, ".." never climbs above
 *    it, at most SAFEFS_MAX_LINKS links are followed. A link that leaves
 *    the root is refused ("symlink leaves '/home/bob'"). Components are
 *    opened through the fds already checked, so swapping a directory for a
 *    symlink mid-way cannot redirect it (the last open is O_NOFOLLOW too).
 *  - every open is O_RDONLY (or O_PATH) with O_NOATIME when the kernel
 *    allows it (the owner and root may), so reading leaves atimes alone;
 *    files are opened O_NONBLOCK so a FIFO cannot hang us.
 * With root "/" this is ordinary path resolution (the current user's own
 * files, DOCKER_CONFIG anywhere). No function here writes. */
#ifndef FIXKB_AUDIT_SAFEFS_H
#define FIXKB_AUDIT_SAFEFS_H

#include <stddef.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/err.h"

#define SAFEFS_MAX_LINKS 40
#define SAFEFS_MAX_DEPTH 256

/* Opens `path` (absolute, or relative to root) under `root`. want_dir: the
 * result must be a directory (O_DIRECTORY fd), else it must not be one.
 * Returns the fd (caller closes) with *st filled; -1 with e set, and
 * *missing = 1 (when missing is not NULL) if a component does not exist. */
int safefs_open(const char *root, const char *path, int want_dir, struct stat *st,
		int *missing, struct err *e);

/* openat(dirfd, name) of a directory entry without following a symlink,
 * O_NOATIME when allowed. want_dir as above. Returns the fd or -1 (errno). */
int safefs_openat(int dirfd, const char *name, int want_dir);

/* Reads a regular file's fd into b, at most max bytes: -1 with "not a
 * regular file" / "too large (more than N bytes)" / strerror. path is only
 * for messages. Does not close fd. */
int safefs_read_fd(struct buf *b, int fd, const struct stat *st, size_t max, const char *path,
		   struct err *e);

/* safefs_open + safefs_read_fd. *missing as in safefs_open (0 returned). */
int safefs_read(struct buf *b, const char *root, const char *path, size_t max,
		struct stat *st, int *missing, struct err *e);

#endif
