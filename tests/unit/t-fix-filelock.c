/* t-fix-filelock — the lock beside a file: exclusive across processes,
 * a bounded wait with a clear message, dropped when its holder dies. */
#include "fix/filelock.h"

#include <limits.h>

#include "util/clock.h"
#include "t-lib-fix.h"

/* A child that takes the lock, says so on fd, then holds it for ms (or
 * until killed). */
static pid_t holder(const char *target, int ms, int *ready)
{
	int p[2];
	pid_t pid;

	if (pipe(p) < 0)
		exit(99);
	pid = fork();
	if (pid < 0)
		exit(99);
	if (pid == 0) {
		struct filelock l = FILELOCK_INIT;
		struct err e = ERR_INIT;

		close(p[0]);
		if (filelock_acquire(&l, target, 0, &e) < 0)
			_exit(3);
		if (write(p[1], "x", 1) != 1)
			_exit(4);
		usleep((useconds_t)ms * 1000);
		filelock_release(&l);
		_exit(0);
	}
	close(p[1]);
	*ready = p[0];
	return pid;
}

static void wait_ready(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		exit(99);
	close(fd);
}

static void test_path(void)
{
	char out[PATH_MAX];

	is_int(filelock_path(out, sizeof(out), "/home/u/.docker/config.json"), 0, "lock path");
	is_str(out, "/home/u/.docker/.config.json.fixkb-lock", "beside the file, hidden");
	filelock_path(out, sizeof(out), "/config.json");
	is_str(out, "/.config.json.fixkb-lock", "at the root");
}

static void test_wait_and_timeout(const char *target)
{
	struct filelock l = FILELOCK_INIT;
	struct err e = ERR_INIT;
	char want[64];
	double t0, waited;
	int ready, st;
	pid_t pid = holder(target, 1500, &ready);

	wait_ready(ready);
	t0 = clock_now_ms();
	is_int(filelock_acquire(&l, target, 300, &e), -1, "a second run cannot take a held lock");
	waited = clock_now_ms() - t0;
	ok(waited >= 280 && waited < 300 + 1000 * tap_time_factor(), "it waited the timeout (%.0f ms)", waited);
	snprintf(want, sizeof(want), "(pid %ld)", (long)pid);
	ok(strstr(e.msg, "is locked by another fixkb run") && strstr(e.msg, want) &&
	   strstr(e.msg, "waited 0.3 s") && strstr(e.msg, target),
	   "the message names the file, the holder and the wait: %s", e.msg);

	err_clear(&e);
	t0 = clock_now_ms();
	is_int(filelock_acquire(&l, target, 10000, &e), 0, "a longer wait gets it once the holder is done");
	waited = clock_now_ms() - t0;
	ok(waited > 500 && waited < 10000, "after the holder let go (%.0f ms)", waited);
	filelock_release(&l);
	filelock_release(&l);
	ok(l.fd == -1 && l.path == NULL, "release is idempotent");
	waitpid(pid, &st, 0);
	is_int(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0, "the holder took it at once");
}

static void test_killed_holder(const char *target)
{
	struct filelock l = FILELOCK_INIT;
	struct err e = ERR_INIT;
	double t0;
	int ready;
	pid_t pid = holder(target, 60000, &ready);

	wait_ready(ready);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	t0 = clock_now_ms();
	is_int(filelock_acquire(&l, target, 2000, &e), 0, "a holder killed with SIGKILL drops the lock");
	ok(clock_now_ms() - t0 < 500, "no wait for a dead holder");
	filelock_release(&l);
}

static void test_errors(void)
{
	struct filelock l = FILELOCK_INIT;
	struct err e = ERR_INIT;

	is_int(filelock_acquire(&l, spath("nodir/config.json"), 0, &e), -1, "no directory: no lock");
	ok(strstr(e.msg, "No such file or directory") && strstr(e.msg, "nodir"), "%s", e.msg);
}

int main(void)
{
	char target[PATH_MAX];

	scratch_init();
	snprintf(target, sizeof(target), "%s", put("cfg/config.json", "{}"));
	test_path();
	test_wait_and_timeout(target);
	test_killed_holder(target);
	test_errors();
	ok(exists(spath("cfg/.config.json.fixkb-lock")), "the lock file stays (removing it would race)");
	ok(holds(target, "{}"), "locking never touches the file");
	scratch_done();
	return tap_done();
}
