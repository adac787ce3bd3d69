#include "logline.h"
#include "tap.h"

#include "logjoin.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/clock.h"

struct norm_case {
	const char *name;
	const char *in;
	const char *want;
};

static const struct norm_case norm_cases[] = {
	{ "plain", "ERROR: failed to solve: x", "ERROR: failed to solve: x" },
	{ "empty", "", "" },
	{ "CRLF", "denied: requested access\r", "denied: requested access" },
	{ "several trailing CR", "abc\r\r", "abc" },
	{ "progress bar redraws", "10%\r55%\r100% done", "100% done" },
	{ "progress bar cleared by erase", "10%\r\x1b[2K", "10%" },
	{ "ANSI SGR colours", "\x1b[31;1mERROR:\x1b[0m pull access denied",
	  "ERROR: pull access denied" },
	{ "ANSI inside a word", "pull ac\x1b[1mcess\x1b[0m denied", "pull access denied" },
	{ "ANSI erase line", "\x1b[0Kfoo\x1b[K", "foo" },
	{ "OSC hyperlink (ST)", "\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\ text",
	  "link text" },
	{ "OSC title (BEL)", "\x1b]0;title\x07msg", "msg" },
	{ "charset escape", "\x1b(Bmsg", "msg" },
	{ "lone ESC at the end", "msg\x1b", "msg" },
	{ "unterminated CSI", "msg\x1b[", "msg" },
	{ "GitHub Actions timestamp",
	  "2024-03-20T10:11:12.1234567Z ##[error]Process completed",
	  "Process completed" },
	{ "GitHub timestamp + BuildKit step",
	  "2024-03-20T10:11:12.1234567Z #12 0.345 ERROR: failed to fetch",
	  "ERROR: failed to fetch" },
	{ "GitLab timestamp with stream marker",
	  "2024-06-03T10:11:12.345678Z 00O+ denied: access forbidden",
	  "denied: access forbidden" },
	{ "timestamp with offset", "2024-03-20T10:11:12+02:00 msg", "msg" },
	{ "date is not a timestamp", "2024-03-20 is the day", "2024-03-20 is the day" },
	{ "GitLab section start",
	  "\x1b[0Ksection_start:1700000000:step_script\r\x1b[0KExecuting \"step_script\"",
	  "Executing \"step_script\"" },
	{ "GitLab section end", "\x1b[0Ksection_end:1700000000:step_script\r\x1b[0K", "" },
	{ "GitLab section marker without CR",
	  "section_start:1700000000:prepare[collapsed=true] Preparing", "Preparing" },
	{ "Jenkins timestamper", "[2024-03-20T10:11:12.123Z] + docker login", "+ docker login" },
	{ "short bracket time", "[10:11:12] msg", "msg" },
	{ "bracket that is not a time", "[internal] load metadata", "[internal] load metadata" },
	{ "BuildKit step with time", "#12 0.345 unauthorized: authentication required",
	  "unauthorized: authentication required" },
	{ "BuildKit step without time", "#12 ERROR: failed to authorize", "ERROR: failed to authorize" },
	{ "BuildKit step DONE", "#5 DONE 0.1s", "DONE 0.1s" },
	{ "BuildKit step with bracket", "#5 [2/3] RUN make", "[2/3] RUN make" },
	{ "coloured BuildKit prefix", "\x1b[36m#12\x1b[0m 1.234 msg", "msg" },
	{ "hash that is not a step", "#include <x.h>", "#include <x.h>" },
	{ "buildx arrow", " => ERROR [internal] load metadata for ghcr.io/a/b:1   0.4s",
	  "ERROR [internal] load metadata for ghcr.io/a/b:1   0.4s" },
	{ "buildx nested arrow log", " => => # npm ERR! 401", "npm ERR! 401" },
	{ "ERROR: is kept", "ERROR: failed to solve", "ERROR: failed to solve" },
	{ "leading and trailing blanks", "  \tmsg  \t", "msg" },
	{ "only a prefix", "#12 0.345 ", "" },
	/* wrappers */
	{ "GitHub error command", "##[error]Username and password required",
	  "Username and password required" },
	{ "GitHub ::error:: with parameters", "::error file=x,line=1::denied: denied", "denied: denied" },
	{ "logrus level", "FATA[0000] Get https://index.docker.io/v1/: x509: boom",
	  "Get https://index.docker.io/v1/: x509: boom" },
	{ "logrus-like word is not a level", "NOTE[x] keep", "NOTE[x] keep" },
	{ "markdown quote and backticks", "> `docker login` failed`", "docker login` failed" },
	{ "nested quotes", "> > unauthorized", "unauthorized" },
	{ "bold", "**ERROR: failed to solve: x**", "ERROR: failed to solve: x" },
	{ "build-push-action wrapper",
	  "Error: buildx failed with: ERROR: failed to solve: unexpected status: 403 Forbidden",
	  "ERROR: failed to solve: unexpected status: 403 Forbidden" },
	{ "old build-push-action wrapper", "Error: buildx call failed with: failed to solve: x",
	  "failed to solve: x" },
	{ "Ansible task result",
	  "fatal: [localhost]: FAILED! => {\"changed\": false, \"msg\": \"x\"}",
	  "{\"changed\": false, \"msg\": \"x\"}" },
	{ "timestamp then wrapper", "2024-03-20T10:11:12Z ##[error]buildx failed with: x", "x" },
	/* JSON-escaped text */
	{ "escaped quotes", "Status 500: {\"message\":\"Head \\\"https://r/v2/\\\": denied\"}",
	  "Status 500: {\"message\":\"Head \"https://r/v2/\": denied\"}" },
	{ "escapes without a quote are kept", "C:\\Users\\me", "C:\\Users\\me" },
	{ "escaped newline and unicode", "{\\\"a\\\":\\\"x\\ny \\u003e z\\\"}",
	  "{\"a\":\"x y > z\"}" },
	{ "non-ASCII \\u escape kept", "\"\\u4e2d\\\" x", "\"\\u4e2d\" x" },
};

