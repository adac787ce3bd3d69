/* The audit's pattern matchers: .dockerignore as BuildKit applies it
 * (cases from moby/patternmatcher 5a6d842 patternmatcher_test.go
 * TestMatches, and fsutil's directory skipping), .gitignore (cases after
 * git's t/t3070-wildmatch.sh), Go's filepath.Clean. */
#include <stdlib.h>
#include <string.h>

#include "audit/dockerignore.h"
#include "audit/gitignore.h"
#include "tap.h"

static int excluded(const char *ignore, const char *path)
{
	struct dockerignore d = DOCKERIGNORE_INIT;
	struct err e = ERR_INIT;
	int r;

	if (dockerignore_parse(&d, ignore, strlen(ignore), &e) < 0) {
		printf("# parse error: %s\n", e.msg);
		return -1;
	}
	r = dockerignore_excluded(&d, path);
	dockerignore_release(&d);
	return r;
}

struct dcase {
	const char *pattern, *path;
	int want;
};

/* patternmatcher's TestMatches (the file-path cases) */
static const struct dcase pm_cases[] = {
	{ "**", "file", 1 }, { "**/", "file", 1 }, { "**", "dir/file", 1 },
	{ "**/", "dir/file", 1 }, { "**/**", "dir/file", 1 }, { "dir/**", "dir/file", 1 },
	{ "dir/**", "dir/dir2/file", 1 }, { "**/dir", "dir", 1 }, { "**/dir", "dir/file", 1 },
	{ "**/dir2/*", "dir/dir2/file", 1 }, { "**/dir2/**", "dir/dir2/dir3/file", 1 },
	{ "**file", "file", 1 }, { "**file", "dir/file", 1 }, { "**/file", "dir/file", 1 },
	{ "**file", "dir/dir/file", 1 }, { "**/file", "dir/dir/file", 1 },
	{ "**/file*", "dir/dir/file", 1 }, { "**/file*", "dir/dir/file.txt", 1 },
	{ "**/file*txt", "dir/dir/file.txt", 1 }, { "**/file*.txt", "dir/dir/file.txt", 1 },
	{ "**/file*.txt*", "dir/dir/file.txt", 1 }, { "**/**/*.txt", "dir/dir/file.txt", 1 },
	{ "**/**/*.txt2", "dir/dir/file.txt", 0 }, { "**/*.txt", "file.txt", 1 },
	{ "**/**/*.txt", "file.txt", 1 }, { "a**/*.txt", "a/file.txt", 1 },
	{ "a**/*.txt", "a/dir/file.txt", 1 }, { "a**/*.txt", "a/dir/dir/file.txt", 1 },
	{ "a/*.txt", "a/dir/file.txt", 0 }, { "a/*.txt", "a/file.txt", 1 },
	{ "a/*.txt**", "a/file.txt", 1 }, { "a[b-d]e", "ae", 0 }, { "a[b-d]e", "ace", 1 },
	{ "a[b-d]e", "aae", 0 }, { "a[^b-d]e", "aze", 1 }, { ".*", ".foo", 1 },
	{ ".*", "foo", 0 }, { "abc.def", "abcdef", 0 }, { "abc.def", "abc.def", 1 },
	{ "abc.def", "abcZdef", 0 }, { "abc?def", "abcZdef", 1 }, { "abc?def", "abcdef", 0 },
	{ "a\\\\", "a\\", 1 }, { "**/foo/bar", "foo/bar", 1 }, { "**/foo/bar", "dir/foo/bar", 1 },
	{ "**/foo/bar", "dir/dir2/foo/bar", 1 }, { "abc/**", "abc", 0 },
	{ "abc/**", "abc/def", 1 }, { "abc/**", "abc/def/ghi", 1 }, { "**/.foo", ".foo", 1 },
	{ "**/.foo", "bar.foo", 0 }, { "a(b)c/def", "a(b)c/def", 1 },
	{ "a(b)c/def", "a(b)c/xyz", 0 }, { "a.|)$(}+{bc", "a.|)$(}+{bc", 1 },
	{ "dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", 1 },
	{ "a\\*b", "a*b", 1 },
	/* '?' is one character: a two-byte UTF-8 one too */
	{ "caf?", "caf\xc3\xa9", 1 }, { "caf?", "caf\xc3\xa9x", 0 },
	/* ignorefile.ReadAll: a leading slash is dropped, the pattern cleaned */
	{ "/secrets", "secrets/x", 1 }, { "./a/../b", "b", 1 }, { " # not a comment", "# not a comment", 1 },
};

