/* uri.h — file paths as URI references (SARIF artifactLocation.uri).
 *
 * RFC 3986: every byte outside the unreserved set (ALPHA DIGIT - . _ ~)
 * and '/' is percent-encoded, so a space, '%', '#' or a non-ASCII byte
 * cannot make the URI invalid. */
#ifndef FIXKB_UTIL_URI_H
#define FIXKB_UTIL_URI_H

#include <stddef.h>

/* The URI of path: relative to cwd when path is absolute and under cwd
 * (cwd may be NULL), else file:///... for an absolute path, else the
 * relative path encoded as it is. out is always NUL-terminated; a result
 * that does not fit is cut before a whole escape. */
void uri_from_path(char *out, size_t n, const char *path, const char *cwd);

#endif
