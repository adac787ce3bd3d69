/* curllib.c — libcurl resolved on first use (see curllib.h). */
#include "net/curllib.h"

#include <stdarg.h>

#include "net/ssllib.h"
#include "util/dynlib.h"

struct curllib curllib;

static const char *const names[] = {
#define X(name) #name,
	CURLLIB_SYMS(X)
#undef X
};
static void **const slots[] = {
#define X(name) (void **)&curllib.p_##name,
	CURLLIB_SYMS(X)
#undef X
};
static struct dynlib lib = {
	.soname = CURLLIB_SONAME, .names = names, .slots = slots,
	.n = sizeof(names) / sizeof(names[0]),
};

int curllib_load(struct err *e)
{
	if (dynlib_load(&lib, e) < 0)
		return err_prefix(e, "libcurl");
	/* libcurl's TLS library, for the certificate hooks (ssllib.h) */
	return ssllib_load(e);
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
