/* clientcache.c — the installed clients' versions between runs; see
 * clientcache.h. Plugin directories: docker/cli cli-plugins/manager
 * (manager.go getPluginDirs, manager_unix.go defaultSystemPluginDirs). */
#include "docker/clientcache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docker/dockercfg.h"
#include "util/buf.h"
#include "util/crypto.h"
#include "util/fileio.h"
#include "util/proc.h"

#define CACHE_FILE_MAX (64 << 10)
/* A program this small is hashed whole: a script rewritten within one
 * timestamp tick keeps its size and times but not its contents. */
#define HASH_WHOLE_MAX (64 << 10)
#define CACHE_FORMAT 1

static const char *const system_plugin_dirs[] = {
	"/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins",
	"/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins", NULL,
};

/* The cache file's path, or "" when there is no place for it. A base
 * directory (XDG_CACHE_HOME, or HOME) owned by another user is none: root
 * under sudo with the user's HOME must not leave root-owned files there. */
static void cache_path(char *out, size_t n)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	const char *base = NULL, *rest = NULL;
	struct stat st;
	int w;

	/* XDG base directories: a relative XDG_CACHE_HOME is ignored */
	if (x && x[0] == '/') {
		base = x;
		rest = "fixkb/clients.json";
	} else if (home && home[0] == '/') {
		base = home;
		rest = ".cache/fixkb/clients.json";
	}
	out[0] = '\0';
	if (!base || stat(base, &st) < 0 || st.st_uid != geteuid())
		return;
	w = snprintf(out, n, "%s/%s", base, rest);
	if (w < 0 || (size_t)w >= n)
		out[0] = '\0';
}

void clientcache_open(struct clientcache *cc)
{
	struct buf b = BUF_INIT(CACHE_FILE_MAX);
	struct err e = ERR_INIT;
	json_t *doc = NULL, *clients;
	int missing = 0;

	cc->clients = NULL;
	cc->dirty = 0;
	cache_path(cc->path, sizeof(cc->path));
	if (cc->path[0] && fileio_read(&b, cc->path, CACHE_FILE_MAX, &missing, &e) == 0 && !missing)
		doc = json_loadb(b.data, b.len, 0, NULL);
	buf_release(&b);
	clients = json_object_get(doc, "clients");
	if (json_integer_value(json_object_get(doc, "format")) == CACHE_FORMAT && json_is_object(clients))
		cc->clients = json_incref(clients);
	json_decref(doc);
	if (!cc->clients)
		cc->clients = json_object();
}

/* Appends what identifies the file at path now; 0, or -1 when it is not
 * there (or not readable when small: then nothing can be cached). */
static int key_file(struct buf *m, const char *path)
{
	struct buf whole = BUF_INIT(HASH_WHOLE_MAX);
	struct err e = ERR_INIT;
	struct stat st;
	char hex[65] = "";
	int rc = 0;

	if (stat(path, &st) < 0)
		return -1;
	if (st.st_size <= HASH_WHOLE_MAX) {
		if (fileio_read(&whole, path, HASH_WHOLE_MAX, NULL, &e) < 0)
			rc = -1;
		else
			sha256_hex(whole.data, whole.len, hex);
		buf_release(&whole);
	}
	if (buf_appendf(m, "%s\n%ju %ju %jd %jd.%09ld %jd.%09ld %s\n", path, (uintmax_t)st.st_dev,
			(uintmax_t)st.st_ino, (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec,
			st.st_mtim.tv_nsec, (intmax_t)st.st_ctim.tv_sec, st.st_ctim.tv_nsec, hex) < 0)
		rc = -1;
	return rc;
}

/* Every docker-buildx docker could run, in its search order. */
static int key_buildx_plugins(struct buf *m, const struct settings *s)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	const char *extra = getenv("DOCKER_CLI_PLUGIN_EXTRA_DIRS");
	struct err e = ERR_INIT;
	int i;

	if (buf_appendf(m, "extra=%s\n", extra ? extra : "") < 0)
		return -1;
	if (dockercfg_dir(dir, sizeof(dir), s, &e) == 0) {
		snprintf(path, sizeof(path), "%s/cli-plugins/docker-buildx", dir);
		if (key_file(m, path) < 0 && buf_appendf(m, "%s: none\n", path) < 0)
			return -1;
	}
	for (i = 0; system_plugin_dirs[i]; i++) {
		snprintf(path, sizeof(path), "%s/docker-buildx", system_plugin_dirs[i]);
		if (key_file(m, path) < 0 && buf_appendf(m, "%s: none\n", path) < 0)
			return -1;
	}
	return 0;
}

void clientcache_key(char key[CLIENTCACHE_KEY_LEN], const char *program, int buildx_plugins,
		     const struct settings *s)
{
	struct buf m = BUF_INIT(1 << 20);
	char bin[PATH_MAX];

	key[0] = '\0';
	if (proc_lookpath(program, getenv("PATH"), bin, sizeof(bin)) != 0)
		return;
	if (buf_appendf(&m, "%s %d\n", program, buildx_plugins) < 0 || key_file(&m, bin) < 0 ||
	    (buildx_plugins && key_buildx_plugins(&m, s) < 0)) {
		buf_release(&m);
		return;
	}
	sha256_hex(m.data, m.len, key);
	buf_release(&m);
}

const json_t *clientcache_get(const struct clientcache *cc, const char *name, const char *key)
{
	const json_t *en = json_object_get(cc->clients, name);
	const char *k = json_string_value(json_object_get(en, "key"));

	return key[0] && k && strcmp(k, key) == 0 ? en : NULL;
}

void clientcache_put(struct clientcache *cc, const char *name, const char *key, json_t *entry)
{
	if (!key[0] || !cc->clients || !json_is_object(entry) ||
	    json_object_set_new(entry, "key", json_string(key)) < 0) {
		json_decref(entry);
		return;
	}
	if (json_object_set_new(cc->clients, name, entry) == 0)
		cc->dirty = 1;
}

/* mkdir -p of path's directory, 0700 for what it creates. */
static int make_parent(const char *path)
{
	char dir[PATH_MAX], *p;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return -1;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(dir, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

static void write_cache(const struct clientcache *cc)
{
	char tmp[PATH_MAX + 32];
	json_t *doc;
	int fd, ok;

	if (!cc->path[0] || make_parent(cc->path) < 0)
		return;
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", cc->path, (long)getpid());
	doc = json_pack("{s:i, s:O}", "format", CACHE_FORMAT, "clients", cc->clients);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (!doc || fd < 0) {
		json_decref(doc);
		if (fd >= 0)
			close(fd);
		return;
	}
	ok = json_dumpfd(doc, fd, JSON_COMPACT) == 0;
	ok = close(fd) == 0 && ok;
	json_decref(doc);
	if (!ok || rename(tmp, cc->path) < 0)
		unlink(tmp);
}

void clientcache_close(struct clientcache *cc)
{
	if (cc->dirty)
		write_cache(cc);
	json_decref(cc->clients);
	cc->clients = NULL;
	cc->dirty = 0;
}
