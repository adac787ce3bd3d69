/* curllib.c — libcurl resolved on first use (see curllib.h). */
#include "net/curllib.h"

#include <stdarg.h>
#include <stdio.h>

#include "util/dynlib.h"

struct curllib curllib;

static int load_state;          /* 0 not tried, 1 loaded, -1 failed (load_error says why) */
static char load_error[256];

int curllib_load(struct err *e)
{
	struct err le = ERR_INIT;
	void *h;

	if (load_state == 0) {
		h = dynlib_open(CURLLIB_SONAME, &le);
		load_state = h ? 1 : -1;
#define X(name) \
		if (load_state == 1 && \
		    dynlib_sym(h, CURLLIB_SONAME, #name, (void **)&curllib.p_##name, &le) < 0) \
			load_state = -1;
		CURLLIB_SYMS(X)
#undef X
		if (load_state < 0)
			snprintf(load_error, sizeof(load_error), "%s", le.msg);
	}
	if (load_state < 0)
		return err_set(e, "libcurl: %s", load_error);
	return 0;
}

/* curl.h's type-checking macros call these two by name; they forward
 * the one argument as libcurl's own curl_easy_setopt reads it: a long
 * below CURLOPTTYPE_OBJECTPOINT, a curl_off_t from CURLOPTTYPE_OFF_T to
 * CURLOPTTYPE_BLOB, a pointer otherwise (objects, functions, blobs). */
#undef curl_easy_setopt
#undef curl_easy_getinfo

CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
	CURLcode rc;
	va_list ap;

	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = curllib.p_curl_easy_setopt(h, opt, va_arg(ap, long));
	else if (opt >= CURLOPTTYPE_OFF_T && opt < CURLOPTTYPE_BLOB)
		rc = curllib.p_curl_easy_setopt(h, opt, va_arg(ap, curl_off_t));
	else
		rc = curllib.p_curl_easy_setopt(h, opt, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

/* Every CURLINFO_* takes a pointer. */
CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	CURLcode rc;
	va_list ap;

	va_start(ap, info);
	rc = curllib.p_curl_easy_getinfo(h, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}
