/* hslib.c — libhs resolved on first use (see hslib.h). */
#include "hslib.h"

#include <stdio.h>
#include <threads.h>

#include "util/dynlib.h"

struct hslib hslib;

static once_flag load_once = ONCE_FLAG_INIT;
static int load_state;          /* 1 loaded, -1 failed (load_error says why) */
static char load_error[256];

static void load(void)
{
	struct err e = ERR_INIT;
	void *h = dynlib_open(HSLIB_SONAME, &e);

	load_state = h ? 1 : -1;
#define X(name) \
	if (load_state == 1 && \
	    dynlib_sym(h, HSLIB_SONAME, #name, (void **)&hslib.p_##name, &e) < 0) \
		load_state = -1;
	HSLIB_SYMS(X)
#undef X
	if (load_state < 0)
		snprintf(load_error, sizeof(load_error), "%s", e.msg);
}

int hslib_load(struct err *e)
{
	call_once(&load_once, load);
	if (load_state < 0)
		return err_set(e, "vectorscan: %s", load_error);
	return 0;
}
