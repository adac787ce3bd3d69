/* fuzz-masktext — masktext_json and masktext_lines on any text.
 * Properties: lines stay lines (the output has as many newlines as the
 * input), and a secret member planted on a line of its own after the
 * input never survives, whatever state the text before left the lexer in. */
#include "fuzz.h"

#include "util/buf.h"
#include "fix/masktext.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static size_t newlines(const char *p, size_t n)
{
	size_t k = 0, i;

	for (i = 0; i < n; i++)
		k += p[i] == '\n';
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char planted[] = "\n{\"auth\": \"QzRuNHJ5U2VjcmV0OnBhc3N3b3JkMTIz\"}";
	struct buf out = BUF_INIT(1 << 24);
	struct err e = ERR_INIT;
	char *in = fuzz_dup(data, size), *with;

	fuzz_assert(masktext_json(&out, in, size, &e) == 0);
	fuzz_assert(newlines(out.data ? out.data : "", out.len) == newlines(in, size));
	buf_release(&out);
	out = (struct buf)BUF_INIT(1 << 24);
	fuzz_assert(masktext_lines(&out, in, size, &e) == 0);
	fuzz_assert(newlines(out.data ? out.data : "", out.len) == newlines(in, size));
	buf_release(&out);

	with = malloc(size + sizeof(planted));
	fuzz_assert(with);
	if (size)
		memcpy(with, data, size);
	memcpy(with + size, planted, sizeof(planted) - 1);
	out = (struct buf)BUF_INIT(1 << 24);
	fuzz_assert(masktext_json(&out, with, size + sizeof(planted) - 1, &e) == 0);
	fuzz_assert(!memmem(out.data, out.len, "QzRuNHJ5U2VjcmV0OnBhc3N3b3JkMTIz", 32) ||
		    memmem(data, size, "QzRuNHJ5U2VjcmV0OnBhc3N3b3JkMTIz", 32));
	buf_release(&out);
	free(with);
	free(in);
	return 0;
}
