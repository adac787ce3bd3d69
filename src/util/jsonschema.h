/* jsonschema.h — a small JSON Schema (draft 2020-12 subset) validator on
 * jansson, for kb/schema.json.
 *
 * Supported keywords, exactly what kb/schema.json uses: type (a name or an
 * array of names), required, properties, additionalProperties (boolean or
 * schema), items, enum, const, minimum, maximum, minLength (in code points),
 * minItems, pattern (POSIX extended regex, unanchored as in JSON Schema),
 * $ref (only "#/$defs/NAME") and $defs. Annotations ($schema, $id,
 * $comment, title, description, default, examples) are accepted and
 * ignored. Any other keyword is an error when the schema is compiled, so a
 * schema can never silently ask for a check this validator does not make.
 *
 * Problems name the JSON pointer of the field:
 *   "/workarounds/2/success: 1.5 is above maximum 1"
 *   "/title/zh: required field is missing"
 *   "/workarounds/0/colour: unknown field" */
#ifndef FIXKB_UTIL_JSONSCHEMA_H
#define FIXKB_UTIL_JSONSCHEMA_H

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"

struct jsonschema;

/* Compiles a schema: checks every keyword is supported, resolves every
 * $ref and compiles every pattern. *out belongs to the caller
 * (jsonschema_free). The schema keeps its own reference to `schema`. */
int jsonschema_compile(struct jsonschema **out, json_t *schema, struct err *e);
/* The same from JSON text (len bytes, need not be NUL-terminated). */
int jsonschema_compile_text(struct jsonschema **out, const char *text, size_t len,
			    struct err *e);
void jsonschema_free(struct jsonschema *s);

/* Called once per problem: pointer is "" for the document itself, else
 * "/a/0/b"; message is the problem without the pointer. Both are only
 * valid during the call. */
typedef void (*jsonschema_report_fn)(void *ctx, const char *pointer, const char *message);

/* Validates doc, reporting every problem through fn (which may be NULL).
 * Returns the number of problems: 0 means valid. */
size_t jsonschema_validate(const struct jsonschema *s, const json_t *doc,
			   jsonschema_report_fn fn, void *ctx);

/* Validates doc; on the first problem sets e to "<pointer>: <message>"
 * and returns -1. Returns 0 when valid. */
int jsonschema_check(const struct jsonschema *s, const json_t *doc, struct err *e);

#endif
