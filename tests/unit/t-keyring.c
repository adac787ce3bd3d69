/* t-keyring.c — keyring_lookup when the session bus cannot serve it: each
 * way the bus is missing or broken gets its own status, the address used
 * is reported, and a bus that never answers is given up at the deadline
 * (no hang, no autolaunch). Each lookup runs in a child process (see
 * lookup()). A real Secret Service (found, absent, locked,
 * the helper's attributes) needs the rig's keyring: tests/integration/
 * t2100-helper-secretservice.sh and t2101-keyring-items.sh (suite rig). */
#include "util/clock.h"
#include "config.h"
#include "util/err.h"
#include "docker/keyring.h"
#include "tap.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

/* A unix socket at dir/name; listening (it accepts into its backlog and
 * never answers) or only bound (connecting is refused). */
static int unix_socket(const char *name, int do_listen)
{
	struct sockaddr_un a;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", dir, name);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (do_listen && listen(fd, 8) < 0)) {
		perror(a.sun_path);
		exit(99);
	}
	return fd;
}

/* Accepts (and closes) every connection waiting on a listening socket;
 * returns how many there were. */
static int pending_connections(int fd)
{
	int n = 0, c;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while ((c = accept(fd, NULL, NULL)) >= 0) {
		close(c);
		n++;
	}
	return n;
}

/* One lookup, in a child process: GLib keeps the shared session-bus
 * connection, and a failed or cancelled setup of it, for a while in the
 * process, so lookups that change the address would see each other's.
 * The child sends the result back; one that hangs is killed and reported
 * as an error "hung". Returns the milliseconds the lookup took. */
static double lookup(struct keyring_result *r, const char *key, double budget_ms)
{
	double wait_ms = (budget_ms > 0 ? budget_ms : 0) + 5000 * tap_time_factor(), t0;
	struct pollfd pfd;
	struct { struct keyring_result r; double ms; } msg;
	pid_t pid;
	int p[2];

	memset(&msg, 0, sizeof(msg));
	if (pipe(p) < 0)
		exit(99);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		exit(99);
	if (pid == 0) {
		struct err e = ERR_INIT;

		close(p[0]);
		t0 = clock_now_ms();
		if (keyring_lookup(&msg.r, key, t0 + budget_ms, &e) < 0)
			snprintf(msg.r.message, sizeof(msg.r.message), "keyring_lookup: %s", e.msg);
		msg.ms = clock_now_ms() - t0;
		_exit(write(p[1], &msg, sizeof(msg)) == (ssize_t)sizeof(msg) ? 0 : 1);
	}
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, (int)wait_ms) != 1 || read(p[0], &msg, sizeof(msg)) != (ssize_t)sizeof(msg)) {
		kill(pid, SIGKILL);
		msg.r = (struct keyring_result)KEYRING_RESULT_INIT;
		snprintf(msg.r.message, sizeof(msg.r.message), "hung: no answer in %.0f ms", wait_ms);
		msg.ms = wait_ms;
	}
	close(p[0]);
	waitpid(pid, NULL, 0);
	*r = msg.r;
	return msg.ms;
}

