/* hslib.h — Vectorscan (libhs), loaded when a matcher is first compiled:
 * only explain and kb lint match logs, and mapping libhs (with the C++
 * runtime it needs) costs every start of every other command.
 *
 * Include this instead of <hs/hs.h>: the hs_* functions the matcher
 * calls are #defined to slots of `hslib`, typed from <hs/hs.h>, which
 * hslib_load fills (util/dynlib.h). libhs is not linked, so a function
 * used but missing here fails the link. Only matcher.c includes it. */
#ifndef FIXKB_SRC_HSLIB_H
#define FIXKB_SRC_HSLIB_H

#include <hs/hs.h>

#include "util/err.h"

#define HSLIB_SONAME "libhs.so.5"

#define HSLIB_SYMS(X) \
	X(hs_alloc_scratch) \
	X(hs_compile_lit_multi) \
	X(hs_free_compile_error) \
	X(hs_free_database) \
	X(hs_free_scratch) \
	X(hs_scan) \
	X(hs_valid_platform) \
	X(hs_version)

struct hslib {
#define X(name) __typeof__(name) *p_##name;
	HSLIB_SYMS(X)
#undef X
};
extern struct hslib hslib;

/* Loads libhs once (thread-safe); 0, or -1 with e saying why it cannot
 * be loaded (every later call gives the same answer). Call it before
 * any hs_* function. */
int hslib_load(struct err *e);

#define hs_alloc_scratch (*hslib.p_hs_alloc_scratch)
#define hs_compile_lit_multi (*hslib.p_hs_compile_lit_multi)
#define hs_free_compile_error (*hslib.p_hs_free_compile_error)
#define hs_free_database (*hslib.p_hs_free_database)
#define hs_free_scratch (*hslib.p_hs_free_scratch)
#define hs_scan (*hslib.p_hs_scan)
#define hs_valid_platform (*hslib.p_hs_valid_platform)
#define hs_version (*hslib.p_hs_version)

#endif
