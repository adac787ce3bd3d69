#include "util/buf.h"
#include "util/err.h"
#include "tap.h"

#include <stdlib.h>

int main(void)
{
	struct buf b = BUF_INIT(8);
	struct err e = ERR_INIT;
	size_t len;
	char *s;

	ok(buf_append(&b, "abcd", 4) == 0, "append within cap");
	is_str(b.data, "abcd", "data is NUL-terminated");
	ok(buf_append(&b, "efghij", 6) < 0, "append past cap fails");
	ok(b.truncated, "truncated flag set");
	is_int(b.len, 8, "kept what fits");
	is_str(b.data, "abcdefgh", "kept the first bytes");
	buf_release(&b);
	ok(b.data == NULL && b.len == 0, "release resets");

	b = (struct buf)BUF_INIT(1 << 20);
	for (int i = 0; i < 1000; i++)
		buf_appendf(&b, "%d,", i);
	ok(b.len > 1000 && !b.truncated, "appendf grows the buffer");
	s = buf_detach(&b, &len);
	ok(s && len > 1000 && b.data == NULL, "detach hands over ownership");
	free(s);
	s = buf_detach(&b, &len);
	is_str(s, "", "detach of an empty buf gives an empty string");
	free(s);

	ok(err_set(&e, "first %d", 1) == -1, "err_set returns -1");
	err_set(&e, "second");
	is_str(e.msg, "first 1", "first message wins");
	err_prefix(&e, "reading '%s'", "x");
	is_str(e.msg, "reading 'x': first 1", "prefix adds context");
	return tap_done();
}
