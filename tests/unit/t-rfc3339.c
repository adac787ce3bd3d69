/* rfc3339_valid: the timestamps Go's time.Time accepts (util/rfc3339.h). */
#include "tap.h"
#include "util/rfc3339.h"

int main(void)
{
	ok(rfc3339_valid("2026-11-28T08:54:25Z"), "Z form");
	ok(rfc3339_valid("2026-11-28t08:54:25z"), "lower-case t and z");
	ok(rfc3339_valid("2026-11-28T08:54:25.123456789+02:00"), "fraction and offset");
	ok(rfc3339_valid("2016-12-31T23:59:60Z"), "leap second");
	ok(!rfc3339_valid("not-a-date"), "garbage");
	ok(!rfc3339_valid(""), "empty");
	ok(!rfc3339_valid("2026-11-28 08:54:25Z"), "space separator");
	ok(!rfc3339_valid("2026-13-28T08:54:25Z"), "month 13");
	ok(!rfc3339_valid("2026-11-00T08:54:25Z"), "day 0");
	ok(!rfc3339_valid("2026-11-28T24:00:00Z"), "hour 24");
	ok(!rfc3339_valid("2026-11-28T08:54:25"), "no zone");
	ok(!rfc3339_valid("2026-11-28T08:54:25.Z"), "a '.' without digits");
	ok(!rfc3339_valid("2026-11-28T08:54:25+0200"), "offset without ':'");
	ok(!rfc3339_valid("2026-11-28T08:54:25Zjunk"), "trailing bytes");
	return tap_done();
}
