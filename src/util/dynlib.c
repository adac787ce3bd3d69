/* dynlib.c — dlopen and dlsym with errors worth reading (see dynlib.h). */
#include "util/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>

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

int dynlib_load(struct dynlib *l, struct err *e)
{
	struct err le = ERR_INIT;
	void *h;
	size_t i;

	if (l->state == 0) {
		h = dynlib_open(l->soname, &le);
		l->state = h ? 1 : -1;
		for (i = 0; l->state == 1 && i < l->n; i++)
			if (dynlib_sym(h, l->soname, l->names[i], l->slots[i], &le) < 0)
				l->state = -1;
		if (l->state < 0)
			snprintf(l->error, sizeof(l->error), "%s", le.msg);
	}
	if (l->state < 0)
		return err_set(e, "%s", l->error);
	return 0;
}
