#include "audit/safefs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int safefs_openat(int dirfd, const char *name, int want_dir)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOATIME |
		    (want_dir ? O_DIRECTORY : O_NONBLOCK);
	int fd = openat(dirfd, name, flags);

	/* O_NOATIME needs ownership or CAP_FOWNER; without them, plain. */
	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, flags & ~O_NOATIME);
	return fd;
}

struct walkstate {
	int fds[SAFEFS_MAX_DEPTH];   /* fds[0]: the root */
	int depth;
	char todo[PATH_MAX * 2];     /* what is left to resolve, relative to fds[depth] */
	int links;
};

static void ws_close(struct walkstate *w, int keep_root)
{
	while (w->depth > 0)
		close(w->fds[w->depth--]);
	if (!keep_root && w->fds[0] >= 0) {
		close(w->fds[0]);
		w->fds[0] = -1;
	}
}

/* Splits the next component off w->todo into comp; 0 when none is left. */
static int next_component(struct walkstate *w, char *comp, size_t n)
{
	char *p = w->todo, *slash;
	size_t len;

	while (*p == '/')
		p++;
	if (!*p)
		return 0;
	slash = strchr(p, '/');
	len = slash ? (size_t)(slash - p) : strlen(p);
	if (len >= n)
		len = n - 1;
	memcpy(comp, p, len);
	comp[len] = '\0';
	memmove(w->todo, p + len, strlen(p + len) + 1);
	return 1;
}

static int rest_is_empty(const struct walkstate *w)
{
	const char *p = w->todo;

	while (*p == '/')
		p++;
	return *p == '\0';
}

/* A symlink at component comp (fd lfd): splice its target into todo. */
static int follow_link(struct walkstate *w, int lfd, const char *root, const char *path,
		       struct err *e)
{
	char target[PATH_MAX], joined[PATH_MAX * 2];
	ssize_t len;
	size_t rl = strlen(root);

	if (++w->links > SAFEFS_MAX_LINKS)
		return err_set(e, "reading '%s': too many levels of symbolic links", path);
	len = readlinkat(lfd, "", target, sizeof(target) - 1);
	if (len < 0)
		return err_set(e, "reading '%s': %s", path, strerror(errno));
	target[len] = '\0';
	if (target[0] == '/') {
		if (rl > 1 && (strncmp(target, root, rl) != 0 || (target[rl] && target[rl] != '/')))
			return err_set(e, "reading '%s': a symlink leads out of '%s' (to '%s'); not "
				       "followed", path, root, target);
		ws_close(w, 1);
		if (snprintf(joined, sizeof(joined), "%s/%s", target + (rl > 1 ? rl : 0), w->todo) >=
		    (int)sizeof(joined))
			return err_set(e, "reading '%s': path too long", path);
	} else if (snprintf(joined, sizeof(joined), "%s/%s", target, w->todo) >=
		   (int)sizeof(joined)) {
		return err_set(e, "reading '%s': path too long", path);
	}
	memcpy(w->todo, joined, strlen(joined) + 1);
	return 0;
}

/* One component: "." stays, ".." pops (never above the root), a name is
 * opened O_PATH|O_NOFOLLOW; a symlink is spliced in, a directory pushed.
 * Returns 1 when comp was the last component and is not a symlink or
 * directory to descend (the caller opens it for real), 0 to go on. */
