/* clock.h — monotonic milliseconds, for deadlines and probe timings. */
#ifndef FIXKB_UTIL_CLOCK_H
#define FIXKB_UTIL_CLOCK_H

#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC (fractional). */
double clock_now_ms(void);
/* Milliseconds left until an absolute deadline (never negative). */
double clock_left_ms(double deadline_ms);

#endif
