/* kb_emit.h — a KB's typed view written as C source: the data
 * kb_compact.h declares, for kbgen (src/kbgen.c) at build time.
 *
 * Every field of every struct in kb.h is written as the kb holds it
 * (strings byte for byte, NULL kept NULL, doubles to 17 significant
 * digits so they read back equal); condition evidence goes into one JSON
 * array (kb_compact.h says how rows find it). The kb must have been
 * loaded from the embedded texts (kb_load_embedded_lint): each entry's
 * path "embedded:<rel>" names its kb_embedded_files row. */
#ifndef FIXKB_SRC_KB_EMIT_H
#define FIXKB_SRC_KB_EMIT_H

#include <stdio.h>

#include "kb.h"
#include "util/err.h"

/* Writes the whole C file to f. 0, or -1 with e set (an entry not from
 * the embedded texts, out of memory, a write error). */
int kb_emit_c(FILE *f, const struct kb *kb, struct err *e);

#endif