static int step(struct walkstate *w, const char *comp, const char *root, const char *path,
		int *missing, struct err *e)
{
	struct stat st;
	int fd;

	if (strcmp(comp, ".") == 0)
		return 0;
	if (strcmp(comp, "..") == 0) {
		if (w->depth == 0)
			return err_set(e, "reading '%s': '..' leads out of '%s'; not followed", path,
				       root);
		close(w->fds[w->depth--]);
		return 0;
	}
	fd = openat(w->fds[w->depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && missing)
			*missing = 1;
		return err_set(e, "reading '%s': %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		return err_set(e, "reading '%s': %s", path, strerror(errno));
	}
	if (S_ISLNK(st.st_mode)) {
		int rc = follow_link(w, fd, root, path, e);

		close(fd);
		return rc;
	}
	if (rest_is_empty(w)) {
		close(fd);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		close(fd);
		return err_set(e, "reading '%s': %s", path, strerror(ENOTDIR));
	}
	if (w->depth + 1 >= SAFEFS_MAX_DEPTH) {
		close(fd);
		return err_set(e, "reading '%s': too deep", path);
	}
	w->fds[++w->depth] = fd;
	return 0;
}

static int open_last(struct walkstate *w, const char *comp, int want_dir, struct stat *st,
		     const char *path, struct err *e)
{
	int fd = comp[0] ? safefs_openat(w->fds[w->depth], comp, want_dir)
			 : safefs_openat(w->fds[w->depth], ".", 1);

	if (fd < 0)
		return err_set(e, "reading '%s': %s", path, strerror(errno));
	if (fstat(fd, st) < 0 || (!want_dir && S_ISDIR(st->st_mode))) {
		err_set(e, "reading '%s': %s", path, S_ISDIR(st->st_mode) ? "is a directory"
									   : strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int safefs_open(const char *root, const char *path, int want_dir, struct stat *st,
		int *missing, struct err *e)
{
	struct walkstate w;
	char comp[NAME_MAX + 1] = "";
	size_t rl = strlen(root);
	const char *rel = path;
	int rc, fd = -1;

	if (missing)
		*missing = 0;
	if (path[0] == '/') {
		if (rl > 1 && (strncmp(path, root, rl) != 0 || (path[rl] && path[rl] != '/')))
			return err_set(e, "reading '%s': not under '%s'", path, root);
		rel = rl > 1 ? path + rl : path;
	}
	if (strlen(rel) >= sizeof(w.todo))
		return err_set(e, "reading '%s': path too long", path);
	memset(&w, 0, sizeof(w));
	memcpy(w.todo, rel, strlen(rel) + 1);
	w.fds[0] = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w.fds[0] < 0)
		return err_set(e, "reading '%s': cannot open '%s': %s", path, root, strerror(errno));
	for (;;) {
		if (!next_component(&w, comp, sizeof(comp))) {
			comp[0] = '\0';   /* the path named the root (or a dir we are in) */
			break;
		}
		rc = step(&w, comp, root, path, missing, e);
		if (rc < 0)
			goto cleanup;
		if (rc == 1)
			break;
	}
	fd = open_last(&w, comp, want_dir, st, path, e);
cleanup:
	ws_close(&w, 0);
	return fd;
}

int safefs_read_fd(struct buf *b, int fd, const struct stat *st, size_t max, const char *path,
		   struct err *e)
{
	char chunk[16384];
	ssize_t got;

	if (!S_ISREG(st->st_mode))
		return err_set(e, "reading '%s': not a regular file", path);
	if ((unsigned long long)st->st_size > max)
		return err_set(e, "reading '%s': too large (more than %zu bytes)", path, max);
	b->max = max;
	for (;;) {
		got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return err_set(e, "reading '%s': %s", path, strerror(errno));
		if (got == 0)
			break;
		if (buf_append(b, chunk, (size_t)got) < 0) {
			memset(chunk, 0, sizeof(chunk));
			return err_set(e, "reading '%s': too large (more than %zu bytes)", path, max);
		}
	}
	memset(chunk, 0, sizeof(chunk));
	if (!b->data && buf_append(b, "", 0) < 0)
		return err_set(e, "out of memory");
	return 0;
}

int safefs_read(struct buf *b, const char *root, const char *path, size_t max,
		struct stat *st, int *missing, struct err *e)
{
	struct stat tmp;
	struct err oe = ERR_INIT;
	int fd, rc;

	fd = safefs_open(root, path, 0, st ? st : &tmp, missing, &oe);
	if (fd < 0) {
		if (missing && *missing)
			return 0;
		return err_set(e, "%s", oe.msg);
	}
	rc = safefs_read_fd(b, fd, st ? st : &tmp, max, path, e);
	close(fd);
	return rc;
}
