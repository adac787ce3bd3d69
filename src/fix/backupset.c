#include "fix/backupset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "fix/atomicfile.h"
#include "fix/gojson.h"
#include "util/crypto.h"
#include "util/fileio.h"
#include "util/jsonerr.h"
#include "util/jsontext.h"

#define MANIFEST_MAX (1u << 20)
static const struct atomicfile_opts private_file = { 0600, 0700 };

/* ---- creating a set ---- */

/* "<UTC time to the ms>Z-<pid>-<n>": n counts this process's sets, so an
 * apply and an undo in one millisecond get two ids. */
static void make_id(struct backupset *bs)
{
	static unsigned long seq;
	struct timespec ts;
	struct tm tm;
	char when[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y%m%dT%H%M%S", &tm);
	snprintf(bs->id, sizeof(bs->id), "%s.%03ldZ-%ld-%lu", when, ts.tv_nsec / 1000000L,
		 (long)getpid(), ++seq);
	strftime(bs->created, sizeof(bs->created), "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int backupset_create(struct backupset *bs, const char *statedir, const char *kind,
		     struct err *e)
{
	char backups[PATH_MAX];
	int w;

	make_id(bs);
	snprintf(bs->kind, sizeof(bs->kind), "%s", kind);
	snprintf(bs->state, sizeof(bs->state), "applying");
	w = snprintf(bs->statedir, sizeof(bs->statedir), "%s", statedir);
	if (w < 0 || (size_t)w >= sizeof(bs->statedir) ||
	    snprintf(backups, sizeof(backups), "%s/backups", statedir) >= (int)sizeof(backups))
		return err_set(e, "backup directory: path too long");
	if (atomicfile_mkdir_all(backups, 0700, e) < 0)
		return -1;
	w = snprintf(bs->dir, sizeof(bs->dir), "%s/%s", backups, bs->id);
	if (w < 0 || (size_t)w >= sizeof(bs->dir))
		return err_set(e, "backup directory: path too long");
	if (access(bs->dir, F_OK) == 0)   /* a reused pid in the same millisecond */
		return err_set(e, "creating backup directory '%s': %s", bs->dir, strerror(EEXIST));
	w = snprintf(bs->dir, sizeof(bs->dir), "%s/.%s.partial", backups, bs->id);
	if (w < 0 || (size_t)w >= sizeof(bs->dir))
		return err_set(e, "backup directory: path too long");
	if (mkdir(bs->dir, 0700) < 0)
		return err_set(e, "creating backup directory '%s': %s", bs->dir, strerror(errno));
	return 0;
}

/* A new private file with data, fsync'ed. */
static int write_private(const char *path, const void *data, size_t len, struct err *e)
{
	const char *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	ssize_t w;

	if (fd < 0)
		return err_set(e, "writing backup '%s': %s", path, strerror(errno));
	while (len) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;
		p += w;
		len -= (size_t)w;
	}
	if (len || fsync(fd) < 0) {
		err_set(e, "writing backup '%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return close(fd) < 0 ? err_set(e, "writing backup '%s': %s", path, strerror(errno)) : 0;
}

static int grow_files(struct backupset *bs)
{
	struct backupset_file *nf = realloc(bs->files, (bs->n + 1) * sizeof(*nf));

	if (!nf)
		return -1;
	bs->files = nf;
	memset(&bs->files[bs->n], 0, sizeof(*nf));
	return 0;
}

static int copy_name(char **out, const char *target, size_t i)
{
	char dir[PATH_MAX], base[PATH_MAX];
	int n;

	if (atomicfile_split(target, dir, sizeof(dir), base, sizeof(base)) < 0)
		return -1;
	n = snprintf(NULL, 0, "%zu-%s", i, base);
	*out = malloc((size_t)n + 1);
	if (!*out)
		return -1;
	snprintf(*out, (size_t)n + 1, "%zu-%s", i, base);
	return 0;
}

int backupset_add(struct backupset *bs, const char *path, const char *target, int existed,
		  const void *old, size_t oldlen, mode_t mode, const void *new_data, size_t newlen,
		  int json, int secret, struct err *e)
{
	struct backupset_file *f;
	char copy[2 * PATH_MAX];

	if (grow_files(bs) < 0)
		return err_set(e, "out of memory");
	f = &bs->files[bs->n++];
	f->path = strdup(path);
	f->target = strdup(target);
	if (!f->path || !f->target || (existed && copy_name(&f->backup, target, bs->n) < 0))
		return err_set(e, "out of memory");
	f->existed = existed;
	f->mode = existed ? mode : 0;
	f->removed = new_data == NULL;
	f->json = json;
	f->secret = secret;
	if (existed)
		sha256_hex(old, oldlen, f->old_sha);
	if (new_data)
		sha256_hex(new_data, newlen, f->new_sha);
	if (!existed)
		return 0;
	snprintf(copy, sizeof(copy), "%s/%s", bs->dir, f->backup);
	return write_private(copy, old, oldlen, e);
}

static int extra_name_valid(const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '-'))
			return 0;
	return i > 0 && i < 64;
}

int backupset_add_extra(struct backupset *bs, const char *name, const void *data, size_t len,
			struct err *e)
{
	char path[PATH_MAX + 80];
	char **nv;

	if (!extra_name_valid(name))
		return err_set(e, "backup extra name '%s' is not [a-z0-9-]+", name);
	if (len > BACKUPSET_EXTRA_MAX)
		return err_set(e, "backup extra '%s': too large", name);
	nv = realloc(bs->extras, (bs->nextras + 1) * sizeof(*nv));
	if (!nv)
		return err_set(e, "out of memory");
	bs->extras = nv;
	snprintf(path, sizeof(path), "%s/x-%s", bs->dir, name);
	if (write_private(path, data, len, e) < 0)
		return -1;
	if (!(nv[bs->nextras] = strdup(name)))
		return err_set(e, "out of memory");
	bs->nextras++;
	return 0;
}

int backupset_read_extra(const struct backupset *bs, const char *name, struct buf *out,
			 struct err *e)
{
	char path[PATH_MAX + 80];
	size_t i;
	int missing;

	for (i = 0; i < bs->nextras && strcmp(bs->extras[i], name) != 0; i++)
		;
	if (i == bs->nextras)
		return 0;
	snprintf(path, sizeof(path), "%s/x-%s", bs->dir, name);
	if (fileio_read(out, path, BACKUPSET_EXTRA_MAX, &missing, e) < 0)
		return -1;
	if (missing)
		return err_set(e, "the backup '%s' is gone", path);
	return 1;
}

/* ---- the manifest ---- */

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *file_json(const struct backupset_file *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "path", json_string(f->path));
	json_object_set_new(o, "target", json_string(f->target));
	json_object_set_new(o, "existed", json_boolean(f->existed));
	json_object_set_new(o, "backup", str_or_null(f->backup));
	json_object_set_new(o, "old_sha256", str_or_null(f->old_sha));
	json_object_set_new(o, "mode", f->existed ? json_integer(f->mode) : json_null());
	json_object_set_new(o, "removed", json_boolean(f->removed));
	json_object_set_new(o, "new_sha256", str_or_null(f->new_sha));
	json_object_set_new(o, "json", json_boolean(f->json));
	json_object_set_new(o, "secret", json_boolean(f->secret));
	return o;
}