static void test_normalise(void)
{
	char out[256];
	size_t i, n;

	for (i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
		const struct norm_case *c = &norm_cases[i];

		n = logline_normalise(c->in, strlen(c->in), out, sizeof(out));
		out[n] = '\0';
		is_str(out, c->want, "normalise: %s", c->name);
	}
	/* A small output buffer cuts, never overflows. */
	n = logline_normalise("abcdefgh", 8, out, 3);
	ok(n == 3 && memcmp(out, "abc", 3) == 0, "normalise: cut to outcap");
	n = logline_clean("a\x1b[31mbcdef", 11, out, 0);
	is_int(n, 0, "clean: outcap 0 writes nothing");
	is_int(logline_prefix_len("#1 2.0 x", 8), 7, "prefix_len of a step prefix");
}

struct join_case {
	const char *name;
	const char *text;     /* whole lines */
	size_t at_line;       /* 0-based line the hit is on */
	const char *want;     /* the joined message */
	size_t want_first;    /* 0-based first line of the message */
	unsigned long want_lines;
};

static const struct join_case join_cases[] = {
	{ "Go chain, one link a line, blank line in between",
	  "#5 ERROR: failed to fetch oauth token: \n\nunexpected status from GET request to "
	  "https://ghcr.io/token?scope=x: \n401 Unauthorized\nnext\n", 2,
	  "ERROR: failed to fetch oauth token: unexpected status from GET request to "
	  "https://ghcr.io/token?scope=x: 401 Unauthorized", 0, 4 },
	{ "wrapped at a space after the method",
	  "x\nfailed to fetch oauth token: unexpected status from POST\nrequest to "
	  "https://ghcr.io/token: 401 Unauthorized\n", 2,
	  "failed to fetch oauth token: unexpected status from POST request to "
	  "https://ghcr.io/token: 401 Unauthorized", 1, 2 },
	{ "status on its own line",
	  "unexpected status from HEAD request to https://r/v2/a/manifests/1\n403 Forbidden\n", 1,
	  "unexpected status from HEAD request to https://r/v2/a/manifests/1 403 Forbidden", 0, 2 },
	{ "x509 under its URL",
	  "error=\"failed to do request: Head \\\"https://localhost:5000/v2/b/manifests/1\\\": \n"
	  "tls: failed to verify certificate: x509: certificate has expired\n", 1,
	  "error=\"failed to do request: Head \"https://localhost:5000/v2/b/manifests/1\": "
	  "tls: failed to verify certificate: x509: certificate has expired", 0, 2 },
	{ "URL wrapped at the terminal width, joined without a blank",
	  "error pulling image configuration: Get https://example.cloudfront.net/registry-v2/blobs/sha256/\n"
	  "e2/e21c333399e0aeedfd70e8827c9fba3f8e9b170ef8a48a29945eb7702bf6aa5f/data?Expires=15\n"
	  "43qkOfWhNnTUCq: x509: certificate signed by unknown authority\n", 2,
	  "error pulling image configuration: Get https://example.cloudfront.net/registry-v2/blobs/sha256/"
	  "e2/e21c333399e0aeedfd70e8827c9fba3f8e9b170ef8a48a29945eb7702bf6aa5f/data?Expires=15"
	  "43qkOfWhNnTUCq: x509: certificate signed by unknown authority", 0, 3 },
	{ "timestamps on every line are dropped before joining",
	  "2024-03-20T10:11:12.1Z failed to fetch oauth token:\n"
	  "2024-03-20T10:11:12.2Z   unexpected status: 401 Unauthorized\n", 0,
	  "failed to fetch oauth token: unexpected status: 401 Unauthorized", 0, 2 },
	{ "a prompt is not continued", "Password:\nError saving credentials: x\n", 1,
	  "Error saving credentials: x", 1, 1 },
	{ "a command ending in a URL is not continued",
	  "$ skopeo copy docker-archive:/tmp/tiny.tar docker://127.0.0.1:5000/fixkb/tiny:latest\n"
	  "time=\"2024\" level=fatal msg=\"x\"\n", 1, "time=\"2024\" level=fatal msg=\"x\"", 1, 1 },
	{ "a complete line is not continued", "denied: denied\nunauthorized: no\n", 1,
	  "unauthorized: no", 1, 1 },
	{ "at most LOGJOIN_LINES lines",
	  "a b:\nc d:\ne f:\ng h:\ni j:\nk l:\nm n:\no p:\nq r:\ns t\n", 9,
	  "e f: g h: i j: k l: m n: o p: q r: s t", 2, 8 },
};

