/* opt.h — a small option-table parser that also generates help.
 *
 * Each command declares a static table of struct opt; opt_parse() walks
 * argv, fills the targets, collects positional arguments and rejects
 * unknown options with a message naming them. Both `--name value` and
 * `--name=value` work. opt_print_help() prints the table. */
#ifndef FIXKB_CMD_OPT_H
#define FIXKB_CMD_OPT_H

#include <stdio.h>

#include "util/err.h"
#include "util/strlist.h"

enum opt_type {
	OPT_FLAG,       /* int *: set to 1 */
	OPT_STRING,     /* const char **: last one wins */
	OPT_LIST,       /* struct strlist *: repeatable */
	OPT_END,
};

struct opt {
	const char *long_name;   /* without the dashes */
	char short_name;         /* 0 for none */
	enum opt_type type;
	void *target;
	const char *argname;     /* "HOST" for help, NULL for flags */
	const char *help;
};

#define OPT_TABLE_END { NULL, 0, OPT_END, NULL, NULL, NULL }

/* Parses argv[0..argc). Positionals go to pos[] (at most maxpos, in
 * order); *npos receives their count. `--` ends option parsing. Returns 0
 * or -1 with a message in e. */
int opt_parse(const struct opt *table, int argc, char **argv,
	      const char **pos, int maxpos, int *npos, struct err *e);

/* Like opt_parse, but options not in the table are left in rest[] (with
 * their positionals) instead of being errors; the table's options may
 * appear anywhere. Used for global options. */
int opt_extract(const struct opt *table, int argc, char **argv,
		char **rest, int *nrest, struct err *e);

void opt_print_help(FILE *f, const struct opt *table);

/* The machine-readable listing behind the hidden `fixkb --list-options`
 * and `fixkb CMD --list-options` (main.c; the man-page check and the shell
 * completions read it): one line per option,
 *   --LONG <TAB> -S <TAB> ARG <TAB> flag|value|list <TAB> HELP
 * with an empty field for no short name or no argument. */
void opt_print_listing(FILE *f, const struct opt *table);

/* While f is not NULL, opt_print_help(any, table) prints
 * opt_print_listing(f, table) instead of the help lines: main.c sets it
 * around a command's --help to list that command's own table. f is
 * borrowed; opt_set_listing(NULL) ends it. */
void opt_set_listing(FILE *f);

#endif
