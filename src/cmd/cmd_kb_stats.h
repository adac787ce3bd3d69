/* cmd_kb_stats.h — `fixkb kb stats`: each workaround's stated success
 * rate beside what fixkb observed applying it here (fix/outcomes.h):
 * every workaround with a fix action, and any other one that was applied.
 * Text or --format json. */
#ifndef FIXKB_CMD_CMD_KB_STATS_H
#define FIXKB_CMD_CMD_KB_STATS_H

#include "kb.h"
#include "util/settings.h"

int cmd_kb_stats(const struct settings *s, const struct kb *kb);

#endif
