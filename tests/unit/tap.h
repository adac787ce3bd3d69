/* tap.h — a tiny TAP producer for the unit tests (meson protocol: 'tap').
 *
 *   ok(cond, "name %d", i);    is_str(got, want, "name");   is_int(got, want, "name");
 *   return tap_done();         // prints the plan, returns the exit status
 *
 * A check that shows a known bug: set tap_todo to the reason around it.
 * It prints "not ok ... # TODO reason" and does not fail the run; once the
 * bug is fixed meson reports the "ok ... # TODO" as an unexpected pass.
 *   tap_todo = "rank.c ignores X"; ok(...); tap_todo = NULL;
 */
#ifndef FIXKB_TESTS_TAP_H
#define FIXKB_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count, tap_failed;
static const char *tap_todo __attribute__((unused));

__attribute__((format(printf, 2, 3), unused))
static int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond && !tap_todo)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (tap_todo)
		printf(" # TODO %s", tap_todo);
	printf("\n");
	fflush(stdout);
	return cond;
}

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	int same_ = (g_ == NULL && w_ == NULL) || (g_ && w_ && strcmp(g_, w_) == 0); \
	if (!ok(same_, __VA_ARGS__)) \
		printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

#define is_int(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!ok(g_ == w_, __VA_ARGS__)) \
		printf("#   got:  %lld\n#   want: %lld\n", g_, w_); \
} while (0)

__attribute__((unused))
static void diag(const char *msg)
{
	printf("# %s\n", msg);
}

/* How much slower than native this run is allowed to be, for tests that
 * assert a speed: FIXKB_TEST_TIME_FACTOR (scripts/test.sh sets it under
 * valgrind and the sanitizers), default 1. */
__attribute__((unused))
static double tap_time_factor(void)
{
	const char *v = getenv("FIXKB_TEST_TIME_FACTOR");
	double f = v ? atof(v) : 1.0;

	return f >= 1.0 ? f : 1.0;
}

__attribute__((unused))
static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
