/* regconf.c — registries.conf credential-helpers; see regconf.h. */
#include "docker/regconf.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/fileio.h"
#include "util/paths.h"
#include "util/statsig.h"

#define SYSTEM_CONF "/etc/containers/registries.conf"
#define SYSTEM_DIR "/etc/containers/registries.conf.d"
#define USER_CONF ".config/containers/registries.conf"
#define USER_DIR ".config/containers/registries.conf.d"
#define DROPINS_MAX 64
/* Paths one load may look at and still be remembered (regconf_load). */
#define SEEN_MAX 40
#define SEEN_PATH_MAX 512

/* The paths a load looked at, each as it was then. */
struct seen {
	size_t n;
	int overflow;   /* too many, or a path too long: not remembered */
	struct {
		char path[SEEN_PATH_MAX];
		struct statsig sig;
	} p[SEEN_MAX];
};

/* Records path as it stats now; 1 when it exists. */
static int see(struct seen *sn, const char *path)
{
	struct statsig sig;

	statsig_take(path, &sig);
	if (sn->n == SEEN_MAX || strlen(path) >= SEEN_PATH_MAX) {
		sn->overflow = 1;
		return sig.exists;
	}
	snprintf(sn->p[sn->n].path, SEEN_PATH_MAX, "%s", path);
	sn->p[sn->n].sig = sig;
	sn->n++;
	return sig.exists;
}

static int isalnumish(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

struct scan {
	const char *p, *end;
};

static void skip_blank(struct scan *sc, int newlines)
{
	while (sc->p < sc->end) {
		char c = *sc->p;

		if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
			sc->p++;
		} else if (c == '#') {
			while (sc->p < sc->end && *sc->p != '\n')
				sc->p++;
		} else {
			break;
		}
	}
}

/* A string at sc->p (quote is " or '); copies it into out (cut to n - 1)
 * when out. Multi-line forms are skipped but not copied. -1 when
 * unterminated. */
static int read_string(struct scan *sc, char *out, size_t n)
{
	char q = *sc->p;
	size_t o = 0;

	if (sc->end - sc->p >= 3 && sc->p[1] == q && sc->p[2] == q) {
		const char *close = NULL, *s;

		for (s = sc->p + 3; s + 3 <= sc->end; s++) {
			if (q == '"' && *s == '\\') {
				s++;
				continue;
			}
			if (s[0] == q && s[1] == q && s[2] == q) {
				close = s;
				break;
			}
		}
		if (!close)
			return -1;
		sc->p = close + 3;
		if (out && n)
			out[0] = '\0';
		return 1;   /* multi-line: not a name */
	}
	for (sc->p++; sc->p < sc->end && *sc->p != q && *sc->p != '\n'; sc->p++) {
		char c = *sc->p;

		if (q == '"' && c == '\\' && sc->p + 1 < sc->end)
			c = *++sc->p;
		if (out && o + 1 < n)
			out[o++] = c;
	}
	if (out && n)
		out[o] = '\0';
	if (sc->p >= sc->end || *sc->p != q)
		return -1;
	sc->p++;
	return 0;
}

/* Skips a value to the end of its line, through nested arrays and inline
 * tables and strings. -1 on an unterminated string or bracket. */
static int skip_value(struct scan *sc)
{
	int depth = 0;

	while (sc->p < sc->end) {
		char c = *sc->p;

		if (c == '"' || c == '\'') {
			if (read_string(sc, NULL, 0) < 0)
				return -1;
			continue;
		}
		if (c == '#' || (c == '\n' && depth == 0)) {
			skip_blank(sc, depth > 0);
			if (depth == 0)
				return 0;
			continue;
		}
		if (c == '[' || c == '{')
			depth++;
		else if (c == ']' || c == '}')
			depth--;
		sc->p++;
	}
	return depth ? -1 : 0;
}

