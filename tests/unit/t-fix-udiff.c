/* t-fix-udiff — the unified diff against GNU `diff -u` on fixed and
 * random edits of JSON-like text: the same bytes, or (when two minimal
 * edits differ by more than a slide) one just as small that patch(1)
 * applies. */
#include "fix/udiff.h"

#include <limits.h>

#include "util/clock.h"
#include "util/proc.h"
#include "t-lib-fix.h"

#define RANDOM_RUNS 1000

static char tools_path[4096];

static char *ours(const char *a, const char *b, int *hunks)
{
	struct buf out = BUF_INIT(1 << 22);
	struct err e = ERR_INIT;

	*hunks = udiff_text(&out, "x", a, strlen(a), b, strlen(b), &e);
	if (*hunks < 0) {
		printf("# udiff: %s\n", e.msg);
		exit(99);
	}
	return buf_detach(&out, NULL);
}

static char *run(const char *const *argv)
{
	struct proc_spec sp = PROC_SPEC_INIT;
	struct proc_result r = PROC_RESULT_INIT(1 << 22, 1 << 16);
	struct err e = ERR_INIT;
	char *out;

	sp.argv = argv;
	sp.path = tools_path;
	sp.deadline_ms = clock_now_ms() + 20000;
	if (proc_run(&r, &sp, &e) < 0 || r.outcome != PROC_EXITED) {
		printf("# %s did not run: %s\n", argv[0], e.msg);
		exit(99);
	}
	if (buf_append(&r.out, "", 0) < 0)
		exit(99);
	out = buf_detach(&r.out, NULL);
	proc_result_release(&r);
	return out;
}

static char *gnu(const char *a, const char *b)
{
	char pa[PATH_MAX], pb[PATH_MAX];
	const char *argv[] = { "diff", "-u", "--label", "a/x", "--label", "b/x", pa, pb, NULL };

	snprintf(pa, sizeof(pa), "%s", put("ud/a", a));
	snprintf(pb, sizeof(pb), "%s", put("ud/b", b));
	return run(argv);
}

