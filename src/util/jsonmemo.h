/* jsonmemo.h — a run parses the same small JSON file again and again
 * (config.json: once per registry and per probe, so 20 registries parse
 * it ~240 times); this remembers the parsed document by
 * its text (an exact match: a copy of the text is kept) and hands out
 * new references to it.
 *
 * Callers must treat the document as read-only (it is shared). Only
 * texts up to JSONMEMO_TEXT_MAX bytes are remembered, at most
 * JSONMEMO_SLOTS of them (the oldest goes first); a parse error is not
 * remembered. The texts and documents may hold secrets: jsonmemo_clear
 * wipes the texts and releases the documents (the wiping allocator wipes
 * them); it is registered with atexit on the first use. Not
 * thread-safe. */
#ifndef FIXKB_UTIL_JSONMEMO_H
#define FIXKB_UTIL_JSONMEMO_H

#include <jansson.h>
#include <stddef.h>

#define JSONMEMO_SLOTS 8
#define JSONMEMO_TEXT_MAX (1024 * 1024)

/* json_loadb(text, len, flags, je), remembered: a new reference, or NULL
 * with *je set as json_loadb sets it. */
json_t *jsonmemo_loadb(const char *text, size_t len, size_t flags, json_error_t *je);

/* Forgets (and releases) every remembered document. */
void jsonmemo_clear(void);

#endif