static int read_array(struct scan *sc, char out[][REGCONF_NAME_MAX], size_t *n, char *why,
		      size_t whyn)
{
	*n = 0;
	if (sc->p >= sc->end || *sc->p != '[') {
		snprintf(why, whyn, "credential-helpers is not an array");
		return -1;
	}
	sc->p++;
	for (;;) {
		skip_blank(sc, 1);
		if (sc->p >= sc->end)
			break;
		if (*sc->p == ']')
			return 1;
		if ((*sc->p != '"' && *sc->p != '\'') || *n >= REGCONF_HELPERS_MAX ||
		    read_string(sc, out[*n], REGCONF_NAME_MAX) != 0) {
			snprintf(why, whyn, *n >= REGCONF_HELPERS_MAX ?
				 "credential-helpers has more than %d entries" :
				 "credential-helpers holds something other than one-line strings",
				 REGCONF_HELPERS_MAX);
			return -1;
		}
		(*n)++;
		skip_blank(sc, 1);
		if (sc->p < sc->end && *sc->p == ',')
			sc->p++;
		else if (sc->p < sc->end && *sc->p != ']')
			break;
	}
	snprintf(why, whyn, "credential-helpers: unterminated array");
	return -1;
}

int regconf_parse(const char *text, size_t len, char out[][REGCONF_NAME_MAX], size_t *n,
		  char *why, size_t whyn)
{
	struct scan sc = { text, text + len };
	char key[64];

	*n = 0;
	for (;;) {
		skip_blank(&sc, 1);
		if (sc.p >= sc.end || *sc.p == '[')
			return 0;   /* the first table ends the top level */
		if (*sc.p == '"' || *sc.p == '\'') {
			if (read_string(&sc, key, sizeof(key)) != 0)
				return 0;
		} else {
			size_t k = 0;

			while (sc.p < sc.end && (isalnumish(*sc.p)) && k + 1 < sizeof(key))
				key[k++] = *sc.p++;
			key[k] = '\0';
			if (k == 0)
				return 0;   /* not TOML we understand: c/image will say */
		}
		skip_blank(&sc, 0);
		if (sc.p >= sc.end || *sc.p != '=')
			return 0;
		sc.p++;
		skip_blank(&sc, 0);
		if (strcmp(key, "credential-helpers") == 0)
			return read_array(&sc, out, n, why, whyn);
		if (skip_value(&sc) < 0)
			return 0;
	}
}

int regconf_is_default(const struct regconf *rc)
{
	return rc->nhelpers == 1 && strcmp(rc->helpers[0], REGCONF_AUTHFILE_HELPER) == 0;
}

/* One file: a non-empty list replaces rc's (tryUpdatingCache,
 * updateWithConfigurationFrom). A missing or unreadable file changes
 * nothing (c/image fails on an unreadable one; its error is not ours to
 * guess). */
static void apply_file(struct regconf *rc, const char *path, struct seen *sn)
{
	char list[REGCONF_HELPERS_MAX][REGCONF_NAME_MAX], why[160] = "";
	struct buf b = BUF_INIT(REGCONF_FILE_MAX);
	struct err e = ERR_INIT;
	int missing = 0, r;
	size_t n = 0, i;

	see(sn, path);
	if (fileio_read(&b, path, REGCONF_FILE_MAX, &missing, &e) < 0 || missing)
		goto cleanup;
	r = regconf_parse(b.data, b.len, list, &n, why, sizeof(why));
	if (r < 0 && !rc->note[0])
		snprintf(rc->note, sizeof(rc->note), "%s: %s", path, why);
	if (r <= 0 || n == 0)
		goto cleanup;
	for (i = 0; i < n; i++)
		snprintf(rc->helpers[i], sizeof(rc->helpers[i]), "%s", list[i]);
	rc->nhelpers = n;
	snprintf(rc->from, sizeof(rc->from), "%s", path);
cleanup:
	buf_release(&b);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir/ *.conf in name order (filepath.WalkDir order), not recursing. */
static void apply_dir(struct regconf *rc, const char *dir, struct seen *sn)
{
	char *names[DROPINS_MAX], path[PATH_MAX];
	struct dirent *de;
	size_t n = 0, i, l;
	DIR *d;

	see(sn, dir);   /* a drop-in added, removed or renamed changes its times */
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) && n < DROPINS_MAX) {
		l = strlen(de->d_name);
		if (l > 5 && strcmp(de->d_name + l - 5, ".conf") == 0 && (names[n] = strdup(de->d_name)))
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n; i++) {
		struct stat st;
		int w = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);

		if (w > 0 && (size_t)w < sizeof(path) && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			apply_file(rc, path, sn);
		free(names[i]);
	}
}

