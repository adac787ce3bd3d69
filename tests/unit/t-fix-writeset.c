/* t-fix-writeset — a set of file changes: dry run, diff, apply with
 * backups and a manifest, idempotence, rollback, undo (and its refusal
 * when a file changed since), read-only files, symlinks, owners. */
#include "fix/writeset.h"

#include <limits.h>

#include "util/sensitive.h"
#include "fix/atomicfile.h"
#include "fix/undo.h"
#include "t-lib-fix.h"

static char state[PATH_MAX];

/* Applies texts[i] to paths[i] (NULL text: remove). 0 or -1 with e. */
static int apply(const char *const *paths, const char *const *texts, size_t n, unsigned flags,
		 struct err *e)
{
	struct writeset ws = WRITESET_INIT;
	size_t i, idx;
	int rc = -1;

	err_clear(e);
	for (i = 0; i < n; i++)
		if (writeset_add(&ws, paths[i], flags, &idx, e) < 0)
			goto cleanup;
	if (writeset_read(&ws, 5000, e) < 0)
		goto cleanup;
	for (i = 0; i < n; i++) {
		if (!texts[i])
			writeset_remove(&ws, i);
		else if (writeset_replace(&ws, i, texts[i], strlen(texts[i]), e) < 0)
			goto cleanup;
	}
	rc = writeset_apply(&ws, NULL, "apply", e);
cleanup:
	writeset_release(&ws);
	return rc;
}

static char *last_id(void)
{
	char p[PATH_MAX + 8];

	snprintf(p, sizeof(p), "%s/last", state);
	return slurp(p);
}

static void test_dry_run_and_diff(void)
{
	struct writeset ws = WRITESET_INIT;
	struct err e = ERR_INIT;
	struct buf d = BUF_INIT(1 << 20);
	char old[512];
	size_t i, j;

	snprintf(old, sizeof(old), "{\n\t\"auths\": {\n\t\t\"r.io\": {\n\t\t\t\"auth\": \"%s\"\n\t\t}\n\t}\n}",
		 canary_auth("alice"));
	put("dry/config.json", old);
	writeset_add(&ws, spath("dry/config.json"), WRITESET_JSON | WRITESET_SECRET, &i, &e);
	writeset_add(&ws, spath("dry/ctx/.dockerignore"), 0, &j, &e);
	is_int(writeset_read(&ws, -1, &e), 0, "a dry run reads without locks (%s)", e.msg);
	ok(ws.files[i].existed && !ws.files[j].existed && strcmp(ws.files[i].old.data, old) == 0,
	   "old texts read; a missing file is empty");
	writeset_replace(&ws, i, "{\n\t\"auths\": {}\n}", 16, &e);
	writeset_replace(&ws, j, ".docker\n", 8, &e);
	is_int(writeset_changes(&ws), 2, "two files change");
	is_int(writeset_diff(&ws, &d, &e), 0, "diff");
	ok(d.data && !leaks(d.data), "the diff holds no secret");
	ok(d.data && strstr(d.data, "-\t\t\t\"auth\": \"[redacted sha256:") && strstr(d.data, "+++ b/") &&
	   strstr(d.data, "@@ -0,0 +1 @@\n+.docker\n"), "it shows both files, the secret as a fingerprint");
	is_int(writeset_apply(&ws, state, "apply", &e), -1, "a dry run cannot be applied");
	writeset_release(&ws);
	ok(!exists(spath("dry/.config.json.fixkb-lock")) && !exists(spath("dry/ctx")) && holds(spath("dry/config.json"), old),
	   "a dry run changed nothing: no lock file, no directory");
	ok(!exists(state), "and no state directory");
	buf_release(&d);
}

