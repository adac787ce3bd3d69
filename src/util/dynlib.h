/* dynlib.h — a shared library loaded when a run first needs it (dlopen),
 * for the big ones only some runs use (libsecret with GLib, Vectorscan,
 * libcurl): a run that never needs one never maps it, relocates it or
 * runs its constructors.
 *
 * The caller keeps a table of function pointers typed from the
 * library's own header (__typeof__(name) *name) and fills it through a
 * struct dynlib (the names, and where each address goes); a library
 * stays loaded until exit (GLib and libcurl cannot be unloaded safely),
 * so its handle is never closed. Not thread-safe: load before starting
 * threads, or under call_once. */
#ifndef FIXKB_UTIL_DYNLIB_H
#define FIXKB_UTIL_DYNLIB_H

#include <stddef.h>

#include "util/err.h"

#define DYNLIB_ERR_MAX 256

/* One library's functions: set soname, names, slots and n; zero the rest. */
struct dynlib {
	const char *soname;
	const char *const *names;   /* n function names */
	void **const *slots;        /* slots[i] receives names[i]'s address */
	size_t n;
	int state;                  /* 0 not tried, 1 loaded, -1 failed */
	char error[DYNLIB_ERR_MAX]; /* why it failed */
};

/* The first call opens the library and fills every slot; every call
 * returns 0 when that worked, else -1 with e (may be NULL) saying why.
 * A failed load is not retried. */
int dynlib_load(struct dynlib *l, struct err *e);

/* dlopen(soname, RTLD_LAZY | RTLD_LOCAL): the handle, or NULL with e
 * naming the library and dlerror()'s reason. RTLD_LAZY binds as linking
 * does: objects built with -z now (libcurl, libcrypto, GLib) bind at
 * load, the others on first call; RTLD_NOW would bind every function of
 * every dependency up front (for libcurl: 14.8M instructions against
 * 11.8M, callgrind). */
void *dynlib_open(const char *soname, struct err *e);

/* The address of name in lib (or its dependencies), stored through
 * slot (a function pointer's address, as void **: POSIX's idiom for
 * dlsym). 0, or -1 with e naming the symbol and the library. */
int dynlib_sym(void *lib, const char *soname, const char *name, void **slot, struct err *e);

#endif
