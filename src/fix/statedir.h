/* statedir.h — where fix keeps what it must remember between runs.
 *
 * $XDG_STATE_HOME/fixkb, or ~/.local/state/fixkb when XDG_STATE_HOME is
 * unset, empty or relative (the XDG Base Directory spec says to ignore a
 * relative one). It holds the backups and manifests of applied sets
 * (fix/backupset.h) and the outcomes log (fix/outcomes.h): private data,
 * so the directory is created 0700, as docker creates its config dir. */
#ifndef FIXKB_FIX_STATEDIR_H
#define FIXKB_FIX_STATEDIR_H

#include <stddef.h>

#include "util/err.h"

/* The path, without creating anything. -1 when neither XDG_STATE_HOME nor
 * a home directory is known, or the path does not fit. */
int statedir_path(char *out, size_t n, struct err *e);

/* The path, created (with its parents) 0700 if missing. */
int statedir_ensure(char *out, size_t n, struct err *e);

#endif
