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
	return tap_done();
}
