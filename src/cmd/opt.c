#include "cmd/opt.h"

#include <string.h>

static FILE *listing;

static const struct opt *opt_lookup(const struct opt *table, const char *arg,
				    const char **inline_value)
{
	const char *eq;
	size_t n;

	*inline_value = NULL;
	if (arg[0] != '-' || arg[1] == '\0')
		return NULL;
	if (arg[1] != '-') {
		if (arg[2] != '\0')
			return NULL;
		for (; table->type != OPT_END; table++)
			if (table->short_name && table->short_name == arg[1])
				return table;
		return NULL;
	}
	arg += 2;
	eq = strchr(arg, '=');
	n = eq ? (size_t)(eq - arg) : strlen(arg);
	for (; table->type != OPT_END; table++) {
		if (strlen(table->long_name) == n && strncmp(table->long_name, arg, n) == 0) {
			if (eq)
				*inline_value = eq + 1;
			return table;
		}
	}
	return NULL;
}

/* Applies option o found at argv[*i]; advances *i past its value. */
static int opt_apply(const struct opt *o, const char *inline_value, int argc,
		     char **argv, int *i, struct err *e)
{
	const char *value = inline_value;
	struct strlist *list;

	if (o->type == OPT_FLAG) {
		if (inline_value)
			return err_set(e, "option '--%s' takes no value", o->long_name);
		*(int *)o->target = 1;
		return 0;
	}
	if (!value) {
		if (*i + 1 >= argc)
			return err_set(e, "option '--%s' needs a value (%s)", o->long_name,
				       o->argname ? o->argname : "VALUE");
		value = argv[++*i];
	}
	if (o->type == OPT_STRING) {
		*(const char **)o->target = value;
		return 0;
	}
	list = o->target;
	if (list->n >= STRLIST_MAX)
		return err_set(e, "option '--%s' given more than %d times", o->long_name,
			       STRLIST_MAX);
	list->items[list->n++] = value;
	return 0;
}

int opt_parse(const struct opt *table, int argc, char **argv,
	      const char **pos, int maxpos, int *npos, struct err *e)
{
	const char *inline_value;
	const struct opt *o;
	int i, only_pos = 0;

	*npos = 0;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!only_pos && strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (!only_pos && a[0] == '-' && a[1] != '\0') {
			o = opt_lookup(table, a, &inline_value);
			if (!o)
				return err_set(e, "unknown option '%s'", a);
			if (opt_apply(o, inline_value, argc, argv, &i, e) < 0)
				return -1;
			continue;
		}
		if (*npos >= maxpos)
			return err_set(e, "unexpected argument '%s'", a);
		pos[(*npos)++] = a;
	}
	return 0;
}

int opt_extract(const struct opt *table, int argc, char **argv,
		char **rest, int *nrest, struct err *e)
{
	const char *inline_value;
	const struct opt *o;
	int i, only_pos = 0;

	*nrest = 0;
	for (i = 0; i < argc; i++) {
		if (!only_pos && strcmp(argv[i], "--") == 0) {
			only_pos = 1;
			rest[(*nrest)++] = argv[i];
			continue;
		}
		o = only_pos ? NULL : opt_lookup(table, argv[i], &inline_value);
		if (!o) {
			rest[(*nrest)++] = argv[i];
			continue;
		}
		if (opt_apply(o, inline_value, argc, argv, &i, e) < 0)
			return -1;
	}
	rest[*nrest] = NULL;
	return 0;
}

void opt_print_listing(FILE *f, const struct opt *table)
{
	static const char *const kinds[] = { "flag", "value", "list" };
	char shortopt[3];

	for (; table->type != OPT_END; table++) {
		shortopt[0] = '-';
		shortopt[1] = table->short_name;
		shortopt[2] = '\0';
		fprintf(f, "--%s\t%s\t%s\t%s\t%s\n", table->long_name,
			table->short_name ? shortopt : "", table->argname ? table->argname : "",
			kinds[table->type], table->help);
	}
}

void opt_set_listing(FILE *f)
{
	listing = f;
}

void opt_print_help(FILE *f, const struct opt *table)
{
	char left[64];

	if (listing) {
		opt_print_listing(listing, table);
		return;
	}
	for (; table->type != OPT_END; table++) {
		if (table->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", table->short_name,
				 table->long_name, table->argname ? " " : "",
				 table->argname ? table->argname : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", table->long_name,
				 table->argname ? " " : "", table->argname ? table->argname : "");
		fprintf(f, "  %-28s %s%s\n", left, table->help,
			table->type == OPT_LIST ? " (repeatable)" : "");
	}
}