/* The files as the tool reads them (regconf.h), recording what was seen. */
static void load(struct regconf *rc, const char *env, const char *user, const char *userdir,
		 struct seen *sn)
{
	int user_exists;

	memset(rc, 0, sizeof(*rc));
	snprintf(rc->helpers[0], sizeof(rc->helpers[0]), "%s", REGCONF_AUTHFILE_HELPER);
	rc->nhelpers = 1;
	user_exists = user[0] && see(sn, user);
	if (env && *env) {
		apply_file(rc, env, sn);
		apply_dir(rc, SYSTEM_DIR, sn);
		if (userdir[0])
			apply_dir(rc, userdir, sn);
	} else if (user_exists) {
		apply_file(rc, user, sn);
		apply_dir(rc, userdir, sn);
	} else {
		apply_file(rc, SYSTEM_CONF, sn);
		apply_dir(rc, SYSTEM_DIR, sn);
		if (userdir[0])
			apply_dir(rc, userdir, sn);
	}
}

/* The last load per tool (podman or not): a doctor run asks for every
 * registry and probe, ~24 times for 20 registries; each paths' stat
 * tells whether it still stands. Not thread-safe. */
static struct {
	int valid;
	char env[SEEN_PATH_MAX], user[PATH_MAX];
	struct regconf rc;
	struct seen sn;
} memo[2];

static int memo_holds(int podman, const char *env, const char *user)
{
	const struct seen *sn = &memo[podman].sn;
	struct statsig now;
	size_t i;

	if (!memo[podman].valid || strcmp(memo[podman].env, env ? env : "") != 0 ||
	    strcmp(memo[podman].user, user) != 0)
		return 0;
	for (i = 0; i < sn->n; i++) {
		statsig_take(sn->p[i].path, &now);
		if (!statsig_same(&now, &sn->p[i].sig))
			return 0;
	}
	return 1;
}

int regconf_load(struct regconf *rc, int podman, struct err *e)
{
	const char *home = paths_home_dir(), *env = podman ? getenv("CONTAINERS_REGISTRIES_CONF") : NULL;
	char user[PATH_MAX] = "", userdir[PATH_MAX] = "";
	int k = podman ? 1 : 0;

	if (home) {
		if ((size_t)snprintf(user, sizeof(user), "%s/%s", home, USER_CONF) >= sizeof(user) ||
		    (size_t)snprintf(userdir, sizeof(userdir), "%s/%s", home, USER_DIR) >= sizeof(userdir))
			return err_set(e, "registries.conf path too long");
	}
	if (memo_holds(k, env, user)) {
		*rc = memo[k].rc;
		return 0;
	}
	memo[k].valid = 0;
	memset(&memo[k].sn, 0, sizeof(memo[k].sn));
	load(rc, env, user, userdir, &memo[k].sn);
	if (!memo[k].sn.overflow && strlen(env ? env : "") < SEEN_PATH_MAX) {
		snprintf(memo[k].env, sizeof(memo[k].env), "%s", env ? env : "");
		snprintf(memo[k].user, sizeof(memo[k].user), "%s", user);
		memo[k].rc = *rc;
		memo[k].valid = 1;
	}
	return 0;
}
