#include "fix/writeset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/crypto.h"
#include "util/fileio.h"
#include "util/paths.h"
#include "fix/atomicfile.h"
#include "fix/masktext.h"
#include "fix/statedir.h"
#include "fix/udiff.h"

/* How long apply waits for the state lock (runs hold it for milliseconds). */
#define STATE_LOCK_MS 10000.0

int writeset_add(struct writeset *ws, const char *path, unsigned flags, size_t *index,
		 struct err *e)
{
	char target[PATH_MAX];
	struct writeset_file *nf, *f;
	size_t i;

	if (ws->read)
		return err_set(e, "adding '%s': the set was already read", path);
	if (atomicfile_resolve(target, sizeof(target), path, e) < 0)
		return -1;
	for (i = 0; i < ws->n; i++) {
		if (strcmp(ws->files[i].target, target) == 0) {
			ws->files[i].flags |= flags;
			*index = i;
			return 0;
		}
	}
	nf = realloc(ws->files, (ws->n + 1) * sizeof(*nf));
	if (!nf)
		return err_set(e, "out of memory");
	ws->files = nf;
	f = &ws->files[ws->n];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		return err_set(e, "out of memory");
	memcpy(f->target, target, sizeof(target));
	f->flags = flags;
	f->old = (struct buf)BUF_INIT(WRITESET_FILE_MAX);
	f->new_text = (struct buf)BUF_INIT(WRITESET_FILE_MAX);
	*index = ws->n++;
	return 0;
}

static const struct atomicfile_opts *opts_for(const struct writeset_file *f,
					      struct atomicfile_opts *o)
{
	static const struct atomicfile_opts secret = ATOMICFILE_CREDENTIALS, pub = ATOMICFILE_PUBLIC;

	*o = f->flags & WRITESET_SECRET ? secret : pub;
	if (!f->existed && f->mode)
		o->new_mode = f->mode;
	return o;
}

static int by_target(const void *a, const void *b)
{
	const struct writeset_file *const *x = a, *const *y = b;

	return strcmp((*x)->target, (*y)->target);
}

/* Checks every file can be written, then makes the directories and takes
 * the locks in path order, then removes leftover temp files. */
static int lock_all(struct writeset *ws, double timeout_ms, struct err *e)
{
	struct writeset_file **order = NULL;
	struct atomicfile_opts o;
	char dir[PATH_MAX], base[PATH_MAX];
	size_t i;
	int rc = -1;

	for (i = 0; i < ws->n; i++)
		if (atomicfile_check_writable(ws->files[i].target, e) < 0)
			return -1;
	order = calloc(ws->n ? ws->n : 1, sizeof(*order));
	ws->locks = calloc(ws->n ? ws->n : 1, sizeof(*ws->locks));
	if (!order || !ws->locks) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < ws->n; i++)
		order[i] = &ws->files[i];
	qsort(order, ws->n, sizeof(*order), by_target);
	for (i = 0; i < ws->n; i++) {
		ws->locks[i] = (struct filelock)FILELOCK_INIT;
		if (atomicfile_split(order[i]->target, dir, sizeof(dir), base, sizeof(base)) < 0 ||
		    atomicfile_mkdir_all(dir, opts_for(order[i], &o)->dir_mode, e) < 0 ||
		    filelock_acquire(&ws->locks[i], order[i]->target, timeout_ms, e) < 0)
			goto cleanup;
		ws->nlocks = i + 1;
		if (atomicfile_clean_temps(order[i]->target, NULL, e) < 0)
			goto cleanup;
	}
	ws->locked = 1;
	rc = 0;
cleanup:
	free(order);
	return rc;
}

/* The text of f->target into f->old (read through util's capped reader). */
static int read_one(struct writeset_file *f, struct err *e)
{
	struct stat st;
	int missing;

	buf_release(&f->old);
	f->old = (struct buf)BUF_INIT(WRITESET_FILE_MAX);
	if (fileio_read(&f->old, f->target, WRITESET_FILE_MAX, &missing, e) < 0)
		return -1;
	f->existed = !missing;
	f->mode = 0;
	if (f->existed && stat(f->target, &st) == 0)
		f->mode = st.st_mode & 07777;
	if (!f->old.data && buf_append(&f->old, "", 0) < 0)
		return err_set(e, "out of memory");
	return 0;
}

int writeset_read(struct writeset *ws, double lock_timeout_ms, struct err *e)
{
	size_t i;

	if (ws->read)
		return err_set(e, "the set was already read");
	ws->read = 1;
	if (lock_timeout_ms >= 0 && lock_all(ws, lock_timeout_ms, e) < 0)
		return -1;
	for (i = 0; i < ws->n; i++)
		if (read_one(&ws->files[i], e) < 0)
			return -1;
	return 0;
}

int writeset_replace(struct writeset *ws, size_t i, const void *data, size_t len,
		     struct err *e)
{
	struct writeset_file *f = &ws->files[i];

