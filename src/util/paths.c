#include "util/paths.h"

#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *paths_home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && *h)
		return h;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir ? pw->pw_dir : NULL;
}

void paths_display(char *out, size_t n, const char *path)
{
	const char *home = getenv("HOME");
	size_t hl = home ? strlen(home) : 0;

	if (hl > 1 && strncmp(path, home, hl) == 0 && path[hl] == '/')
		snprintf(out, n, "~%s", path + hl);
	else
		snprintf(out, n, "%s", path);
}

int paths_find_on_path(const char *name, const char *path_env, char *out, size_t n)
{
	const char *p, *end;
	char cand[PATH_MAX];
	struct stat st;
	size_t len, nlen;

	if (!name || !*name || strchr(name, '/'))
		return 0;
	if (!path_env)
		path_env = getenv("PATH");
	if (!path_env)
		return 0;
	nlen = strlen(name);
	for (p = path_env;; p = end + 1) {
		end = strchr(p, ':');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len > 0 && len + nlen + 2 <= sizeof(cand)) {
			memcpy(cand, p, len);
			cand[len] = '/';
			memcpy(cand + len + 1, name, nlen + 1);
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
				if (out && n)
					snprintf(out, n, "%s", cand);
				return 1;
			}
		}
		if (!end)
			break;
	}
	return 0;
}
