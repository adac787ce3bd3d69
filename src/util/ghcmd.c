#include "util/ghcmd.h"

int ghcmd_escape(struct buf *out, const char *s, int property)
{
	const char *esc;
	int rc = 0;

	for (; *s && rc == 0; s++) {
		esc = *s == '%' ? "%25" : *s == '\r' ? "%0D" : *s == '\n' ? "%0A"
		    : property && *s == ':' ? "%3A" : property && *s == ',' ? "%2C" : NULL;
		rc = esc ? buf_appends(out, esc) : buf_append(out, s, 1);
	}
	return rc < 0 ? -1 : 0;
}