static void test_apply_undo(void)
{
	const char *paths[] = { spath("a/config.json"), NULL, NULL };
	const char *texts[] = { "{\"n\":2}", "created", NULL };
	char p0[PATH_MAX], p1[PATH_MAX], p2[PATH_MAX], bdir[PATH_MAX + 64], *id, *id2;
	int sets;
	struct undo_report r = UNDO_REPORT_INIT;
	struct err e = ERR_INIT;

	snprintf(p0, sizeof(p0), "%s", put("a/config.json", "{\"n\":1}"));
	snprintf(p1, sizeof(p1), "%s", spath("a/new.txt"));
	snprintf(p2, sizeof(p2), "%s", put("a/gone.txt", "bye"));
	chmod(p2, 0640);
	paths[0] = p0, paths[1] = p1, paths[2] = p2;
	is_int(apply(paths, texts, 3, WRITESET_JSON | WRITESET_SECRET, &e), 0, "apply a set of 3 (%s)", e.msg);
	ok(holds(p0, "{\"n\":2}") && holds(p1, "created") && !exists(p2), "replaced, created, removed");
	id = last_id();
	ok(id && strlen(id) > 20, "last names the set: %s", id ? id : "(none)");
	if (id)
		id[strcspn(id, "\n")] = '\0';
	snprintf(bdir, sizeof(bdir), "%s/backups/%s", state, id ? id : "");
	ok(count_named(bdir, "config.json") == 1 && count_named(bdir, "gone.txt") == 1 && count_named(bdir, "new.txt") == 0,
	   "backups of the files that existed");
	snprintf(bdir + strlen(bdir), sizeof(bdir) - strlen(bdir), "/1-config.json");
	ok(holds(bdir, "{\"n\":1}") && mode_of(bdir) == 0600, "a backup holds the old text, 0600");
	is_int(mode_of(state), 0700, "the state directory is 0700");

	snprintf(bdir, sizeof(bdir), "%s/backups", state);
	sets = count_named(bdir, "Z-");
	is_int(apply(paths, texts, 3, WRITESET_JSON | WRITESET_SECRET, &e), 0, "the same set again");
	id2 = last_id();
	ok(id && id2 && strncmp(id2, id, strlen(id)) == 0, "last still names the first set");
	is_int(count_named(bdir, "Z-"), sets, "no new backup set: an applied fix applied again writes nothing");
	free(id2);

	is_int(undo_last(&r, NULL, 0, 5000, NULL, &e), 0, "undo (%s)", e.msg);
	ok(holds(p0, "{\"n\":1}") && !exists(p1) && holds(p2, "bye"), "every file as before");
	is_int(mode_of(p2), 0640, "a removed file comes back with its mode");
	ok(r.n == 3 && r.files[0].what == UNDO_RESTORED && r.files[1].what == UNDO_REMOVED &&
	   r.files[2].what == UNDO_RESTORED && r.saved[0], "the report says what happened to each");
	undo_report_release(&r);
	is_int(undo_last(&r, NULL, 0, 5000, NULL, &e), 0, "undo again");
	ok(r.nothing && strstr(r.why, "undone already"), "nothing to do: %s", r.why);
	undo_report_release(&r);
	free(id);
}

static void test_undo_conflict(void)
{
	const char *paths[] = { NULL, NULL };
	const char *texts[] = { "{\"v\":\"fixkb\"}", "{\"w\":\"fixkb\"}" };
	char p0[PATH_MAX], p1[PATH_MAX], saved[PATH_MAX + 32];
	struct undo_report r = UNDO_REPORT_INIT;
	struct err e = ERR_INIT;

	snprintf(p0, sizeof(p0), "%s", put("c/config.json", "{\"v\":\"old\"}"));
	snprintf(p1, sizeof(p1), "%s", put("c/auth.json", "{\"w\":\"old\"}"));
	paths[0] = p0, paths[1] = p1;
	is_int(apply(paths, texts, 2, WRITESET_JSON, &e), 0, "apply");
	put("c/config.json", "{\"v\":\"docker login since\"}");
	is_int(undo_last(&r, NULL, 0, 5000, NULL, &e), -1, "undo refuses when a file changed since");
	ok(strstr(e.msg, p0) && strstr(e.msg, "changed since fixkb wrote it") && strstr(e.msg, "--force"),
	   "naming it: %s", e.msg);
	ok(holds(p0, "{\"v\":\"docker login since\"}") && holds(p1, "{\"w\":\"fixkb\"}"), "nothing was undone");
	undo_report_release(&r);
	is_int(undo_last(&r, NULL, 1, 5000, NULL, &e), 0, "--force undoes it");
	ok(holds(p0, "{\"v\":\"old\"}") && holds(p1, "{\"w\":\"old\"}"), "both restored");
	ok(r.n == 2 && r.files[0].what == UNDO_FORCED, "the changed one is reported as forced");
	snprintf(saved, sizeof(saved), "%s/1-config.json", r.saved);
	ok(holds(saved, "{\"v\":\"docker login since\"}"), "the newer text it replaced is kept in the undo's own backups");
	undo_report_release(&r);
}

