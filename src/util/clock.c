#include "util/clock.h"

#include <time.h>

double clock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

double clock_left_ms(double deadline_ms)
{
	double left = deadline_ms - clock_now_ms();

	return left > 0 ? left : 0;
}
