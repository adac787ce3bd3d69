#include "logline.h"
#include "matcher.h"
#include "tap.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Signatures shaped like the KB's, from registry-auth-facts.md §2.5 and
 * test-rig.md §12. */
static const struct matcher_pattern pats[] = {
	{ 100, "failed to fetch oauth token",
	  "failed to fetch oauth token: unexpected status from (?<method>GET|POST) "
	  "request to (?<url>https?://\\S+): (?<status>\\d{3})", 0 },
	{ 101, "pull access denied for",
	  "pull access denied for (?<repo>[^ ,]+), repository does not exist or may "
	  "require 'docker login'", 0 },
	{ 102, "error getting credentials",
	  "error getting credentials - err: exec: \"docker-credential-"
	  "(?<helper>[A-Za-z0-9._-]+)\": executable file not found", 0 },
	{ 103, "incorrect username",
	  "(?i)unauthorized: incorrect username or password", 0 },
	/* lookbehind: PCRE2 only */
	{ 104, "requested access to the resource",
	  "(?<=denied: )requested access to the resource is denied", 0 },
	/* back-reference: the URL must name the registry being pinged */
	{ 105, "pinging container registry",
	  "pinging container registry (?<registry>[^: ]+:\\d+): Get \"https://\\1/v2/\"", 0 },
	/* the same literal as 100, older containerd wording */
	{ 106, "FAILED TO FETCH OAUTH TOKEN",
	  "failed to fetch oauth token: unexpected status: (?<status>\\d{3})", 0 },
};
#define NPATS (sizeof(pats) / sizeof(pats[0]))

#define MAX_GOT 64
struct got {
	size_t n;
	size_t pattern[MAX_GOT];
	unsigned long line[MAX_GOT];
	char registry[MAX_GOT][64];
	char status[MAX_GOT][8];
	char method[MAX_GOT][8];
	char extra[MAX_GOT][64];
	int stop_after;
};

