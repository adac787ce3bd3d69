/* fuzz-redact — redact_text on any text (log lines, server messages).
 * Properties: the output fits, is never longer than the input plus the
 * markers, and a JWT-shaped or Basic credential planted after the input
 * does not survive. */
#include "fuzz.h"

#include "util/redact.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static size_t count(const char *hay, size_t n, const char *needle)
{
	size_t k = 0, l = strlen(needle);
	const char *p = hay, *end = hay + n, *q;

	while ((q = memmem(p, (size_t)(end - p), needle, l)) != NULL) {
		k++;
		p = q + 1;
	}
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char cred[] = "QzRuNHJ5U2VjcmV0OnBhc3N3b3JkMTIz";
	static const char planted[] = " Authorization: Basic QzRuNHJ5U2VjcmV0OnBhc3N3b3JkMTIz";
	size_t n, cap = size * 4 + 64, before;
	char *out = malloc(cap), *in, tiny[8];

	fuzz_assert(out);
	in = fuzz_dup(data, size);
	n = redact_text(in, size, out, cap);
	fuzz_assert(n < cap && out[n] == '\0');
	n = redact_text(in, size, tiny, sizeof(tiny));
	fuzz_assert(n < sizeof(tiny) && tiny[n] == '\0');
	free(in);

	/* the planted credential goes, whatever came before it: the output
	 * holds no more copies than the input had before it was planted */
	before = count((const char *)data, size, cred);
	in = malloc(size + sizeof(planted));
	fuzz_assert(in);
	if (size)
		memcpy(in, data, size);
	memcpy(in + size, planted, sizeof(planted) - 1);
	n = redact_text(in, size + sizeof(planted) - 1, out, cap);
	fuzz_assert(n < cap);
	fuzz_assert(count(out, n, cred) <= before);
	free(in);
	free(out);
	return 0;
}
