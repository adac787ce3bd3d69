/* clientcache.h — the installed clients' versions, remembered between runs.
 *
 * Asking docker, buildx and skopeo (Go programs) for their versions costs
 * ~35 ms, nine tenths of an offline doctor run (bench/startup.sh), and the
 * answer changes only when the program does. The cache keeps each client's
 * answer under a key made of what decides it:
 *   - the program found on PATH: its path and stat (device, inode, size,
 *     mtime, ctime), and the SHA-256 of its contents when it is small (a
 *     script or a stub, which can be rewritten within one timestamp tick);
 *   - buildx: docker's key, and the same for every docker-buildx plugin
 *     file docker could run (its config dir's cli-plugins, the system
 *     plugin directories, DOCKER_CLI_PLUGIN_EXTRA_DIRS).
 * A key that differs, a missing or unreadable or malformed file: the client
 * is asked again. Only answers that do not depend on timing are kept: a
 * version read, or buildx not installed; a timeout or a crash is asked
 * again next run.
 *
 * The file is $XDG_CACHE_HOME/fixkb/clients.json, else
 * ~/.cache/fixkb/clients.json: 0600 in a 0700 directory, replaced by
 * rename (two runs at once: the last one's table stays, both valid). It
 * holds versions and program paths, nothing secret. Failing to read or
 * write it is never an error: the clients are asked, as without it. */
#ifndef FIXKB_DOCKER_CLIENTCACHE_H
#define FIXKB_DOCKER_CLIENTCACHE_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>

#include "util/settings.h"

#define CLIENTCACHE_KEY_LEN 65   /* hex SHA-256 and NUL */

struct clientcache {
	json_t *clients;         /* { name: {key, state, version, ...} }; owned */
	int dirty;               /* an entry was added or replaced */
	char path[PATH_MAX];     /* "" when there is no place for it */
};

/* Reads the cache (a missing or bad file is an empty cache). */
void clientcache_open(struct clientcache *cc);
/* The key for program (found on PATH) as it would be run now, with the
 * buildx plugins docker could run when buildx_plugins; "" when the program
 * is not on PATH (nothing to cache). s gives --config (the plugins). */
void clientcache_key(char key[CLIENTCACHE_KEY_LEN], const char *program, int buildx_plugins,
		     const struct settings *s);
/* The entry remembered for name under key, or NULL. Borrowed. */
const json_t *clientcache_get(const struct clientcache *cc, const char *name, const char *key);
/* Remembers entry (an object; stolen) for name under key. */
void clientcache_put(struct clientcache *cc, const char *name, const char *key, json_t *entry);
/* Writes the cache when it changed, and frees it. */
void clientcache_close(struct clientcache *cc);

#endif
