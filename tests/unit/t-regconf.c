/* docker/regconf: regconf_load as containers/image reads registries.conf,
 * and its memory of the last load, which must give way to every change a
 * user can make between two loads (the file rewritten at the same size, a
 * drop-in added or removed, the user file removed, another
 * $CONTAINERS_REGISTRIES_CONF). */
#include "docker/regconf.h"
#include "tap.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char home[256], user[512], dropdir[512], drop[600];

/* Writes text to path and moves its mtime by `tick` seconds from a fixed
 * point, so two writes within one clock tick still differ. */
static void put(const char *path, const char *text, int tick)
{
	struct timespec ts[2];
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	ts[0].tv_sec = ts[1].tv_sec = 1700000000 + tick;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	utimensat(AT_FDCWD, path, ts, 0);
}

static const char *first(int podman)
{
	static struct regconf rc;
	static struct err e;

	memset(&e, 0, sizeof(e));
	if (regconf_load(&rc, podman, &e) < 0)
		return e.msg;
	return rc.nhelpers ? rc.helpers[0] : "(none)";
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char other[600];
	struct regconf rc;
	struct err e = ERR_INIT;

	snprintf(home, sizeof(home), "%s/t-regconf.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(home))
		return 1;
	setenv("HOME", home, 1);
	unsetenv("CONTAINERS_REGISTRIES_CONF");
	snprintf(user, sizeof(user), "%s/.config", home);
	mkdir(user, 0700);
	snprintf(user, sizeof(user), "%s/.config/containers", home);
	mkdir(user, 0700);
	snprintf(dropdir, sizeof(dropdir), "%s/registries.conf.d", user);
	snprintf(user, sizeof(user), "%s/.config/containers/registries.conf", home);
	snprintf(drop, sizeof(drop), "%s/10-fixkb.conf", dropdir);

	put(user, "credential-helpers = [\"aaa\"]\n", 1);
	is_str(first(0), "aaa", "the user's registries.conf");
	ok(regconf_load(&rc, 0, &e) == 0 && strcmp(rc.from, user) == 0, "from: the user's file");
	is_str(first(0), "aaa", "loaded again (remembered): the same");
	put(user, "credential-helpers = [\"bbb\"]\n", 2);   /* the same size */
	is_str(first(0), "bbb", "rewritten at the same size: the new list");
	mkdir(dropdir, 0700);
	is_str(first(0), "bbb", "an empty drop-in directory created: the same list");
	put(drop, "credential-helpers = [\"ccc\"]\n", 3);
	is_str(first(0), "ccc", "a drop-in added: it overrides the file");
	unlink(drop);
	is_str(first(0), "bbb", "the drop-in removed: the file again");
	unlink(user);
	ok(regconf_load(&rc, 0, &e) == 0 && strcmp(rc.from, user) != 0,
	   "the user's file removed: not read any more (from '%s')", rc.from);

	snprintf(other, sizeof(other), "%s/other.conf", home);
	put(other, "credential-helpers = [\"ddd\"]\n", 4);
	setenv("CONTAINERS_REGISTRIES_CONF", other, 1);
	is_str(first(1), "ddd", "podman: $CONTAINERS_REGISTRIES_CONF");
	ok(strcmp(first(0), "ddd") != 0, "skopeo does not read $CONTAINERS_REGISTRIES_CONF");
	put(user, "credential-helpers = [\"eee\"]\n", 5);
	snprintf(other, sizeof(other), "%s/.config/containers/registries.conf", home);
	setenv("CONTAINERS_REGISTRIES_CONF", other, 1);
	is_str(first(1), "eee", "podman: another $CONTAINERS_REGISTRIES_CONF");
	is_str(first(0), "eee", "skopeo: the user's file back");

	unlink(user);
	rmdir(dropdir);
	snprintf(other, sizeof(other), "%s/other.conf", home);
	unlink(other);
	snprintf(other, sizeof(other), "%s/.config/containers", home);
	rmdir(other);
	snprintf(other, sizeof(other), "%s/.config", home);
	rmdir(other);
	rmdir(home);
	return tap_done();
}
