/* jsonerr.h — a jansson parse error as a message that is safe to show.
 *
 * jansson's error text ends with "near '<text>'", quoting the input where
 * parsing stopped; in a config file or DOCKER_AUTH_CONFIG that text may
 * be a password or a token, so it is never kept. */
#ifndef FIXKB_UTIL_JSONERR_H
#define FIXKB_UTIL_JSONERR_H

#include <jansson.h>
#include <stddef.h>

/* "line L column C: <what>" (jansson's text without " near ..."), cut to
 * n - 1 bytes. */
void jsonerr_format(char *out, size_t n, const json_error_t *je);

#endif
