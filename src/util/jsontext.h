/* jsontext.h — text that came from outside (a server's reason phrase, a
 * header, a path, a log name) made fit for a JSON document.
 *
 * jansson refuses a string that is not valid UTF-8, and a control byte in
 * evidence can rewrite a terminal. These helpers never fail and never
 * drop the whole text: each byte that is not part of a valid UTF-8
 * sequence (overlong forms, surrogates and code points past U+10FFFF are
 * invalid too) and each C0 control byte (below 0x20, NUL included)
 * becomes '?'; DEL and C1 code points are kept. They do not redact:
 * text that may hold a secret goes through redact.h first. */
#ifndef FIXKB_UTIL_JSONTEXT_H
#define FIXKB_UTIL_JSONTEXT_H

#include <jansson.h>
#include <stddef.h>

/* A new JSON string of s[0..len), invalid UTF-8 and C0 control bytes
 * (but '\n' and '\t') replaced by '?'. When len > max only the first max bytes
 * are kept (a sequence cut by the cap becomes '?') and "…" is appended.
 * NULL s gives JSON null. Never returns NULL unless jansson itself cannot
 * allocate; the caller owns the reference. */
json_t *jsontext_string(const char *s, size_t len, size_t max);

/* Replaces, in place, invalid UTF-8 and every C0 control byte (newlines
 * and tabs included: the result is one line) in the NUL-terminated s by '?'.
 * The length never changes. */
void jsontext_sanitize_utf8(char *s);

/* The string member k of object o, or "" when o is not an object, k is
 * absent or not a string. Borrowed from o. */
const char *jsontext_member(const json_t *o, const char *k);

#endif
