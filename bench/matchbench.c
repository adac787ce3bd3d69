/* matchbench — scans a log with a pattern file the way explain will.
 *
 *   matchbench [--lines] [--print] PATTERNS.tsv LOG
 *
 * PATTERNS.tsv: "literal<TAB>regex" per line; '#' lines are comments.
 * Prints one line: matched lines, matches, lines, candidates, bytes,
 * seconds and MB/s. --lines uses the plain path instead (every line
 * normalised and scanned), to show what the block path buys. --print
 * lists each match ("line pattern message") on stdout first. */
#include "util/err.h"
#include "logline.h"
#include "matcher.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PATTERNS 1024

struct counts {
	int print;
	unsigned long matches;
	unsigned long lines_matched;
	unsigned long last_line;
};

static int count_cb(const struct matcher_match *mm, void *arg)
{
	struct counts *c = arg;

	c->matches++;
	if (c->print)
		printf("%lu %zu %.*s\n", mm->line, mm->pattern, (int)mm->msg_len, mm->msg);
	if (mm->line != c->last_line) {
		c->lines_matched++;
		c->last_line = mm->line;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t load_patterns(const char *path, struct matcher_pattern *p,
			    char **store)
{
	char line[4096], *tab, *nl;
	size_t n = 0;
	FILE *fp = fopen(path, "r");

	if (!fp) {
		perror(path);
		exit(2);
	}
	while (n < MAX_PATTERNS && fgets(line, sizeof(line), fp)) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		store[n] = strdup(line);
		if (!store[n])
			exit(2);
		tab = strchr(store[n], '\t');
		if (!tab) {
			free(store[n]);
			continue;
		}
		*tab = '\0';
		p[n].id = (int)n;
		p[n].literal = store[n];
		p[n].regex = tab + 1;
		n++;
	}
	fclose(fp);
	return n;
}

static int scan_lines(const struct matcher *m, FILE *fp, struct counts *c,
		      struct matcher_stats *st, struct err *e)
{
	struct logline_reader *r = NULL;
	struct matcher_scratch *s = NULL;
	struct logline l;
	char *msg = malloc(LOGLINE_MAX);
	size_t len;
	int rc = -1;

	if (!msg || logline_reader_new(&r, fp, e) < 0 || matcher_scratch_new(&s, m, e) < 0)
		goto cleanup;
	while ((rc = logline_next(r, &l, e)) == 1) {
		len = logline_normalise(l.text, l.len, msg, LOGLINE_MAX);
		if (matcher_scan_line(m, s, msg, len, l.no, count_cb, c, e) < 0) {
			rc = -1;
			goto cleanup;
		}
	}
	st->bytes = logline_bytes(r);
	st->lines = logline_lines(r);
cleanup:
	matcher_scratch_free(s);
	logline_reader_free(r);
	free(msg);
	return rc;
}

int main(int argc, char **argv)
{
	static struct matcher_pattern pats[MAX_PATTERNS];
	static char *store[MAX_PATTERNS];
	struct matcher_stats st = { 0, 0, 0, 0 };
	struct counts c = { 0, 0, 0, 0 };
	struct matcher *m = NULL;
	struct err e = ERR_INIT;
	int by_lines = 0, rc;
	size_t n, i;
	double t0, t1;
	FILE *fp;

	while (argc > 1 && argv[1][0] == '-' && argv[1][1] == '-') {
		if (strcmp(argv[1], "--lines") == 0)
			by_lines = 1;
		else if (strcmp(argv[1], "--print") == 0)
			c.print = 1;
		else
			break;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: matchbench [--lines] [--print] PATTERNS.tsv LOG\n");
		return 2;
	}
	n = load_patterns(argv[1], pats, store);
	t0 = now();
	if (matcher_compile(&m, pats, n, &e) < 0) {
		fprintf(stderr, "matchbench: %s\n", e.msg);
		return 2;
	}
	t1 = now();
	fprintf(stderr, "matchbench: %zu patterns compiled in %.1f ms (%s)\n", n,
		(t1 - t0) * 1e3, matcher_backend());
	fp = fopen(argv[2], "r");
	if (!fp) {
		perror(argv[2]);
		return 2;
	}
	t0 = now();
	if (by_lines)
		rc = scan_lines(m, fp, &c, &st, &e);
	else
		rc = matcher_scan_stream(m, NULL, fp, count_cb, &c, &st, &e);
	t1 = now();
	if (rc < 0) {
		fprintf(stderr, "matchbench: %s\n", e.msg);
		return 2;
	}
	printf("matched_lines=%lu matches=%lu lines=%lu candidates=%lu bytes=%llu "
	       "seconds=%.3f MB/s=%.0f\n", c.lines_matched, c.matches, st.lines,
	       st.candidates, st.bytes, t1 - t0,
	       (double)st.bytes / (1024.0 * 1024.0) / (t1 - t0));
	fclose(fp);
	matcher_free(m);
	for (i = 0; i < n; i++)
		free(store[i]);
	return 0;
}