static int write_manifest(const struct backupset *bs, struct err *e)
{
	struct buf out = BUF_INIT(MANIFEST_MAX);
	char path[PATH_MAX + 16];
	json_t *m = json_object(), *files = json_array(), *extras = json_array();
	size_t i;
	int rc = -1;

	json_object_set_new(m, "fixkb", json_string(FIXKB_VERSION));
	json_object_set_new(m, "id", json_string(bs->id));
	json_object_set_new(m, "created", json_string(bs->created));
	json_object_set_new(m, "kind", json_string(bs->kind));
	json_object_set_new(m, "state", json_string(bs->state));
	for (i = 0; i < bs->n; i++)
		json_array_append_new(files, file_json(&bs->files[i]));
	json_object_set(m, "files", files);
	for (i = 0; i < bs->nextras; i++)
		json_array_append_new(extras, json_string(bs->extras[i]));
	if (bs->nextras)
		json_object_set(m, "extras", extras);
	if (json_array_size(files) != bs->n || json_array_size(extras) != bs->nextras || gojson_dump(&out, m, e) < 0 ||
	    buf_append(&out, "\n", 1) < 0) {
		err_set(e, "writing the backup manifest: out of memory");
		goto cleanup;
	}
	snprintf(path, sizeof(path), "%s/manifest.json", bs->dir);
	rc = atomicfile_replace(path, out.data, out.len, &private_file, e);
cleanup:
	json_decref(files);
	json_decref(extras);
	json_decref(m);
	buf_release(&out);
	return rc;
}

