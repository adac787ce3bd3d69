/* t-paths — home directory, "~/..." display paths, executables on PATH. */
#include "util/paths.h"
#include "t-lib-cfg.h"

static void test_home_and_display(void)
{
	char out[256], want[1100];

	setenv("HOME", "/home/u", 1);
	is_str(paths_home_dir(), "/home/u", "$HOME");
	paths_display(out, sizeof(out), "/home/u/.docker/config.json");
	is_str(out, "~/.docker/config.json", "under $HOME: ~/...");
	paths_display(out, sizeof(out), "/home/user2/x");
	is_str(out, "/home/user2/x", "a sibling with the same prefix is not under $HOME");
	paths_display(out, sizeof(out), "/home/u");
	is_str(out, "/home/u", "$HOME itself stays as is");
	setenv("HOME", "/", 1);
	paths_display(out, sizeof(out), "/etc/x");
	is_str(out, "/etc/x", "HOME=/ never shortens");
	paths_display(out, 5, "/etc/xyz");
	is_str(out, "/etc", "cut to the buffer");
	setenv("HOME", "", 1);
	ok(paths_home_dir() != NULL && paths_home_dir()[0] == '/', "empty $HOME: the passwd entry (%s)",
	   paths_home_dir() ? paths_home_dir() : "(null)");
	snprintf(want, sizeof(want), "%s/home", scratch);
	setenv("HOME", want, 1);
}

static void test_find(void)
{
	char path[2200], b1[1024], out[1200], want[1200];

	mkdir(spath("b1"), 0700);
	mkdir(spath("b2"), 0700);
	snprintf(b1, sizeof(b1), "%s", spath("b1"));
	/* spath() is one static buffer: b1 copied first */
	snprintf(path, sizeof(path), "%s::%s", b1, spath("b2"));
	ok(!paths_find_on_path("tool", path, out, sizeof(out)), "nothing there: not found");
	put_exe("b2/tool");
	ok(paths_find_on_path("tool", path, out, sizeof(out)), "found in the second element");
	snprintf(want, sizeof(want), "%s", spath("b2/tool"));
	is_str(out, want, "full path returned");
	put_exe("b1/tool");
	paths_find_on_path("tool", path, out, sizeof(out));
	snprintf(want, sizeof(want), "%s", spath("b1/tool"));
	is_str(out, want, "first element wins");
	put("b1/plain", "x");
	ok(!paths_find_on_path("plain", path, NULL, 0), "a non-executable file is not found");
	mkdir(spath("b1/dir"), 0755);
	ok(!paths_find_on_path("dir", path, NULL, 0), "a directory is not found");
	ok(!paths_find_on_path("../b1/tool", path, NULL, 0), "a name with '/' is never searched");
	ok(!paths_find_on_path("", path, NULL, 0), "an empty name is never searched");
	put_exe("cwdtool");
	if (chdir(scratch) == 0)
		ok(!paths_find_on_path("cwdtool", ":", NULL, 0),
		   "an empty PATH element (the current directory) is skipped");
	setenv("PATH", path, 1);
	ok(paths_find_on_path("tool", NULL, NULL, 0), "NULL path_env reads $PATH");
	setenv("PATH", "/nonexistent-fixkb", 1);
}

int main(void)
{
	scratch_init();
	test_home_and_display();
	test_find();
	scratch_done();
	return tap_done();
}
