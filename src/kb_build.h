/* kb_build.h — an entry's typed view (struct kb_entry) from its JSON
 * document, for the loaders (kb_load.c). The document must have passed
 * kb/schema.json: the builder relies on its types and required fields. */
#ifndef FIXKB_SRC_KB_BUILD_H
#define FIXKB_SRC_KB_BUILD_H

#include <jansson.h>

#include "kb.h"

/* Fills *en from doc (borrowed: the kb must keep doc alive, which
 * kb_entry_commit does); arrays come from kb's memory. path is copied.
 * Returns 0, or -1 when out of memory. */
int kb_build_entry(struct kb *kb, const json_t *doc, const char *path, struct kb_entry *en);

#endif
