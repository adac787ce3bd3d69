/* cmd_pending.c — commands whose implementation has not landed yet.
 * They say so plainly and exit 2: no fake output. --help shows what the
 * command will do, from DESIGN.md §2. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "util/msg.h"

static int pending(const char *name, const char *usage, const char *what,
		   int argc, char **argv)
{
	if (cmd_wants_help(argc, argv)) {
		printf("usage: %s\n\n%s\n\nstatus: not built yet in fixkb; this command exits 2.\n",
		       usage, what);
		return EXIT_OK;
	}
	msg_note("'%s' is not built yet in this version; "
		 "run 'fixkb doctor' to check registry credentials", name);
	return EXIT_USAGE;
}

int cmd_fix(int argc, char **argv, const struct settings *s)
{
	if (cmd_fix_wants_ci(argc, argv))
		return cmd_fix_ci(argc, argv, s);
	return pending("fix", "fixkb fix [--registry HOST] [--apply] [--ci] "
		       "[--username-env VAR --password-env VAR | --password-stdin]",
		       "Prints the remediation plan and a diff of every file it would touch; "
		       "only --apply writes.", argc, argv);
}
