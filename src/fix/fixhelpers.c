/* fixhelpers.c — see fixhelpers.h. */
#include "fix/fixhelpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker/credhelper.h"
#include "docker/helperstore.h"
#include "util/clock.h"
#include "util/jsontext.h"

/* The entry helper holds for key now: 1 with *out filled, 0 none, -1 e. */
static int current(const char *helper, const char *key, struct credential *out,
		   struct err *e)
{
	struct credhelper_result r = CREDHELPER_RESULT_INIT;
	int rc = -1;

	if (credhelper_get(&r, helper, key, clock_now_ms() + FIXHELPERS_DEADLINE_MS, e) < 0)
		return -1;
	if (r.status == CREDHELPER_NOT_FOUND) {
		rc = 0;
	} else if (r.status == CREDHELPER_FOUND) {
		memcpy(out->username, r.cred.username, sizeof(out->username));
		out->identity_token = r.cred.identity_token;
		rc = sensitive_copy(&out->secret, &r.cred.secret) < 0 ? err_set(e, "out of memory") : 1;
	} else {
		err_set(e, "reading what %s holds for '%s': %s", r.program, key,
			r.docker_message[0] ? r.docker_message : credhelper_status_name(r.status));
	}
	credhelper_result_release(&r);
	return rc;
}

static json_t *op_record(const struct fix_helper_op *op)
{
	char fp[SENSITIVE_FP_MAX];
	json_t *o = json_object();

	if (!o)
		return NULL;
	sensitive_fingerprint(&op->cred.secret, fp);
	json_object_set_new(o, "op", json_string(op->erase ? "erase" : "store"));
	json_object_set_new(o, "helper", json_string(op->helper));
	json_object_set_new(o, "key", json_string(op->key));
	json_object_set_new(o, "had_old", json_boolean(op->had_old));
	if (op->had_old) {
		json_object_set_new(o, "old_username", json_string(op->old.username));
		json_object_set_new(o, "old_secret", json_stringn(op->old.secret.data,
								  op->old.secret.len));
		json_object_set_new(o, "old_identity_token", json_boolean(op->old.identity_token));
	}
	json_object_set_new(o, "new_fingerprint", op->erase ? json_null() : json_string(fp));
	return o;
}

int fixhelpers_prepare(struct fix_plan *p, struct buf *out, struct err *e)
{
	json_t *rec = json_array();
	char *text = NULL;
	size_t i, j;
	int rc = -1, any = 0;

	for (i = 0; rec && i < p->n; i++) {
		struct fix_step *st = &p->steps[i];

		if (st->kind != FIX_WRITE)
			continue;
		for (j = 0; j < st->nops; j++) {
			struct fix_helper_op *op = &st->ops[j];
			int have = current(op->helper, op->key, &op->old, e);

			if (have < 0)
				goto cleanup;
			op->had_old = have;
			json_array_append_new(rec, op_record(op));
			any = 1;
		}
	}
	if (!rec) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	if (!any) {
		rc = 0;
		goto cleanup;
	}
	text = json_dumps(rec, JSON_COMPACT);
	rc = !text || buf_appends(out, text) < 0 ? err_set(e, "out of memory") : 1;
cleanup:
	if (text) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	json_decref(rec);
	return rc;
}

/* What op undoes to: the old entry back, or the new one erased. */
static int put_back(const struct fix_helper_op *op, struct err *e)
{
	double dl = clock_now_ms() + FIXHELPERS_DEADLINE_MS;

	if (op->had_old)
		return helperstore_store(op->helper, op->key, &op->old, dl, e);
	return helperstore_erase(op->helper, op->key, dl, e);
}

int fixhelpers_rollback(struct fix_plan *p, struct err *e)
{
	struct err first = ERR_INIT;
	size_t i, j;

	for (i = p->n; i-- > 0;) {
		struct fix_step *st = &p->steps[i];

		for (j = st->nops; j-- > 0;) {
			if (!st->ops[j].done)
				continue;
			if (put_back(&st->ops[j], &first) == 0)
				st->ops[j].done = 0;
		}
	}
	if (first.set)
		return err_set(e, "putting a credential helper's entry back: %s", first.msg);
	return 0;
}

