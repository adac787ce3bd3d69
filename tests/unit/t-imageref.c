/* t-imageref — image references (docker's ParseNormalizedNamed), registry
 * names and Dockerfile FROM lines. */
#include "docker/imageref.h"
#include "t-lib-cfg.h"

static void test_refs(void)
{
	static const struct { const char *in, *domain, *registry, *path, *tag, *digest; } t[] = {
		{ "alpine", "docker.io", "docker.io", "library/alpine", "latest", "" },
		{ "alpine:3.19", "docker.io", "docker.io", "library/alpine", "3.19", "" },
		{ "user/img", "docker.io", "docker.io", "user/img", "latest", "" },
		{ "docker.io/alpine", "docker.io", "docker.io", "library/alpine", "latest", "" },
		{ "index.docker.io/library/alpine", "docker.io", "docker.io", "library/alpine", "latest", "" },
		{ "registry-1.docker.io/library/alpine", "registry-1.docker.io", "docker.io", "library/alpine", "latest", "" },
		{ "ghcr.io/o/i:tag", "ghcr.io", "ghcr.io", "o/i", "tag", "" },
		{ "host:5000/x/y@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "host:5000", "host:5000", "x/y", "", "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
		{ "localhost/x", "localhost", "localhost", "x", "latest", "" },
		{ "localhost:5000/x:1", "localhost:5000", "localhost:5000", "x", "1", "" },
		{ "foo/bar/baz", "docker.io", "docker.io", "foo/bar/baz", "latest", "" },
		{ "a.b/c__d-e.f", "a.b", "a.b", "c__d-e.f", "latest", "" },
		{ "[::1]:5000/x", "[::1]:5000", "[::1]:5000", "x", "latest", "" },
		{ "Docker.io/library/alpine", "Docker.io", "Docker.io", "library/alpine", "latest", "" },
		{ "INDEX.docker.io/x/y", "INDEX.docker.io", "INDEX.docker.io", "x/y", "latest", "" },
	};
	static const struct { const char *in, *err; } bad[] = {
		{ "Alpine", "invalid reference format: repository name (library/Alpine) must be lowercase" },
		{ "ghcr.io/Owner/img", "must be lowercase" },
		{ "", "invalid reference format" },
		{ "alpine:", "invalid reference format" },
		{ "a//b", "invalid reference format" },
		{ "alpine@sha256:123", "invalid checksum digest length" },
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "cannot specify 64-byte hexadecimal strings" },
		{ "-x/y", "invalid reference format" },
		{ "[::ffff:1.2.3.4]:5000/x", "invalid reference format" },   /* DomainRegexp: hex and ':' only */
		{ "Upper/Case", "invalid reference format" },                 /* "Upper" is a host, "Case" upper-case */
	};
	struct image_ref r;
	struct err e = ERR_INIT;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err_clear(&e);
		if (!ok(image_ref_parse(&r, t[i].in, &e) == 0, "parse %s", t[i].in)) {
			diag(e.msg);
			continue;
		}
		is_str(r.domain, t[i].domain, "%s: domain", t[i].in);
		is_str(r.registry, t[i].registry, "%s: registry", t[i].in);
		is_str(r.path, t[i].path, "%s: path", t[i].in);
		is_str(r.tag, t[i].tag, "%s: tag", t[i].in);
		is_str(r.digest, t[i].digest, "%s: digest", t[i].in);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		ok(image_ref_parse(&r, bad[i].in, &e) < 0 && strstr(e.msg, bad[i].err), "reject '%s': %s", bad[i].in, e.msg);
	}
}

static void from_case(const char *name, const char *df, const char *want)
{
	struct err e = ERR_INIT;
	json_t *arr = NULL;
	char *s;

	if (!ok(dockerfile_from_images_text(&arr, df, strlen(df), &e) == 0, "%s: parses", name)) {
		diag(e.msg);
		return;
	}
	s = json_dumps(arr, JSON_COMPACT);
	is_str(s, want, "%s", name);
	free(s);
	json_decref(arr);
}

static void test_dockerfile(void)
{
	struct err e = ERR_INIT;
	json_t *arr = NULL;

	from_case("simple", "FROM alpine\nRUN true\n", "[\"alpine\"]");
	from_case("platform and AS", "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM gcr.io/distroless/static\nCOPY --from=build /x /x\n",
		  "[\"golang:1.22\",\"gcr.io/distroless/static\"]");
	from_case("scratch skipped", "FROM scratch\n", "[]");
	from_case("stage names skipped", "FROM node:20 AS Deps\nFROM deps AS build\nFROM nginx\n", "[\"node:20\",\"nginx\"]");
	from_case("ARG before FROM", "ARG REG=ghcr.io\nARG TAG=\"1.2\"\nFROM ${REG}/o/i:$TAG\n", "[\"ghcr.io/o/i:1.2\"]");
	from_case("ARG defaults chain", "ARG A=quay.io\nARG B=${A}/x\nFROM $B\n", "[\"quay.io/x\"]");
	from_case("${V:-default}", "ARG V\nFROM ${V:-debian}:12\n", "[\"debian:12\"]");
	from_case("${V:+alt}", "ARG V=1\nFROM img${V:+-slim}\n", "[\"img-slim\"]");
	from_case("ARG after FROM not used", "FROM a\nARG X=b\nFROM $X\n", "[\"a\"]");
	from_case("continuation and comments", "# a comment\nFROM \\\n# inside\n  --platform=linux/amd64 \\\n  ghcr.io/o/i \\\n  AS x\n",
		  "[\"ghcr.io/o/i\"]");
	from_case("lower-case instruction, CRLF", "from alpine:3\r\nrun x\r\n", "[\"alpine:3\"]");
	from_case("escape directive", "# escape=`\nFROM `\n  alpine\n", "[\"alpine\"]");
	from_case("duplicates once", "FROM a\nFROM a\n", "[\"a\"]");
	from_case("empty", "", "[]");
	ok(dockerfile_from_images(&arr, "/nonexistent/Dockerfile", &e) < 0 && strstr(e.msg, "/nonexistent/Dockerfile"),
	   "unreadable file named: %s", e.msg);
	err_clear(&e);
	mkdir(spath("ctx"), 0700);
	ok(dockerfile_from_images(&arr, spath("ctx"), &e) < 0 && strstr(e.msg, "not a regular file"), "directory refused");
	put("ctx/Dockerfile", "FROM ghcr.io/a/b\n");
	err_clear(&e);
	ok(dockerfile_from_images(&arr, spath("ctx/Dockerfile"), &e) == 0 && json_array_size(arr) == 1, "from a file");
	json_decref(arr);
}

int main(void)
{
	scratch_init();
	test_refs();
	test_dockerfile();
	scratch_done();
	return tap_done();
}