static void test_join(void)
{
	static char out[LOGLINE_MAX], tmp[LOGLINE_MAX];
	struct logjoin_span sp;
	size_t i, k, at, len, first, n;
	int glue;

	for (i = 0; i < sizeof(join_cases) / sizeof(join_cases[0]); i++) {
		const struct join_case *c = &join_cases[i];

		len = strlen(c->text);
		for (at = 0, k = 0; k < c->at_line; k++)
			at = (size_t)((const char *)memchr(c->text + at, '\n', len - at) - c->text) + 1;
		n = logjoin_message(c->text, len, at, 0, &sp, out, sizeof(out), tmp);
		for (first = 0, k = 0; k < c->want_first; k++)
			first = (size_t)((const char *)memchr(c->text + first, '\n', len - first) -
					 c->text) + 1;
		ok(n == strlen(c->want) && memcmp(out, c->want, n) == 0, "join: %s (got \"%.*s\")",
		   c->name, (int)n, out);
		ok(sp.first == first && sp.lines == c->want_lines,
		   "join: %s: starts at line %zu, %lu lines (got offset %zu, %lu lines)",
		   c->name, c->want_first, c->want_lines, sp.first, sp.lines);
	}
	/* floor: a message never starts before it */
	len = strlen(join_cases[0].text);
	at = (size_t)(strstr(join_cases[0].text, "unexpected") - join_cases[0].text);
	(void)logjoin_message(join_cases[0].text, len, at, at, &sp, out, sizeof(out), tmp);
	ok(sp.first == at, "join: the floor bounds the walk back");
	ok(logjoin_continues("a b:", 4, "c", 1, 0, &glue) && glue == 1, "continues: colon");
	ok(!logjoin_continues("", 0, "c", 1, 0, &glue), "continues: not after a blank");
	/* boundary: the reader holds back the message the last line is in */
	is_int(logjoin_boundary("x\ny z:\nw\n", 9, tmp), 2, "boundary: before the last message");
	is_int(logjoin_boundary("x\ny\n", 4, tmp), 2, "boundary: before the last line");
	is_int(logjoin_boundary("a b:\nw\n", 7, tmp), 0, "boundary: 0 when all is one message");
}

