/* The probe table: sorted, unique, documented, built, and every probe
 * fills a result that the engine can render. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/checks.h"
#include "tap.h"

static int file_contains(const char *path, const char *needle)
{
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, needle) != NULL;
}

int main(void)
{
	const char *src = getenv("SRCDIR");
	char path[4096], needle[256];
	size_t i;

	ok(probe_table[0] != NULL, "the table is not empty");
	for (i = 0; probe_table[i]; i++) {
		const struct probe *p = probe_table[i];

		if (probe_table[i + 1])
			ok(strcmp(p->name, probe_table[i + 1]->name) < 0,
			   "sorted and unique: %s < %s", p->name, probe_table[i + 1]->name);
		ok(p->summary && strlen(p->summary) > 10 && strcmp(p->summary, "placeholder") != 0,
		   "%s has a summary", p->name);
		ok(p->run != NULL && p->deadline_ms > 0, "%s has a run function and a deadline", p->name);
		ok(probe_find(p->name) == p, "probe_find(%s)", p->name);
		for (const char *c = p->name; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
				ok(0, "%s is snake_case", p->name);
		if (!src)
			continue;
		snprintf(path, sizeof(path), "%s/docs/probes/%s.md", src, p->name);
		ok(access(path, R_OK) == 0, "docs/probes/%s.md exists", p->name);
		snprintf(path, sizeof(path), "%s/checks/meson.build", src);
		snprintf(needle, sizeof(needle), "'%s.c'", p->name);
		ok(file_contains(path, needle), "checks/meson.build lists %s.c", p->name);
		snprintf(path, sizeof(path), "%s/checks/%s.c", src, p->name);
		snprintf(needle, sizeof(needle), "probe_%s =", p->name);
		ok(file_contains(path, needle), "checks/%s.c defines probe_%s", p->name, p->name);
	}
	ok(probe_find("nosuch") == NULL, "unknown names are not found");
	ok(probe_find(NULL) == NULL, "NULL is not found");
	is_str(probe_status_name(PROBE_WARN), "warn", "status names");
	return tap_done();
}