static void dockerignore_cases(void)
{
	char ign[512];
	size_t i;

	for (i = 0; i < sizeof(pm_cases) / sizeof(pm_cases[0]); i++) {
		snprintf(ign, sizeof(ign), "%s\n", pm_cases[i].pattern);
		is_int(excluded(ign, pm_cases[i].path), pm_cases[i].want, "dockerignore '%s' vs '%s'",
		       pm_cases[i].pattern, pm_cases[i].path);
	}
	/* patternmatcher's multi-pattern cases */
	is_int(excluded("**\n!util/docker/web\n", "util/docker/web/foo"), 0, "** then !dir re-includes below it");
	is_int(excluded("**\n!util/docker/web\nutil/docker/web/foo\n", "util/docker/web/foo"), 1,
	       "a later pattern excludes again");
	is_int(excluded("**\n!dist/*.whl\n", "dist/x.whl"), 0, "!dist/*.whl re-includes");
	/* fsutil: an excluded directory is skipped unless an exception points inside it */
	is_int(excluded(".docker\n!.docker/config.json\n", ".docker/config.json"), 0,
	       "an exception naming the file re-includes it");
	is_int(excluded(".docker\n!**/config.json\n", ".docker/config.json"), 0,
	       "a glob exception keeps the directory walked (no prefix-only skip)");
	is_int(excluded("secrets\n!other/x\n", "secrets/config.json"), 1,
	       "an exception elsewhere does not reopen an excluded dir");
	is_int(excluded("*\n!src\n", ".docker/config.json"), 1, "* excludes every top-level entry");
	is_int(excluded("*\n!src\n", "src/a/.docker/config.json"), 0, "!src re-includes its tree");
	is_int(excluded("# comment\n\n.git\n", ".docker/config.json"), 0, "comments and blanks");
	is_int(excluded("\xef\xbb\xbf.docker\n", ".docker/config.json"), 1, "a BOM on the first line");
	is_int(excluded(".docker\r\n", ".docker/config.json"), 1, "CRLF lines");
	is_int(excluded("**/.docker\n", "a/b/.docker/config.json"), 1, "**/.docker at any depth");
	is_int(excluded(".docker/\n", ".docker/config.json"), 1, "a trailing slash is cleaned away");
	is_int(excluded("!\n", "x"), -1, "a lone ! is refused (BuildKit fails)");
	is_int(excluded("[\n", "x"), -1, "an unclosed class is refused");
	is_int(excluded("", "x"), 0, "no patterns: nothing excluded");
}

static void clean_cases(void)
{
	static const char *const cases[][2] = {
		{ "", "." }, { "abc", "abc" }, { "abc/def", "abc/def" }, { "a/b/c", "a/b/c" },
		{ ".", "." }, { "..", ".." }, { "../..", "../.." }, { "../../abc", "../../abc" },
		{ "/abc", "/abc" }, { "/", "/" }, { "abc/", "abc" }, { "abc/def/", "abc/def" },
		{ "a/b/c/", "a/b/c" }, { "./", "." }, { "../", ".." }, { "../../", "../.." },
		{ "/abc/", "/abc" }, { "abc//def//ghi", "abc/def/ghi" }, { "//abc", "/abc" },
		{ "///abc", "/abc" }, { "//abc//", "/abc" }, { "abc//", "abc" },
		{ "abc/./def", "abc/def" }, { "/./abc/def", "/abc/def" }, { "abc/.", "abc" },
		{ "abc/def/ghi/../jkl", "abc/def/jkl" }, { "abc/def/../ghi/../jkl", "abc/jkl" },
		{ "abc/def/..", "abc" }, { "abc/def/../..", "." }, { "/abc/def/../..", "/" },
		{ "abc/def/../../..", ".." }, { "/abc/def/../../..", "/" },
		{ "abc/def/../../../ghi/jkl/../../../mno", "../../mno" }, { "/../abc", "/abc" },
	};
	char out[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dockerignore_clean(out, sizeof(out), cases[i][0]);
		is_str(out, cases[i][1], "filepath.Clean(\"%s\")", cases[i][0]);
	}
}