/* Through the reader: a message broken over the end of the buffer's
 * first fill still reaches one block. */
static void test_reader_boundary(void)
{
	static char tmp[LOGLINE_MAX];
	struct logline_reader *r = NULL;
	struct logline_block b;
	struct err e = ERR_INIT;
	size_t fill = LOGLINE_BUF_SIZE - 40, i;
	char *text = malloc(LOGLINE_BUF_SIZE + 200);
	int found = 0, blocks = 0;
	FILE *fp;

	if (!text) {
		ok(0, "malloc");
		return;
	}
	for (i = 0; i < fill; i++)
		text[i] = (i % 64 == 63) ? '\n' : 'x';
	text[fill - 1] = '\n';
	memcpy(text + fill, "failed to fetch oauth token:\nunexpected status: 401 Unauthorized\n", 65);
	fp = tmpfile();
	if (!fp || fwrite(text, 1, fill + 65, fp) != fill + 65 || fseek(fp, 0, SEEK_SET) != 0 ||
	    logline_reader_new(&r, fp, &e) < 0) {
		ok(0, "reader over a file");
		goto cleanup;
	}
	logline_reader_set_boundary(r, logjoin_boundary, tmp);
	while (logline_next_block(r, &b, &e) == 1) {
		const char *m = memmem(b.text, b.len, "failed to fetch", 15);

		blocks++;
		if (m && memmem(m, b.len - (size_t)(m - b.text), "401 Unauthorized", 16))
			found = 1;
	}
	ok(blocks >= 2, "boundary: several blocks (%d)", blocks);
	ok(found, "boundary: the broken message is whole in one block");
	is_int(logline_lines(r), logline_count_newlines(text, fill + 65),
	       "boundary: every line handed out once");
cleanup:
	logline_reader_free(r);
	if (fp)
		fclose(fp);
	free(text);
}

static void test_count(void)
{
	char big[1000];
	size_t i, want = 0;

	for (i = 0; i < sizeof(big); i++) {
		big[i] = (i % 7 == 0 || i % 13 == 0) ? '\n' : (char)('a' + i % 26);
		want += big[i] == '\n';
	}
	is_int(logline_count_newlines(big, sizeof(big)), want, "count_newlines");
	is_int(logline_count_newlines(big + 3, 5), 0 + (big[7] == '\n'), "count_newlines short");
	memset(big, '\n', sizeof(big));
	is_int(logline_count_newlines(big, sizeof(big)), 1000, "count_newlines all");
	big[0] = (char)0x8a;   /* '\n' | 0x80 must not count */
	is_int(logline_count_newlines(big, 8), 7, "count_newlines high bit");
	{
		/* every alignment and length around the 16-byte and the
		 * 255-round flush boundaries, against a byte-by-byte count */
		static char huge[9000];
		static const size_t lens[] = { 0, 1, 15, 16, 17, 4079, 4080, 4081, 4096, 8191, 8900 };
		size_t off, k, j, bad = 0, all = 0;

		for (i = 0; i < sizeof(huge); i++)
			huge[i] = (i * 2654435761u) % 5 == 0 ? '\n' : (i % 3 ? (char)0x8a : 'x');
		for (off = 0; off < 16; off++)
			for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
				size_t naive = 0;

				for (j = 0; j < lens[k]; j++)
					naive += huge[off + j] == '\n';
				bad += logline_count_newlines(huge + off, lens[k]) != naive;
				all++;
			}
		is_int(bad, 0, "count_newlines = a byte count at %zu alignments and lengths", all);
		memset(huge, '\n', sizeof(huge));
		is_int(logline_count_newlines(huge, sizeof(huge)), sizeof(huge),
		       "count_newlines: %zu newlines (lanes summed before they overflow)", sizeof(huge));
	}
}