#if HAVE_LIBSECRET
static void with_libsecret(void)
{
	struct keyring_result r;
	char addr[200], run[128];
	double ms, budget, slack = 1500 * tap_time_factor();
	int silent, refused;

	/* 1. No address and no $XDG_RUNTIME_DIR/bus: no_bus, and no
	 *    autolaunch (which would need $DISPLAY and could block). */
	snprintf(run, sizeof(run), "%s/run", dir);
	setenv("XDG_RUNTIME_DIR", run, 1);
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
	ms = lookup(&r, "127.0.0.1:5000", 2000);
	is_str(keyring_status_name(r.status), "no_bus", "no bus address at all: no_bus");
	ok(strstr(r.message, "Cannot autolaunch D-Bus without X11 $DISPLAY") != NULL,
	   "names the message the helper prints (%s)", r.message);
	is_str(r.bus_address, "", "no address reported");
	ok(ms < slack, "no_bus at once (%.1f ms)", ms);
	setenv("DISPLAY", ":99", 1);
	lookup(&r, "127.0.0.1:5000", 2000);
	is_str(keyring_status_name(r.status), "no_bus", "with $DISPLAY: still no_bus, nothing launched");
	ok(strstr(r.message, "dbus-launch") != NULL, "says the helper would autolaunch (%s)", r.message);
	unsetenv("DISPLAY");

	/* 2. An address whose socket does not exist. */
	snprintf(addr, sizeof(addr), "unix:path=%s/nosuch", dir);
	setenv("DBUS_SESSION_BUS_ADDRESS", addr, 1);
	ms = lookup(&r, "127.0.0.1:5000", 2000);
	is_str(keyring_status_name(r.status), "bus_unreachable", "address to nowhere: bus_unreachable");
	ok(strstr(r.message, "Could not connect") != NULL, "GLib's reason kept (%s)", r.message);
	is_str(r.bus_address, addr, "the address used is reported");
	ok(ms < slack, "bus_unreachable before the deadline (%.1f ms)", ms);

	/* 3. A socket that exists but refuses connections (a dead bus). */
	refused = unix_socket("dead-bus", 0);
	snprintf(addr, sizeof(addr), "unix:path=%s/dead-bus", dir);
	setenv("DBUS_SESSION_BUS_ADDRESS", addr, 1);
	ms = lookup(&r, "127.0.0.1:5000", 2000);
	is_str(keyring_status_name(r.status), "bus_unreachable", "dead bus socket: bus_unreachable");
	ok(strstr(r.message, "Connection refused") != NULL, "says the connection was refused (%s)",
	   r.message);
	ok(ms < slack, "refused before the deadline (%.1f ms)", ms);

	/* 4. The same dead socket found as $XDG_RUNTIME_DIR/bus (what GLib
	 *    tries when the variable is unset). */
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
	setenv("XDG_RUNTIME_DIR", dir, 1);
	if (rename(strchr(addr, '=') + 1, (snprintf(run, sizeof(run), "%s/bus", dir), run)) != 0)
		exit(99);
	lookup(&r, "127.0.0.1:5000", 2000);
	snprintf(addr, sizeof(addr), "unix:path=%s/bus", dir);
	is_str(r.bus_address, addr, "no variable: $XDG_RUNTIME_DIR/bus is used");
	is_str(keyring_status_name(r.status), "bus_unreachable", "... and found dead: bus_unreachable");
	unlink(run);
	close(refused);

	/* 5. A deadline already passed: no call at all (the silent bus below
	 *    sees no connection). */
	silent = unix_socket("silent-bus", 1);
	snprintf(addr, sizeof(addr), "unix:path=%s/silent-bus", dir);
	setenv("DBUS_SESSION_BUS_ADDRESS", addr, 1);
	ms = lookup(&r, "x", -1);
	is_str(keyring_status_name(r.status), "timed_out", "a passed deadline: timed_out");
	ok(ms < 50 * tap_time_factor(), "at once (%.1f ms)", ms);
	is_int(pending_connections(silent), 0, "no connection made");

	/* 6. A bus that accepts the connection and never answers (a hung
	 *    daemon): timed_out at the deadline, not a hang. */
	budget = 300 * tap_time_factor();
	ms = lookup(&r, "127.0.0.1:5000", budget);
	is_str(keyring_status_name(r.status), "timed_out", "silent bus: timed_out (%s)", r.message);
	ok(ms >= budget - 50, "waited for the deadline (%.1f ms of %.0f)", ms, budget);
	ok(ms < budget + slack, "gave up at the deadline (%.1f ms of %.0f)", ms, budget);
	ok(r.ms >= budget - 50 && r.ms < budget + slack, "the time is reported (%.1f ms)", r.ms);
	is_int(pending_connections(silent), 1, "it did connect");
	close(silent);
	unlink(strchr(addr, '=') + 1);
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
}
#endif

int main(void)
{
	struct keyring_result r;

	snprintf(dir, sizeof(dir), "/tmp/fxk-kr.XXXXXX");
	if (!mkdtemp(dir))
		return 99;
	unsetenv("DISPLAY");
	is_str(keyring_status_name(KEYRING_FOUND), "found", "status names: found");
	is_str(keyring_status_name(KEYRING_BUS_UNREACHABLE), "bus_unreachable",
	       "status names: bus_unreachable");
#if HAVE_LIBSECRET
	with_libsecret();
#else
	ok(!keyring_available(), "built without libsecret: not available");
	lookup(&r, "127.0.0.1:5000", 2000);
	is_str(keyring_status_name(r.status), "unsupported", "unsupported");
	is_str(r.message, "built without libsecret", "says why");
#endif
	(void)r;
	rmdir(dir);
	return tap_done();
}
