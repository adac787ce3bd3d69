/* t-proc.c — proc_run: exit codes, ENOENT vs 127, deadlines, capped output,
 * stdin, scrubbed environments, fd hygiene. */
#include "util/clock.h"
#include "util/err.h"
#include "util/proc.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const base_env[] = { "PATH=/usr/local/bin:/usr/bin:/bin", NULL };

static int run(struct proc_result *r, const char *const *argv, const char *in,
	       size_t inlen, double budget_ms)
{
	struct proc_spec sp = PROC_SPEC_INIT;
	struct err e = ERR_INIT;
	int rc;

	sp.argv = argv;
	sp.envp = base_env;
	sp.stdin_data = in;
	sp.stdin_len = inlen;
	sp.deadline_ms = clock_now_ms() + budget_ms;
	rc = proc_run(r, &sp, &e);
	if (rc < 0)
		printf("# proc_run: %s\n", e.msg);
	return rc;
}

int main(void)
{
	struct proc_result r = PROC_RESULT_INIT(1 << 16, 1 << 12);
	char path[4096], msg[256];
	double t0, took;
	int fd;

	{
		const char *const argv[] = { "sh", "-c", "exit 3", NULL };

		ok(run(&r, argv, NULL, 0, 5000) == 0, "sh -c 'exit 3' runs");
		is_int(r.outcome, PROC_EXITED, "exited");
		is_int(r.exit_code, 3, "exit code 3");
		ok(strcmp(r.binary, "/usr/bin/sh") == 0 || strcmp(r.binary, "/bin/sh") == 0,
		   "resolved through PATH (%s)", r.binary);
		proc_result_release(&r);
	}
	{
		const char *const argv[] = { "fixkb-no-such-program-xyz", NULL };

		ok(run(&r, argv, NULL, 0, 5000) == 0, "a missing program is an outcome, not an error");
		is_int(r.outcome, PROC_SPAWN_FAILED, "spawn failed");
		is_int(r.spawn_errno, ENOENT, "ENOENT");
		is_str(proc_spawn_strerror(r.spawn_errno), "not found in PATH", "message");
		proc_result_release(&r);
	}
	{
		const char *const argv[] = { "sh", "-c", "exit 127", NULL };

		run(&r, argv, NULL, 0, 5000);
		ok(r.outcome == PROC_EXITED && r.exit_code == 127,
		   "a program exiting 127 is not 'not found'");
		proc_result_release(&r);
	}
	{
		const char *const argv[] = { "/nonexistent/dir/prog", NULL };

		run(&r, argv, NULL, 0, 5000);
		ok(r.outcome == PROC_SPAWN_FAILED && r.spawn_errno == ENOENT,
		   "an absolute path that does not exist is ENOENT");
		proc_result_release(&r);
	}
	{
		char tmpl[] = "/tmp/fixkb-t-proc.XXXXXX";
		const char *const argv[] = { tmpl, NULL };

		fd = mkstemp(tmpl);
		ok(fd >= 0 && fchmod(fd, 0644) == 0, "a plain 0644 file");
		close(fd);
		run(&r, argv, NULL, 0, 5000);
		ok(r.outcome == PROC_SPAWN_FAILED && r.spawn_errno == EACCES,
		   "a non-executable file is EACCES");
		unlink(tmpl);
		proc_result_release(&r);
	}
	ok(proc_lookpath("sh", ".:relative/bin::", path, sizeof(path)) == ENOENT,
	   "relative and empty PATH entries are never searched");
	ok(proc_lookpath("sh", NULL, path, sizeof(path)) == ENOENT, "no PATH finds nothing");
	{
		const char *const argv[] = { "sh", "-c", "echo out; echo err >&2; exit 0", NULL };

		run(&r, argv, NULL, 0, 5000);
		is_str(r.out.data, "out\n", "stdout captured");
		is_str(r.err.data, "err\n", "stderr captured separately");
		proc_result_release(&r);
	}
	{
		const char *const argv[] = { "sh", "-c", "kill -9 $$", NULL };

		run(&r, argv, NULL, 0, 5000);
		ok(r.outcome == PROC_SIGNALED && r.term_signal == SIGKILL, "death by signal reported");
		proc_result_release(&r);
	}
	{
		const char *const argv[] = { "sleep", "100", NULL };

		t0 = clock_now_ms();
		ok(run(&r, argv, NULL, 0, 300) == 0, "sleep 100 with a 300 ms deadline");
		took = clock_now_ms() - t0;
		is_int(r.outcome, PROC_TIMED_OUT, "timed out");
		ok(took >= 295 && took < 400, "killed at its deadline (%.1f ms, want 300..400)", took);
		snprintf(msg, sizeof(msg), "measured: sleep 100 killed after %.1f ms (deadline 300)", took);
		diag(msg);
		proc_result_release(&r);
	}
	{
		/* The shell ignores TERM and its child sleeps: the group is killed. */
		const char *const argv[] = { "sh", "-c", "trap '' TERM; sleep 100; echo never", NULL };

		t0 = clock_now_ms();
		run(&r, argv, NULL, 0, 200);
		took = clock_now_ms() - t0;
		ok(r.outcome == PROC_TIMED_OUT && took < 200 + PROC_KILL_GRACE_MS + 100,
		   "a TERM-ignoring child is SIGKILLed after the grace (%.1f ms)", took);
		is_int(r.out.len, 0, "nothing printed");
		proc_result_release(&r);
	}
	{
		const char *const argv[] = { "head", "-c", "100000000", "/dev/zero", NULL };

		t0 = clock_now_ms();
		ok(run(&r, argv, NULL, 0, 20000) == 0, "100 MB of output");
		took = clock_now_ms() - t0;
		is_int(r.outcome, PROC_EXITED, "the writer finished (drained, not blocked)");
		is_int(r.exit_code, 0, "exit 0");
		is_int(r.out.len, 1 << 16, "kept exactly the cap");
		ok(r.out.truncated, "truncated flagged");
		snprintf(msg, sizeof(msg), "measured: 100 MB drained in %.1f ms", took);
		diag(msg);
		proc_result_release(&r);
	}
	{
		const char *const argv[] = { "cat", NULL };

		run(&r, argv, "ghcr.io", 7, 5000);
		is_str(r.out.data, "ghcr.io", "stdin delivered, no newline added");
		proc_result_release(&r);
	}
	{
		/* 4 MiB to a program that never reads: EPIPE, not our death. */
		const char *const argv[] = { "true", NULL };
		char *big = calloc(1, 4 << 20);

		ok(run(&r, argv, big, 4 << 20, 5000) == 0 && r.outcome == PROC_EXITED &&
		   r.exit_code == 0, "unread stdin does not raise SIGPIPE in fixkb");
		free(big);
		proc_result_release(&r);
	}
	{
		/* A grandchild that keeps stdout open must not hold us up. */
		const char *const argv[] = { "sh", "-c", "sleep 3 & echo done", NULL };

		t0 = clock_now_ms();
		run(&r, argv, NULL, 0, 5000);
		took = clock_now_ms() - t0;
		ok(r.outcome == PROC_EXITED && took < 1000,
		   "returns when the child exits even if a grandchild holds stdout (%.1f ms)", took);
		is_str(r.out.data, "done\n", "output before exit kept");
		proc_result_release(&r);
	}
	{
		char cmd[128];
		const char *argv[] = { "sh", "-c", cmd, NULL };

		fd = open("/dev/null", O_RDONLY);   /* deliberately not O_CLOEXEC */
		snprintf(cmd, sizeof(cmd), "test -e /proc/$$/fd/%d && echo leaked || echo closed", fd);
		run(&r, argv, NULL, 0, 5000);
		is_str(r.out.data, "closed\n", "other fds are closed in the child");
		close(fd);
		proc_result_release(&r);
	}
	{
		char *const from[] = { "PATH=/usr/bin:/bin", "HOME=/root", "SECRET_TOKEN=hunter2",
				       "LC_ALL=C", "AWS_PROFILE=dev", "AWSX=no", "LD_PRELOAD=/x.so", NULL };
		const char *const keep[] = { "PATH", "HOME", "LC_*", "AWS_*", NULL };
		const char *argv[] = { "env", NULL };
		struct proc_env env = PROC_ENV_INIT;
		struct proc_spec sp = PROC_SPEC_INIT;
		struct err e = ERR_INIT;

		ok(proc_env_filter(&env, from, keep, &e) == 0, "filter the environment");
		is_int(env.n, 4, "kept 4 variables");
		is_str(proc_env_get(env.vars, "AWS_PROFILE"), "dev", "prefix keep");
		ok(proc_env_get(env.vars, "AWSX") == NULL, "prefix needs the underscore");
		ok(proc_env_set(&env, "HOME", "/tmp", &e) == 0 &&
		   strcmp(proc_env_get(env.vars, "HOME"), "/tmp") == 0, "set replaces");
		sp.argv = argv;
		sp.envp = (const char *const *)env.vars;
		sp.deadline_ms = clock_now_ms() + 5000;
		proc_run(&r, &sp, &e);
		ok(r.out.data && strstr(r.out.data, "PATH=/usr/bin:/bin\n") != NULL,
		   "child sees PATH");
		ok(r.out.data && !strstr(r.out.data, "SECRET_TOKEN") && !strstr(r.out.data, "LD_PRELOAD"),
		   "child does not see dropped variables");
		proc_result_release(&r);
		proc_env_release(&env);
	}
	{
		const char *const argv[] = { "env", NULL };
		struct proc_spec sp = PROC_SPEC_INIT;
		struct err e = ERR_INIT;

		sp.argv = argv;
		sp.path = "/usr/bin:/bin";
		sp.envp = NULL;
		sp.deadline_ms = clock_now_ms() + 5000;
		proc_run(&r, &sp, &e);
		ok(r.outcome == PROC_EXITED && r.out.len == 0, "a NULL envp is an empty environment");
		proc_result_release(&r);
	}
	return tap_done();
}
