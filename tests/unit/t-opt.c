#include "cmd/opt.h"
#include "tap.h"

int main(void)
{
	const char *name = NULL, *pos[4];
	struct strlist regs = { { 0 }, 0 };
	int flag = 0, npos = 0, nrest = 0;
	struct err e = ERR_INIT;
	char *rest[16];
	const struct opt table[] = {
		{ "name", 'n', OPT_STRING, &name, "N", "a name" },
		{ "registry", 0, OPT_LIST, &regs, "HOST", "registries" },
		{ "flag", 'f', OPT_FLAG, &flag, NULL, "a flag" },
		OPT_TABLE_END,
	};
	char *argv1[] = { "a", "--name", "x", "--registry=r1", "-f", "b", "--registry", "r2", "--", "--name" };

	ok(opt_parse(table, 10, argv1, pos, 4, &npos, &e) == 0, "parse: %s", e.msg);
	is_str(name, "x", "--name value");
	is_int(regs.n, 2, "list collects both");
	is_str(regs.items[0], "r1", "--registry=r1");
	is_int(flag, 1, "-f sets the flag");
	is_int(npos, 3, "three positionals (a, b, and --name after --)");
	is_str(pos[2], "--name", "-- ends options");

	char *argv2[] = { "--bogus" };
	err_clear(&e);
	ok(opt_parse(table, 1, argv2, pos, 4, &npos, &e) < 0, "unknown option fails");
	is_str(e.msg, "unknown option '--bogus'", "and is named");

	char *argv3[] = { "--name" };
	err_clear(&e);
	ok(opt_parse(table, 1, argv3, pos, 4, &npos, &e) < 0, "missing value fails");

	char *argv4[] = { "--flag=1" };
	err_clear(&e);
	ok(opt_parse(table, 1, argv4, pos, 4, &npos, &e) < 0, "a flag takes no value");

	char *argv5[] = { "x", "y" };
	err_clear(&e);
	ok(opt_parse(table, 2, argv5, pos, 1, &npos, &e) < 0, "too many positionals fail");
	is_str(e.msg, "unexpected argument 'y'", "and the extra one is named");

	char *argv6[] = { "doctor", "--name", "z", "--other", "v", "-f" };
	flag = 0;
	ok(opt_extract(table, 6, argv6, rest, &nrest, &e) == 0, "extract");
	is_int(nrest, 3, "unknown options stay in rest");
	is_str(rest[1], "--other", "rest keeps order");
	is_str(name, "z", "known options are taken anywhere");
	is_int(flag, 1, "flags too");

	/* The listing behind --list-options: one tab-separated line per row. */
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	opt_print_listing(mem, table);
	fclose(mem);
	is_str(text, "--name\t-n\tN\tvalue\ta name\n"
	       "--registry\t\tHOST\tlist\tregistries\n"
	       "--flag\t-f\t\tflag\ta flag\n", "opt_print_listing: long, short, arg, kind, help");
	free(text);

	/* While a listing FILE is set, help prints the listing there instead. */
	char *listed = NULL, *helped = NULL;
	size_t nlisted = 0, nhelped = 0;
	FILE *lf = open_memstream(&listed, &nlisted), *hf = open_memstream(&helped, &nhelped);

	opt_set_listing(lf);
	opt_print_help(hf, table);
	opt_set_listing(NULL);
	opt_print_help(hf, table);
	fclose(lf);
	fclose(hf);
	ok(listed && strncmp(listed, "--name\t-n\tN\tvalue\t", 17) == 0,
	   "opt_set_listing: the help went to the listing");
	ok(helped && strncmp(helped, "  -n, --name N", 14) == 0,
	   "after opt_set_listing(NULL) the help is the help again");
	free(listed);
	free(helped);
	return tap_done();
}
