/* hexdigit.h — the value of one hexadecimal digit, for the decoders of
 * percent-escapes (URLs, Go's url.Values) and \u escapes (JSON text in
 * logs). */
#ifndef FIXKB_UTIL_HEXDIGIT_H
#define FIXKB_UTIL_HEXDIGIT_H

/* 0..15 for [0-9a-fA-F], -1 for anything else (EOF and NUL included). */
static inline int hexdigit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