static void test_rollback(void)
{
	struct writeset ws = WRITESET_INIT;
	struct err e = ERR_INIT;
	char p0[PATH_MAX], p1[PATH_MAX], *before = last_id(), *after;
	size_t i, j;

	snprintf(p0, sizeof(p0), "%s", put("rb/one.json", "{\"a\":1}"));
	snprintf(p1, sizeof(p1), "%s", put("rb/two.json", "{\"b\":1}"));
	writeset_add(&ws, p0, WRITESET_JSON, &i, &e);
	writeset_add(&ws, p1, WRITESET_JSON, &j, &e);
	writeset_read(&ws, 5000, &e);
	writeset_replace(&ws, i, "{\"a\":2}", 7, &e);
	writeset_replace(&ws, j, "{\"b\":2}", 7, &e);
	is_int(writeset_apply(&ws, NULL, "apply", &e), 0, "apply");
	is_int(writeset_rollback(&ws, &e), 0, "roll back (verification failed)");
	ok(holds(p0, "{\"a\":1}") && holds(p1, "{\"b\":1}"), "both files as before");
	after = last_id();
	ok(before && after && strcmp(before, after) == 0, "last names the set before it again");
	writeset_release(&ws);
	free(before);
	free(after);

	/* a write that fails halfway: the files already written go back */
	memset(&ws, 0, sizeof(ws));
	ws = (struct writeset)WRITESET_INIT;
	writeset_add(&ws, p0, WRITESET_JSON, &i, &e);
	writeset_add(&ws, p1, WRITESET_JSON, &j, &e);
	writeset_read(&ws, 5000, &e);
	writeset_replace(&ws, i, "{\"a\":3}", 7, &e);
	writeset_replace(&ws, j, "{\"b\":3}", 7, &e);
	unlink(p1);
	mkdir(p1, 0700);   /* the second target is now a directory */
	is_int(writeset_apply(&ws, NULL, "apply", &e), -1, "a write that fails halfway");
	ok(strstr(e.msg, "nothing changed") && strstr(e.msg, "not a regular file"), "says so: %s", e.msg);
	ok(holds(p0, "{\"a\":1}"), "the first file was put back");
	writeset_release(&ws);
	rmdir(p1);
}

static void test_read_only_and_links(void)
{
	struct writeset ws = WRITESET_INIT;
	struct err e = ERR_INIT;
	const char *paths[1];
	const char *texts[] = { "{\"l\":2}" };
	char link[PATH_MAX];
	struct stat st;
	size_t i, j;

	put("ro/config.json", "{}");
	put("ro/other.json", "{}");
	chmod(spath("ro/other.json"), 0444);
	writeset_add(&ws, spath("ro/config.json"), WRITESET_JSON, &i, &e);
	writeset_add(&ws, spath("ro/other.json"), WRITESET_JSON, &j, &e);
	is_int(writeset_read(&ws, 5000, &e), -1, "a read-only file in the set fails the read");
	ok(strstr(e.msg, "other.json") && strstr(e.msg, "Permission denied"), "naming it: %s", e.msg);
	ok(count_named(spath("ro"), "fixkb") == 0, "before anything was created (no lock file)");
	writeset_release(&ws);

	put("real/config.json", "{\"l\":1}");
	mkdir(spath("lnk"), 0700);
	snprintf(link, sizeof(link), "%s", spath("lnk/config.json"));
	symlink("../real/config.json", link);
	writeset_add(&ws, link, WRITESET_JSON, &i, &e);
	writeset_add(&ws, spath("real/config.json"), WRITESET_JSON, &j, &e);
	is_int(i, j, "a link and its target are one entry");
	writeset_release(&ws);
	paths[0] = link;
	is_int(apply(paths, texts, 1, WRITESET_JSON | WRITESET_SECRET, &e), 0, "apply through a link");
	ok(lstat(link, &st) == 0 && S_ISLNK(st.st_mode) && holds(spath("real/config.json"), "{\"l\":2}"),
	   "the link stays, its target changed");
	ok(exists(spath("real/.config.json.fixkb-lock")), "the lock sits beside the target");
}

static void test_owner_and_temps(void)
{
	const char *paths[1];
	const char *texts[] = { "{\"o\":2}" };
	struct err e = ERR_INIT;
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s", put("own/config.json", "{\"o\":1}"));
	put("own/config.json" ATOMICFILE_TMP_TAG "Ab12Cd", "{\"half");
	paths[0] = p;
	if (geteuid() == 0) {
		chown(p, NOBODY, NOBODY);
		chmod(p, 0640);
	}
	is_int(apply(paths, texts, 1, WRITESET_JSON | WRITESET_SECRET, &e), 0, "apply");
	if (geteuid() == 0)
		ok(uid_of(p) == NOBODY && mode_of(p) == 0640, "root kept nobody's owner and the 0640 mode");
	else
		skip("owner kept: needs root");
	is_int(count_named(spath("own"), ATOMICFILE_TMP_TAG), 0, "a killed run's temp file was cleaned up");
}

