/* t-keyring.c — keyring_lookup's bus diagnosis without a real keyring
 * (the rig suite, t2100, covers found/absent/locked/no service). */
#include "util/clock.h"
#include "config.h"
#include "util/err.h"
#include "docker/keyring.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	struct keyring_result r;
	struct err e = ERR_INIT;
	unsetenv("DISPLAY");
	setenv("XDG_RUNTIME_DIR", "/nonexistent/run", 1);
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
#if HAVE_LIBSECRET
	ok(keyring_available(), "built with libsecret");
	ok(keyring_lookup(&r, "127.0.0.1:5000", clock_now_ms() + 2000, &e) == 0, "lookup without a bus");
	is_str(keyring_status_name(r.status), "no_bus", "no bus address: no_bus");
	ok(strstr(r.message, "Cannot autolaunch D-Bus without X11 $DISPLAY") != NULL,
	   "names the helper's message");
	setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", 1);
	double t0 = clock_now_ms();

	keyring_lookup(&r, "127.0.0.1:5000", clock_now_ms() + 2000, &e);
	is_str(keyring_status_name(r.status), "bus_unreachable", "address to nowhere: bus_unreachable");
	ok(strstr(r.message, "Could not connect") != NULL, "GLib's reason kept (%s)", r.message);
	/* bus_unreachable (not timed_out) already shows it did not wait for
	 * the deadline; the time is reported, not asserted (bench/ is for that). */
	printf("# unreachable bus answered in %.1f ms\n", clock_now_ms() - t0);
	is_str(r.bus_address, "unix:path=/nonexistent/bus", "address reported");
	keyring_lookup(&r, "x", clock_now_ms() - 1, &e);
	is_str(keyring_status_name(r.status), "timed_out", "a passed deadline: timed_out, no call made");
#else
	ok(!keyring_available(), "built without libsecret");
	keyring_lookup(&r, "127.0.0.1:5000", clock_now_ms() + 2000, &e);
	is_str(keyring_status_name(r.status), "unsupported", "unsupported");
	is_str(r.message, "built without libsecret", "says why");
#endif
	return tap_done();
}
