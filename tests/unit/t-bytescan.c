/* util/bytescan: every path (AVX2 where the CPU has it, SSE2, the 8-byte
 * and the byte loops) against a byte-by-byte answer, at every alignment
 * and at lengths around each vector width and each accumulator flush. */
#include "util/bytescan.h"
#include "tap.h"

#include <string.h>

#define HUGE_LEN 70000

static char huge[HUGE_LEN];

static const size_t lens[] = { 0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 4079, 4080,
			       4081, 8160, 16319, 16320, 16321, 16384, 32640, 32641, 65000 };
#define NLENS (sizeof(lens) / sizeof(lens[0]))

static void test_count(void)
{
	size_t i, off, k, j, bad = 0, all = 0;

	for (i = 0; i < HUGE_LEN; i++)
		huge[i] = (i * 2654435761u) % 5 == 0 ? '\n' : (i % 3 ? (char)0x8a : 'x');
	for (off = 0; off < 64; off++)
		for (k = 0; k < NLENS; k++) {
			size_t naive = 0;

			for (j = 0; j < lens[k]; j++)
				naive += huge[off + j] == '\n';
			bad += bytescan_count(huge + off, lens[k], '\n') != naive;
			all++;
		}
	is_int(bad, 0, "count = a byte count at %zu alignments and lengths", all);
	memset(huge, '\n', HUGE_LEN);
	is_int(bytescan_count(huge, HUGE_LEN, '\n'), HUGE_LEN,
	       "count: %d equal bytes (lanes summed before they overflow)", HUGE_LEN);
	huge[0] = (char)0x8a;   /* '\n' | 0x80 must not count */
	is_int(bytescan_count(huge, 8, '\n'), 7, "count: a high bit is another byte");
	memset(huge, (char)0xff, HUGE_LEN);
	is_int(bytescan_count(huge, HUGE_LEN, (char)0xff), HUGE_LEN, "count: byte 0xff");
}

static void test_find2(void)
{
	size_t i, off, k, at, bad = 0, all = 0;

	memset(huge, 'a', HUGE_LEN);
	ok(bytescan_find2(huge, HUGE_LEN, 0x1b, '\r') == NULL, "find2: none in %d bytes", HUGE_LEN);
	ok(bytescan_find2(huge, 0, 'a', 'a') == NULL, "find2: nothing in 0 bytes");
	/* one wanted byte at each position of each length and alignment:
	 * found exactly there, or not at all when it is past the end */
	for (off = 0; off < 33; off++)
		for (k = 0; k < NLENS && lens[k] < 5000; k++)
			for (at = 0; at < lens[k] + 2; at++) {
				const char *want = at < lens[k] ? huge + off + at : NULL;

				huge[off + at] = (at & 1) ? 0x1b : '\r';
				bad += bytescan_find2(huge + off, lens[k], 0x1b, '\r') != want;
				huge[off + at] = 'a';
				all++;
			}
	is_int(bad, 0, "find2 = the first of two bytes in %zu placements", all);
	for (i = 0; i < 100; i++)
		huge[1000 + i * 7] = (char)0x8d;   /* '\r' | 0x80 */
	huge[1800] = '\r';
	huge[1700] = 0x1b;
	ok(bytescan_find2(huge, HUGE_LEN, 0x1b, '\r') == huge + 1700, "find2: the first of the two");
	ok(bytescan_find2(huge, HUGE_LEN, (char)0x8d, 'z') == huge + 1000, "find2: high bytes");
}

int main(void)
{
	static const struct { enum bytescan_level level; const char *name; } levels[] = {
		{ BYTESCAN_AUTO, "auto" }, { BYTESCAN_AVX2, "avx2" },
		{ BYTESCAN_SSE2, "sse2" }, { BYTESCAN_PORTABLE, "portable" },
	};
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		printf("# level %s\n", levels[i].name);
		bytescan_set_level(levels[i].level);
		test_count();
		test_find2();
	}
	return tap_done();
}
