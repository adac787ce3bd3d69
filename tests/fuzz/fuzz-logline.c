/* fuzz-logline — build-log lines: logline_clean, logline_prefix_len and
 * logline_normalise on each line (the message is never longer than the
 * input, and is a substring of the cleaned line unless it was unescaped,
 * when each of its runs of letters and digits still is), logjoin_message
 * around every line (a span that holds the line, at most LOGJOIN_LINES
 * lines), and the streaming reader (lines and blocks, with and without the
 * logjoin boundary) over the whole input. */
#include "fuzz.h"

#include "logjoin.h"
#include "logline.h"

static int alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Each run of letters and digits of msg occurs in clean. */
static void runs_in(const char *clean, size_t c, const char *msg, size_t m)
{
	size_t i = 0, j;

	while (i < m) {
		if (!alnum(msg[i])) {
			i++;
			continue;
		}
		for (j = i; j < m && alnum(msg[j]); j++)
			;
		fuzz_assert(memmem(clean, c, msg + i, j - i) != NULL);
		i = j;
	}
}

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
	if (m && !memmem(clean, c, "\\\"", 2))
		fuzz_assert(memmem(clean, c, msg, m) != NULL);
	runs_in(clean, c, msg, m);
	(void)logline_clean(in, n, small, sizeof(small));
	(void)logline_normalise(in, n, small, sizeof(small));
	free(in);
	free(clean);
	free(msg);
}

/* The logical message around every line start (at most 64 of them). */
static void joins(const char *text, size_t size)
{
	static char out[LOGLINE_MAX], tmp[LOGLINE_MAX];
	struct logjoin_span sp;
	size_t at = 0, n, k = 0;
	const char *nl;

	while (at < size && k++ < 64) {
		n = logjoin_message(text, size, at, 0, &sp, out, sizeof(out), tmp);
		fuzz_assert(n <= sizeof(out));
		fuzz_assert(sp.first <= at && sp.end >= at && sp.end <= size);
		fuzz_assert(sp.lines >= 1 && sp.lines <= LOGJOIN_LINES);
		nl = memchr(text + at, '\n', size - at);
		if (!nl)
			break;
		at = (size_t)(nl - text) + 1;
	}
	if (size && text[size - 1] == '\n') {
		n = logjoin_boundary(text, size, tmp);
		fuzz_assert(n < size && (n == 0 || text[n - 1] == '\n'));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char tmp[LOGLINE_MAX];
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
	joins((const char *)data, size);
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
	/* blocks with the logjoin boundary: every line exactly once */
	fp = fmemopen((void *)data, size, "r");
	fuzz_assert(fp);
	fuzz_assert(logline_reader_new(&r, fp, &e) == 0);
	logline_reader_set_boundary(r, logjoin_boundary, tmp);
	lines = 0;
	while ((rc = logline_next_block(r, &blk, &e)) == 1) {
		fuzz_assert(blk.first_no == lines + 1);
		lines += blk.lines;
	}
	fuzz_assert(rc == 0 && lines == logline_lines(r));
	fuzz_assert(logline_lines(r) == nl_count + (data[size - 1] != '\n'));
	logline_reader_free(r);
	fclose(fp);
	return 0;
}
