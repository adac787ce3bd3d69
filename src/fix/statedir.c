#include "fix/statedir.h"

#include <stdio.h>
#include <stdlib.h>

#include "util/paths.h"
#include "fix/atomicfile.h"

int statedir_path(char *out, size_t n, struct err *e)
{
	const char *x = getenv("XDG_STATE_HOME"), *home;
	int w;

	if (x && x[0] == '/') {
		w = snprintf(out, n, "%s/fixkb", x);
	} else {
		home = paths_home_dir();
		if (!home || home[0] != '/')
			return err_set(e, "cannot find fixkb's state directory: neither XDG_STATE_HOME "
				       "nor HOME is set to an absolute path");
		w = snprintf(out, n, "%s/.local/state/fixkb", home);
	}
	if (w < 0 || (size_t)w >= n)
		return err_set(e, "fixkb's state directory: path too long");
	return 0;
}

int statedir_ensure(char *out, size_t n, struct err *e)
{
	if (statedir_path(out, n, e) < 0)
		return -1;
	return atomicfile_mkdir_all(out, 0700, e);
}
