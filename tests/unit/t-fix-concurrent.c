/* t-fix-concurrent — two fixkb runs on one config at once: no update is
 * lost (each adds its own keys, read-modify-write under the lock), and a
 * run that cannot get the lock in time says so and changes nothing.
 * Also measures, without asserting it, how many updates the same two
 * writers lose without the lock (what docker's own unlocked Save risks). */
#include "fix/writeset.h"

#include <jansson.h>
#include <limits.h>

#include "util/sensitive.h"
#include "fix/atomicfile.h"
#include "fix/jsonedit.h"
#include "t-lib-fix.h"

#define WRITERS 2
#define PER_WRITER 100

static char cfg[PATH_MAX], state[PATH_MAX];

/* Reads cfg, adds key, returns the new text (malloc'd). */
static char *with_key(const char *old, size_t len, const char *key)
{
	struct buf out = BUF_INIT(1 << 20);
	struct err e = ERR_INIT;
	json_t *root = NULL;
	char path[64];

	snprintf(path, sizeof(path), "auths.\"%s\"", key);
	if (jsonedit_parse(&root, cfg, old, len, &e) < 0 || jsonedit_set(root, path, json_object(), &e) < 0 ||
	    jsonedit_dump(&out, root, &e) < 0)
		_exit(7);
	json_decref(root);
	return buf_detach(&out, NULL);
}

static int locked_add(const char *key)
{
	struct writeset ws = WRITESET_INIT;
	struct err e = ERR_INIT;
	size_t i;
	char *t;
	int rc = -1;

	if (writeset_add(&ws, cfg, WRITESET_JSON | WRITESET_SECRET, &i, &e) < 0 ||
	    writeset_read(&ws, 60000, &e) < 0)
		goto cleanup;
	t = with_key(ws.files[i].old.data, ws.files[i].old.len, key);
	if (writeset_replace(&ws, i, t, strlen(t), &e) == 0)
		rc = writeset_apply(&ws, state, "apply", &e);
	free(t);
cleanup:
	if (rc < 0)
		printf("# %s: %s\n", key, e.msg);
	writeset_release(&ws);
	return rc;
}

/* The same read-modify-write with no lock: atomic rename only. */
static int unlocked_add(const char *key)
{
	static const struct atomicfile_opts o = ATOMICFILE_CREDENTIALS;
	struct err e = ERR_INIT;
	char *old = slurp(cfg), *t;
	int rc;

	if (!old)
		return -1;
	t = with_key(old, strlen(old), key);
	rc = atomicfile_replace(cfg, t, strlen(t), &o, &e);
	free(old);
	free(t);
	return rc;
}

/* WRITERS children each add PER_WRITER keys; returns how many keys the
 * file holds at the end. */
static int race(int (*add)(const char *), int *failed)
{
	pid_t pids[WRITERS];
	json_t *root;
	int w, k, st, n;

	put("conc/config.json", "{\n\t\"auths\": {}\n}");
	*failed = 0;
	for (w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			char key[32];

			for (k = 0; k < PER_WRITER; k++) {
				snprintf(key, sizeof(key), "w%d-%03d", w, k);
				if (add(key) < 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (w = 0; w < WRITERS; w++) {
		waitpid(pids[w], &st, 0);
		*failed += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	root = json_load_file(cfg, 0, NULL);
	n = (int)json_object_size(json_object_get(root, "auths"));
	json_decref(root);
	return n;
}

static void test_timeout(void)
{
	struct writeset held = WRITESET_INIT, late = WRITESET_INIT;
	struct err e = ERR_INIT;
	char *before = slurp(cfg);
	size_t i;
	pid_t pid;
	int st = -1;

	writeset_add(&held, cfg, WRITESET_JSON, &i, &e);
	writeset_read(&held, 1000, &e);
	pid = fork();
	if (pid == 0) {
		writeset_add(&late, cfg, WRITESET_JSON, &i, &e);
		_exit(writeset_read(&late, 300, &e) == -1 && strstr(e.msg, "is locked by another fixkb run") &&
		      strstr(e.msg, cfg) ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a run that waits past its timeout fails, naming the file");
	writeset_release(&held);
	ok(holds(cfg, before), "and changes nothing");
	free(before);
}

int main(void)
{
	int n, failed;

	scratch_init();
	sensitive_wipe_json_allocations();
	snprintf(state, sizeof(state), "%s/state/fixkb", scratch);
	snprintf(cfg, sizeof(cfg), "%s", spath("conc/config.json"));
	mkdir(spath("conc"), 0700);

	n = race(locked_add, &failed);
	is_int(failed, 0, "%d writers, %d updates each, under the lock", WRITERS, PER_WRITER);
	is_int(n, WRITERS * PER_WRITER, "no update lost: every key is in the file");
	printf("# %d concurrent fixkb runs x %d read-modify-writes of one config.json: %d of %d keys kept\n",
	       WRITERS, PER_WRITER, n, WRITERS * PER_WRITER);
	n = race(unlocked_add, &failed);
	printf("# the same without the lock (rename only, as docker saves): %d of %d keys kept\n", n,
	       WRITERS * PER_WRITER);
	test_timeout();
	scratch_done();
	return tap_done();
}
