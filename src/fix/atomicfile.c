#include "fix/atomicfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int atomicfile_split(const char *path, char *dir, size_t dn, char *base, size_t bn)
{
	const char *slash = strrchr(path, '/');
	size_t dl;
	int w;

	if (!slash) {
		w = snprintf(dir, dn, ".");
		if (w < 0 || (size_t)w >= dn)
			return -1;
		w = snprintf(base, bn, "%s", path);
		return w < 0 || (size_t)w >= bn ? -1 : 0;
	}
	dl = slash == path ? 1 : (size_t)(slash - path);
	if (dl >= dn)
		return -1;
	memcpy(dir, path, dl);
	dir[dl] = '\0';
	w = snprintf(base, bn, "%s", slash + 1);
	return w < 0 || (size_t)w >= bn ? -1 : 0;
}

/* out = path made absolute (cwd prepended to a relative one). */
static int make_absolute(char *out, size_t n, const char *path, struct err *e)
{
	char cwd[PATH_MAX];
	int w;

	if (!*path)
		return err_set(e, "an empty file name");
	if (path[0] == '/') {
		w = snprintf(out, n, "%s", path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return err_set(e, "resolving '%s': current directory: %s", path, strerror(errno));
		w = snprintf(out, n, "%s/%s", cwd, path);
	}
	if (w < 0 || (size_t)w >= n)
		return err_set(e, "resolving '%s': path too long", path);
	return 0;
}

/* cur = the file a symlink at cur points to (relative to cur's dir). */
static int follow_link(char *cur, size_t n, const char *orig, struct err *e)
{
	char link[PATH_MAX], dir[PATH_MAX], base[PATH_MAX];
	ssize_t len = readlink(cur, link, sizeof(link) - 1);
	int w;

	if (len < 0)
		return err_set(e, "resolving '%s': readlink '%s': %s", orig, cur, strerror(errno));
	link[len] = '\0';
	if (link[0] == '/') {
		w = snprintf(cur, n, "%s", link);
	} else {
		if (atomicfile_split(cur, dir, sizeof(dir), base, sizeof(base)) < 0)
			return err_set(e, "resolving '%s': path too long", orig);
		w = snprintf(cur, n, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, link);
	}
	if (w < 0 || (size_t)w >= n)
		return err_set(e, "resolving '%s': path too long", orig);
	return 0;
}

int atomicfile_resolve(char *out, size_t n, const char *path, struct err *e)
{
	char cur[PATH_MAX], dir[PATH_MAX], base[PATH_MAX], real[PATH_MAX];
	struct stat st;
	int hops, w;

	if (make_absolute(cur, sizeof(cur), path, e) < 0)
		return -1;
	for (hops = 0;; hops++) {
		if (lstat(cur, &st) < 0) {
			if (errno == ENOENT)
				break;   /* missing, or the end of a dangling link */
			return err_set(e, "resolving '%s': '%s': %s", path, cur, strerror(errno));
		}
		if (!S_ISLNK(st.st_mode))
			break;
		if (hops == ATOMICFILE_MAX_LINKS)
			return err_set(e, "resolving '%s': %s", path, strerror(ELOOP));
		if (follow_link(cur, sizeof(cur), path, e) < 0)
			return -1;
	}
	if (atomicfile_split(cur, dir, sizeof(dir), base, sizeof(base)) < 0 || !*base)
		return err_set(e, "resolving '%s': not a file name", path);
	if (realpath(dir, real))
		w = snprintf(out, n, "%s/%s", strcmp(real, "/") == 0 ? "" : real, base);
	else
		w = snprintf(out, n, "%s", cur);
	if (w < 0 || (size_t)w >= n)
		return err_set(e, "resolving '%s': path too long", path);
	return 0;
}

/* The nearest existing ancestor directory of target into out, its stat in *st. */
static int existing_dir(char *out, size_t n, const char *target, struct stat *st,
			struct err *e)
{
	char base[PATH_MAX], tmp[PATH_MAX];

	if (atomicfile_split(target, out, n, base, sizeof(base)) < 0)
		return err_set(e, "'%s': path too long", target);
	for (;;) {
		if (stat(out, st) == 0) {
			if (!S_ISDIR(st->st_mode))
				return err_set(e, "cannot write '%s': '%s' is not a directory", target, out);
			return 0;
		}
		if (errno != ENOENT)
			return err_set(e, "cannot write '%s': '%s': %s", target, out, strerror(errno));
		if (strcmp(out, "/") == 0 || strcmp(out, ".") == 0)
			return err_set(e, "cannot write '%s': no existing directory above it", target);
		snprintf(tmp, sizeof(tmp), "%s", out);
		if (atomicfile_split(tmp, out, n, base, sizeof(base)) < 0)
			return err_set(e, "'%s': path too long", target);
	}
}

int atomicfile_check_writable(const char *target, struct err *e)
{
	char dir[PATH_MAX];
	struct stat st;

	if (existing_dir(dir, sizeof(dir), target, &st, e) < 0)
		return -1;
	if (access(dir, W_OK | X_OK) < 0)
		return err_set(e, "cannot write '%s': directory '%s': %s", target, dir, strerror(errno));
	if (!(st.st_mode & S_IWUSR))
		return err_set(e, "cannot write '%s': directory '%s': %s (read-only directory, mode %04o)",
			       target, dir, strerror(EACCES), (unsigned)(st.st_mode & 07777));
	if (lstat(target, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return err_set(e, "cannot write '%s': %s", target, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return err_set(e, "cannot write '%s': not a regular file", target);
	if (!(st.st_mode & S_IWUSR))
		return err_set(e, "cannot write '%s': %s (read-only file, mode %04o)", target,
			       strerror(EACCES), (unsigned)(st.st_mode & 07777));
	return 0;
}

int atomicfile_fsync_dir(const char *dir, struct err *e)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return err_set(e, "opening directory '%s': %s", dir, strerror(errno));
	if (fsync(fd) < 0 && errno != EINVAL)
		rc = err_set(e, "fsync of directory '%s': %s", dir, strerror(errno));
	close(fd);
	return rc;
}

/* As root, a new file or directory in a directory owned by someone else
 * takes that directory's owner. */
static int adopt_dir_owner(const char *dir, uid_t *uid, gid_t *gid)
{
	struct stat st;

	if (geteuid() != 0 || stat(dir, &st) < 0 || st.st_uid == 0)
		return 0;
	*uid = st.st_uid;
	*gid = st.st_gid;
	return 1;
}

int atomicfile_mkdir_all(const char *dir, mode_t mode, struct err *e)
{
	char parent[PATH_MAX], base[PATH_MAX];
	struct stat st;
	uid_t uid;
	gid_t gid;

	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		return err_set(e, "creating directory '%s': %s", dir, strerror(ENOTDIR));
	}
	if (errno != ENOENT)
		return err_set(e, "creating directory '%s': %s", dir, strerror(errno));
	if (atomicfile_split(dir, parent, sizeof(parent), base, sizeof(base)) < 0)
		return err_set(e, "creating directory '%s': path too long", dir);
	if (strcmp(parent, dir) != 0 && atomicfile_mkdir_all(parent, mode, e) < 0)
		return -1;
	if (mkdir(dir, mode) < 0) {
		if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;   /* made by someone else meanwhile */
		return err_set(e, "creating directory '%s': %s", dir, strerror(errno));
	}
	if (chmod(dir, mode) < 0)
		return err_set(e, "creating directory '%s': chmod: %s", dir, strerror(errno));
	if (adopt_dir_owner(parent, &uid, &gid) && chown(dir, uid, gid) < 0)
		return err_set(e, "creating directory '%s': chown: %s", dir, strerror(errno));
	return atomicfile_fsync_dir(parent, e);
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t w;

	while (len) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* What the new file must look like: the old one's mode and owner, or
 * o->new_mode and (as root) the directory's owner. */
struct want {
	mode_t mode;
	int chown;
	uid_t uid;
	gid_t gid;
};

static int decide_attrs(struct want *w, const char *target, const char *dir,
			const struct atomicfile_opts *o, struct err *e)
{
	struct stat st;

	w->chown = 0;
	if (stat(target, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			return err_set(e, "cannot write '%s': not a regular file", target);
		w->mode = st.st_mode & 07777;
		w->chown = 1;
		w->uid = st.st_uid;
		w->gid = st.st_gid;
		return 0;
	}
	if (errno != ENOENT)
		return err_set(e, "cannot write '%s': %s", target, strerror(errno));
	w->mode = o->new_mode;
	w->chown = adopt_dir_owner(dir, &w->uid, &w->gid);
	return 0;
}

/* Owner, mode, data and fsync of the open temp file. */
static int fill_temp(int fd, const char *target, const struct want *w, const void *data,
		     size_t len, struct err *e)
{
	struct stat st;

	if (write_all(fd, data, len) < 0)
		return err_set(e, "writing '%s': %s", target, strerror(errno));
	if (w->chown && fstat(fd, &st) == 0 && (st.st_uid != w->uid || st.st_gid != w->gid) &&
	    fchown(fd, w->uid, w->gid) < 0)
		return err_set(e, "cannot keep the owner of '%s' (uid %u, gid %u): %s", target,
			       (unsigned)w->uid, (unsigned)w->gid, strerror(errno));
	if (fchmod(fd, w->mode) < 0)
		return err_set(e, "writing '%s': chmod %04o: %s", target, (unsigned)w->mode,
			       strerror(errno));
	if (fsync(fd) < 0)
		return err_set(e, "writing '%s': fsync: %s", target, strerror(errno));
	return 0;
}

int atomicfile_replace(const char *path, const void *data, size_t len,
		       const struct atomicfile_opts *o, struct err *e)
{
	char target[PATH_MAX], dir[PATH_MAX], base[PATH_MAX], tmp[PATH_MAX + 32];
	struct want w = { 0600, 0, 0, 0 };
	int fd = -1, rc = -1, made = 0;

	if (atomicfile_resolve(target, sizeof(target), path, e) < 0)
		return -1;
	if (atomicfile_split(target, dir, sizeof(dir), base, sizeof(base)) < 0)
		return err_set(e, "writing '%s': path too long", target);
	if (atomicfile_check_writable(target, e) < 0)
		return -1;
	if (atomicfile_mkdir_all(dir, o->dir_mode, e) < 0 ||
	    decide_attrs(&w, target, dir, o, e) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s/%s" ATOMICFILE_TMP_TAG "XXXXXX", dir, base);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return err_set(e, "creating a temporary file in '%s': %s", dir, strerror(errno));
	made = 1;
	if (fill_temp(fd, target, &w, data, len, e) < 0)
		goto cleanup;
	if (close(fd) < 0) {
		fd = -1;
		err_set(e, "writing '%s': close: %s", target, strerror(errno));
		goto cleanup;
	}
	fd = -1;
	if (rename(tmp, target) < 0) {
		err_set(e, "replacing '%s': %s", target, strerror(errno));
		goto cleanup;
	}
	made = 0;
	rc = atomicfile_fsync_dir(dir, e);
cleanup:
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(tmp);
	return rc;
}

int atomicfile_remove(const char *target, struct err *e)
{
	char dir[PATH_MAX], base[PATH_MAX];

	if (atomicfile_split(target, dir, sizeof(dir), base, sizeof(base)) < 0)
		return err_set(e, "removing '%s': path too long", target);
	if (unlink(target) < 0) {
		if (errno == ENOENT)
			return 0;
		return err_set(e, "removing '%s': %s", target, strerror(errno));
	}
	return atomicfile_fsync_dir(dir, e);
}

/* name is "<base>" TAG + exactly 6 characters. */
static int is_temp_of(const char *name, const char *base)
{
	size_t bl = strlen(base), tl = strlen(ATOMICFILE_TMP_TAG);

	return strncmp(name, base, bl) == 0 &&
	       strncmp(name + bl, ATOMICFILE_TMP_TAG, tl) == 0 && strlen(name + bl + tl) == 6;
}

int atomicfile_clean_temps(const char *target, size_t *removed, struct err *e)
{
	char dir[PATH_MAX], base[PATH_MAX], p[2 * PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if (removed)
		*removed = 0;
	if (atomicfile_split(target, dir, sizeof(dir), base, sizeof(base)) < 0)
		return err_set(e, "'%s': path too long", target);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : err_set(e, "reading directory '%s': %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (!is_temp_of(de->d_name, base))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (lstat(p, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (unlink(p) < 0 && errno != ENOENT) {
			rc = err_set(e, "removing the leftover temporary file '%s': %s", p, strerror(errno));
			break;
		}
		if (removed)
			(*removed)++;
	}
	closedir(d);
	return rc;
}
