#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int too_large(struct err *e, const char *path, size_t max)
{
	return err_set(e, "reading '%s': too large (more than %zu bytes)", path, max);
}

/* Appends what fd holds to b (capped at b->max). */
static int read_all(struct buf *b, int fd, const char *path, struct err *e)
{
	char chunk[8192];
	ssize_t got;
	int rc = -1;

	for (;;) {
		got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err_set(e, "reading '%s': %s", path, strerror(errno));
			goto cleanup;
		}
		if (got == 0)
			break;
		if (buf_append(b, chunk, (size_t)got) < 0) {
			if (b->truncated)
				too_large(e, path, b->max);
			else
				err_set(e, "out of memory");
			goto cleanup;
		}
	}
	/* data is non-NULL even for an empty file */
	if (buf_append(b, "", 0) < 0) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	rc = 0;
cleanup:
	explicit_bzero(chunk, sizeof(chunk));
	return rc;
}

int fileio_read(struct buf *b, const char *path, size_t max, int *missing, struct err *e)
{
	struct stat st;
	int fd, rc = -1;

	if (missing)
		*missing = 0;
	/* O_NONBLOCK: a FIFO must not hang us before fstat says what it is. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT && missing) {
			*missing = 1;
			return 0;
		}
		return err_set(e, "reading '%s': %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0) {
		err_set(e, "reading '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, "reading '%s': not a regular file", path);
		goto cleanup;
	}
	if ((unsigned long long)st.st_size > (unsigned long long)max) {
		too_large(e, path, max);
		goto cleanup;
	}
	/* The file may grow after fstat: the cap holds while reading too. */
	b->max = max;
	rc = read_all(b, fd, path, e);
cleanup:
	close(fd);
	return rc;
}
