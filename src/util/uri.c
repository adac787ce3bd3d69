#include "util/uri.h"

#include <string.h>

/* Appends s percent-encoded at out[*w], keeping room for the NUL. */
static void uri_escape(char *out, size_t n, size_t *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;

	for (; *p && *w + 4 < n; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p)) {
			out[(*w)++] = (char)*p;
		} else {
			out[(*w)++] = '%';
			out[(*w)++] = hex[*p >> 4];
			out[(*w)++] = hex[*p & 15];
		}
	}
	out[*w] = '\0';
}

void uri_from_path(char *out, size_t n, const char *path, const char *cwd)
{
	size_t w = 0, cl = cwd ? strlen(cwd) : 0;

	if (n == 0)
		return;
	out[0] = '\0';
	if (path[0] == '/' && cl > 1 && strncmp(path, cwd, cl) == 0 && path[cl] == '/') {
		uri_escape(out, n, &w, path + cl + 1);
		return;
	}
	if (path[0] == '/' && n > 8) {
		memcpy(out, "file://", 7);
		w = 7;
	}
	uri_escape(out, n, &w, path);
}
