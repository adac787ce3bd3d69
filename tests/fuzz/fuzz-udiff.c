/* fuzz-udiff — udiff_text on any two texts (split at the first "\n=====\n").
 * Property: the diff applies: replaying its hunks on the first text gives
 * the second, byte for byte; equal texts give no diff. */
#include "fuzz.h"

#include "util/buf.h"
#include "fix/udiff.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* The length of the diff line at p (up to its newline, excluded). */
static size_t line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	fuzz_assert(nl);
	return (size_t)(nl - p);
}

/* One line of a: its length with its newline (if any). */
static size_t text_line(const char *a, size_t an, size_t at)
{
	const char *nl = memchr(a + at, '\n', an - at);

	return nl ? (size_t)(nl - (a + at)) + 1 : an - at;
}

/* Replays the diff d on a into out. */
static void apply(struct buf *out, const char *a, size_t an, const char *d, size_t dn)
{
	const char *p = d, *end = d + dn;
	size_t at = 0, ln = 0, l, tl, lo;   /* at: bytes of a used; ln: its lines */

	if (dn == 0)
		goto tail;
	p += line_len(p, end) + 1;   /* --- */
	p += line_len(p, end) + 1;   /* +++ */
	while (p < end) {
		unsigned long s;

		fuzz_assert(sscanf(p, "@@ -%lu", &s) == 1);
		lo = s == 0 ? 0 : s - 1;
		if (strncmp(p, "@@ -0,0 ", 8) == 0 || (strstr(p, ",0 +") && (size_t)(strstr(p, ",0 +") - p) < line_len(p, end)))
			lo = s;   /* an empty range names the line before it */
		fuzz_assert(lo >= ln);
		fuzz_assert(buf_append(out, a + at, 0) == 0);
		for (; ln < lo; ln++) {
			fuzz_assert(at < an);
			tl = text_line(a, an, at);
			fuzz_assert(buf_append(out, a + at, tl) == 0);
			at += tl;
		}
		p += line_len(p, end) + 1;
		while (p < end && *p != '@') {
			l = line_len(p, end);
			if (*p == '\\') {   /* the line before had no newline */
				fuzz_assert(l > 2);
				p += l + 1;
				continue;
			}
			int nonl = p + l + 1 < end && p[l + 1] == '\\';
			if (*p == ' ' || *p == '-') {
				fuzz_assert(at < an);
				ln++;
				tl = text_line(a, an, at);
				fuzz_assert(tl == l - 1 + !nonl && memcmp(a + at, p + 1, l - 1) == 0);
				if (*p == ' ')
					fuzz_assert(buf_append(out, a + at, tl) == 0);
				at += tl;
			} else {
				fuzz_assert(*p == '+');
				fuzz_assert(buf_append(out, p + 1, l - 1) == 0);
				if (!nonl)
					fuzz_assert(buf_append(out, "\n", 1) == 0);
			}
			p += l + 1;
		}
	}
tail:
	fuzz_assert(buf_append(out, a + at, an - at) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p2;
	size_t n1, n2;
	struct buf d = BUF_INIT(1 << 24), back = BUF_INIT(1 << 24);
	struct err e = ERR_INIT;
	char *a, *b;
	int hunks;

	fuzz_split(data, size, "\n=====\n", &n1, &p2, &n2);
	a = fuzz_dup(data, n1);
	b = fuzz_dup(p2, n2);
	hunks = udiff_text(&d, "f", a, n1, b, n2, &e);
	fuzz_assert(hunks >= 0);
	fuzz_assert((hunks == 0) == (n1 == n2 && memcmp(a, b, n1) == 0));
	apply(&back, a, n1, d.data ? d.data : "", d.len);
	fuzz_assert(back.len == n2 && (n2 == 0 || memcmp(back.data, b, n2) == 0));
	buf_release(&d);
	buf_release(&back);
	free(a);
	free(b);
	return 0;
}
