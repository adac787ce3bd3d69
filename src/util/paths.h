/* paths.h — the home directory, "~/..." for display, and finding an
 * executable on $PATH the way Go's exec.LookPath does (which is how
 * docker finds docker-credential-<name> and `pass`). */
#ifndef FIXKB_UTIL_PATHS_H
#define FIXKB_UTIL_PATHS_H

#include <stddef.h>

/* $HOME when set and non-empty, else the passwd entry's home directory,
 * else NULL. Borrowed: from the environment or getpwuid's static entry,
 * valid until either changes. */
const char *paths_home_dir(void);

/* path for display: "~/.docker/config.json" when path is under $HOME
 * ($HOME longer than "/"), else path itself; cut to n - 1 bytes. */
void paths_display(char *out, size_t n, const char *path);

/* Searches path_env (NULL: $PATH) for an executable regular file `name`.
 * A name with a '/' is never searched, and an empty PATH element (the
 * current directory) is skipped, as LookPath refuses those results.
 * Returns 1 when found (the full path in out, if out and n), else 0. */
int paths_find_on_path(const char *name, const char *path_env, char *out, size_t n);

#endif
