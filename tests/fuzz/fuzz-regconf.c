/* fuzz-regconf — registries.conf text through the credential-helpers
 * scanner (regconf_parse), and any text through localsecrets_scrub (the
 * scrubbing of helper output), with one secret planted: it must never
 * survive, whole, in the output. */
#include "fuzz.h"

#include "docker/localsecrets.h"
#include "docker/regconf.h"
#include "util/sensitive.h"

#define PLANTED "fzPl4ntedSecret"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sensitive_wipe_json_allocations();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char list[REGCONF_HELPERS_MAX][REGCONF_NAME_MAX], why[160];
	struct localsecrets l = LOCALSECRETS_INIT;
	struct buf out = BUF_INIT(0);
	char *text = fuzz_dup(data, size), *planted;
	size_t n = 0, i;
	int r;

	r = regconf_parse(text, size, list, &n, why, sizeof(why));
	fuzz_assert(r >= -1 && r <= 1 && n <= REGCONF_HELPERS_MAX);
	for (i = 0; i < n; i++)
		fuzz_assert(strlen(list[i]) < REGCONF_NAME_MAX);
	/* the text with the secret inserted in its middle */
	planted = malloc(size + sizeof(PLANTED));
	fuzz_assert(planted != NULL);
	memcpy(planted, data, size / 2);
	memcpy(planted + size / 2, PLANTED, sizeof(PLANTED) - 1);
	memcpy(planted + size / 2 + sizeof(PLANTED) - 1, data + size / 2, size - size / 2);
	fuzz_assert(localsecrets_add(&l, PLANTED, sizeof(PLANTED) - 1) == 0);
	if (localsecrets_scrub(&out, &l, planted, size + sizeof(PLANTED) - 1) == 0)
		fuzz_assert(size + sizeof(PLANTED) - 1 > LOCALSECRETS_SCRUB_MAX ||
			    !memmem(out.data, out.len, PLANTED, sizeof(PLANTED) - 1));
	buf_release(&out);
	localsecrets_release(&l);
	free(planted);
	free(text);
	return 0;
}
