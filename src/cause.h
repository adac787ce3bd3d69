/* cause.h — the fixed vocabulary of cause codes (DESIGN.md §4).
 * Every KB entry's "cause" and every failing probe's code is one of these. */
#ifndef FIXKB_SRC_CAUSE_H
#define FIXKB_SRC_CAUSE_H

#include <stddef.h>

/* NULL-terminated, in DESIGN.md order. */
extern const char *const cause_codes[];

int cause_is_valid(const char *code);
/* One-line English description, or NULL for an unknown code. */
const char *cause_describe(const char *code);

#endif
