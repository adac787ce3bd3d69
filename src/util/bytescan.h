/* bytescan.h — the byte loops explain runs over every byte of a log:
 * count one byte value, find the first of two. AVX2 where the CPU has it
 * (chosen at run time, so one binary runs everywhere), else SSE2, else
 * eight bytes at a time. */
#ifndef FIXKB_UTIL_BYTESCAN_H
#define FIXKB_UTIL_BYTESCAN_H

#include <stddef.h>

/* How many bytes of p[0..n) equal c. */
size_t bytescan_count(const char *p, size_t n, char c);

/* The first byte of p[0..n) equal to a or to b, or NULL. */
const char *bytescan_find2(const char *p, size_t n, char a, char b);

/* Which loops run: BYTESCAN_AUTO (the default: the best the CPU has), or
 * one forced, for tests to run every path on one machine (a level the
 * CPU lacks falls back to the next one down). Not thread-safe: set it
 * before scanning. */
enum bytescan_level { BYTESCAN_AUTO, BYTESCAN_AVX2, BYTESCAN_SSE2, BYTESCAN_PORTABLE };
void bytescan_set_level(enum bytescan_level level);

#endif