static int collect(const struct matcher_match *mm, void *arg)
{
	struct got *g = arg;
	struct matcher_span sp;
	size_t i = g->n;

	if (i < MAX_GOT) {
		g->pattern[i] = mm->pattern;
		g->line[i] = mm->line;
		if (matcher_match_registry(mm, g->registry[i], sizeof(g->registry[i])) < 0)
			g->registry[i][0] = '\0';
		matcher_match_copy(mm, &mm->cap[MATCHER_CAP_STATUS], g->status[i],
				   sizeof(g->status[i]));
		matcher_match_copy(mm, &mm->cap[MATCHER_CAP_METHOD], g->method[i],
				   sizeof(g->method[i]));
		g->extra[i][0] = '\0';
		if (matcher_match_group(mm, "helper", &sp) == 0 ||
		    matcher_match_group(mm, "repo", &sp) == 0)
			matcher_match_copy(mm, &sp, g->extra[i], sizeof(g->extra[i]));
	}
	g->n++;
	return g->stop_after && g->n >= (size_t)g->stop_after;
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

static int scan_text(const struct matcher *m, const char *text, struct got *g,
		     struct matcher_stats *st)
{
	struct err e = ERR_INIT;
	FILE *fp = mem_file(text, strlen(text));
	int rc;

	memset(g, 0, sizeof(*g));
	rc = matcher_scan_stream(m, NULL, fp, collect, g, st, &e);
	if (rc < 0)
		diag(e.msg);
	fclose(fp);
	return rc;
}

static void test_compile_errors(void)
{
	struct matcher_pattern bad[3] = {
		{ 0, "x", "x", 0 }, { 1, "y", "y", 0 }, { 2, "z", "z", 0 },
	};
	struct matcher *m = NULL;
	struct err e = ERR_INIT;

	bad[2].regex = "z(unclosed";
	ok(matcher_compile(&m, bad, 3, &e) < 0 && m == NULL, "syntax error fails");
	ok(strstr(e.msg, "pattern 2: regex: missing closing parenthesis at offset 10") != NULL,
	   "error names the index, message and offset: %s", e.msg);

	err_clear(&e);
	bad[2].regex = "z";
	bad[1].regex = "y*";
	ok(matcher_compile(&m, bad, 3, &e) < 0, "empty-matching regex fails");
	is_str(e.msg, "pattern 1: regex matches an empty string", "names pattern 1");

	err_clear(&e);
	bad[1].regex = "y";
	bad[0].literal = "";
	ok(matcher_compile(&m, bad, 3, &e) < 0, "empty literal fails");
	is_str(e.msg, "pattern 0: literal is empty", "empty literal message");

	err_clear(&e);
	bad[0].literal = "a\nb";
	ok(matcher_compile(&m, bad, 3, &e) < 0 && strstr(e.msg, "pattern 0: literal contains"),
	   "literal with LF fails");

	err_clear(&e);
	bad[0].literal = "x";
	bad[0].regex = "(?<=a+)x";   /* variable lookbehind: PCRE2 refuses */
	ok(matcher_compile(&m, bad, 3, &e) < 0 && strstr(e.msg, "pattern 0: regex:"),
	   "PCRE2-only error names the index: %s", e.msg);

	err_clear(&e);
	bad[0].regex = "(?<n>x)(?<n>y)";
	ok(matcher_compile(&m, bad, 3, &e) < 0 && strstr(e.msg, "pattern 0:"),
	   "duplicate group names fail");
}

static void test_lines(const struct matcher *m)
{
	static const char log[] =
		"2024-03-20T10:11:12.1234567Z #12 0.345 ERROR: failed to solve: ghcr.io/o/i:1: "
		"failed to resolve source metadata for ghcr.io/o/i:1: failed to authorize: "
		"failed to fetch oauth token: unexpected status from GET request to "
		"https://ghcr.io/token?scope=repository%3Ao%2Fi%3Apull&service=ghcr.io: 403 Forbidden\n"
		"Step 1/3 : FROM foo/bar\n"
		"Error response from daemon: pull access denied for foo/bar, repository does not "
		"exist or may require 'docker login': denied: requested access to the resource is denied\r\n"
		"error getting credentials - err: exec: \"docker-credential-pass\": executable file "
		"not found in $PATH, out: ``\n"
		"Get \"http://127.0.0.1:5000/v2/\": UNAUTHORIZED: Incorrect Username or password\n"
		"time=\"x\" level=fatal msg=\"pinging container registry 127.0.0.1:5000: "
		"Get \"https://127.0.0.1:5000/v2/\": x509: certificate signed by unknown authority\"\n"
		"pinging container registry 127.0.0.1:5000: Get \"https://127.0.0.1:6000/v2/\": eof\n"
		"\x1b[31mctr: failed to fetch oa\x1b[1muth token\x1b[0m: unexpected status: 401 Unauthorized\n"
		"no space left on device\n"
		"manifest unknown: manifest unknown\n"
		"10%\r50%\rfailed to fetch oauth token: unexpected status from POST request to "
		"https://auth.docker.io/token: 401 Unauthorized";
	struct matcher_stats st;
	struct got g;
	int rc;

	rc = scan_text(m, log, &g, &st);
	is_int(rc, 0, "scan ok");
	is_int(g.n, 8, "8 matches");
	is_int(st.lines, 11, "11 lines");
	is_int(st.matches, 8, "stats count matches");
	ok(st.candidates >= 8 && st.candidates <= 10, "only literal lines normalised (%lu)",
	   st.candidates);
	if (g.n < 8)
		return;
	ok(g.pattern[0] == 0 && g.line[0] == 1, "BuildKit oauth line: pattern 0, line 1");
	is_str(g.method[0], "GET", "method captured");
	is_str(g.status[0], "403", "status captured");
	is_str(g.registry[0], "ghcr.io", "registry from the token url");
	ok(g.pattern[1] == 1 && g.line[1] == 3, "pull access denied: pattern 1, line 3");
	is_str(g.extra[1], "foo/bar", "repo group via matcher_match_group");
	ok(g.pattern[2] == 4 && g.line[2] == 3, "same line, lookbehind pattern 4 next");
	ok(g.pattern[3] == 2 && g.line[3] == 4, "helper missing: pattern 2, line 4");
	is_str(g.extra[3], "pass", "helper name captured");
	ok(g.pattern[4] == 3 && g.line[4] == 5, "(?i) pattern matches other case");
	ok(g.pattern[5] == 5 && g.line[5] == 6, "back-reference confirmed by PCRE2");
	is_str(g.registry[5], "127.0.0.1:5000", "registry group");
	ok(g.pattern[6] == 6 && g.line[6] == 8, "ANSI inside the literal: found on line 8");
	is_str(g.status[6], "401", "status through ANSI");
	ok(g.pattern[7] == 0 && g.line[7] == 11, "after progress CRs, unterminated last line");
	is_str(g.method[7], "POST", "POST captured");
	is_str(g.registry[7], "docker.io", "auth.docker.io maps to docker.io");

	/* The callback can stop the scan. */
	memset(&g, 0, sizeof(g));
	{
		struct err e = ERR_INIT;
		FILE *fp = mem_file(log, strlen(log));

		g.stop_after = 2;
		rc = matcher_scan_stream(m, NULL, fp, collect, &g, NULL, &e);
		fclose(fp);
	}
	ok(rc == 1 && g.n == 2, "callback stops the scan");
}

/* A message broken over lines as people paste it (a Go error chain one
 * link a line, the URL on the next line, markdown quote and a buildx
 * wrapper) is matched once, whole, at its first physical line; lines
 * around it keep their numbers, and a long run of filler first moves
 * the message across the reader's block boundary. */
static void test_joined(const struct matcher *m)
{
	static const char head[] =
		"Step 1/3 : FROM ghcr.io/o/i:1\n"
		"> Error: buildx failed with: ERROR: failed to solve: ghcr.io/o/i:1: failed to "
		"authorize: failed to fetch oauth token: \n"
		"> `unexpected status from GET request to "
		"https://ghcr.io/token?scope=repository%3Ao%2Fi%3Apull&service=ghcr.io:`\n"
		"> 403 Forbidden\n"
		"pull access denied for foo/bar,\n"
		"repository does not exist or may require 'docker login'\n"
		"done\n";
	struct got g;
	char *big;
	size_t i, fill, lines;
	int rc, bad = 0;

	rc = scan_text(m, head, &g, NULL);
	is_int(rc, 0, "joined: scan ok");
	is_int(g.n, 2, "joined: one match per logical message");
	if (g.n != 2)
		return;
	ok(g.pattern[0] == 0 && g.line[0] == 2, "joined: oauth message at its first line (%lu)",
	   g.line[0]);
	is_str(g.method[0], "GET", "joined: method");
	is_str(g.status[0], "403", "joined: status from the fourth line");
	is_str(g.registry[0], "ghcr.io", "joined: registry from the wrapped URL");
	ok(g.pattern[1] == 1 && g.line[1] == 5, "joined: after a comma, at line 5");
	is_str(g.extra[1], "foo/bar", "joined: repo");

	/* the same after filler lines of 61 bytes, the message across the
	 * end of the reader's first block (LOGLINE_BUF_SIZE) at each of its
	 * lines */
	big = malloc(LOGLINE_BUF_SIZE + 2 * 61 + sizeof(head));
	if (!big)
		return;
	for (lines = LOGLINE_BUF_SIZE / 61 - 6; lines <= LOGLINE_BUF_SIZE / 61 + 1; lines++) {
		fill = lines * 61;
		for (i = 0; i < fill; i += 61) {
			memset(big + i, 'x', 60);
			big[i + 60] = '\n';
		}
		memcpy(big + fill, head, sizeof(head));
		rc = scan_text(m, big, &g, NULL);
		bad += rc != 0 || g.n != 2 || g.line[0] != lines + 2 || g.line[1] != lines + 5 ||
		       strcmp(g.status[0], "403") != 0 || strcmp(g.registry[0], "ghcr.io") != 0;
	}
	is_int(bad, 0, "joined across the block boundary: same matches, lines shifted");
	free(big);
}

/* single_line patterns: their line is confirmed alone, never joined with
 * the next (which a joining pattern's would be), unless a joining
 * pattern's literal is on it too. */
static void test_single_line(void)
{
	static const struct matcher_pattern sp[] = {
		{ 0, "load metadata for ", "load metadata for (?<registry>[^ ]+)(?<repo>.*)$", 1 },
		{ 1, "joins here", "joins here: (?<status>[0-9]{3})", 0 },
	};
	struct matcher *m = NULL;
	struct err e = ERR_INIT;
	struct got g;

	ok(matcher_compile(&m, sp, 2, &e) == 0, "compile single_line patterns");
	if (!m)
		return;
	/* a trailing ':' and a status line after it: joined for pattern 1 */
	is_int(scan_text(m, "x\nload metadata for ghcr.io/o/i:1 with:\n401 Unauthorized\n", &g, NULL), 0,
	       "single_line: scan ok");
	ok(g.n == 1 && g.pattern[0] == 0 && g.line[0] == 2, "the metadata line matched at line 2 (%zu)", g.n);
	is_str(g.registry[0], "ghcr.io", "its registry");
	is_str(g.extra[0], " with:", "alone: the next line is not joined to it");
	is_int(scan_text(m, "x\njoins here:\n401 Unauthorized\n", &g, NULL), 0, "joining: scan ok");
	ok(g.n == 1 && g.pattern[0] == 1 && strcmp(g.status[0], "401") == 0,
	   "a joining pattern's line is joined with the status after it (%s)", g.n ? g.status[0] : "-");
	is_int(scan_text(m, "load metadata for ghcr.io/o/i:1 joins here:\n401 Unauthorized\n", &g, NULL), 0,
	       "both: scan ok");
	ok(g.n == 2 && g.pattern[1] == 1 && strcmp(g.status[1], "401") == 0,
	   "a line with both literals is joined: the joining pattern sees the status (%zu)", g.n);
	matcher_free(m);
}

static void test_scan_line(const struct matcher *m)
{
	struct matcher_scratch *s = NULL, *other_s = NULL;
	struct matcher *other = NULL;
	struct err e = ERR_INIT;
	struct got g;
	const char *msg = "failed to fetch oauth token: unexpected status: 500 x";

	memset(&g, 0, sizeof(g));
	ok(matcher_scratch_new(&s, m, &e) == 0, "scratch");
	ok(matcher_scan_line(m, s, msg, strlen(msg), 42, collect, &g, &e) == 0 && g.n == 1 &&
	   g.line[0] == 42 && g.pattern[0] == 6, "scan_line on a message");
	ok(matcher_scan_line(m, s, "", 0, 1, collect, &g, &e) == 0 && g.n == 1, "empty message");
	ok(matcher_compile(&other, pats, 1, &e) == 0, "second matcher");
	ok(matcher_scratch_new(&other_s, other, &e) == 0, "its scratch");
	ok(matcher_scan_line(m, other_s, msg, strlen(msg), 1, collect, &g, &e) < 0 &&
	   strstr(e.msg, "another matcher"), "scratch of another matcher is refused");
	matcher_scratch_free(other_s);
	matcher_free(other);
	matcher_scratch_free(s);
}

/* A message equal to the last one reuses its matches (matchmemo.h): the
 * callbacks, captures and named groups must be what matching it afresh
 * gives, at each line's own number; a stopped scan is not kept. */
static void test_memo(const struct matcher *m)
{
	static const char a[] = "failed to fetch oauth token: unexpected status from POST request to "
				"https://ghcr.io/token: 401 Unauthorized";
	static const char b[] = "pull access denied for ghcr.io/me/app, repository does not exist or "
				"may require 'docker login'";
	static const char two[] = "unauthorized: incorrect username or password; pull access denied "
				  "for x/y, repository does not exist or may require 'docker login'";
	struct matcher_scratch *s = NULL;
	struct err e = ERR_INIT;
	struct got g;
	char copy[sizeof(a)], big[2048];
	int bad = 0, i;

	memset(&g, 0, sizeof(g));
	ok(matcher_scratch_new(&s, m, &e) == 0, "memo: scratch");
	memcpy(copy, a, sizeof(a));
	matcher_scan_line(m, s, a, strlen(a), 1, collect, &g, &e);
	matcher_scan_line(m, s, copy, strlen(copy), 2, collect, &g, &e);   /* the same bytes elsewhere */
	matcher_scan_line(m, s, b, strlen(b), 3, collect, &g, &e);
	matcher_scan_line(m, s, b, strlen(b), 4, collect, &g, &e);
	matcher_scan_line(m, s, a, strlen(a), 5, collect, &g, &e);
	ok(g.n == 5 && g.pattern[0] == 0 && g.pattern[1] == 0 && g.pattern[2] == 1 &&
	   g.pattern[3] == 1 && g.pattern[4] == 0, "memo: the same patterns each time (%zu matches)", g.n);
	for (i = 1; i < 5; i++)
		bad += g.line[i] != (unsigned long)i + 1;
	is_int(bad, 0, "memo: each match at its own line");
	ok(strcmp(g.status[1], "401") == 0 && strcmp(g.method[1], "POST") == 0 &&
	   strcmp(g.registry[1], "ghcr.io") == 0 && strcmp(g.status[4], "401") == 0,
	   "memo: captures of a reused match (%s %s %s)", g.status[1], g.method[1], g.registry[1]);
	ok(strcmp(g.extra[2], "ghcr.io/me/app") == 0 && strcmp(g.extra[3], "ghcr.io/me/app") == 0,
	   "memo: a named group of a reused match (%s)", g.extra[3]);

	memset(&g, 0, sizeof(g));
	g.stop_after = 1;
	matcher_scan_line(m, s, two, strlen(two), 7, collect, &g, &e);
	g.stop_after = 0;
	matcher_scan_line(m, s, two, strlen(two), 8, collect, &g, &e);
	matcher_scan_line(m, s, two, strlen(two), 9, collect, &g, &e);
	ok(g.n == 5 && g.line[1] == 8 && g.line[2] == 8 && g.line[3] == 9 && g.line[4] == 9 &&
	   g.pattern[3] == g.pattern[1] && g.pattern[4] == g.pattern[2],
	   "memo: a stopped scan is not kept; the next one gives both matches (%zu)", g.n);

	memset(&g, 0, sizeof(g));
	memset(big, 'x', sizeof(big));
	memcpy(big + sizeof(big) - sizeof(a), a, sizeof(a));   /* ends with a and its NUL */
	matcher_scan_line(m, s, big, sizeof(big) - 1, 10, collect, &g, &e);
	matcher_scan_line(m, s, big, sizeof(big) - 1, 11, collect, &g, &e);
	ok(g.n == 2 && g.line[1] == 11 && strcmp(g.status[1], "401") == 0,
	   "memo: a message too long to keep is matched each time");
	matcher_scratch_free(s);
}

/* Debian's Vectorscan 5.4.9 loses regex matches at some buffer
 * alignments when two regexes share a long prefix: the matcher must not
 * (it only asks Vectorscan for literals). */
static void test_alignment(void)
{
	static const struct matcher_pattern twins[] = {
		{ 0, "failed to fetch oauth token",
		  "failed to fetch oauth token: unexpected status from (?<method>GET|POST) "
		  "request to (?<url>https?://[^ ]+): (?<status>[0-9]{3})", 0 },
		{ 1, "failed to fetch anonymous token",
		  "failed to fetch anonymous token: unexpected status from GET request to "
		  "(?<url>https?://[^ ]+): (?<status>[0-9]{3})", 0 },
	};
	static const char msg[] =
		"ERROR: failed to solve: failed to fetch oauth token: unexpected status from "
		"GET request to https://ghcr.io/token?scope=repository%3Aowner%2Fapp%3Apull"
		"&service=ghcr.io: 403 Forbidden";
	struct matcher_scratch *s = NULL;
	struct matcher *m = NULL;
	struct err e = ERR_INIT;
	struct got g;
	char *buf = malloc(sizeof(msg) + 128);
	int al, missed = 0;

	if (!buf || matcher_compile(&m, twins, 2, &e) < 0 ||
	    matcher_scratch_new(&s, m, &e) < 0) {
		ok(0, "alignment setup: %s", e.msg);
		goto cleanup;
	}
	for (al = 0; al < 128; al++) {
		memset(buf, 0, sizeof(msg) + 128);
		memcpy(buf + al, msg, sizeof(msg) - 1);
		memset(&g, 0, sizeof(g));
		matcher_scan_line(m, s, buf + al, sizeof(msg) - 1, 1, collect, &g, &e);
		missed += g.n != 1;
	}
	is_int(missed, 0, "shared-prefix regexes match at every alignment");
cleanup:
	matcher_scratch_free(s);
	matcher_free(m);
	free(buf);
}

static void test_empty_matcher(void)
{
	struct matcher *m = NULL;
	struct matcher_stats st;
	struct err e = ERR_INIT;
	struct got g;

	ok(matcher_compile(&m, NULL, 0, &e) == 0 && m, "0 patterns compile");
	ok(scan_text(m, "a\nb\nc", &g, &st) == 0 && g.n == 0 && st.lines == 3 && st.bytes == 5,
	   "0 patterns: lines counted, nothing matched");
	matcher_free(m);
}

/* The fast path (blocks, literals, in-place or cleaned) must agree with
 * the obvious one (every line normalised and scanned) on a noisy log. */
struct ref_got {
	unsigned long sum;   /* order-sensitive hash of (line, pattern) */
	size_t n;
};

static int ref_cb(const struct matcher_match *mm, void *arg)
{
	struct ref_got *r = arg;

	r->sum = r->sum * 1000003u + mm->line * 31u + mm->pattern;
	r->n++;
	return 0;
}

static int has_caseless(const char *h, size_t hn, const char *nd)
{
	size_t nn = strlen(nd), i;

	for (i = 0; i + nn <= hn; i++)
		if (strncasecmp(h + i, nd, nn) == 0)
			return 1;
	return 0;
}

static void test_differential(const struct matcher *m)
{
	/* The first two of each are free of ESC and CR (scanned in place). */
	static const char *const noise[] = {
		"#12 0.345 RUN make -j4\n",
		"2024-03-20T10:11:12.1234567Z plain step 3\n",
		"2024-03-20T10:11:12.1234567Z \x1b[36mStep 4\x1b[0m: building\n",
		"10%\r55%\rDownloading layer\n",
		"[10:11:12] #7 1.1 fetching metadata\r\n",
		"\x1b[0Ksection_start:1700000000:build_x\r\x1b[0KBuilding\n",
	};
	static const char *const hits[] = {
		"#3 0.123 ERROR: failed to fetch oauth token: unexpected status: 401 Unauthorized\n",
		"unauthorized: incorrect USERNAME or password\n",
		"\x1b[1mpull access de\x1b[0mnied for a/b, repository does not exist or may require 'docker login'\n",
		"2024-03-20T10:11:12Z 5%\r9 pull access denied for x/y, repository does not exist or may require 'docker login'\r\n",
	};
	unsigned nn, nh;
	struct ref_got fast = { 0, 0 }, slow = { 0, 0 };
	pcre2_code *code[NPATS];
	pcre2_match_data *md;
	struct logline_reader *r = NULL;
	struct err e = ERR_INIT;
	struct logline l;
	char *msg;
	unsigned long i, seed = 12345;
	FILE *fp = tmpfile();
	size_t len, k;

	if (!fp) {
		ok(0, "tmpfile");
		return;
	}
	for (i = 0; i < 200000; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		nn = i < 100000 ? 2 : 6;
		nh = i < 100000 ? 2 : 4;
		if ((seed >> 33) % 997 == 0)
			fputs(hits[(seed >> 20) % nh], fp);
		else
			fputs(noise[(seed >> 20) % nn], fp);
	}
	/* a long line with a hit past LOGLINE_MAX must not match */
	for (i = 0; i < LOGLINE_MAX; i += 8)
		fputs("........", fp);
	fputs("unauthorized: incorrect username or password\n", fp);
	rewind(fp);
	ok(matcher_scan_stream(m, NULL, fp, ref_cb, &fast, NULL, &e) == 0, "fast scan");

	/* The reference uses neither Vectorscan nor the block path: every
	 * line normalised, a plain caseless search for each literal, PCRE2. */
	rewind(fp);
	msg = malloc(LOGLINE_MAX);
	md = pcre2_match_data_create(16, NULL);
	for (k = 0; k < NPATS; k++) {
		int ec;
		PCRE2_SIZE eo;

		code[k] = pcre2_compile((PCRE2_SPTR)pats[k].regex, PCRE2_ZERO_TERMINATED, 0,
					&ec, &eo, NULL);
	}
	if (msg && md && logline_reader_new(&r, fp, &e) == 0) {
		while (logline_next(r, &l, &e) == 1) {
			len = logline_normalise(l.text, l.len, msg, LOGLINE_MAX);
			for (k = 0; k < NPATS; k++) {
				struct matcher_match mm;

				if (!has_caseless(msg, len, pats[k].literal) ||
				    pcre2_match(code[k], (PCRE2_SPTR)msg, len, 0, 0, md, NULL) < 0)
					continue;
				mm.line = l.no;
				mm.pattern = k;
				ref_cb(&mm, &slow);
			}
		}
	}
	ok(fast.n > 100, "many matches (%zu)", fast.n);
	ok(fast.n == slow.n && fast.sum == slow.sum,
	   "fast path agrees with a plain line-by-line reference (%zu vs %zu)", fast.n, slow.n);
	for (k = 0; k < NPATS; k++)
		pcre2_code_free(code[k]);
	pcre2_match_data_free(md);
	logline_reader_free(r);
	free(msg);
	fclose(fp);
}

static void test_registry(void)
{
	static const struct { const char *url, *want; } urls[] = {
		{ "https://ghcr.io/token?scope=repository%3Ao%2Fi%3Apull&service=ghcr.io", "ghcr.io" },
		{ "http://127.0.0.1:5000/v2/fixkb/tiny/manifests/latest", "127.0.0.1:5000" },
		{ "https://index.docker.io/v1/", "docker.io" },
		{ "https://registry-1.docker.io/v2/", "docker.io" },
		{ "https://auth.docker.io/token?service=registry.docker.io", "docker.io" },
		{ "https://user:pw@Registry.Example.COM:8443/v2/", "registry.example.com:8443" },
		{ "127.0.0.1:5000/v2/", "127.0.0.1:5000" },
		{ "\"https://[::1]:5000/v2/\"", "[::1]:5000" },
		{ "https://ghcr.io", "ghcr.io" },
	};
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		out[0] = '\0';
		ok(matcher_registry_from_url(urls[i].url, strlen(urls[i].url), out, sizeof(out)) == 0,
		   "from_url ok: %s", urls[i].url);
		is_str(out, urls[i].want, "from_url: %s", urls[i].url);
	}
	ok(matcher_registry_from_url("https:///x", 10, out, sizeof(out)) < 0, "no host fails");
	ok(matcher_registry_from_url("https://ghcr.io/x", 17, out, 4) < 0, "too small fails");
	ok(matcher_registry_canon("bad host", 8, out, sizeof(out)) < 0, "space is not a host");
	ok(matcher_registry_canon("Docker.IO", 9, out, sizeof(out)) == 0 &&
	   strcmp(out, "docker.io") == 0, "canon lower-cases");
}

