/* dynlib.c — dlopen and dlsym with errors worth reading (see dynlib.h). */
#include "util/dynlib.h"

#include <dlfcn.h>

void *dynlib_open(const char *soname, struct err *e)
{
	void *lib = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
	const char *why;

	if (!lib) {
		why = dlerror();
		err_set(e, "cannot load %s: %s", soname, why ? why : "unknown error");
	}
	return lib;
}

int dynlib_sym(void *lib, const char *soname, const char *name, void **slot, struct err *e)
{
	const char *why;

	dlerror();
	*slot = dlsym(lib, name);
	if (!*slot) {
		why = dlerror();
		return err_set(e, "%s has no %s (%s)", soname, name, why ? why : "a NULL symbol");
	}
	return 0;
}
