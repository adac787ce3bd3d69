/* t-dockerfile — the base images of a Dockerfile: FROM lines, global
 * ARGs, stage names, continuations and the escape directive; the secret
 * and ssh mounts of its RUN steps. */
#include "docker/dockerfile.h"
#include "t-lib-cfg.h"

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
	from_case("continuation at the end of the file", "FROM \\\n  alpine \\", "[\"alpine\"]");
	from_case("blank line inside a continuation", "FROM \\\n\n  alpine\n", "[\"alpine\"]");
	from_case("directives only at the top", "# syntax=docker/dockerfile:1\n# escape=`\nFROM `\n alpine\n",
		  "[\"alpine\"]");
	from_case("a directive after a comment is a comment", "# hello\n# escape=`\nFROM a\\\n b\n",
		  "[\"a\"]");
	{
		static const char nul[] = "FROM a\0junk\nFROM b\n";

		ok(dockerfile_from_images_text(&arr, nul, sizeof(nul) - 1, &e) == 0 &&
		   json_array_size(arr) == 2 && strcmp(json_string_value(json_array_get(arr, 1)), "b") == 0,
		   "a NUL byte ends its line only");
		json_decref(arr);
		arr = NULL;
	}
	ok(dockerfile_from_images(&arr, "/nonexistent/Dockerfile", &e) < 0 && strstr(e.msg, "/nonexistent/Dockerfile"),
	   "unreadable file named: %s", e.msg);
	err_clear(&e);
	mkdir(spath("ctx"), 0700);
	ok(dockerfile_from_images(&arr, spath("ctx"), &e) < 0 && strstr(e.msg, "not a regular file"), "directory refused");
	put("ctx/Dockerfile", "FROM ghcr.io/a/b\n");
	err_clear(&e);
	ok(dockerfile_from_images(&arr, spath("ctx/Dockerfile"), &e) == 0 && json_array_size(arr) == 1, "from a file");
	json_decref(arr);
	err_clear(&e);
	{
		char *big = malloc(DOCKERFILE_MAX + 2);
		FILE *f = fopen(spath("ctx/Big"), "w");

		memset(big, '#', DOCKERFILE_MAX + 1);
		ok(f && fwrite(big, 1, DOCKERFILE_MAX + 1, f) == DOCKERFILE_MAX + 1, "a big file written");
		if (f)
			fclose(f);
		free(big);
		ok(dockerfile_from_images(&arr, spath("ctx/Big"), &e) < 0 && strstr(e.msg, "too large"),
		   "over DOCKERFILE_MAX refused: %s", e.msg);
	}
}

static void mount_case(const char *name, const char *df, const char *want)
{
	struct err e = ERR_INIT;
	json_t *arr = NULL;
	char *s;

	if (!ok(dockerfile_run_mounts_text(&arr, df, strlen(df), &e) == 0, "%s: parses", name)) {
		diag(e.msg);
		return;
	}
	s = json_dumps(arr, JSON_COMPACT | JSON_SORT_KEYS);
	is_str(s, want, "mounts: %s", name);
	free(s);
	json_decref(arr);
}

static void test_mounts(void)
{
	struct err e = ERR_INIT;
	json_t *arr = NULL;

	mount_case("secret by id", "FROM a\nRUN --mount=type=secret,id=npmrc cat /run/secrets/npmrc\n",
		   "[{\"id\":\"npmrc\",\"line\":2,\"required\":false,\"type\":\"secret\"}]");
	mount_case("id from the target's base name, required alone",
		   "FROM a\nRUN --mount=type=secret,target=/root/.aws/credentials,required true\n",
		   "[{\"id\":\"credentials\",\"line\":2,\"required\":true,\"target\":\"/root/.aws/credentials\",\"type\":\"secret\"}]");
	mount_case("source is the id, keys any case, env kept",
		   "FROM a\nRUN --mount=TYPE=secret,Source=tok,env=TOKEN,required=false x\n",
		   "[{\"env\":\"TOKEN\",\"id\":\"tok\",\"line\":2,\"required\":false,\"type\":\"secret\"}]");
	mount_case("ssh default id", "FROM a\nRUN --mount=type=ssh git clone git@github.com:o/r\n",
		   "[{\"id\":\"default\",\"line\":2,\"required\":false,\"type\":\"ssh\"}]");
	mount_case("ssh named, over a continuation; line of the RUN",
		   "FROM a\n\nRUN --mount=type=cache,target=/c \\\n    --mount=type=ssh,id=github,required \\\n    make\n",
		   "[{\"id\":\"github\",\"line\":3,\"required\":true,\"type\":\"ssh\"}]");
	mount_case("global ARG substituted", "ARG SID=pip\nFROM a\nRUN --mount=type=secret,id=${SID}conf x\n",
		   "[{\"id\":\"pipconf\",\"line\":3,\"required\":false,\"type\":\"secret\"}]");
	mount_case("bind and cache left out; a secret without id or target too",
		   "FROM a\nRUN --mount=type=bind,target=/x --mount=type=secret,mode=0400 --mount=target=/y x\n", "[]");
	mount_case("flags after the command are not mounts", "FROM a\nRUN echo --mount=type=secret,id=x\n", "[]");
	mount_case("two RUNs, two stages",
		   "FROM a AS one\nRUN --mount=type=secret,id=a x\nFROM b\nRUN --network=none --mount=type=secret,id=b y\n",
		   "[{\"id\":\"a\",\"line\":2,\"required\":false,\"type\":\"secret\"},"
		   "{\"id\":\"b\",\"line\":4,\"required\":false,\"type\":\"secret\"}]");
	mount_case("no RUN", "FROM a\n", "[]");
	put("ctx/Mounts", "FROM a\nRUN --mount=type=ssh x\n");
	ok(dockerfile_run_mounts(&arr, spath("ctx/Mounts"), &e) == 0 && json_array_size(arr) == 1,
	   "mounts from a file");
	json_decref(arr);
	err_clear(&e);
	ok(dockerfile_run_mounts(&arr, "/nonexistent/Dockerfile", &e) < 0 && strstr(e.msg, "/nonexistent"),
	   "mounts: unreadable file named");
}

int main(void)
{
	scratch_init();
	test_dockerfile();
	test_mounts();
	scratch_done();
	return tap_done();
}
