/* gojson.h — JSON text byte for byte as Go's json.MarshalIndent(v, "", "\t")
 * writes it, which is how docker's ConfigFile.Save (and containers/image
 * for auth.json) write their files.
 *
 * Checked against what docker CLI 28.2.2 writes (tests/unit/t-fix-jsonedit.c
 * round-trips files `docker logout` and `docker context use` wrote):
 *  - "{", a newline, one tab per level, `"key": value`, ",\n" between
 *    members, the closing brace on its own line at the parent's level;
 *    an empty object is "{}" and an empty array "[]";
 *  - no newline after the last "}" (docker's config.json ends without one);
 *  - strings: `"` and `\` escaped; \n \r \t \b \f as those escapes (Go
 *    1.22 and later, as docker 28 is built); other bytes below 0x20 as
 *    \u00XX with lower-case hex; <, > and & as \u003c, \u003e, \u0026
 *    (Go's HTML escaping, on by default); U+2028 and U+2029 as \u2028 and
 *    \u2029; every byte of invalid UTF-8 as \ufffd; everything else (DEL,
 *    '/', non-ASCII) as is;
 *  - integers in decimal; reals in the shortest form that reads back to
 *    the same double, as Go writes a float64: plain decimals ("1.5",
 *    "100", "0.000001"), and exponents ("1e+21", "1e-7") below 1e-6 or
 *    from 1e21 up. A real that is whole prints without a point ("2"),
 *    as Go prints it.
 * Member order is the object's order (jansson keeps insertion order): Go
 * writes a struct's fields in declaration order and a map's keys sorted;
 * fix/jsonedit.h keeps a file docker wrote in that order when it edits.
 *
 * The output buf may end up holding secrets (a config's auths): the
 * caller releases it with buf_release, which wipes it. */
#ifndef FIXKB_FIX_GOJSON_H
#define FIXKB_FIX_GOJSON_H

#include <jansson.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* Appends v as Go's MarshalIndent(v, "", "\t") to out. -1 with a
 * message when out's cap is reached or memory runs out. */
int gojson_dump(struct buf *out, const json_t *v, struct err *e);

/* Appends s[0..n) as one Go JSON string, quotes included. -1 as above. */
int gojson_string(struct buf *out, const char *s, size_t n, struct err *e);

/* The shortest text Go's encoder writes for the double v (NUL-terminated
 * in out, which needs 32 bytes). NaN and infinities, which JSON cannot
 * hold, give "null". */
void gojson_real(char out[32], double v);

#endif
