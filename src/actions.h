/* actions.h — the names of the fix actions KB workarounds may reference
 * (DESIGN.md §6).
 *
 * This is only the name table: `fixkb kb lint` and the loader reject a
 * workaround whose "action" is not a row here. The actions themselves
 * (plan, diff, verify, atomic write, backup) live with `fixkb fix`. Adding
 * an action: add a row (keep the table sorted by name; t-kb checks) and
 * implement it in the fix command. */
#ifndef FIXKB_SRC_ACTIONS_H
#define FIXKB_SRC_ACTIONS_H

#include <stddef.h>

struct action {
	const char *name;      /* snake_case; the string KB entries use */
	const char *summary;   /* one line, what it will do */
};

/* Sorted by name, terminated by a row with a NULL name. */
extern const struct action action_table[];

/* The row named `name`, or NULL. */
const struct action *action_find(const char *name);

#endif