int backupset_lock_path(char *out, size_t n, const char *statedir)
{
	int w = snprintf(out, n, "%s/last", statedir);

	return w < 0 || (size_t)w >= n ? -1 : 0;
}

static int read_last(struct backupset *bs, const char *statedir, struct err *e);

int backupset_commit(struct backupset *bs, int make_last, struct err *e)
{
	struct backupset before = BACKUPSET_INIT;

	char final[PATH_MAX], backups[PATH_MAX], last[PATH_MAX], line[BACKUPSET_ID_MAX + 2];

	if (write_manifest(bs, e) < 0 || atomicfile_fsync_dir(bs->dir, e) < 0)
		return -1;
	snprintf(backups, sizeof(backups), "%s/backups", bs->statedir);
	if (snprintf(final, sizeof(final), "%s/%s", backups, bs->id) >= (int)sizeof(final))
		return err_set(e, "backup directory: path too long");
	if (rename(bs->dir, final) < 0)
		return err_set(e, "renaming '%s' to '%s': %s", bs->dir, final, strerror(errno));
	memcpy(bs->dir, final, sizeof(final));
	if (atomicfile_fsync_dir(backups, e) < 0)
		return -1;
	if (!make_last)
		return 0;
	if (read_last(&before, bs->statedir, NULL) == 1)
		memcpy(bs->prev, before.id, sizeof(bs->prev));
	backupset_lock_path(last, sizeof(last), bs->statedir);
	snprintf(line, sizeof(line), "%s\n", bs->id);
	if (atomicfile_replace(last, line, strlen(line), &private_file, e) < 0)
		return -1;
	bs->made_last = 1;
	return 0;
}

int backupset_unmake_last(struct backupset *bs, struct err *e)
{
	struct backupset cur = BACKUPSET_INIT;
	char last[PATH_MAX], line[BACKUPSET_ID_MAX + 2];

	if (!bs->made_last)
		return 0;
	bs->made_last = 0;
	if (read_last(&cur, bs->statedir, NULL) != 1 || strcmp(cur.id, bs->id) != 0)
		return 0;   /* another set became the last meanwhile */
	backupset_lock_path(last, sizeof(last), bs->statedir);
	if (!bs->prev[0])
		return atomicfile_remove(last, e);
	snprintf(line, sizeof(line), "%s\n", bs->prev);
	return atomicfile_replace(last, line, strlen(line), &private_file, e);
}

int backupset_set_state(struct backupset *bs, const char *state, struct err *e)
{
	snprintf(bs->state, sizeof(bs->state), "%s", state);
	return write_manifest(bs, e);
}

/* ---- reading a set back ---- */

/* An id as make_id writes it: digits, 'T', '.', 'Z', '-'. */
static int id_valid(const char *id)
{
	const char *p;

	if (!*id || strlen(id) >= BACKUPSET_ID_MAX)
		return 0;
	for (p = id; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == 'T' || *p == '.' || *p == 'Z' || *p == '-'))
			return 0;
	return 1;
}

