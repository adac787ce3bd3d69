/* kb_embedded.h — the knowledge base compiled into the binary.
 *
 * The definitions are generated at build time by scripts/embed_kb.py into
 * kb_embedded.c from kb/schema.json and every entry kb/meson.build lists.
 * Read by kb_check.c (the schema), kb_load.c (the texts, for kb lint and
 * kbgen), kb_compact.c (an entry's text, parsed on demand) and kb_emit.c. */
#ifndef FIXKB_SRC_KB_EMBEDDED_H
#define FIXKB_SRC_KB_EMBEDDED_H

#include <stddef.h>

struct kb_embedded_file {
	const char *path;   /* "<category>/<slug>.json", relative to kb/ */
	const char *data;   /* the file's bytes, NUL-terminated */
	size_t len;         /* without the NUL */
};

extern const char kb_embedded_schema[];
extern const size_t kb_embedded_schema_len;
/* Sorted by path. */
extern const struct kb_embedded_file kb_embedded_files[];
extern const size_t kb_embedded_count;

#endif
