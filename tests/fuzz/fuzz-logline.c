/* fuzz-logline — build-log lines: logline_clean, logline_prefix_len and
 * logline_normalise on each line (the message must be a substring of the
 * cleaned line, never longer than the input), and the streaming reader
 * (lines and blocks) over the whole input. */
#include "fuzz.h"

#include "logline.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void one_line(const char *p, size_t n)
{
	char *in = fuzz_dup(p, n);
	char *clean = malloc(n + 1), *msg = malloc(n + 1), small[5];
	size_t c, m, pre;

	fuzz_assert(clean && msg);
	c = logline_clean(in, n, clean, n);
	fuzz_assert(c <= n);
	pre = logline_prefix_len(clean, c);
	fuzz_assert(pre <= c);
	m = logline_normalise(in, n, msg, n);
	fuzz_assert(m <= n);
	/* the message is a substring of the cleaned line */
	if (m)
		fuzz_assert(memmem(clean, c, msg, m) != NULL);
	(void)logline_clean(in, n, small, sizeof(small));
	(void)logline_normalise(in, n, small, sizeof(small));
	free(in);
	free(clean);
	free(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logline_reader *r = NULL;
	struct logline line;
	struct logline_block blk;
	struct err e = ERR_INIT;
	const uint8_t *p = data, *end = data + size, *nl;
	unsigned long lines = 0, nl_count;
	FILE *fp;
	int rc;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		one_line((const char *)p, (size_t)(nl - p));
		lines++;
		p = nl + (nl < end);
	}
	if (!size)
		return 0;
	nl_count = logline_count_newlines((const char *)data, size);
	fp = fmemopen((void *)data, size, "r");
	fuzz_assert(fp);
	fuzz_assert(logline_reader_new(&r, fp, &e) == 0);
	/* alternate single lines and blocks, as the matcher may */
	while ((rc = logline_next(r, &line, &e)) == 1) {
		fuzz_assert(line.len <= LOGLINE_MAX);
		rc = logline_next_block(r, &blk, &e);
		if (rc != 1)
			break;
		fuzz_assert(logline_count_newlines(blk.text, blk.len) <= blk.lines);
	}
	fuzz_assert(rc == 0);
	fuzz_assert(logline_lines(r) == lines);
	fuzz_assert(logline_lines(r) == nl_count + (data[size - 1] != '\n'));
	fuzz_assert(logline_bytes(r) == size);
	logline_reader_free(r);
	fclose(fp);
	return 0;
}
