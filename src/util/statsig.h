/* statsig.h — a path's identity and version as stat(2) sees it, to tell
 * whether something read from it earlier in the run still stands: the
 * same device and inode, size, mode, modification and change times (a
 * write, a rename over it or a chmod changes one of them), or still
 * missing. */
#ifndef FIXKB_UTIL_STATSIG_H
#define FIXKB_UTIL_STATSIG_H

#include <sys/stat.h>
#include <time.h>

struct statsig {
	int exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	mode_t mode;
	struct timespec mtime, ctime;
};

/* Takes path's signature (following symlinks, as the readers do). */
void statsig_take(const char *path, struct statsig *out);
/* 1 when a and b describe the same version (both missing counts). */
int statsig_same(const struct statsig *a, const struct statsig *b);

#endif
