/* fuzz.h — what every fuzz target and the replay driver share.
 *
 * A target is tests/fuzz/fuzz-<name>.c defining LLVMFuzzerTestOneInput
 * (and LLVMFuzzerInitialize). With clang and -Dfuzz=true it links with
 * libFuzzer (tests/fuzz/meson.build, scripts/fuzz.sh); every build links
 * it with replay.c too, which feeds it the committed regression inputs
 * (tests/fuzz/regress/<name>/) and the seed corpus (suite fuzz-regress).
 *
 * A target must be deterministic, must not print, and must hand the code
 * under test exactly `size` bytes (never a NUL-terminated copy unless the
 * API takes a C string), so that ASan sees any read past the end. A
 * property a target checks (a round trip, a bound) fails with
 * fuzz_assert, which aborts. */
#ifndef FIXKB_TESTS_FUZZ_FUZZ_H
#define FIXKB_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define fuzz_assert(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: fuzz_assert(%s) failed\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* A malloc'd NUL-terminated copy of data (cut at its first NUL, as a C
 * string API would see it). Never NULL (aborts on OOM). */
__attribute__((unused))
static char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Splits data at the first occurrence of sep: [data, *n1) and the rest
 * after sep in *p2 and *n2 (empty when sep is absent). */
__attribute__((unused))
static void fuzz_split(const uint8_t *data, size_t size, const char *sep, size_t *n1,
		       const uint8_t **p2, size_t *n2)
{
	size_t sl = strlen(sep), i;

	for (i = 0; i + sl <= size; i++) {
		if (memcmp(data + i, sep, sl) == 0) {
			*n1 = i;
			*p2 = data + i + sl;
			*n2 = size - i - sl;
			return;
		}
	}
	*n1 = size;
	*p2 = data + size;
	*n2 = 0;
}

/* An exactly-sized malloc'd copy (so ASan sees a read past n). Never
 * NULL (aborts on OOM); free() it. */
__attribute__((unused))
static char *fuzz_dup(const void *p, size_t n)
{
	char *s = malloc(n ? n : 1);

	if (!s)
		abort();
	if (n)
		memcpy(s, p, n);
	return s;
}

#endif
