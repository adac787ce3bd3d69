/* homes.h — whose stores an audit reads.
 *
 * Without --all-users: the invoking user, whose environment counts
 * (DOCKER_CONFIG, --config, REGISTRY_AUTH_FILE, XDG_*, DOCKER_AUTH_CONFIG)
 * and whose credential helpers are run as docker runs them.
 * With --all-users (root only): every account in the passwd database with
 * uid 0 or uid >= 1000 (not 65534) whose home is an existing directory
 * other than "/", each once. Other users' files are read at their default
 * locations only, confined to their home (src/audit/safefs.h), and their
 * helpers are not run: a helper talks to its owner's keyring or pass
 * store, which belongs to that user's session. */
#ifndef FIXKB_AUDIT_HOMES_H
#define FIXKB_AUDIT_HOMES_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

#define HOMES_USER_MAX 64

struct audit_home {
	char user[HOMES_USER_MAX];
	uid_t uid;
	char home[PATH_MAX];       /* the real path of the home directory */
	char env_home[PATH_MAX];   /* the current user's $HOME as given ("" for others) */
	int current;               /* the invoking user */
};

/* The invoking user ($HOME, else the passwd entry). */
int homes_current(struct audit_home *h, struct err *e);

/* Every home, the invoking user's marked current. *out is the caller's
 * (free()). Homes that cannot be resolved are skipped, with why in
 * skipped (one line each, may be NULL). */
int homes_all(struct audit_home **out, size_t *n, char *skipped, size_t skippedlen,
	      struct err *e);

/* How a path is shown: "~/x" under the current user's home, "~bob/x"
 * under bob's, the path itself otherwise. */
void homes_display(const struct audit_home *h, const char *path, char *out, size_t n);

#endif