int fixhelpers_run(struct fix_plan *p, struct err *e)
{
	struct err back = ERR_INIT;
	size_t i, j;
	int rc;

	for (i = 0; i < p->n; i++) {
		struct fix_step *st = &p->steps[i];

		if (st->kind != FIX_WRITE)
			continue;
		for (j = 0; j < st->nops; j++) {
			struct fix_helper_op *op = &st->ops[j];
			double dl = clock_now_ms() + FIXHELPERS_DEADLINE_MS;

			rc = op->erase ? helperstore_erase(op->helper, op->key, dl, e)
				       : helperstore_store(op->helper, op->key, &op->cred, dl, e);
			if (rc == 0) {
				op->done = 1;
				continue;
			}
			if (fixhelpers_rollback(p, &back) < 0)
				err_prefix(e, "%s; before that", back.msg);
			return -1;
		}
	}
	return 0;
}

/* ---- undo ---- */

static int load_record(const struct backupset *bs, json_t **rec, struct err *e)
{
	struct buf b = BUF_INIT(0);
	json_error_t je;
	int rc = backupset_read_extra(bs, "helper", &b, e);

	if (rc <= 0) {
		buf_release(&b);
		return rc;
	}
	*rec = json_loadb(b.data, b.len, 0, &je);
	buf_release(&b);
	if (!json_is_array(*rec)) {
		json_decref(*rec);
		*rec = NULL;
		return err_set(e, "set %s: its helper record is not readable", bs->id);
	}
	return 1;
}

/* Whether the helper still holds what the set left there. */
static int unchanged(const json_t *r, struct err *e)
{
	struct credential now = CREDENTIAL_INIT;
	char fp[SENSITIVE_FP_MAX];
	int have = current(jsontext_member(r, "helper"), jsontext_member(r, "key"), &now, e), same;

	if (have < 0)
		return -1;
	sensitive_fingerprint(&now.secret, fp);
	same = strcmp(jsontext_member(r, "op"), "erase") == 0 ? !have
	       : have && strcmp(fp, jsontext_member(r, "new_fingerprint")) == 0;
	credential_release(&now);
	return same;
}

static int undo_check(void *arg, const struct backupset *bs, int force, struct err *e)
{
	json_t *rec = NULL, *r;
	size_t i;
	int rc = load_record(bs, &rec, e), same;

	(void)arg;
	if (rc <= 0)
		return rc;
	json_array_foreach(rec, i, r) {
		same = unchanged(r, e);
		if (same < 0 || (!same && !force)) {
			if (same == 0)
				err_set(e, "docker-credential-%s's entry for '%s' changed since fixkb wrote "
					"it on %s: nothing undone; --force puts the old one back anyway",
					jsontext_member(r, "helper"), jsontext_member(r, "key"), bs->created);
			json_decref(rec);
			return -1;
		}
	}
	json_decref(rec);
	return 0;
}

static int undo_restore(void *arg, const struct backupset *bs, int force, struct err *e)
{
	struct fix_helper_op op;
	json_t *rec = NULL, *r;
	size_t i;
	int rc = load_record(bs, &rec, e);

	(void)arg;
	(void)force;
	if (rc <= 0)
		return rc;
	for (i = json_array_size(rec); rc >= 0 && i-- > 0;) {
		r = json_array_get(rec, i);
		memset(&op, 0, sizeof(op));
		snprintf(op.helper, sizeof(op.helper), "%s", jsontext_member(r, "helper"));
		snprintf(op.key, sizeof(op.key), "%s", jsontext_member(r, "key"));
		op.had_old = json_is_true(json_object_get(r, "had_old"));
		snprintf(op.old.username, sizeof(op.old.username), "%s", jsontext_member(r, "old_username"));
		op.old.identity_token = json_is_true(json_object_get(r, "old_identity_token"));
		if (op.had_old && sensitive_set(&op.old.secret, jsontext_member(r, "old_secret"),
						strlen(jsontext_member(r, "old_secret"))) < 0)
			rc = err_set(e, "out of memory");
		else if (put_back(&op, e) < 0)
			rc = -1;
		credential_release(&op.old);
	}
	json_decref(rec);
	return rc < 0 ? -1 : 0;
}

const struct undo_hooks fixhelpers_undo_hooks = { undo_check, undo_restore, NULL };
