#include "audit/homes.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/paths.h"

static void user_name(uid_t uid, char *out, size_t n)
{
	struct passwd *pw = getpwuid(uid);

	if (pw && pw->pw_name)
		snprintf(out, n, "%s", pw->pw_name);
	else
		snprintf(out, n, "%u", (unsigned)uid);
}

int homes_current(struct audit_home *h, struct err *e)
{
	const char *home = paths_home_dir();

	memset(h, 0, sizeof(*h));
	h->uid = getuid();
	h->current = 1;
	user_name(h->uid, h->user, sizeof(h->user));
	if (!home)
		return err_set(e, "cannot find the home directory: HOME is not set and uid %u has no "
			       "passwd entry", (unsigned)h->uid);
	snprintf(h->env_home, sizeof(h->env_home), "%s", home);
	if (!realpath(home, h->home))
		snprintf(h->home, sizeof(h->home), "%s", home);
	return 0;
}

static void skip_note(char *skipped, size_t n, const char *user, const char *why)
{
	size_t l;

	if (!skipped || n == 0)
		return;
	l = strlen(skipped);
	snprintf(skipped + l, n - l, "%s%s: %s", l ? "\n" : "", user, why);
}

static int seen_home(const struct audit_home *v, size_t n, const char *home)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].home, home) == 0)
			return 1;
	return 0;
}

/* The invoking user is audited even when its $HOME is in no passwd entry. */
static int cur_listed(const struct audit_home *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].current)
			return 1;
	return 0;
}

int homes_all(struct audit_home **out, size_t *n, char *skipped, size_t skippedlen,
	      struct err *e)
{
	struct audit_home cur, *v = NULL, *nv;
	struct passwd *pw;
	struct stat st;
	char real[PATH_MAX], why[PATH_MAX + 64];
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (skipped && skippedlen)
		skipped[0] = '\0';
	if (homes_current(&cur, e) < 0)
		return -1;
	setpwent();
	for (errno = 0; (pw = getpwent()) != NULL; errno = 0) {
		if (pw->pw_uid != 0 && (pw->pw_uid < 1000 || pw->pw_uid == 65534))
			continue;
		if (!pw->pw_dir || !*pw->pw_dir || strcmp(pw->pw_dir, "/") == 0)
			continue;
		if (!realpath(pw->pw_dir, real) || stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
			snprintf(why, sizeof(why), "home '%s' is not a directory", pw->pw_dir);
			skip_note(skipped, skippedlen, pw->pw_name, why);
			continue;
		}
		if (strcmp(real, "/") == 0 || seen_home(v, *n, real))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				endpwent();
				return err_set(e, "out of memory");
			}
			v = nv;
		}
		memset(&v[*n], 0, sizeof(v[*n]));
		snprintf(v[*n].user, sizeof(v[*n].user), "%s", pw->pw_name);
		v[*n].uid = pw->pw_uid;
		snprintf(v[*n].home, sizeof(v[*n].home), "%s", real);
		if (pw->pw_uid == cur.uid && strcmp(real, cur.home) == 0) {
			v[*n].current = 1;
			snprintf(v[*n].env_home, sizeof(v[*n].env_home), "%s", cur.env_home);
		}
		(*n)++;
	}
	endpwent();
	if (!cur_listed(v, *n)) {
		nv = realloc(v, (*n + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			return err_set(e, "out of memory");
		}
		v = nv;
		memmove(v + 1, v, *n * sizeof(*v));
		v[0] = cur;
		(*n)++;
	}
	*out = v;
	return 0;
}

void homes_display(const struct audit_home *h, const char *path, char *out, size_t n)
{
	const char *bases[2] = { h->home, h->env_home };
	size_t l;
	int i;

	for (i = 0; i < 2; i++) {
		l = strlen(bases[i]);
		if (l > 1 && strncmp(path, bases[i], l) == 0 && (path[l] == '/' || !path[l])) {
			snprintf(out, n, "~%s%s", h->current ? "" : h->user, path + l);
			return;
		}
	}
	snprintf(out, n, "%s", path);
}