static int gi(const char *text, const char *rel, int is_dir)
{
	struct gitignore g = GITIGNORE_INIT;
	const char *name = strrchr(rel, '/');
	int r;

	gitignore_parse(&g, text, strlen(text));
	r = gitignore_match(&g, rel, name ? name + 1 : rel, is_dir);
	gitignore_release(&g);
	return r;
}

static void gitignore_cases(void)
{
	/* wildmatch, WM_PATHNAME (git t3070) */
	ok(gitignore_wildmatch("foo", "foo"), "wildmatch literal");
	ok(!gitignore_wildmatch("foo", "bar"), "wildmatch literal mismatch");
	ok(gitignore_wildmatch("???", "foo"), "wildmatch ???");
	ok(gitignore_wildmatch("*", "foo"), "wildmatch *");
	ok(!gitignore_wildmatch("*", "foo/bar"), "* does not cross /");
	ok(gitignore_wildmatch("f*", "foo"), "f*");
	ok(gitignore_wildmatch("*f", "oof"), "*f");
	ok(gitignore_wildmatch("*foo*", "foo"), "*foo*");
	ok(gitignore_wildmatch("[ab]ar", "bar"), "[ab]ar");
	ok(gitignore_wildmatch("[!a]ar", "bar") && !gitignore_wildmatch("[!a]ar", "aar"), "[!a]");
	ok(gitignore_wildmatch("[^a]ar", "bar"), "[^a]");
	ok(gitignore_wildmatch("[a-c]x", "bx") && !gitignore_wildmatch("[a-c]x", "dx"), "ranges");
	ok(gitignore_wildmatch("[]]", "]"), "a leading ] is literal");
	ok(gitignore_wildmatch("\\*", "*") && !gitignore_wildmatch("\\*", "x"), "escaped *");
	ok(gitignore_wildmatch("**/foo", "foo"), "**/foo matches foo");
	ok(gitignore_wildmatch("**/foo", "a/b/foo"), "**/foo at depth");
	ok(gitignore_wildmatch("foo/**", "foo/a/b"), "foo/** everything inside");
	ok(!gitignore_wildmatch("foo/**", "foo"), "foo/** not foo itself");
	ok(gitignore_wildmatch("a/**/b", "a/b") && gitignore_wildmatch("a/**/b", "a/x/y/b"),
	   "a/**/b: zero or more directories");
	ok(!gitignore_wildmatch("a**b", "a/b"), "a**b: plain stars, no /");
	ok(!gitignore_wildmatch("[a", "a"), "an unclosed class matches nothing");
	/* a hostile pattern ends in bounded time */
	ok(!gitignore_wildmatch("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
				"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	   "exponential pattern: no match, within the step budget");
	/* .gitignore files */
	is_int(gi("build\n", "build", 1), 1, "a name at the top");
	is_int(gi("build\n", "a/b/build", 1), 1, "a name at any depth");
	is_int(gi("/build\n", "a/build", 1), -1, "a leading / anchors");
	is_int(gi("/build\n", "build", 1), 1, "anchored at the top");
	is_int(gi("docs/out\n", "x/docs/out", 1), -1, "a middle / anchors");
	is_int(gi("out/\n", "out", 0), -1, "a trailing / is dirs only");
	is_int(gi("out/\n", "out", 1), 1, "and matches the dir");
	is_int(gi("*.log\n!keep.log\n", "keep.log", 0), 0, "negation re-includes");
	is_int(gi("!keep\nkeep\n", "keep", 1), 1, "the last match wins");
	is_int(gi("# comment\n\\#hash\n", "#hash", 0), 1, "\\# is literal");
	is_int(gi("\\!bang\n", "!bang", 0), 1, "\\! is literal");
	is_int(gi("trail  \n", "trail", 0), 1, "trailing spaces dropped");
	is_int(gi("sp\\ \n", "sp ", 0), 1, "an escaped trailing space kept");
	is_int(gi("**/node\n", "a/node", 1), 1, "**/ at the start");
	is_int(gi("a/**\n", "a/b/c", 1), 1, "/** at the end");
}

int main(void)
{
	dockerignore_cases();
	clean_cases();
	gitignore_cases();
	return tap_done();
}