/* An undo hook that records what it was given. */
struct hook_log {
	int checked, restored, refuse;
	char data[64];
};

static int hook_check(void *arg, const struct backupset *bs, int force, struct err *e)
{
	struct hook_log *h = arg;

	(void)force;
	h->checked++;
	(void)bs;
	return h->refuse ? err_set(e, "the helper entry changed since") : 0;
}

static int hook_restore(void *arg, const struct backupset *bs, int force, struct err *e)
{
	struct hook_log *h = arg;
	struct buf b = BUF_INIT(0);

	(void)force;
	h->restored++;
	if (backupset_read_extra(bs, "helper", &b, e) == 1)
		snprintf(h->data, sizeof(h->data), "%s", b.data);
	buf_release(&b);
	return 0;
}

/* A set whose only change is an extra (a helper's entry): written, read
 * back, undone through the hooks, refused without them. */
static void test_extras(void)
{
	struct writeset ws = WRITESET_INIT;
	struct undo_report r = UNDO_REPORT_INIT;
	struct backupset bs = BACKUPSET_INIT;
	struct hook_log h = { 0, 0, 0, "" };
	struct undo_hooks hooks = { hook_check, hook_restore, &h };
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT(0);
	size_t i;

	writeset_add(&ws, spath("ex/config.json"), WRITESET_JSON | WRITESET_SECRET, &i, &e);
	is_int(writeset_read(&ws, 5000, &e), 0, "extras: read");
	is_int(writeset_attach(&ws, "helper", "{\"old\":1}", 9, &e), 0, "attach an extra");
	is_int(writeset_attach(&ws, "Bad/Name", "x", 1, &e), 0, "attach keeps any name until apply");
	is_int(writeset_apply(&ws, state, "apply", &e), -1, "a bad extra name is refused at apply");
	writeset_release(&ws);
	err_clear(&e);
	ws = (struct writeset)WRITESET_INIT;
	writeset_add(&ws, spath("ex/config.json"), WRITESET_JSON | WRITESET_SECRET, &i, &e);
	writeset_read(&ws, 5000, &e);
	writeset_attach(&ws, "helper", "{\"old\":1}", 9, &e);
	is_int(writeset_apply(&ws, state, "apply", &e), 0, "a set with only an extra is written (%s)", e.msg);
	ok(ws.has_applied, "it made a backup set");
	writeset_release(&ws);
	is_int(backupset_load_last(&bs, state, &e), 1, "the set is the last one");
	is_int((int)bs.nextras, 1, "its manifest lists the extra");
	is_int(backupset_read_extra(&bs, "helper", &b, &e), 1, "the extra reads back");
	is_str(b.data, "{\"old\":1}", "byte for byte");
	is_int(mode_of(spath("state/fixkb/backups")) & 0777, 0700, "backups dir private");
	buf_release(&b);
	backupset_release(&bs);
	is_int(undo_last(&r, NULL, 0, 5000, NULL, &e), -1, "undo without hooks refuses a set with extras");
	ok(strstr(e.msg, "more than files") != NULL, "and says why (%s)", e.msg);
	err_clear(&e);
	undo_report_release(&r);
	h.refuse = 1;
	is_int(undo_last(&r, NULL, 0, 5000, &hooks, &e), -1, "a hook's conflict stops the undo");
	is_int(h.restored, 0, "nothing restored then");
	err_clear(&e);
	undo_report_release(&r);
	h.refuse = 0;
	is_int(undo_last(&r, NULL, 0, 5000, &hooks, &e), 0, "undo with hooks (%s)", e.msg);
	ok(h.checked == 2 && h.restored == 1, "check and restore ran");
	is_str(h.data, "{\"old\":1}", "restore read the extra");
	undo_report_release(&r);
}

int main(void)
{
	scratch_init();
	sensitive_wipe_json_allocations();
	snprintf(state, sizeof(state), "%s/state/fixkb", scratch);
	setenv("XDG_STATE_HOME", spath("state"), 1);
	test_dry_run_and_diff();
	test_apply_undo();
	test_undo_conflict();
	test_rollback();
	test_read_only_and_links();
	test_owner_and_temps();
	test_extras();
	scratch_done();
	return tap_done();
}
