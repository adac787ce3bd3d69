/* ghcmd.h — text for GitHub Actions workflow commands ("::error
 * title=…::message", "::group::…"), escaped as the runner unescapes it
 * (actions/toolkit core/src/command.ts escapeData, escapeProperty): in
 * the data, % CR LF become %25 %0D %0A; in a property value, also ':'
 * and ',' become %3A %2C. So a value can never end the command early or
 * start another line (a forged "::add-mask::" or "::set-env"). */
#ifndef FIXKB_UTIL_GHCMD_H
#define FIXKB_UTIL_GHCMD_H

#include "util/buf.h"

/* Appends s escaped (property: as a property value). -1 when out's cap
 * or memory runs out. */
int ghcmd_escape(struct buf *out, const char *s, int property);

#endif
