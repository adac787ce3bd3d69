/* hostport.c — splitting host[:port]. See hostport.h. */
#include "util/hostport.h"

#include <stdio.h>
#include <string.h>

void hostport_host(const char *hostport, char *out, size_t n)
{
	const char *c;

	if (hostport[0] == '[') {
		c = strchr(hostport, ']');
		snprintf(out, n, "%.*s", c ? (int)(c - hostport - 1) : (int)strlen(hostport + 1),
			 hostport + 1);
		return;
	}
	c = strchr(hostport, ':');
	if (c && !strchr(c + 1, ':'))
		snprintf(out, n, "%.*s", (int)(c - hostport), hostport);
	else
		snprintf(out, n, "%s", hostport);
}