/* A copy's name: "<n>-<base>", no '/', not "." or "..". */
static int backup_name_valid(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static int load_file(struct backupset_file *f, const json_t *o, const char *mpath,
		     struct err *e)
{
	const char *bk = json_string_value(json_object_get(o, "backup"));

	f->path = strdup(jsontext_member(o, "path"));
	f->target = strdup(jsontext_member(o, "target"));
	if (!f->path || !f->target)
		return err_set(e, "out of memory");
	f->existed = json_is_true(json_object_get(o, "existed"));
	f->removed = json_is_true(json_object_get(o, "removed"));
	f->json = json_is_true(json_object_get(o, "json"));
	f->secret = json_is_true(json_object_get(o, "secret"));
	f->mode = (mode_t)(json_integer_value(json_object_get(o, "mode")) & 07777);
	snprintf(f->old_sha, sizeof(f->old_sha), "%s", jsontext_member(o, "old_sha256"));
	snprintf(f->new_sha, sizeof(f->new_sha), "%s", jsontext_member(o, "new_sha256"));
	if (f->target[0] != '/' || (f->existed && (!backup_name_valid(bk) || strlen(f->old_sha) != 64)) ||
	    (!f->removed && strlen(f->new_sha) != 64))
		return err_set(e, "'%s': a file entry is incomplete", mpath);
	if (f->existed && !(f->backup = strdup(bk)))
		return err_set(e, "out of memory");
	return 0;
}

static int load_extras(struct backupset *bs, const json_t *a, const char *mpath,
		       struct err *e)
{
	size_t i;

	if (!a)
		return 0;
	if (!json_is_array(a))
		return err_set(e, "'%s': \"extras\" is not an array", mpath);
	bs->extras = calloc(json_array_size(a) + 1, sizeof(*bs->extras));
	if (!bs->extras)
		return err_set(e, "out of memory");
	for (i = 0; i < json_array_size(a); i++) {
		const char *name = json_string_value(json_array_get(a, i));

		if (!name || !extra_name_valid(name))
			return err_set(e, "'%s': a bad extra name", mpath);
		if (!(bs->extras[bs->nextras] = strdup(name)))
			return err_set(e, "out of memory");
		bs->nextras++;
	}
	return 0;
}

static int load_manifest(struct backupset *bs, const json_t *m, const char *mpath, struct err *e)
{
	const json_t *files = json_object_get(m, "files");
	size_t i;

	if (!json_is_object(m) || !json_is_array(files) || strcmp(jsontext_member(m, "id"), bs->id) != 0)
		return err_set(e, "'%s': not a fixkb backup manifest for set %s", mpath, bs->id);
	snprintf(bs->created, sizeof(bs->created), "%s", jsontext_member(m, "created"));
	snprintf(bs->kind, sizeof(bs->kind), "%s", jsontext_member(m, "kind"));
	snprintf(bs->state, sizeof(bs->state), "%s", jsontext_member(m, "state"));
	for (i = 0; i < json_array_size(files); i++) {
		if (grow_files(bs) < 0)
			return err_set(e, "out of memory");
		bs->n++;
		if (load_file(&bs->files[bs->n - 1], json_array_get(files, i), mpath, e) < 0)
			return -1;
	}
	return load_extras(bs, json_object_get(m, "extras"), mpath, e);
}

/* The id in <statedir>/last into bs->id: 1, or 0 when there is none. */
static int read_last(struct backupset *bs, const char *statedir, struct err *e)
{
	struct buf b = BUF_INIT(0);
	char last[PATH_MAX];
	int missing, rc = -1;

	if (backupset_lock_path(last, sizeof(last), statedir) < 0)
		return err_set(e, "state directory: path too long");
	if (fileio_read(&b, last, BACKUPSET_ID_MAX + 2, &missing, e) < 0)
		return -1;
	if (missing) {
		rc = 0;
		goto cleanup;
	}
	b.len = strcspn(b.data, "\n");
	b.data[b.len] = '\0';
	if (!id_valid(b.data)) {
		err_set(e, "'%s': not a backup set id", last);
		goto cleanup;
	}
	snprintf(bs->id, sizeof(bs->id), "%s", b.data);
	rc = 1;
cleanup:
	buf_release(&b);
	return rc;
}

int backupset_load_last(struct backupset *bs, const char *statedir, struct err *e)
{
	struct buf b = BUF_INIT(0);
	char mpath[PATH_MAX + 32], why[ERR_MSG_MAX];
	json_error_t je;
	json_t *m = NULL;
	int missing, rc;

	rc = read_last(bs, statedir, e);
	if (rc <= 0)
		return rc;
	snprintf(bs->statedir, sizeof(bs->statedir), "%s", statedir);
	if (snprintf(bs->dir, sizeof(bs->dir), "%s/backups/%s", statedir, bs->id) >= (int)sizeof(bs->dir))
		return err_set(e, "backup directory: path too long");
	snprintf(mpath, sizeof(mpath), "%s/manifest.json", bs->dir);
	rc = -1;
	if (fileio_read(&b, mpath, MANIFEST_MAX, &missing, e) < 0)
		goto cleanup;
	if (missing) {
		err_set(e, "'%s': missing (the backup set named by '%s/last' is gone)", mpath, statedir);
		goto cleanup;
	}
	m = json_loadb(b.data, b.len, 0, &je);
	if (!m) {
		jsonerr_format(why, sizeof(why), &je);
		err_set(e, "'%s': %s", mpath, why);
		goto cleanup;
	}
	rc = load_manifest(bs, m, mpath, e) < 0 ? -1 : 1;
cleanup:
	json_decref(m);
	buf_release(&b);
	return rc;
}

int backupset_read_backup(const struct backupset *bs, size_t i, struct buf *out, struct err *e)
{
	char path[2 * PATH_MAX];
	int missing;

	if (i >= bs->n || !bs->files[i].backup)
		return err_set(e, "no backup of file %zu in set %s", i, bs->id);
	snprintf(path, sizeof(path), "%s/%s", bs->dir, bs->files[i].backup);
	if (fileio_read(out, path, BACKUPSET_FILE_MAX, &missing, e) < 0)
		return -1;
	if (missing)
		return err_set(e, "the backup '%s' of '%s' is gone", path, bs->files[i].target);
	return 0;
}

/* rm -r of a flat directory of our own. */
static int remove_flat_dir(const char *dir, struct err *e)
{
	char p[2 * PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return err_set(e, "reading directory '%s': %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (unlink(p) < 0 && errno != ENOENT) {
			closedir(d);
			return err_set(e, "removing '%s': %s", p, strerror(errno));
		}
	}
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return err_set(e, "removing '%s': %s", dir, strerror(errno));
	return 0;
}

int backupset_clean_partial(const char *statedir, struct err *e)
{
	char backups[PATH_MAX], p[2 * PATH_MAX];
	struct dirent *de;
	size_t l;
	DIR *d;
	int rc = 0;

	if (snprintf(backups, sizeof(backups), "%s/backups", statedir) >= (int)sizeof(backups))
		return err_set(e, "backup directory: path too long");
	d = opendir(backups);
	if (!d)
		return errno == ENOENT ? 0 : err_set(e, "reading directory '%s': %s", backups, strerror(errno));
	while ((de = readdir(d)) && rc == 0) {
		l = strlen(de->d_name);
		if (de->d_name[0] != '.' || l < 10 || strcmp(de->d_name + l - 8, ".partial") != 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", backups, de->d_name);
		rc = remove_flat_dir(p, e);
	}
	closedir(d);
	return rc;
}

void backupset_release(struct backupset *bs)
{
	size_t i;

	if (!bs)
		return;
	for (i = 0; i < bs->n; i++) {
		free(bs->files[i].path);
		free(bs->files[i].target);
		free(bs->files[i].backup);
	}
	free(bs->files);
	bs->files = NULL;
	bs->n = 0;
	for (i = 0; i < bs->nextras; i++)
		free(bs->extras[i]);
	free(bs->extras);
	bs->extras = NULL;
	bs->nextras = 0;
}
