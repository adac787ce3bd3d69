/* t-fix-atomicfile — replacing files as docker's ConfigFile.Save does:
 * modes, owners, symlinks, read-only files and directories, temp files. */
#include "fix/atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>

#include "t-lib-fix.h"

static const struct atomicfile_opts cred = ATOMICFILE_CREDENTIALS;
static const struct atomicfile_opts pub = ATOMICFILE_PUBLIC;

static int replace(const char *path, const char *text, struct err *e)
{
	err_clear(e);
	return atomicfile_replace(path, text, strlen(text), &cred, e);
}

static void test_new_and_existing(void)
{
	struct err e = ERR_INIT;
	const char *p;

	p = spath("d1/sub/config.json");
	is_int(replace(p, "{}", &e), 0, "a file in a missing dir is written (%s)", e.msg);
	ok(holds(p, "{}"), "with its text");
	is_int(mode_of(p), 0600, "a new credential file is 0600");
	is_int(mode_of(spath("d1/sub")), 0700, "its missing dir is made 0700 (docker's MkdirAll)");
	is_int(mode_of(spath("d1")), 0700, "and the dir above it too");
	is_int(count_named(spath("d1/sub"), ATOMICFILE_TMP_TAG), 0, "no temp file left");

	p = put("d2/.dockerignore", "old\n");
	chmod(p, 0640);
	is_int(atomicfile_replace(p, "new\n", 4, &pub, &e), 0, "replace an existing file");
	ok(holds(p, "new\n"), "new text");
	is_int(mode_of(p), 0640, "its mode 0640 is kept (not new_mode)");
	is_int(atomicfile_replace(spath("d2/fresh"), "x", 1, &pub, &e), 0, "new public file");
	is_int(mode_of(spath("d2/fresh")), 0644, "made 0644");
	is_int(atomicfile_replace(spath("d2/empty"), "", 0, &cred, &e), 0, "empty text");
	ok(holds(spath("d2/empty"), ""), "an empty file");
}

static void test_symlinks(void)
{
	struct err e = ERR_INIT;
	char got[PATH_MAX], want[PATH_MAX];
	struct stat st;

	put("s/real/config.json", "{\"a\":1}");
	mkdir(spath("s/home"), 0700);
	symlink("../real/config.json", spath("s/home/config.json"));
	is_int(replace(spath("s/home/config.json"), "{\"b\":2}", &e), 0, "write through a relative link (%s)", e.msg);
	ok(lstat(spath("s/home/config.json"), &st) == 0 && S_ISLNK(st.st_mode), "the link stays a link");
	ok(holds(spath("s/real/config.json"), "{\"b\":2}"), "its target holds the new text");
	is_int(count_named(spath("s/home"), ATOMICFILE_TMP_TAG) + count_named(spath("s/real"), ATOMICFILE_TMP_TAG),
	       0, "no temp file beside the link or the target");

	snprintf(want, sizeof(want), "%s", spath("s/real/missing.json"));
	symlink(want, spath("s/home/dangling.json"));
	is_int(replace(spath("s/home/dangling.json"), "{}", &e), 0, "a dangling link: its target is created");
	ok(holds(spath("s/real/missing.json"), "{}"), "at the place the link names");
	ok(lstat(spath("s/home/dangling.json"), &st) == 0 && S_ISLNK(st.st_mode), "the link is kept");

	symlink("dangling.json", spath("s/home/chain.json"));
	is_int(atomicfile_resolve(got, sizeof(got), spath("s/home/chain.json"), &e), 0, "a chain of links");
	snprintf(want, sizeof(want), "%s", spath("s/real/missing.json"));
	is_str(got, want, "resolves to the last target");

	symlink("loop2", spath("s/home/loop1"));
	symlink("loop1", spath("s/home/loop2"));
	err_clear(&e);
	is_int(atomicfile_resolve(got, sizeof(got), spath("s/home/loop1"), &e), -1, "a link loop is refused");
	ok(strstr(e.msg, "Too many levels of symbolic links") != NULL, "saying so: %s", e.msg);
}

/* docker renames from beside the link into the link's target, which fails
 * across file systems; fixkb writes its temp file beside the target. */
