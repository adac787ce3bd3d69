/* t-fix-outcomes — the outcomes log: what a line holds (and never holds),
 * whole lines from concurrent writers, sums per workaround, bad lines. */
#include "fix/outcomes.h"

#include <jansson.h>
#include <limits.h>

#include "config.h"
#include "util/rfc3339.h"
#include "fix/statedir.h"
#include "t-lib-fix.h"

#define WRITERS 8
#define PER_WRITER 200

static void test_ids(void)
{
	struct err e = ERR_INIT;

	ok(outcomes_ids_valid("cicd/docker-buildkit-ssh-auth-fail", "use-pat"), "KB ids are valid");
	ok(!outcomes_ids_valid("ghcr.io/x", "w") && !outcomes_ids_valid("a/b", "ghcr.io") &&
	   !outcomes_ids_valid("nocategory", "w") && !outcomes_ids_valid("a/b/c", "w") &&
	   !outcomes_ids_valid("a/B", "w") && !outcomes_ids_valid("a/b", "w x") &&
	   !outcomes_ids_valid("a/b", "") && !outcomes_ids_valid("a/-b", "w") && !outcomes_ids_valid(NULL, "w"),
	   "host names, paths, upper case, spaces, empty ids are not");
	is_int(outcomes_append(NULL, "a/b", "ghcr.io", 1, &e), -1, "an id that is not the KB's is refused");
	ok(!exists(spath("state")), "before anything is created");
}

static void test_line(void)
{
	char path[PATH_MAX], *text;
	struct err e = ERR_INIT;
	json_error_t je;
	json_t *v;

	is_int(outcomes_path(path, sizeof(path), &e), 0, "path");
	ok(strstr(path, "/state/fixkb/outcomes.jsonl") != NULL, "under $XDG_STATE_HOME/fixkb: %s", path);
	is_int(outcomes_append(NULL, "config/helper-missing", "drop-creds-store", 1, &e), 0, "append (%s)", e.msg);
	is_int(mode_of(spath("state/fixkb")), 0700, "its directory is made 0700");
	is_int(mode_of(path), 0600, "the log is 0600");
	text = slurp(path);
	v = text ? json_loads(text, 0, &je) : NULL;
	ok(text && strchr(text, '\n') == text + strlen(text) - 1, "one line, newline-terminated");
	ok(json_object_size(v) == 5 && strcmp(json_string_value(json_object_get(v, "entry")), "config/helper-missing") == 0 &&
	   strcmp(json_string_value(json_object_get(v, "workaround")), "drop-creds-store") == 0 &&
	   json_is_true(json_object_get(v, "ok")) &&
	   strcmp(json_string_value(json_object_get(v, "fixkb")), FIXKB_VERSION) == 0,
	   "entry, workaround, ok, fixkb version and nothing else but the time");
	ok(v && rfc3339_valid(json_string_value(json_object_get(v, "time"))) &&
	   json_string_value(json_object_get(v, "time"))[19] == 'Z', "time is RFC 3339, UTC");
	json_decref(v);
	free(text);
}

static void test_concurrent(void)
{
	struct outcomes o = OUTCOMES_INIT;
	struct err e = ERR_INIT;
	const struct outcomes_stat *s;
	char path[PATH_MAX];
	pid_t pids[WRITERS];
	int i, k, st, failed = 0;

	snprintf(path, sizeof(path), "%s", spath("conc.jsonl"));
	for (i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			char wa[32];

			snprintf(wa, sizeof(wa), "w%d", i);
			for (k = 0; k < PER_WRITER; k++)
				if (outcomes_append(path, "cat/entry", wa, k % 4 != 0, &e) < 0)
					_exit(1);
			_exit(0);
		}
	}
	for (i = 0; i < WRITERS; i++) {
		waitpid(pids[i], &st, 0);
		failed += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	is_int(failed, 0, "%d writers appended %d lines each", WRITERS, PER_WRITER);
	is_int(outcomes_read(&o, path, &e), 0, "read");
	is_int(o.lines, WRITERS * PER_WRITER, "every line is there");
	is_int(o.skipped, 0, "and every one is whole (no interleaved parts)");
	s = outcomes_find(&o, "cat/entry", "w3");
	ok(s && s->runs == PER_WRITER && s->ok == PER_WRITER * 3 / 4, "sums per workaround: %lu of %lu ok",
	   s ? s->ok : 0, s ? s->runs : 0);
	is_int(o.n, WRITERS, "one sum per (entry, workaround)");
	outcomes_release(&o);
}

static void test_bad_lines(void)
{
	struct outcomes o = OUTCOMES_INIT;
	struct err e = ERR_INIT;
	const struct outcomes_stat *s;
	char big[OUTCOMES_LINE_MAX + 64];
	char text[4096];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(text, sizeof(text),
		 "{\"entry\":\"a/b\",\"workaround\":\"w\",\"ok\":true}\n"
		 "not json\n"
		 "\n"
		 "{\"entry\":\"a/b\",\"workaround\":\"w\",\"ok\":\"yes\"}\n"
		 "{\"entry\":\"ghcr.io\",\"workaround\":\"w\",\"ok\":true}\n"
		 "{\"entry\":\"a/b\",\"workaround\":\"w\",\"ok\":false,\"x\":\"%.20s\"}\r\n"
		 "{\"entry\":\"a/b\",\"workaround\":\"w\",\"ok\":tr", big);
	put("bad.jsonl", text);
	is_int(outcomes_read(&o, spath("bad.jsonl"), &e), 0, "a log with bad lines reads");
	s = outcomes_find(&o, "a/b", "w");
	ok(s && s->runs == 2 && s->ok == 1, "the two good lines count");
	is_int(o.skipped, 4, "garbage, a non-boolean ok, a foreign id and a cut last line are skipped");
	ok(outcomes_find(&o, "a/b", "nope") == NULL, "an unknown workaround: NULL");
	outcomes_release(&o);
	is_int(outcomes_read(&o, spath("missing.jsonl"), &e), 0, "a missing log is empty");
	is_int(o.n, 0, "nothing in it");
}

static void test_default_dir(void)
{
	char path[PATH_MAX], want[PATH_MAX];
	struct err e = ERR_INIT;

	setenv("XDG_STATE_HOME", "relative/dir", 1);
	statedir_path(path, sizeof(path), &e);
	snprintf(want, sizeof(want), "%s/.local/state/fixkb", getenv("HOME"));
	is_str(path, want, "a relative XDG_STATE_HOME is ignored (the spec says so): ~/.local/state");
	unsetenv("XDG_STATE_HOME");
	statedir_path(path, sizeof(path), &e);
	is_str(path, want, "unset: ~/.local/state");
}

int main(void)
{
	scratch_init();
	setenv("XDG_STATE_HOME", spath("state"), 1);
	test_ids();
	test_line();
	test_concurrent();
	test_bad_lines();
	test_default_dir();
	scratch_done();
	return tap_done();
}
