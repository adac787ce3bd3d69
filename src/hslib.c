/* hslib.c — libhs resolved on first use (see hslib.h). */
#include "hslib.h"

#include <threads.h>

#include "util/dynlib.h"

struct hslib hslib;

static const char *const names[] = {
#define X(name) #name,
	HSLIB_SYMS(X)
#undef X
};
static void **const slots[] = {
#define X(name) (void **)&hslib.p_##name,
	HSLIB_SYMS(X)
#undef X
};
static struct dynlib lib = {
	.soname = HSLIB_SONAME, .names = names, .slots = slots,
	.n = sizeof(names) / sizeof(names[0]),
};
static once_flag load_once = ONCE_FLAG_INIT;

static void load(void)
{
	dynlib_load(&lib, NULL);
}

int hslib_load(struct err *e)
{
	call_once(&load_once, load);
	return lib.state < 0 ? err_set(e, "vectorscan: %s", lib.error) : 0;
}