	buf_release(&f->new_text);
	f->new_text = (struct buf)BUF_INIT(WRITESET_FILE_MAX);
	if (f->existed && len == f->old.len && memcmp(data, f->old.data, len) == 0) {
		f->change = WRITESET_KEEP;
		return 0;
	}
	f->change = WRITESET_REPLACE;
	if (buf_append(&f->new_text, data, len) < 0 || buf_append(&f->new_text, "", 0) < 0)
		return err_set(e, f->new_text.truncated ? "'%s': new text too large (more than %u bytes)"
						     : "'%s': out of memory", f->target, WRITESET_FILE_MAX);
	return 0;
}

void writeset_remove(struct writeset *ws, size_t i)
{
	struct writeset_file *f = &ws->files[i];

	buf_release(&f->new_text);
	f->new_text = (struct buf)BUF_INIT(WRITESET_FILE_MAX);
	f->change = f->existed ? WRITESET_REMOVE : WRITESET_KEEP;
}

int writeset_attach(struct writeset *ws, const char *name, const void *data, size_t len,
		    struct err *e)
{
	struct writeset_extra *nv = realloc(ws->extras, (ws->nextras + 1) * sizeof(*nv));

	if (!nv)
		return err_set(e, "out of memory");
	ws->extras = nv;
	nv[ws->nextras].data = (struct buf)BUF_INIT(BACKUPSET_EXTRA_MAX);
	nv[ws->nextras].name = strdup(name);
	if (!nv[ws->nextras].name)
		return err_set(e, "out of memory");
	ws->nextras++;
	if (buf_append(&nv[ws->nextras - 1].data, data, len) < 0 ||
	    buf_append(&nv[ws->nextras - 1].data, "", 0) < 0)
		return err_set(e, "extra '%s': too large or out of memory", name);
	return 0;
}

size_t writeset_changes(const struct writeset *ws)
{
	size_t i, n = 0;

	for (i = 0; i < ws->n; i++)
		n += ws->files[i].change != WRITESET_KEEP;
	return n;
}

static int mask(struct buf *out, const struct writeset_file *f, const struct buf *text,
		struct err *e)
{
	const char *t = text->data ? text->data : "";

	if (f->flags & WRITESET_JSON)
		return masktext_json(out, t, text->len, e);
	return masktext_lines(out, t, text->len, e);
}

int writeset_diff(const struct writeset *ws, struct buf *out, struct err *e)
{
	char name[PATH_MAX];
	size_t i;
	int rc = 0;

	for (i = 0; i < ws->n && rc == 0; i++) {
		const struct writeset_file *f = &ws->files[i];
		struct buf a = BUF_INIT(4 * WRITESET_FILE_MAX), b = BUF_INIT(4 * WRITESET_FILE_MAX);

		if (f->change == WRITESET_KEEP)
			continue;
		paths_display(name, sizeof(name), f->path);
		if (mask(&a, f, &f->old, e) < 0 || mask(&b, f, &f->new_text, e) < 0 ||
		    udiff_text(out, name[0] == '/' ? name + 1 : name, a.data ? a.data : "", a.len,
			       b.data ? b.data : "", b.len, e) < 0)
			rc = -1;
		buf_release(&a);
		buf_release(&b);
	}
	return rc;
}

/* ---- applying ---- */

/* Puts file f back to its old text (or removes it if it did not exist). */
static int put_back(const struct writeset_file *f, struct err *e)
{
	struct atomicfile_opts o;

	if (!f->existed)
		return atomicfile_remove(f->target, e);
	opts_for(f, &o);
	o.new_mode = f->mode ? f->mode : o.new_mode;
	return atomicfile_replace(f->target, f->old.data, f->old.len, &o, e);
}

static int write_one(const struct writeset_file *f, struct err *e)
{
	struct atomicfile_opts o;

	if (f->change == WRITESET_REMOVE)
		return atomicfile_remove(f->target, e);
	return atomicfile_replace(f->target, f->new_text.data, f->new_text.len, opts_for(f, &o), e);
}

/* Backups and manifest of every changed file, committed. */
static int back_up(struct writeset *ws, const char *dir, const char *kind, struct err *e)
{
	size_t i;

	if (backupset_clean_partial(dir, e) < 0 || backupset_create(&ws->applied, dir, kind, e) < 0)
		return -1;
	for (i = 0; i < ws->n; i++) {
		const struct writeset_file *f = &ws->files[i];

		if (f->change == WRITESET_KEEP)
			continue;
		if (backupset_add(&ws->applied, f->path, f->target, f->existed, f->old.data, f->old.len,
				  f->mode, f->change == WRITESET_REMOVE ? NULL : f->new_text.data,
				  f->new_text.len, !!(f->flags & WRITESET_JSON),
				  !!(f->flags & WRITESET_SECRET), e) < 0)
			goto fail;
	}
	for (i = 0; i < ws->nextras; i++)
		if (backupset_add_extra(&ws->applied, ws->extras[i].name, ws->extras[i].data.data,
					ws->extras[i].data.len, e) < 0)
			goto fail;
	if (backupset_commit(&ws->applied, strcmp(kind, "apply") == 0, e) < 0)
		goto fail;
	ws->has_applied = 1;
	return 0;
fail:
	backupset_clean_partial(dir, NULL);
	return -1;
}

