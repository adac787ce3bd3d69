#include "util/bytescan.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define BYTESCAN_X86 1
#endif

/* Eight bytes at a time: a byte of acc gains 1 for each c seen in its
 * lane; the lanes are summed before any can pass 255. */
static size_t count_swar(const char *p, size_t n, char c)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t low7 = 0x7f * ones, cc = (uint64_t)(unsigned char)c * ones;
	size_t count = 0, i = 0;

	while (n - i >= 8) {
		uint64_t acc = 0;
		int k;

		for (k = 0; k < 255 && n - i >= 8; k++, i += 8) {
			uint64_t w, t;

			memcpy(&w, p + i, 8);
			w ^= cc;
			t = (w & low7) + low7;
			t = ~(t | w | low7);
			acc += t >> 7;
		}
		/* Pairs of lanes into 16-bit sums (<= 510), then add those. */
		acc = (acc & 0x00ff00ff00ff00ffULL) + ((acc >> 8) & 0x00ff00ff00ff00ffULL);
		count += (size_t)((acc * 0x0001000100010001ULL) >> 48);
	}
	for (; i < n; i++)
		count += p[i] == c;
	return count;
}

#ifdef BYTESCAN_X86
/* Each matching lane of a compare is -1, so subtracting it counts that
 * lane up; the lanes are summed (psadbw) before any can pass 255. Two
 * accumulators, so consecutive loads do not wait on one add chain. */
__attribute__((target("avx2")))
static size_t count_avx2(const char *p, size_t n, char c, size_t *done)
{
	const __m256i v = _mm256_set1_epi8(c), zero = _mm256_setzero_si256();
	size_t count = 0, i = 0;

	while (n - i >= 64) {
		__m256i a0 = zero, a1 = zero, s;
		int k;

		for (k = 0; k < 255 && n - i >= 64; k++, i += 64) {
			a0 = _mm256_sub_epi8(a0, _mm256_cmpeq_epi8(
				_mm256_loadu_si256((const __m256i *)(const void *)(p + i)), v));
			a1 = _mm256_sub_epi8(a1, _mm256_cmpeq_epi8(
				_mm256_loadu_si256((const __m256i *)(const void *)(p + i + 32)), v));
		}
		s = _mm256_add_epi64(_mm256_sad_epu8(a0, zero), _mm256_sad_epu8(a1, zero));
		count += (size_t)_mm256_extract_epi64(s, 0) + (size_t)_mm256_extract_epi64(s, 1) +
			 (size_t)_mm256_extract_epi64(s, 2) + (size_t)_mm256_extract_epi64(s, 3);
	}
	*done = i;
	return count;
}

static size_t count_sse2(const char *p, size_t n, char c, size_t *done)
{
	const __m128i v = _mm_set1_epi8(c), zero = _mm_setzero_si128();
	size_t count = 0, i = 0;

	while (n - i >= 16) {
		__m128i acc = zero, sums;
		int k;

		for (k = 0; k < 255 && n - i >= 16; k++, i += 16)
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(
				_mm_loadu_si128((const __m128i *)(const void *)(p + i)), v));
		sums = _mm_sad_epu8(acc, zero);
		count += (size_t)_mm_cvtsi128_si32(sums) + (size_t)_mm_extract_epi16(sums, 4);
	}
	*done = i;
	return count;
}

__attribute__((target("avx2")))
static const char *find2_avx2(const char *p, size_t n, char a, char b, size_t *done)
{
	const __m256i va = _mm256_set1_epi8(a), vb = _mm256_set1_epi8(b);
	size_t i;

	for (i = 0; n - i >= 32; i += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
		unsigned m = (unsigned)_mm256_movemask_epi8(
			_mm256_or_si256(_mm256_cmpeq_epi8(x, va), _mm256_cmpeq_epi8(x, vb)));

		if (m)
			return p + i + __builtin_ctz(m);
	}
	*done = i;
	return NULL;
}

static const char *find2_sse2(const char *p, size_t n, char a, char b, size_t *done)
{
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
	size_t i;

	for (i = 0; n - i >= 16; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)));

		if (m)
			return p + i + __builtin_ctz(m);
	}
	*done = i;
	return NULL;
}

#endif

static enum bytescan_level forced = BYTESCAN_AUTO;

void bytescan_set_level(enum bytescan_level level)
{
	forced = level;
}

static enum bytescan_level level_now(void)
{
#ifdef BYTESCAN_X86
	if ((forced == BYTESCAN_AUTO || forced == BYTESCAN_AVX2) && __builtin_cpu_supports("avx2"))
		return BYTESCAN_AVX2;
	return forced == BYTESCAN_PORTABLE ? BYTESCAN_PORTABLE : BYTESCAN_SSE2;
#else
	return BYTESCAN_PORTABLE;
#endif
}

size_t bytescan_count(const char *p, size_t n, char c)
{
	size_t count = 0, i = 0;

#ifdef BYTESCAN_X86
	switch (level_now()) {
	case BYTESCAN_AVX2: count = count_avx2(p, n, c, &i); break;
	case BYTESCAN_SSE2: count = count_sse2(p, n, c, &i); break;
	default: break;
	}
#endif
	return count + count_swar(p + i, n - i, c);
}

const char *bytescan_find2(const char *p, size_t n, char a, char b)
{
	size_t i = 0;

#ifdef BYTESCAN_X86
	const char *hit = NULL;

	switch (level_now()) {
	case BYTESCAN_AVX2: hit = find2_avx2(p, n, a, b, &i); break;
	case BYTESCAN_SSE2: hit = find2_sse2(p, n, a, b, &i); break;
	default: break;
	}
	if (hit)
		return hit;
#endif
	for (; i < n; i++)
		if (p[i] == a || p[i] == b)
			return p + i;
	return NULL;
}
