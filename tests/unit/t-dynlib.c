/* t-dynlib.c — loading a shared library when first needed: a real one
 * and its function, and the errors that name what is missing. */
#include "util/dynlib.h"
#include "tap.h"

#include <string.h>

int main(void)
{
	struct err e = ERR_INIT;
	__typeof__(strlen) *my_strlen = NULL;
	void *lib, *none = NULL;

	lib = dynlib_open("libc.so.6", &e);
	ok(lib != NULL, "libc.so.6 loads (%s)", e.msg);
	ok(lib && dynlib_sym(lib, "libc.so.6", "strlen", (void **)&my_strlen, &e) == 0 &&
	   my_strlen && my_strlen("fixkb") == 5, "its strlen resolves and runs");
	err_clear(&e);
	ok(lib && dynlib_sym(lib, "libc.so.6", "fixkb_no_such_function", &none, &e) < 0 &&
	   none == NULL && strstr(e.msg, "libc.so.6 has no fixkb_no_such_function"),
	   "a missing symbol names itself and the library: %s", e.msg);
	err_clear(&e);
	ok(dynlib_open("libfixkb-no-such-library.so.9", &e) == NULL &&
	   strstr(e.msg, "cannot load libfixkb-no-such-library.so.9: "),
	   "a missing library is named, with dlerror's reason: %s", e.msg);

	/* a table: every slot filled, or the first failure kept */
	{
		__typeof__(strlen) *f_strlen = NULL;
		__typeof__(strchr) *f_strchr = NULL;
		void *f_none = NULL;
		const char *const names[] = { "strlen", "strchr" };
		void **const slots[] = { (void **)&f_strlen, (void **)&f_strchr };
		const char *const bad_names[] = { "strlen", "fixkb_no_such_function" };
		void **const bad_slots[] = { (void **)&f_strlen, &f_none };
		struct dynlib good = { .soname = "libc.so.6", .names = names, .slots = slots, .n = 2 };
		struct dynlib bad = { .soname = "libc.so.6", .names = bad_names, .slots = bad_slots,
				      .n = 2 };
		struct dynlib gone = { .soname = "libfixkb-no-such-library.so.9", .names = names,
				       .slots = slots, .n = 2 };

		err_clear(&e);
		ok(dynlib_load(&good, &e) == 0 && f_strlen && f_strchr && f_strlen("abc") == 3 &&
		   f_strchr("abc", 'c') && good.state == 1, "a table loads every slot (%s)", e.msg);
		ok(dynlib_load(&good, NULL) == 0, "and says so again without reloading");
		err_clear(&e);
		ok(dynlib_load(&bad, &e) < 0 && bad.state == -1 &&
		   strstr(e.msg, "has no fixkb_no_such_function"), "a missing name fails it: %s",
		   e.msg);
		err_clear(&e);
		ok(dynlib_load(&bad, &e) < 0 && strstr(e.msg, "fixkb_no_such_function"),
		   "the same answer on the next call: %s", e.msg);
		err_clear(&e);
		ok(dynlib_load(&gone, &e) < 0 && strstr(e.msg, "cannot load libfixkb-no-such-library"),
		   "a missing library: %s", e.msg);
	}
	return tap_done();
}
