/* t-fileio — the one capped whole-file reader: regular files only, the
 * cap before and while reading, missing reported apart from errors. */
#include "util/fileio.h"
#include "t-lib-cfg.h"

#include <fcntl.h>

static void test_read(void)
{
	struct buf b = BUF_INIT(0);
	struct err e = ERR_INIT;
	int missing = -1;

	put("small.txt", "hello\n");
	ok(fileio_read(&b, spath("small.txt"), 64, &missing, &e) == 0, "a small file reads");
	is_str(b.data, "hello\n", "whole content");
	is_int(b.len, 6, "length");
	is_int(missing, 0, "*missing cleared when the file exists");
	buf_release(&b);

	put("empty.txt", "");
	b = (struct buf)BUF_INIT(0);
	ok(fileio_read(&b, spath("empty.txt"), 64, NULL, &e) == 0 && b.data && b.data[0] == '\0' &&
	   b.len == 0, "an empty file gives \"\" (data never NULL)");
	buf_release(&b);

	put("exact.txt", "12345678");
	b = (struct buf)BUF_INIT(0);
	ok(fileio_read(&b, spath("exact.txt"), 8, NULL, &e) == 0 && b.len == 8,
	   "a file of exactly the cap reads");
	buf_release(&b);
}

static void test_refused(void)
{
	struct buf b = BUF_INIT(0);
	struct err e = ERR_INIT;
	char want[1200];
	int missing = 0;

	put("nine.txt", "123456789");
	ok(fileio_read(&b, spath("nine.txt"), 8, NULL, &e) < 0, "one byte over the cap refused");
	snprintf(want, sizeof(want), "reading '%s': too large (more than 8 bytes)", spath("nine.txt"));
	is_str(e.msg, want, "names the file and the cap");
	buf_release(&b);

	err_clear(&e);
	b = (struct buf)BUF_INIT(0);
	mkdir(spath("adir"), 0700);
	ok(fileio_read(&b, spath("adir"), 64, NULL, &e) < 0 && strstr(e.msg, "': not a regular file"),
	   "a directory refused: %s", e.msg);
	buf_release(&b);

	err_clear(&e);
	b = (struct buf)BUF_INIT(0);
	if (mkfifo(spath("fifo"), 0600) == 0) {
		/* no writer: a blocking open would hang here */
		ok(fileio_read(&b, spath("fifo"), 64, NULL, &e) < 0 &&
		   strstr(e.msg, "not a regular file"), "a FIFO refused without hanging: %s", e.msg);
		buf_release(&b);
	}

	err_clear(&e);
	b = (struct buf)BUF_INIT(0);
	if (symlink("/dev/zero", spath("zero")) == 0) {
		ok(fileio_read(&b, spath("zero"), 64, NULL, &e) < 0 &&
		   strstr(e.msg, "not a regular file"), "a link to /dev/zero refused: %s", e.msg);
		buf_release(&b);
	}

	err_clear(&e);
	b = (struct buf)BUF_INIT(0);
	ok(fileio_read(&b, spath("nope.txt"), 64, &missing, &e) == 0 && missing == 1 && !e.set &&
	   b.data == NULL, "missing file: *missing = 1, not an error");
	ok(fileio_read(&b, spath("nope.txt"), 64, NULL, &e) < 0 && strstr(e.msg, "nope.txt': No such file"),
	   "missing file without *missing: an error naming it (%s)", e.msg);
	buf_release(&b);

	err_clear(&e);
	b = (struct buf)BUF_INIT(0);
	put("locked.txt", "x");
	chmod(spath("locked.txt"), 0);
	if (geteuid() != 0)
		ok(fileio_read(&b, spath("locked.txt"), 64, NULL, &e) < 0 &&
		   strstr(e.msg, "locked.txt': Permission denied"), "unreadable: strerror (%s)", e.msg);
	buf_release(&b);
}

int main(void)
{
	scratch_init();
	test_read();
	test_refused();
	scratch_done();
	return tap_done();
}
