#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->set)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->set = 1;
	return -1;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
	char prefix[ERR_MSG_MAX], joined[ERR_MSG_MAX];
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	if (!e->set) {
		snprintf(e->msg, sizeof(e->msg), "%s", prefix);
		e->set = 1;
		return -1;
	}
	snprintf(joined, sizeof(joined), "%s: %s", prefix, e->msg);
	memcpy(e->msg, joined, sizeof(e->msg));
	return -1;
}

void err_clear(struct err *e)
{
	if (!e)
		return;
	e->set = 0;
	e->msg[0] = '\0';
}
