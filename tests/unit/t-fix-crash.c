/* t-fix-crash — kill -9 at random points of an apply, CRASH_RUNS times.
 *
 * A child locks and reads four JSON files (one reached through a symlink,
 * one that does not exist yet), computes their new texts with jsonedit,
 * tells the parent it is about to apply, and applies. The parent waits a
 * random time and sends SIGKILL: a third of the runs anywhere in the
 * apply, the rest around the moment the files are written, which the
 * test follows as the machine's speed changes (the backups come first
 * and take most of an apply's time).
 * Then every file must be its old text or its new one, and valid
 * JSON (or still absent); --undo must bring every file back to its old
 * text; and the next locked run must leave no temp file behind. The
 * numbers (where the kills landed, temp files left) are printed as TAP
 * comments for the closing note. */
#include "fix/writeset.h"

#include <jansson.h>
#include <limits.h>
#include <time.h>

#include "util/clock.h"
#include "util/sensitive.h"
#include "fix/atomicfile.h"
#include "fix/jsonedit.h"
#include "fix/undo.h"
#include "t-lib-fix.h"

#define CRASH_RUNS 200
#define NFILES 4

static char paths[NFILES][PATH_MAX], targets[NFILES][PATH_MAX], olds[NFILES][256];
static char state[PATH_MAX];

static void setup(void)
{
	static const char *const rel[NFILES] = { "crash/config.json", "crash/containers/auth.json",
						 "crash/new/created.json", "crash/link.json" };
	int i;

	snprintf(olds[0], sizeof(olds[0]), "{\n\t\"auths\": {\n\t\t\"r.io\": {\n\t\t\t\"auth\": \"dTpw\"\n\t\t}\n\t}\n}");
	snprintf(olds[1], sizeof(olds[1]), "{\"auths\":{},  \"credHelpers\": {\"x\": \"pass\"}, \"unknown\": [1, 2.5]}\n");
	olds[2][0] = '\0';   /* does not exist */
	snprintf(olds[3], sizeof(olds[3]), "{\"credsStore\": \"desktop\"}");
	put("crash/config.json", olds[0]);
	put("crash/containers/auth.json", olds[1]);
	put("crash/real/target.json", olds[3]);
	if (symlink("real/target.json", spath("crash/link.json")) < 0)
		exit(99);
	for (i = 0; i < NFILES; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s", spath(rel[i]));
		snprintf(targets[i], sizeof(targets[i]), "%s", spath(rel[i]));
	}
	snprintf(targets[3], sizeof(targets[3]), "%s", spath("crash/real/target.json"));
}

/* The new text of file i for run r (jsonedit on the old text). */
static char *new_text(int i, int r)
{
	struct buf out = BUF_INIT(1 << 16);
	struct err e = ERR_INIT;
	json_t *root = NULL;
	char key[64];

	snprintf(key, sizeof(key), "auths.\"run%d.example\".auth", r);
	if (jsonedit_parse(&root, paths[i], olds[i], strlen(olds[i]), &e) < 0 ||
	    jsonedit_set(root, key, json_string("bmV3OnRleHQ="), &e) < 0 ||
	    jsonedit_set(root, "credsStore", json_string("pass"), &e) < 0 || jsonedit_dump(&out, root, &e) < 0)
		exit(99);
	json_decref(root);
	return buf_detach(&out, NULL);
}

static void child_apply(int run, int tell)
{
	struct writeset ws = WRITESET_INIT;
	struct err e = ERR_INIT;
	size_t i, idx;
	char *t;

	for (i = 0; i < NFILES; i++)
		if (writeset_add(&ws, paths[i], WRITESET_JSON | WRITESET_SECRET, &idx, &e) < 0)
			_exit(2);
	if (writeset_read(&ws, 10000, &e) < 0)
		_exit(3);
	for (i = 0; i < NFILES; i++) {
		t = new_text((int)i, run);
		if (writeset_replace(&ws, i, t, strlen(t), &e) < 0)
			_exit(4);
		free(t);
	}
	if (write(tell, "g", 1) != 1)
		_exit(5);
	_exit(writeset_apply(&ws, state, "apply", &e) < 0 ? 6 : 0);
}

/* Starts a child apply; returns its pid once it is about to apply. */
static pid_t start(int run)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p) < 0)
		exit(99);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child_apply(run, p[1]);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		exit(99);
	close(p[0]);
	return pid;
}

/* How long an apply takes here, in µs (median of 5). */
static long calibrate(void)
{
	struct undo_report r = UNDO_REPORT_INIT;
	struct err e = ERR_INIT;
	double t[5], x;
	int i, j;

	for (i = 0; i < 5; i++) {
		double t0;
		pid_t pid = start(1000 + i);

		t0 = clock_now_ms();
		waitpid(pid, NULL, 0);
		t[i] = clock_now_ms() - t0;
		undo_last(&r, state, 0, 10000, NULL, &e);
		undo_report_release(&r);
	}
	for (i = 0; i < 5; i++)
		for (j = i + 1; j < 5; j++)
			if (t[j] < t[i])
				x = t[i], t[i] = t[j], t[j] = x;
	return (long)(t[2] * 1000);
}

