/* kb_compact.h — the embedded KB's typed view, as C data.
 *
 * Generated at build time into kb_compact_data.c by kbgen (src/kbgen.c),
 * which loads the embedded texts (kb_embedded.h) with kb lint's checks,
 * fails the build on any problem, and writes every entry's struct
 * kb_entry (kb_emit.c) exactly as kb_build.c builds it from the JSON.
 * kb_compact.c turns it into a struct kb without parsing anything; only
 * kb_compact.c reads these.
 *
 * Invariants: entries sorted by id; every array has one zeroed element
 * past its count; condition evidence is NULL here (a json_t cannot be
 * constant data): row k of kb_compact_evidence names the condition whose
 * evidence is element k of the JSON array kb_compact_evidence_json. */
#ifndef FIXKB_SRC_KB_COMPACT_H
#define FIXKB_SRC_KB_COMPACT_H

#include <stddef.h>

#include "kb.h"

extern const struct kb_entry kb_compact_entries[];
extern const size_t kb_compact_count;
/* kb_compact_file[i]: the index in kb_embedded_files of entry i's text. */
extern const size_t kb_compact_file[];

struct kb_compact_evidence {
	size_t entry, workaround, condition;
};
extern const struct kb_compact_evidence kb_compact_evidence[];
extern const size_t kb_compact_evidence_count;
extern const char kb_compact_evidence_json[];
/* kb_digest of the embedded KB, computed by kbgen (64 hex digits). */
extern const char kb_compact_digest[];

#endif