/* Writes each changed file; on a failure puts back those already written. */
static int write_all(struct writeset *ws, struct err *e)
{
	struct err back = ERR_INIT;
	size_t i, j;

	for (i = 0; i < ws->n; i++) {
		if (ws->files[i].change == WRITESET_KEEP || write_one(&ws->files[i], e) == 0)
			continue;
		for (j = 0; j < i; j++)
			if (ws->files[j].change != WRITESET_KEEP)
				put_back(&ws->files[j], &back);
		if (back.set)
			return err_prefix(e, "putting the files back failed too (%s); backups in '%s'",
					  back.msg, ws->applied.dir);
		backupset_set_state(&ws->applied, "rolled-back", NULL);
		backupset_unmake_last(&ws->applied, NULL);
		return err_prefix(e, "nothing changed (the files written before it were put back)");
	}
	return 0;
}

int writeset_apply(struct writeset *ws, const char *statedir, const char *kind, struct err *e)
{
	struct filelock state = FILELOCK_INIT;
	char dir[PATH_MAX], lockon[PATH_MAX];
	int rc = -1;

	if (!ws->locked)
		return err_set(e, "applying a set that was not read under its locks");
	if (ws->has_applied)
		return err_set(e, "the set was applied already");
	if (writeset_changes(ws) == 0 && ws->nextras == 0)
		return 0;
	if (statedir)
		snprintf(dir, sizeof(dir), "%s", statedir);
	else if (statedir_ensure(dir, sizeof(dir), e) < 0)
		return -1;
	if (atomicfile_mkdir_all(dir, 0700, e) < 0 ||
	    backupset_lock_path(lockon, sizeof(lockon), dir) < 0 ||
	    filelock_acquire(&state, lockon, STATE_LOCK_MS, e) < 0)
		return -1;
	if (back_up(ws, dir, kind, e) < 0 || write_all(ws, e) < 0)
		goto cleanup;
	rc = backupset_set_state(&ws->applied, "applied", e);
cleanup:
	filelock_release(&state);
	return rc;
}

/* Whether f's file now holds what apply wrote (it is gone, for a removal). */
static int holds_new(const struct writeset_file *f, struct err *e)
{
	struct buf now = BUF_INIT(WRITESET_FILE_MAX);
	char have[65], want[65];
	int missing, same;

	if (fileio_read(&now, f->target, WRITESET_FILE_MAX, &missing, e) < 0)
		return -1;
	if (f->change == WRITESET_REMOVE) {
		buf_release(&now);
		return missing;
	}
	sha256_hex(now.data ? now.data : "", now.len, have);
	sha256_hex(f->new_text.data ? f->new_text.data : "", f->new_text.len, want);
	same = !missing && strcmp(have, want) == 0;
	buf_release(&now);
	return same;
}

/* fn(bs) holding the state lock. */
static int with_state_lock(struct backupset *bs, int (*fn)(struct backupset *, struct err *),
			   struct err *e)
{
	struct filelock state = FILELOCK_INIT;
	char lockon[PATH_MAX];
	int rc;

	if (backupset_lock_path(lockon, sizeof(lockon), bs->statedir) < 0 ||
	    filelock_acquire(&state, lockon, STATE_LOCK_MS, e) < 0)
		return -1;
	rc = fn(bs, e);
	filelock_release(&state);
	return rc;
}

int writeset_rollback(struct writeset *ws, struct err *e)
{
	size_t i, changed = 0;
	const char *first = NULL;
	int h;

	if (!ws->has_applied)
		return err_set(e, "rolling back a set that was not applied");
	for (i = 0; i < ws->n; i++) {
		const struct writeset_file *f = &ws->files[i];

		if (f->change == WRITESET_KEEP)
			continue;
		h = holds_new(f, e);
		if (h < 0)
			return -1;
		if (!h) {
			changed++;
			first = first ? first : f->target;
			continue;
		}
		if (put_back(f, e) < 0)
			return err_prefix(e, "putting back '%s' (backups in '%s')", f->target, ws->applied.dir);
	}
	if (backupset_set_state(&ws->applied, "rolled-back", e) < 0 ||
	    with_state_lock(&ws->applied, backupset_unmake_last, e) < 0)
		return -1;
	if (changed)
		return err_set(e, "'%s'%s changed since fixkb wrote it: left as it is (its old text is "
			       "in '%s')", first, changed > 1 ? " and others" : "", ws->applied.dir);
	return 0;
}

void writeset_release(struct writeset *ws)
{
	size_t i;

	if (!ws)
		return;
	for (i = 0; i < ws->nlocks; i++)
		filelock_release(&ws->locks[i]);
	free(ws->locks);
	for (i = 0; i < ws->n; i++) {
		free(ws->files[i].path);
		buf_release(&ws->files[i].old);
		buf_release(&ws->files[i].new_text);
	}
	free(ws->files);
	for (i = 0; i < ws->nextras; i++) {
		free(ws->extras[i].name);
		buf_release(&ws->extras[i].data);
	}
	free(ws->extras);
	backupset_release(&ws->applied);
	*ws = (struct writeset)WRITESET_INIT;
}
