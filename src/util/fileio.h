/* fileio.h — reading a whole file, with a named cap.
 *
 * Every file fixkb reads whole goes through fileio_read: docker's
 * config.json, containers auth files, the DOCKER_AUTH_CONFIG file, a
 * Dockerfile, KB entries. The caller names the cap (DOCKERCFG_FILE_MAX,
 * KB_FILE_MAX, ...), so a hostile file costs at most that many bytes.
 *
 * Only regular files are read: the open is non-blocking, so a FIFO or a
 * device is refused by fstat before any read can hang (symlinks are
 * followed, so a link to /dev/zero is refused too). The read buffer is
 * wiped, since config files hold secrets. */
#ifndef FIXKB_UTIL_FILEIO_H
#define FIXKB_UTIL_FILEIO_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* Reads the whole of path into b, which must be empty (BUF_INIT); b->max
 * becomes max. On success b->data is non-NULL and NUL-terminated, even
 * for an empty file, and the caller buf_release()s it.
 *
 * Returns 0, or -1 with one of:
 *   "reading '<path>': not a regular file"
 *   "reading '<path>': too large (more than <max> bytes)"
 *   "reading '<path>': <strerror>"
 *   "out of memory"
 * A file that does not exist: when missing is not NULL, *missing is set to
 * 1 and 0 is returned with b left empty; when missing is NULL it is the
 * strerror error ("No such file or directory"). *missing is 0 otherwise. */
int fileio_read(struct buf *b, const char *path, size_t max, int *missing, struct err *e);

#endif