static void test_registry_group(void)
{
	static const struct matcher_pattern rp[] = {
		{ 0, "reg=", "reg=(?<registry>\\S+)", 0 },
	};
	static const struct { const char *line, *want; } cases[] = {
		{ "reg=ghcr.io/owner/img:1", "ghcr.io" },
		{ "reg=library/alpine", "docker.io" },
		{ "reg=localhost/x", "localhost" },
		{ "reg=localhost:5000/x", "localhost:5000" },
		{ "reg=quay.io", "quay.io" },
		{ "reg=https://Index.Docker.io/v1/", "docker.io" },
		{ "reg=index.docker.io/library/alpine", "docker.io" },
		{ "reg=Upper/x", "upper" },   /* docker's split: an upper-case first component is a host */
	};
	struct matcher *m = NULL;
	struct err e = ERR_INIT;
	struct got g;
	size_t i;

	if (matcher_compile(&m, rp, 1, &e) < 0) {
		ok(0, "compile: %s", e.msg);
		return;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		scan_text(m, cases[i].line, &g, NULL);
		ok(g.n == 1, "registry group matched: %s", cases[i].line);
		is_str(g.registry[0], cases[i].want, "registry group: %s", cases[i].line);
	}
	matcher_free(m);
}

int main(void)
{
	struct matcher *m = NULL;
	struct err e = ERR_INIT;

	ok(strncmp(matcher_backend(), "vectorscan ", 11) == 0 &&
	   strstr(matcher_backend(), " + pcre2 "), "backend: %s", matcher_backend());
	test_compile_errors();
	if (!ok(matcher_compile(&m, pats, NPATS, &e) == 0, "compile %zu signatures", NPATS)) {
		diag(e.msg);
		return tap_done();
	}
	is_int(matcher_count(m), NPATS, "count");
	test_lines(m);
	test_joined(m);
	test_single_line();
	test_scan_line(m);
	test_memo(m);
	test_differential(m);
	test_alignment();
	matcher_free(m);
	test_empty_matcher();
	test_registry();
	test_registry_group();
	return tap_done();
}