static void test_cross_device_link(void)
{
	struct err e = ERR_INIT;
	char shm[64], tgt[128];
	struct stat a, b;

	snprintf(shm, sizeof(shm), "/dev/shm/fixkb-t-%ld", (long)getpid());
	if (stat("/dev/shm", &a) < 0 || stat(scratch, &b) < 0 || a.st_dev == b.st_dev || mkdir(shm, 0700) < 0) {
		skip("no second file system at /dev/shm");
		return;
	}
	snprintf(tgt, sizeof(tgt), "%s/config.json", shm);
	if (symlink(tgt, spath("xdev.json")) < 0)
		exit(99);
	is_int(replace(spath("xdev.json"), "{\"x\":1}", &e), 0, "a link into another file system (%s)", e.msg);
	ok(holds(tgt, "{\"x\":1}"), "its target is written (docker would fail with EXDEV)");
	unlink(tgt);
	rmdir(shm);
}

static void test_read_only(void)
{
	struct err e = ERR_INIT;
	char *p = strdup(put("ro/config.json", "{\"keep\":1}"));

	chmod(p, 0444);
	is_int(replace(p, "{}", &e), -1, "a read-only file (0444) is refused, even for root");
	ok(strstr(e.msg, p) && strstr(e.msg, "Permission denied") && strstr(e.msg, "mode 0444"),
	   "naming it, with the errno text: %s", e.msg);
	ok(holds(p, "{\"keep\":1}"), "it is unchanged");
	is_int(count_named(spath("ro"), ATOMICFILE_TMP_TAG), 0, "no temp file was made");
	chmod(p, 0600);

	put("rodir/config.json", "{\"keep\":2}");
	chmod(spath("rodir"), 0555);
	is_int(replace(spath("rodir/config.json"), "{}", &e), -1, "a read-only directory is refused");
	ok(strstr(e.msg, spath("rodir")) && strstr(e.msg, "Permission denied"), "naming it: %s", e.msg);
	ok(holds(spath("rodir/config.json"), "{\"keep\":2}"), "the file is unchanged");
	is_int(count_named(spath("rodir"), ATOMICFILE_TMP_TAG), 0, "nothing was created in it");
	is_int(replace(spath("rodir/new/config.json"), "{}", &e), -1, "nor below it");
	ok(!exists(spath("rodir/new")), "no directory was made");
	chmod(spath("rodir"), 0755);

	mkdir(spath("notreg"), 0700);
	mkfifo(spath("notreg/fifo"), 0600);
	is_int(replace(spath("notreg/fifo"), "{}", &e), -1, "a FIFO is not replaced");
	ok(strstr(e.msg, "not a regular file") != NULL, "%s", e.msg);
	mkdir(spath("notreg/dir"), 0700);
	is_int(replace(spath("notreg/dir"), "{}", &e), -1, "nor a directory");
	free(p);
}

static int nobody_write(void *arg)
{
	struct err e = ERR_INIT;
	int rc = atomicfile_replace(arg, "{}", 2, &cred, &e);

	if (rc < 0)
		printf("# as nobody: %s\n", e.msg);
	if (rc < 0 && strstr(e.msg, "Permission denied"))
		return 10;
	if (rc < 0 && strstr(e.msg, "cannot keep the owner") && strstr(e.msg, "Operation not permitted"))
		return 11;
	return rc == 0 ? 0 : 12;
}