/* Reads everything line by line; returns the number of lines. */
static size_t read_all(FILE *fp, struct logline *lines, char texts[][64], size_t max,
		       int *cuts)
{
	struct logline_reader *r = NULL;
	struct err e = ERR_INIT;
	struct logline l;
	size_t n = 0;

	*cuts = 0;
	if (logline_reader_new(&r, fp, &e) < 0)
		return 0;
	while (logline_next(r, &l, &e) == 1) {
		if (n < max) {
			lines[n] = l;
			snprintf(texts[n], 64, "%.*s", (int)(l.len < 60 ? l.len : 60), l.text);
		}
		*cuts += l.cut;
		n++;
	}
	logline_reader_free(r);
	return n;
}

static FILE *mem_file(const char *s, size_t n)
{
	FILE *fp = tmpfile();

	if (fp) {
		fwrite(s, 1, n, fp);
		rewind(fp);
	}
	return fp;
}

static void test_reader(void)
{
	struct logline lines[8];
	char texts[8][64];
	struct logline_reader *r = NULL;
	struct logline_block b;
	struct err e = ERR_INIT;
	struct logline l;
	FILE *fp;
	size_t n, i;
	int cuts;
	char *big;

	fp = mem_file("", 0);
	n = read_all(fp, lines, texts, 8, &cuts);
	is_int(n, 0, "0-byte file has no lines");
	fclose(fp);

	fp = mem_file("one\ntwo\n\nfour", 14);
	n = read_all(fp, lines, texts, 8, &cuts);
	is_int(n, 4, "last line without newline counts");
	is_str(texts[0], "one", "line 1 text");
	is_str(texts[2], "", "empty line kept");
	is_str(texts[3], "four", "unterminated last line");
	ok(lines[0].no == 1 && lines[3].no == 4, "line numbers from 1");
	fclose(fp);

	fp = mem_file("a\r\nb\r\n", 6);
	n = read_all(fp, lines, texts, 8, &cuts);
	ok(n == 2 && lines[0].len == 2, "CRLF lines: CR kept by the reader");
	fclose(fp);

	/* Lines longer than LOGLINE_MAX: one inside the buffer, one bigger
	 * than the whole buffer, then a normal line. */
	big = malloc(3 * LOGLINE_BUF_SIZE);
	if (!big) {
		ok(0, "malloc");
		return;
	}
	memset(big, 'x', 3 * LOGLINE_BUF_SIZE);
	i = 0;
	big[i + LOGLINE_MAX + 100] = '\n';
	i += LOGLINE_MAX + 101;
	big[i + 2 * LOGLINE_BUF_SIZE] = '\n';
	i += 2 * LOGLINE_BUF_SIZE + 1;
	memcpy(big + i, "tail\n", 5);
	i += 5;
	fp = mem_file(big, i);
	n = read_all(fp, lines, texts, 8, &cuts);
	is_int(n, 3, "long lines: 3 lines");
	is_int(cuts, 2, "long lines: both cut");
	ok(lines[0].len == LOGLINE_MAX && lines[1].len == LOGLINE_MAX, "cut to LOGLINE_MAX");
	is_str(texts[2], "tail", "line after a giant line");
	is_int(lines[2].no, 3, "numbering survives cuts");
	fclose(fp);
	free(big);

	/* Blocks: lines of one block, numbered; mixing with logline_next. */
	fp = mem_file("l1\nl2\nl3\nl4", 11);
	if (logline_reader_new(&r, fp, &e) == 0) {
		ok(logline_next(r, &l, &e) == 1 && l.no == 1, "next before block");
		ok(logline_next_block(r, &b, &e) == 1, "block");
		ok(b.first_no == 2 && b.lines == 2 && b.len == 6, "block is the rest: 2 lines from 2");
		ok(logline_next_block(r, &b, &e) == 1 && b.first_no == 4 && b.lines == 1 &&
		   b.len == 2, "unterminated last line is a block of 1");
		ok(logline_next_block(r, &b, &e) == 0, "then end");
		is_int(logline_lines(r), 4, "lines counted");
		is_int((long long)logline_bytes(r), 11, "bytes counted");
	}
	logline_reader_free(r);
	fclose(fp);
}

/* A deadline bounds both a source that never pauses and one that stays
 * silent: a pipe whose writer wrote one line and keeps the pipe open. */
