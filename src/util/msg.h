/* msg.h — all user-facing diagnostics and the text marks.
 *
 * Errors and warnings go to stderr as "fixkb: <message>" and the helpers
 * return the exit code so commands write `return msg_usage(...)`. Marks
 * (✓ ! ✗ -) are coloured only when colour is on: stdout is a TTY,
 * NO_COLOR is unset and --no-color was not given (settings->color). */
#ifndef FIXKB_UTIL_MSG_H
#define FIXKB_UTIL_MSG_H

#include <stdio.h>

#include "util/settings.h"

enum exit_code { EXIT_OK = 0, EXIT_PROBLEMS = 1, EXIT_USAGE = 2 };

/* "fixkb: <msg>" on stderr; returns EXIT_USAGE. */
int msg_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "fixkb: error: <msg>" on stderr; returns EXIT_USAGE (unreadable input). */
int msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "fixkb: <msg>" on stderr: a hint, neither a warning nor an error. */
void msg_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only with -v: "fixkb: <msg>" on stderr. */
void msg_verbose(const struct settings *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Where usage text that is an error goes (stderr): the one stream the
 * message module owns, for callers that print a whole usage block. */
FILE *msg_stream(void);

enum mark { MARK_OK, MARK_WARN, MARK_FAIL, MARK_SKIP, MARK_INFO };
/* The mark with its colour codes around it when colour is on. */
const char *msg_mark(const struct settings *s, enum mark m);
/* Wraps a heading in bold when colour is on (returns a static buffer). */
const char *msg_bold(const struct settings *s, const char *text);

#endif