/* Lines of a diff that remove or add. */
static int changed_lines(const char *d)
{
	const char *l;
	int n = 0;

	for (l = d; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if ((*l == '-' && strncmp(l, "--- ", 4) != 0) || (*l == '+' && strncmp(l, "+++ ", 4) != 0))
			n++;
	return n;
}

/* patch(1) applied to a gives b. */
static int patches(const char *a, const char *b, const char *d)
{
	char pa[PATH_MAX], pd[PATH_MAX], po[PATH_MAX];
	const char *argv[] = { "patch", "-s", "-o", po, pa, pd, NULL };
	char *o;
	int same;

	snprintf(pa, sizeof(pa), "%s", put("ud/a", a));
	snprintf(pd, sizeof(pd), "%s", put("ud/p", d));
	snprintf(po, sizeof(po), "%s", spath("ud/out"));
	unlink(po);
	o = run(argv);
	free(o);
	o = slurp(po);
	same = o && strcmp(o, b) == 0;
	free(o);
	return same;
}

/* Prints text line by line as TAP comments under a heading. */
static void print_commented(const char *heading, const char *text)
{
	size_t i, start = 0, n = strlen(text);

	printf("# %s:\n", heading);
	for (i = 0; i <= n; i++) {
		if (i < n && text[i] != '\n')
			continue;
		if (i > start || i < n) {
			fputs("#   ", stdout);
			fwrite(text + start, 1, i - start, stdout);
			putchar('\n');
		}
		start = i + 1;
	}
}

/* 1: the same bytes as diff -u; 2: different but as small and patch-correct; 0: wrong. */
static int compare(const char *a, const char *b, int verbose)
{
	int hunks, rc;
	char *m = ours(a, b, &hunks), *g = gnu(a, b);

	if (strcmp(m, g) == 0)
		rc = 1;
	else if (changed_lines(m) == changed_lines(g) && patches(a, b, m))
		rc = 2;
	else
		rc = 0;
	if (rc != 1 && verbose) {
		/* every line of both diffs as a TAP comment */
		print_commented("diff -u", g);
		print_commented("ours", m);
	}
	free(m);
	free(g);
	return rc;
}

static void test_fixed(void)
{
	int hunks;
	char *d;

	d = ours("same\n", "same\n", &hunks);
	ok(hunks == 0 && *d == '\0', "equal texts: no diff");
	free(d);
	d = ours("", "a\nb\n", &hunks);
	is_str(d, "--- a/x\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n+b\n", "from nothing");
	free(d);
	d = ours("a\n", "", &hunks);
	is_str(d, "--- a/x\n+++ b/x\n@@ -1 +0,0 @@\n-a\n", "to nothing");
	free(d);
	d = ours("{\n\t\"a\": 1\n}", "{\n\t\"a\": 2\n}", &hunks);
	is_str(d, "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n {\n-\t\"a\": 1\n+\t\"a\": 2\n }\n\\ No newline at end of file\n",
	       "docker's file has no final newline: the marker after the context line");
	free(d);
	is_int(compare("a", "a\n", 1), 1, "a newline added at the end");
	is_int(compare("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "1\nX\n3\n4\n5\n6\n7\n8\nY\n10\n", 1), 1,
	       "6 lines apart: one hunk");
	is_int(compare("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n", "1\nX\n3\n4\n5\n6\n7\n8\n9\nY\n11\n", 1), 1,
	       "7 lines apart: two hunks");
	is_int(compare("}\n}\n}\n", "}\n}\n", 1), 1, "a repeated line removed: the same one as GNU diff");
	is_int(compare("a\n}\nb\n}\nc\n", "a\n}\nb\n}\nb\n}\nc\n", 1), 1, "a repeated block added");
	{
		struct buf out = BUF_INIT(1024);
		struct err e = ERR_INIT;

		hunks = udiff_text(&out, "x", "x\0y\n", 4, "x\0z\n", 4, &e);
		ok(hunks == 1 && out.len == 38 && memcmp(out.data + 28, "-x\0y\n+x\0z\n", 10) == 0,
		   "lines holding NUL bytes are compared whole");
		buf_release(&out);
	}
}

/* A random edit of a random JSON-like text, both written to a and b. */
static void random_pair(char *a, char *b, size_t cap, unsigned *seed)
{
	static const char *const vocab[] = { "{", "}", "\t},", "\t\"auths\": {", "\t\t\"a.io\": {",
		"\t\t\t\"auth\": \"x\"", "\t\t},", "\t\t}", "\t\"credsStore\": \"pass\"", "", "x", "y" };
	char lines[40][32];
	int n = rand_r(seed) % 25, m, i, k, ops = 1 + rand_r(seed) % 5;
	size_t la = 0, lb = 0;
	int order[60];

	for (i = 0; i < n; i++) {
		if (rand_r(seed) % 10 < 6)
			snprintf(lines[i], sizeof(lines[i]), "%s", vocab[rand_r(seed) % 12]);
		else
			snprintf(lines[i], sizeof(lines[i]), "line%d", rand_r(seed) % 30);
		la += (size_t)snprintf(a + la, cap - la, "%s\n", lines[i]);
	}
	for (i = 0; i < n; i++)
		order[i] = i;
	m = n;
	for (k = 0; k < ops; k++) {
		int op = rand_r(seed) % 3, at = m ? rand_r(seed) % m : 0;

		if (op == 0 && m) {
			memmove(order + at, order + at + 1, (size_t)(m - at - 1) * sizeof(int));
			m--;
		} else if (m < 58) {
			memmove(order + at + 1, order + at, (size_t)(m - at) * sizeof(int));
			order[at] = op == 1 ? -1 - rand_r(seed) % 10 : rand_r(seed) % (n ? n : 1);
			m++;
		}
	}
	for (i = 0; i < m; i++) {
		if (order[i] < 0 || !n)
			lb += (size_t)snprintf(b + lb, cap - lb, "new%d\n", -order[i]);
		else
			lb += (size_t)snprintf(b + lb, cap - lb, "%s\n", lines[order[i] % n]);
	}
	if (la && rand_r(seed) % 4 == 0)
		a[--la] = '\0';   /* no final newline, as docker writes */
	if (lb && rand_r(seed) % 4 == 0)
		b[--lb] = '\0';
}

static void test_random(void)
{
	static char a[4096], b[4096];
	unsigned seed = 20250101;
	int i, same = 0, equiv = 0, wrong = 0, r;

	for (i = 0; i < RANDOM_RUNS; i++) {
		random_pair(a, b, sizeof(a), &seed);
		r = compare(a, b, equiv + wrong < 3);
		same += r == 1;
		equiv += r == 2;
		wrong += r == 0;
	}
	printf("# %d random edits: %d the same bytes as diff -u, %d another minimal edit, %d wrong\n",
	       RANDOM_RUNS, same, equiv, wrong);
	is_int(wrong, 0, "every diff of %d random edits is minimal and patch(1) applies it", RANDOM_RUNS);
	ok(same >= RANDOM_RUNS * 99 / 100, "at least 99%% are the bytes diff -u prints (%d of %d)", same,
	   RANDOM_RUNS);
}

static void test_large(void)
{
	static char a[64000], b[64000];
	size_t la = 0, lb = 0;
	int i, hunks;
	char *d;

	for (i = 0; i < 3000; i++) {
		la += (size_t)snprintf(a + la, sizeof(a) - la, "a%d\n", i);
		lb += (size_t)snprintf(b + lb, sizeof(b) - lb, "b%d\n", i);
	}
	d = ours(a, b, &hunks);
	ok(hunks == 1 && patches(a, b, d), "past UDIFF_MAX_EDITS: everything removed and added, still a correct diff");
	free(d);
}

int main(void)
{
	const char *p = getenv("PATH");

	snprintf(tools_path, sizeof(tools_path), "%s", p && *p ? p : "/usr/bin:/bin");
	scratch_init();
	mkdir(spath("ud"), 0700);
	test_fixed();
	test_random();
	test_large();
	scratch_done();
	return tap_done();
}
