/* cmd_kb.h — `fixkb kb list | show ID | lint [DIR] | stats`.
 *
 * argv holds the arguments after "kb" (global options such as --format
 * and --lang are already parsed into s). Returns the exit status: 0 ok,
 * 1 lint found an invalid entry, 2 usage error (unknown subcommand or ID)
 * or unreadable input. Also declared in cmd.h for the command table. */
#ifndef FIXKB_CMD_CMD_KB_H
#define FIXKB_CMD_CMD_KB_H

#include "util/settings.h"

int cmd_kb(int argc, char **argv, const struct settings *s);

#endif