static void test_deadline(void)
{
	struct logline_reader *r = NULL;
	struct logline l;
	struct err e = ERR_INIT;
	int fds[2];
	double t0, took;
	FILE *fp;

	if (pipe(fds) < 0) {
		ok(0, "pipe: %s", strerror(errno));
		return;
	}
	ok(write(fds[1], "first\nlast", 10) == 10, "wrote a line and a last one without '\\n'");
	fp = fdopen(fds[0], "r");
	if (!fp || logline_reader_new(&r, fp, &e) < 0) {
		ok(0, "reader over a pipe");
		close(fds[1]);
		if (fp)
			fclose(fp);
		return;
	}
	t0 = clock_now_ms();
	logline_reader_set_deadline(r, t0 + 200);
	ok(logline_next(r, &l, &e) == 1 && l.len == 5, "deadline: the line written is read");
	ok(logline_next(r, &l, &e) == 1 && l.len == 4 && memcmp(l.text, "last", 4) == 0,
	   "deadline: at the deadline, the line without its newline is handed out too");
	is_int(logline_next(r, &l, &e), LOGLINE_DEADLINE, "deadline: then the silent pipe stops the reader");
	took = clock_now_ms() - t0;
	ok(took >= 150, "deadline: it waited for input until about the deadline (%.0f ms)", took);
	ok(strstr(e.msg, "deadline") != NULL, "deadline: e says so (%s)", e.msg);
	is_int(logline_next(r, &l, &e), LOGLINE_DEADLINE, "deadline: and stays stopped");
	logline_reader_free(r);
	fclose(fp);
	close(fds[1]);
}

/* The reference: line by line, as the matcher cleaned blocks before. */
static size_t clean_lines_ref(const char *p, size_t n, char *out)
{
	const char *end = p + n, *nl;
	size_t o = 0, len;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = (size_t)((nl ? nl : end) - p);
		if (len > LOGLINE_MAX)
			len = LOGLINE_MAX;
		if (memchr(p, 0x1b, len) || memchr(p, '\r', len))
			o += logline_clean(p, len, out + o, len);
		else {
			memcpy(out + o, p, len);
			o += len;
		}
		if (nl)
			out[o++] = '\n';
		p = nl ? nl + 1 : end;
	}
	return o;
}

/* logline_clean_block = the line-by-line reference on blocks of clean,
 * coloured, '\r' and over-long lines, with or without a last '\n'. */
static void test_clean_block(void)
{
	size_t cap = 3 * LOGLINE_MAX, n, i, k, bad = 0, runs = 0;
	char *in = malloc(cap), *a = malloc(cap), *b = malloc(cap);
	unsigned int seed = 12345;

	if (!in || !a || !b) {
		ok(0, "clean_block: out of memory");
		goto done;
	}
	for (k = 0; k < 200; k++) {
		n = 0;
		while (n < cap - 200) {
			size_t len;
			int kind;

			seed = seed * 1103515245u + 12345u;
			kind = (int)((seed >> 16) % 10);
			len = kind == 9 && k % 4 == 0 ? LOGLINE_MAX + 10 + (seed >> 8) % 100 : (seed >> 8) % 120;
			if (n + len + 2 > cap)
				break;
			for (i = 0; i < len; i++)
				in[n + i] = (char)('a' + (i + k) % 26);
			if (kind == 0 && len > 8)
				memcpy(in + n + 2, "\x1b[31m", 5);
			if (kind == 1 && len > 4)
				in[n + len / 2] = '\r';
			n += len;
			in[n++] = '\n';
		}
		if (k % 2)
			n--;   /* no last '\n' */
		runs++;
		bad += logline_clean_block(in, n, a) != clean_lines_ref(in, n, b) ||
		       memcmp(a, b, clean_lines_ref(in, n, b)) != 0;
	}
	is_int(bad, 0, "clean_block = the line-by-line reference on %zu blocks", runs);
done:
	free(in);
	free(a);
	free(b);
}

int main(void)
{
	test_normalise();
	test_join();
	test_reader_boundary();
	test_count();
	test_clean_block();
	test_reader();
	test_deadline();
	return tap_done();
}