static void test_owners(void)
{
	struct err e = ERR_INIT;
	const char *p;

	if (geteuid() != 0) {
		skip("owner tests need root");
		return;
	}
	chmod(scratch, 0755);
	p = put("own/config.json", "{\"a\":1}");
	chmod(spath("own"), 0755);
	chown(p, NOBODY, NOBODY);
	chmod(p, 0600);
	is_int(replace(p, "{\"a\":2}", &e), 0, "root replaces nobody's file");
	is_int(uid_of(p), NOBODY, "the file stays nobody's");
	is_int(mode_of(p), 0600, "and 0600");

	mkdir(spath("nbhome"), 0700);
	chown(spath("nbhome"), NOBODY, NOBODY);
	is_int(replace(spath("nbhome/.docker/config.json"), "{}", &e), 0, "root writes a new file in nobody's home");
	is_int(uid_of(spath("nbhome/.docker")), NOBODY, "the dir it made is nobody's");
	is_int(uid_of(spath("nbhome/.docker/config.json")), NOBODY, "so is the file (not root's)");

	/* as nobody: root's dir 0755 is not writable */
	put("rootdir/config.json", "{\"r\":1}");
	chmod(spath("rootdir"), 0755);
	chmod(spath("rootdir/config.json"), 0644);
	is_int(as_nobody(nobody_write, (void *)spath("rootdir/config.json")), 10,
	       "nobody cannot write in root's 0755 dir: Permission denied from access(2)");
	ok(holds(spath("rootdir/config.json"), "{\"r\":1}"), "unchanged");

	/* as nobody, in a dir anyone may write: root's file would change hands */
	put("shared/config.json", "{\"s\":1}");
	chmod(spath("shared"), 0777);
	chmod(spath("shared/config.json"), 0666);
	is_int(as_nobody(nobody_write, (void *)spath("shared/config.json")), 11,
	       "nobody replacing root's file is refused: the owner cannot be kept (docker would take it)");
	ok(holds(spath("shared/config.json"), "{\"s\":1}"), "unchanged");
	is_int(uid_of(spath("shared/config.json")), 0, "still root's");
	is_int(count_named(spath("shared"), ATOMICFILE_TMP_TAG), 0, "the temp file was removed on that error");
}

static void test_clean_temps(void)
{
	struct err e = ERR_INIT;
	size_t removed = 99;

	put("tmp/config.json", "{}");
	put("tmp/config.json" ATOMICFILE_TMP_TAG "a1B2c3", "{\"half");
	put("tmp/config.json" ATOMICFILE_TMP_TAG "zzzzzz", "");
	put("tmp/config.json" ATOMICFILE_TMP_TAG "short", "");
	put("tmp/other.json" ATOMICFILE_TMP_TAG "a1B2c3", "");
	put("tmp/config.json123456", "");
	mkdir(spath("tmp/config.json" ATOMICFILE_TMP_TAG "dirxyz"), 0700);
	is_int(atomicfile_clean_temps(spath("tmp/config.json"), &removed, &e), 0, "clean temps");
	is_int(removed, 2, "the two temp files of config.json went");
	ok(exists(spath("tmp/config.json")) && exists(spath("tmp/config.json" ATOMICFILE_TMP_TAG "short")) &&
	   exists(spath("tmp/other.json" ATOMICFILE_TMP_TAG "a1B2c3")) && exists(spath("tmp/config.json123456")) &&
	   exists(spath("tmp/config.json" ATOMICFILE_TMP_TAG "dirxyz")),
	   "the file, other files' temps, docker's own temp name and a directory stay");
}

static void test_split_resolve(void)
{
	char d[64], b[64], out[PATH_MAX], cwd[PATH_MAX], want[PATH_MAX + 16];
	struct err e = ERR_INIT;

	atomicfile_split("/x", d, sizeof(d), b, sizeof(b));
	ok(strcmp(d, "/") == 0 && strcmp(b, "x") == 0, "split /x");
	atomicfile_split("x", d, sizeof(d), b, sizeof(b));
	ok(strcmp(d, ".") == 0 && strcmp(b, "x") == 0, "split x");
	atomicfile_split("/a/b/c", d, sizeof(d), b, sizeof(b));
	ok(strcmp(d, "/a/b") == 0 && strcmp(b, "c") == 0, "split /a/b/c");
	if (!getcwd(cwd, sizeof(cwd)) || chdir(spath("d2")) < 0)
		exit(99);
	is_int(atomicfile_resolve(out, sizeof(out), ".dockerignore", &e), 0, "relative path");
	snprintf(want, sizeof(want), "%s", spath("d2/.dockerignore"));
	is_str(out, want, "made absolute");
	if (chdir(cwd) < 0)
		exit(99);
	is_int(atomicfile_resolve(out, sizeof(out), "", &e), -1, "an empty name is refused");
}

int main(void)
{
	scratch_init();
	test_new_and_existing();
	test_symlinks();
	test_cross_device_link();
	test_read_only();
	test_owners();
	test_clean_temps();
	test_split_resolve();
	scratch_done();
	return tap_done();
}
