#include "fix/undo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/crypto.h"
#include "fix/statedir.h"
#include "fix/writeset.h"

/* 1 when the file as read now matches sha (or is absent, for sha NULL). */
static int now_is(const struct writeset_file *f, const char *sha)
{
	char have[65];

	if (!sha)
		return !f->existed;
	if (!f->existed)
		return 0;
	sha256_hex(f->old.data, f->old.len, have);
	return strcmp(have, sha) == 0;
}

static int add_report(struct undo_report *r, const char *path, enum undo_what what)
{
	struct undo_file *nf = realloc(r->files, (r->n + 1) * sizeof(*nf));

	if (!nf)
		return -1;
	r->files = nf;
	nf[r->n].path = strdup(path);
	nf[r->n].what = what;
	if (!nf[r->n].path)
		return -1;
	r->n++;
	return 0;
}

/* What to do with set file i, now read into ws file i: -1 conflict. */
static int plan_one(struct writeset *ws, size_t i, const struct backupset *bs,
		    enum undo_what *what, int force, struct err *e)
{
	const struct backupset_file *bf = &bs->files[i];
	struct writeset_file *f = &ws->files[i];
	struct buf old = BUF_INIT(0);
	int is_new = now_is(f, bf->removed ? NULL : bf->new_sha);
	int is_old = now_is(f, bf->existed ? bf->old_sha : NULL);
	int rc;

	if (!is_new && is_old) {
		*what = UNDO_ALREADY;
		return 0;
	}
	if (!is_new && !force)
		return -1;
	*what = is_new ? (bf->existed ? UNDO_RESTORED : UNDO_REMOVED) : UNDO_FORCED;
	if (!bf->existed) {
		writeset_remove(ws, i);
		return 0;
	}
	if (backupset_read_backup(bs, i, &old, e) < 0)
		return -2;
	if (!f->existed)
		f->mode = bf->mode;   /* the set removed it: recreate it with its old mode */
	rc = writeset_replace(ws, i, old.data, old.len, e) < 0 ? -2 : 0;
	buf_release(&old);
	return rc;
}

static int plan_all(struct undo_report *r, struct writeset *ws, const struct backupset *bs,
		    int force, struct err *e)
{
	enum undo_what what;
	size_t i;
	int rc;

	for (i = 0; i < bs->n; i++) {
		rc = plan_one(ws, i, bs, &what, force, e);
		if (rc == -1)
			return err_set(e, "'%s' changed since fixkb wrote it on %s: nothing undone; "
				       "--force restores its backup anyway", bs->files[i].path, bs->created);
		if (rc < 0)
			return -1;
		if (add_report(r, bs->files[i].path, what) < 0)
			return err_set(e, "out of memory");
	}
	return 0;
}

__attribute__((format(printf, 2, 3)))
static int nothing(struct undo_report *r, const char *fmt, ...)
{
	va_list ap;

	r->nothing = 1;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	return 0;
}

int undo_last(struct undo_report *r, const char *statedir, int force, double lock_timeout_ms,
	      const struct undo_hooks *hooks, struct err *e)
{
	struct backupset bs = BACKUPSET_INIT;
	struct writeset ws = WRITESET_INIT;
	char dir[PATH_MAX];
	size_t i, idx;
	int rc = -1, have;

	if (statedir)
		snprintf(dir, sizeof(dir), "%s", statedir);
	else if (statedir_path(dir, sizeof(dir), e) < 0)
		return -1;
	have = backupset_load_last(&bs, dir, e);
	if (have <= 0) {
		rc = have < 0 ? -1 : nothing(r, "no fix has been applied");
		goto cleanup;
	}
	snprintf(r->id, sizeof(r->id), "%s", bs.id);
	snprintf(r->created, sizeof(r->created), "%s", bs.created);
	if (strcmp(bs.state, "undone") == 0 || strcmp(bs.state, "rolled-back") == 0) {
		rc = nothing(r, "the last fix (%s, %s) was %s", bs.id, bs.created,
			     strcmp(bs.state, "undone") == 0 ? "undone already" : "rolled back");
		goto cleanup;
	}
	if (bs.nextras && !(hooks && hooks->check && hooks->restore)) {
		err_set(e, "the last fix (%s) changed more than files (%s): this program cannot "
			"undo it", bs.id, bs.extras[0]);
		goto cleanup;
	}
	if (bs.nextras && hooks->check(hooks->arg, &bs, force, e) < 0)
		goto cleanup;
	for (i = 0; i < bs.n; i++)
		if (writeset_add(&ws, bs.files[i].target,
				 (bs.files[i].json ? WRITESET_JSON : 0) | (bs.files[i].secret ? WRITESET_SECRET : 0),
				 &idx, e) < 0 || idx != i)
			goto cleanup;
	if (writeset_read(&ws, lock_timeout_ms, e) < 0 || plan_all(r, &ws, &bs, force, e) < 0)
		goto cleanup;
	/* the reverse of the apply, which wrote the files first */
	if (bs.nextras && hooks->restore(hooks->arg, &bs, force, e) < 0)
		goto cleanup;
	if (writeset_apply(&ws, dir, "undo", e) < 0)
		goto cleanup;
	if (ws.has_applied)
		snprintf(r->saved, sizeof(r->saved), "%s", ws.applied.dir);
	rc = backupset_set_state(&bs, "undone", e);
cleanup:
	writeset_release(&ws);
	backupset_release(&bs);
	return rc;
}

void undo_report_release(struct undo_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		free(r->files[i].path);
	free(r->files);
	*r = (struct undo_report)UNDO_REPORT_INIT;
}
