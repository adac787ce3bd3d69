/* fuzz-signame — a KB signature's regex and capture numbers (a user's
 * FIXKB_KB_DIR may hold anything) through sig_name_groups, which rewrites
 * numbered groups into named ones; the result is compiled by the matcher.
 * Input: three bytes (capture numbers registry, status, url, each % 8),
 * then the regex. */
#include "fuzz.h"

#include "matcher.h"
#include "sigcompile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct matcher_pattern p = { 1, "x", NULL, 0 };
	struct matcher *mt = NULL;
	struct err e = ERR_INIT;
	char *re, *named;

	if (size < 3 || size > 2048)
		return 0;
	re = fuzz_cstr(data + 3, size - 3);
	named = sig_name_groups(re, data[0] % 8, data[1] % 8, data[2] % 8, &e);
	if (named) {
		fuzz_assert(strlen(named) <= strlen(re) + 3 * 11);
		p.regex = named;
		if (matcher_compile(&mt, &p, 1, &e) == 0)
			matcher_free(mt);
		free(named);
	} else {
		fuzz_assert(e.set);
	}
	free(re);
	return 0;
}