/* 0 old, 1 new, -1 neither (or invalid JSON). */
static int file_state(int i, int run)
{
	char *now = slurp(targets[i]), *want = new_text(i, run);
	json_t *v;
	int st = -1;

	if (!now)
		st = i == 2 ? 0 : -1;
	else if (strcmp(now, want) == 0)
		st = 1;
	else if (i != 2 && strcmp(now, olds[i]) == 0)
		st = 0;
	if (now && st >= 0) {
		v = json_loads(now, 0, NULL);
		if (!v)
			st = -1;
		json_decref(v);
	}
	free(now);
	free(want);
	return st;
}

static int temps_left(void)
{
	return count_named(spath("crash"), ATOMICFILE_TMP_TAG) + count_named(spath("crash/containers"), ATOMICFILE_TMP_TAG) +
	       count_named(spath("crash/new"), ATOMICFILE_TMP_TAG) + count_named(spath("crash/real"), ATOMICFILE_TMP_TAG);
}

/* The next run: lock and read every file (removing killed runs' temps). */
static void next_run(void)
{
	struct writeset ws = WRITESET_INIT;
	struct err e = ERR_INIT;
	size_t i, idx;

	for (i = 0; i < NFILES; i++)
		writeset_add(&ws, paths[i], WRITESET_JSON | WRITESET_SECRET, &idx, &e);
	if (writeset_read(&ws, 10000, &e) < 0)
		printf("# next run: %s\n", e.msg);
	writeset_release(&ws);
}

struct tally {
	int bad, undo_failed, not_restored, temps, temp_runs, finished;
	int none, partial, all;
};

/* aim_us follows where the files are written: later after a kill that
 * came before any, earlier after one that came after all of them (the
 * machine's speed changes while the test runs). */
static void one_run(struct tally *t, int run, long *aim_us)
{
	struct undo_report r = UNDO_REPORT_INIT;
	struct err e = ERR_INIT;
	int i, n_new = 0, st, status, tl;
	pid_t pid = start(run);

	/* a third anywhere in [0, 2 x aim], the rest within half of aim */
	if (run % 3 == 0)
		usleep((useconds_t)(rand() % (2 * *aim_us + 1)));
	else
		usleep((useconds_t)(*aim_us / 2 + rand() % (*aim_us + 1)));
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	t->finished += WIFEXITED(status);
	for (i = 0; i < NFILES; i++) {
		st = file_state(i, run);
		if (st < 0) {
			t->bad++;
			printf("# run %d: %s is neither its old nor its new text\n", run, targets[i]);
		}
		n_new += st == 1;
	}
	t->none += n_new == 0;
	t->partial += n_new > 0 && n_new < NFILES;
	t->all += n_new == NFILES;
	if (n_new == 0)
		*aim_us += *aim_us / 8 + 1;
	else if (n_new == NFILES)
		*aim_us -= *aim_us / 8;
	tl = temps_left();
	t->temps += tl;
	t->temp_runs += tl > 0;
	if (undo_last(&r, state, 0, 10000, NULL, &e) < 0) {
		t->undo_failed++;
		printf("# run %d: undo: %s\n", run, e.msg);
	}
	undo_report_release(&r);
	next_run();
	for (i = 0; i < NFILES; i++)
		t->not_restored += file_state(i, run) != 0;
	t->temps += 1000 * (temps_left() != 0);   /* the next run must clean up */
}

int main(void)
{
	struct tally t = { 0 };
	unsigned seed = (unsigned)time(NULL);
	char backups[PATH_MAX + 16];
	long span, aim;
	int run;

	scratch_init();
	sensitive_wipe_json_allocations();
	snprintf(state, sizeof(state), "%s/state/fixkb", scratch);
	setup();
	srand(seed);
	span = calibrate();
	aim = span * 3 / 4;
	printf("# an apply of %d files took %ld us here (median of 5)\n", NFILES, span);
	/* CRASH_RUNS kills; more (up to twice as many) while fewer than 10
	 * landed between the first and the last file written. */
	for (run = 0; run < CRASH_RUNS || (t.partial < 10 && run < 2 * CRASH_RUNS); run++)
		one_run(&t, run, &aim);
	printf("# seed %u\n", seed);
	printf("# %d kill -9 runs: %d before any file changed, %d with some files new, %d with all new "
	       "(%d of them finished before the kill); %d runs left temp files (%d in all), each removed by the next run\n",
	       run, t.none, t.partial, t.all, t.finished, t.temp_runs, t.temps % 1000);
	is_int(t.bad, 0, "after %d kills every file was its old or its new text, and valid JSON", run);
	is_int(t.undo_failed, 0, "undo after each kill succeeded");
	is_int(t.not_restored, 0, "and brought every file back to its old text");
	is_int(t.temps / 1000, 0, "the next run left no temp file");
	ok(t.partial > 0 && t.none > 0 && t.all > 0, "kills landed before, during and after the writes");
	snprintf(backups, sizeof(backups), "%s/backups", state);
	ok(count_named(backups, ".partial") <= 1,
	   "backup sets a kill left half made were removed by the next apply (at most the last run's is left)");
	scratch_done();
	return tap_done();
}
