#include "fix/filelock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"
#include "fix/atomicfile.h"

int filelock_path(char *out, size_t n, const char *target)
{
	char dir[PATH_MAX], base[PATH_MAX];
	int w;

	if (atomicfile_split(target, dir, sizeof(dir), base, sizeof(base)) < 0 || !*base)
		return -1;
	w = snprintf(out, n, "%s/.%s.fixkb-lock", strcmp(dir, "/") == 0 ? "" : dir, base);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* As root, the lock file beside someone else's file is theirs. */
static void give_to_dir_owner(int fd, const char *lockpath)
{
	char dir[PATH_MAX], base[PATH_MAX];
	struct stat st;

	if (geteuid() != 0 || atomicfile_split(lockpath, dir, sizeof(dir), base, sizeof(base)) < 0)
		return;
	if (stat(dir, &st) == 0 && st.st_uid != 0 && fchown(fd, st.st_uid, st.st_gid) < 0)
		return;   /* root can always chown; nothing to report otherwise */
}

static int open_lock(const char *lockpath, const char *target, struct err *e)
{
	int fd = open(lockpath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);

	if (fd >= 0) {
		if (fchmod(fd, 0644) == 0)
			give_to_dir_owner(fd, lockpath);
		return fd;
	}
	if (errno == EEXIST) {
		fd = open(lockpath, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 && errno == EACCES)
			fd = open(lockpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0)
		return err_set(e, "locking '%s': '%s': %s", target, lockpath, strerror(errno));
	return fd;
}

/* The pid a holder wrote into the lock file, or 0. */
static long holder_pid(int fd)
{
	char b[32];
	ssize_t n = pread(fd, b, sizeof(b) - 1, 0);

	if (n <= 0)
		return 0;
	b[n] = '\0';
	return strtol(b, NULL, 10);
}

static void sleep_ms(double ms)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000) * 1e6);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void note_pid(int fd)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%ld\n", (long)getpid());

	/* Only for the message a waiting run prints: failures do not matter. */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, b, (size_t)n, 0) < 0)
		return;
}

int filelock_acquire(struct filelock *l, const char *target, double timeout_ms,
		     struct err *e)
{
	char lockpath[PATH_MAX];
	double deadline = clock_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int fd;

	if (filelock_path(lockpath, sizeof(lockpath), target) < 0)
		return err_set(e, "locking '%s': path too long", target);
	fd = open_lock(lockpath, target, e);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			err_set(e, "locking '%s': '%s': %s", target, lockpath, strerror(errno));
			close(fd);
			return -1;
		}
		if (clock_left_ms(deadline) <= 0) {
			err_set(e, "'%s' is locked by another fixkb run (pid %ld); waited %.1f s: "
				"try again when it has finished", target, holder_pid(fd),
				(timeout_ms > 0 ? timeout_ms : 0) / 1000.0);
			close(fd);
			return -1;
		}
		sleep_ms(clock_left_ms(deadline) < FILELOCK_POLL_MS ? clock_left_ms(deadline)
								    : FILELOCK_POLL_MS);
	}
	note_pid(fd);
	l->path = strdup(lockpath);
	if (!l->path) {
		close(fd);
		return err_set(e, "out of memory");
	}
	l->fd = fd;
	return 0;
}

void filelock_release(struct filelock *l)
{
	if (!l)
		return;
	if (l->fd >= 0) {
		if (flock(l->fd, LOCK_UN) < 0) {
			/* close() below drops it anyway */
		}
		close(l->fd);
	}
	l->fd = -1;
	free(l->path);
	l->path = NULL;
}
