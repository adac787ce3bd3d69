/* cmd.h — the command table's prototypes.
 *
 * A command gets the arguments after its name (argv[0] is the first of
 * them, argc may be 0) and the parsed global settings, and returns the
 * exit status (msg.h: 0 ok, 1 problems found, 2 usage/unreadable input).
 * Adding a command: write src/cmd_<name>.c, declare it here, add a row to
 * the table in main.c, document it in docs/ and README.md. */
#ifndef FIXKB_CMD_CMD_H
#define FIXKB_CMD_CMD_H

#include "util/settings.h"

int cmd_doctor(int argc, char **argv, const struct settings *s);
int cmd_explain(int argc, char **argv, const struct settings *s);
int cmd_fix(int argc, char **argv, const struct settings *s);
int cmd_audit(int argc, char **argv, const struct settings *s);
int cmd_kb(int argc, char **argv, const struct settings *s);
int cmd_probe(int argc, char **argv, const struct settings *s);

/* fix --ci (cmd_fix_ci.c): the CI mode, and whether argv asks for it
 * (--ci, or a detected CI system without --no-ci). */
int cmd_fix_ci(int argc, char **argv, const struct settings *s);
int cmd_fix_wants_ci(int argc, char **argv);

/* Shared by every command: is argv[i] a request for help? */
int cmd_wants_help(int argc, char **argv);

#endif
