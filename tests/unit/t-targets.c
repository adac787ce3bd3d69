/* t-targets.c — the registries doctor looks at (targets.h): added once
 * each with the first origin, an image and the base-image flag filled in
 * later; --image references normalised as docker does (Docker Hub for a
 * bare name); Dockerfile FROM lines with global ARGs, stages, flags,
 * continuations, scratch, unusable lines kept as warnings; every
 * registry in the credential configuration, normalised, once. (The
 * implicit docker.io when nothing names a registry is doctor's:
 * tests/integration/t2001-doctor.sh.) */
#include "targets.h"

#include "t-lib-cfg.h"

static const struct target *find(const struct targets *t, const char *registry)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->items[i].registry, registry) == 0)
			return &t->items[i];
	return NULL;
}

/* Warning i, or "" */
static const char *warning(const struct targets *t, size_t i)
{
	const char *w = json_string_value(json_array_get(t->warnings, i));

	return w ? w : "";
}

/* The origin of registry's target, or "(none)" */
static const char *origin_of(const struct targets *t, const char *registry)
{
	const struct target *it = find(t, registry);

	return it ? it->origin : "(none)";
}

static int count(const struct targets *t, const char *registry)
{
	size_t i;
	int n = 0;

	for (i = 0; i < t->n; i++)
		n += strcmp(t->items[i].registry, registry) == 0;
	return n;
}

/* "reg1 reg2 ..." in order */
static const char *list(const struct targets *t)
{
	static char out[2048];
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < t->n && o < sizeof(out); i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", i ? " " : "", t->items[i].registry);
	return out;
}

static void add_and_dedup(void)
{
	struct targets t = TARGETS_INIT;
	const struct target *it;
	struct err e = ERR_INIT;
	int i;

	ok(targets_add(&t, "ghcr.io", NULL, "--registry", 0) == 0, "add ghcr.io");
	ok(targets_add(&t, "ghcr.io", "ghcr.io/o/app:1", "FROM in Dockerfile", 1) == 0, "add it again with an image");
	it = find(&t, "ghcr.io");
	if (!ok(it != NULL, "ghcr.io is a target"))
		return;
	is_int(t.n, 1, "one target");
	is_str(it->origin, "--registry", "the first origin is kept");
	is_str(it->image, "ghcr.io/o/app:1", "the image is filled in");
	is_int(it->base_image, 1, "and the base-image flag");
	targets_add(&t, "ghcr.io", "ghcr.io/o/other:2", "--image", 0);
	is_str(it->image, "ghcr.io/o/app:1", "a known image is not replaced");
	is_int(it->base_image, 1, "the flag is not cleared");
	is_int(it->implicit, 0, "not implicit");

	ok(targets_add_image(&t, "alpine", "--image", &e) == 0, "--image alpine");
	it = find(&t, "docker.io");
	ok(it && strcmp(it->image, "alpine") == 0 && it->base_image, "alpine: docker.io, the image as given, a base image");
	ok(targets_add_image(&t, "index.docker.io/library/node:20", "--image", &e) == 0 &&
	   count(&t, "docker.io") == 1, "index.docker.io is Docker Hub: still one target");
	ok(targets_add_image(&t, "localhost:5000/x/y@sha256:" "0123456789abcdef0123456789abcdef"
			     "0123456789abcdef0123456789abcdef", "--image", &e) == 0 &&
	   find(&t, "localhost:5000"), "localhost:5000 with a digest");
	ok(targets_add_image(&t, "localhost/x", "--image", &e) == 0 && find(&t, "localhost"),
	   "localhost is a registry");
	ok(targets_add_image(&t, "library/alpine", "--image", &e) == 0 && count(&t, "docker.io") == 1,
	   "library/alpine: Docker Hub");
	ok(targets_add_image(&t, "Owner/App", "--image", &e) < 0, "an upper-case repository is refused");
	ok(strstr(e.msg, "Owner/App") != NULL && strstr(e.msg, "invalid reference format") != NULL,
	   "the error names the image and says why (%s)", e.msg);
	is_str(list(&t), "ghcr.io docker.io localhost:5000 localhost", "in the order added");
	for (i = 0; i < 40; i++) {
		char reg[64];

		snprintf(reg, sizeof(reg), "r%d.example", i);
		targets_add(&t, reg, NULL, "--registry", 0);
	}
	ok(t.n == 44 && strcmp(t.items[43].registry, "r39.example") == 0 &&
	   strcmp(t.items[0].registry, "ghcr.io") == 0, "grows past its first allocation");
	targets_release(&t);
	ok(t.n == 0 && t.items == NULL, "targets_release empties it");
	targets_release(&t);
}

static void dockerfile(void)
{
	struct targets t = TARGETS_INIT;
	const struct target *it;
	struct err e = ERR_INIT;
	const char *path;
	char want[1024];

	path = put("ctx/Dockerfile",
		"# syntax=docker/dockerfile:1\n"
		"ARG REG=ghcr.io\n"
		"ARG TAG\n"
		"ARG OWNER=acme\n"
		"FROM ${REG}/$OWNER/base:1 AS build\n"
		"ARG LATE=late.example.com\n"
		"RUN echo from build\n"
		"FROM --platform=$BUILDPLATFORM quay.io/team/tool:${TAG:-2} AS tool\n"
		"# FROM commented.example.com/x\n"
		"FROM \\\n"
		"    registry.example.com:5000/app/runtime:3\n"
		"FROM build AS test\n"
		"FROM alpine:3.19\n"
		"FROM ghcr.io/acme/base:1\n"
		"FROM scratch\n"
		"FROM ${LATE}/stage-scoped:1\n"
		"FROM Bad/Upper:1\n"
		"COPY --from=tool /x /x\n");
	ok(targets_add(&t, "quay.io", NULL, "--registry", 0) == 0, "--registry quay.io first");
	ok(targets_add_dockerfile(&t, path, 0, &e) == 0, "reads the Dockerfile (%s)", e.msg);
	is_str(list(&t), "quay.io ghcr.io registry.example.com:5000 docker.io",
	       "registries of the FROM lines, in order, once; stages and scratch left out");
	it = find(&t, "ghcr.io");
	is_str(it ? it->image : "", "ghcr.io/acme/base:1", "global ARGs (with default) substituted");
	ok(it && it->base_image, "a FROM image is a base image");
	snprintf(want, sizeof(want), "FROM in %s", path);
	is_str(it ? it->origin : "", want, "the origin names the Dockerfile");
	it = find(&t, "quay.io");
	is_str(it ? it->image : "", "quay.io/team/tool:2", "${TAG:-2}: the default; --platform ignored");
	is_str(it ? it->origin : "", "--registry", "quay.io keeps its first origin");
	it = find(&t, "registry.example.com:5000");
	is_str(it ? it->image : "", "registry.example.com:5000/app/runtime:3", "a FROM continued on the next line");
	it = find(&t, "docker.io");
	is_str(it ? it->image : "", "alpine:3.19", "alpine is Docker Hub");
	ok(!find(&t, "late.example.com") && !find(&t, "commented.example.com"),
	   "an ARG after the first FROM is not global; comments are not FROM lines");
	ok(json_array_size(t.warnings) == 2, "the two unusable FROM lines are kept as warnings (%zu)",
	   json_array_size(t.warnings));
	ok(strstr(warning(&t, 0), "/stage-scoped:1") && strstr(warning(&t, 0), path),
	   "a warning names the file and the reference (%s)", warning(&t, 0));
	ok(strstr(warning(&t, 1), "Bad/Upper") != NULL, "and the upper-case one (%s)", warning(&t, 1));
	targets_release(&t);
	ok(t.warnings == NULL, "targets_release frees the warnings");

	path = put("ctx2/Dockerfile", "# escape=`\nFROM `\n  docker.io/library/node:20 AS n\nFROM n\n");
	ok(targets_add_dockerfile(&t, path, 0, &e) == 0 && t.n == 1 &&
	   strcmp(t.items[0].registry, "docker.io") == 0 &&
	   strcmp(t.items[0].image, "docker.io/library/node:20") == 0,
	   "the escape directive changes the continuation character (%s)", list(&t));
	targets_release(&t);

	ok(targets_add_dockerfile(&t, spath("nosuch/Dockerfile"), 1, &e) == 0 && t.n == 0,
	   "a missing optional Dockerfile is not an error");
	e = (struct err)ERR_INIT;
	ok(targets_add_dockerfile(&t, spath("nosuch/Dockerfile"), 0, &e) < 0, "a missing --context Dockerfile is");
	ok(strstr(e.msg, spath("nosuch/Dockerfile")) && strstr(e.msg, "No such file"),
	   "the error names the file and why (%s)", e.msg);
	e = (struct err)ERR_INIT;
	ok(targets_add_dockerfile(&t, spath("ctx"), 1, &e) < 0, "a directory is not a Dockerfile, even optional");
	ok(strstr(e.msg, spath("ctx")) != NULL, "the error names it (%s)", e.msg);
	targets_release(&t);
}

static void configured(void)
{
	struct targets t = TARGETS_INIT;
	struct settings s = SETTINGS_INIT;
	char cfg[1024];

	snprintf(cfg, sizeof(cfg),
		 "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"%s\"},"
		 "\"ghcr.io\":{},\"https://quay.io/v2/\":{}},"
		 "\"credHelpers\":{\"123456789012.dkr.ecr.us-east-1.amazonaws.com\":\"ecr-login\"}}",
		 canary_auth("alice"));
	put("home/.docker/config.json", cfg);
	put("run/containers/auth.json",
	    "{\"auths\":{\"ghcr.io\":{},\"podman.example.com\":{}},"
	    "\"credHelpers\":{\"helper.example.com\":\"pass\"}}");
	unsetenv("DOCKER_CONFIG");
	setenv("XDG_RUNTIME_DIR", spath("run"), 1);
	setenv("DOCKER_AUTH_CONFIG", "{\"auths\":{\"dac.example.com\":{}}}", 1);
	ok(targets_add(&t, "podman.example.com", "podman.example.com/x:1", "--image", 1) == 0,
	   "a registry named before");
	ok(targets_add_configured(&t, &s) == 0, "targets_add_configured");
	ok(find(&t, "docker.io") && find(&t, "ghcr.io") && find(&t, "quay.io") &&
	   find(&t, "123456789012.dkr.ecr.us-east-1.amazonaws.com"),
	   "~/.docker/config.json auths and credHelpers, normalised (%s)", list(&t));
	ok(find(&t, "dac.example.com") != NULL, "DOCKER_AUTH_CONFIG's registries (%s)", list(&t));
	ok(find(&t, "helper.example.com") != NULL,
	   "$XDG_RUNTIME_DIR/containers/auth.json's credHelpers (%s)", list(&t));
	is_int(count(&t, "ghcr.io"), 1, "ghcr.io (in two files) once");
	is_int(count(&t, "podman.example.com"), 1, "podman.example.com once");
	is_str(origin_of(&t, "podman.example.com"), "--image", "... with the origin it had");
	is_str(origin_of(&t, "ghcr.io"), "credential configuration", "the others say where they came from");
	ok(!find(&t, "https://index.docker.io/v1/") && !find(&t, "https://quay.io/v2/"),
	   "no unnormalised keys");
	is_int(t.n, 7, "seven registries (%s)", list(&t));
	ok(find(&t, "ghcr.io") && find(&t, "ghcr.io")->image[0] == '\0' && !find(&t, "ghcr.io")->base_image,
	   "configured registries have no image and are no base image");
	targets_release(&t);

	/* DOCKER_CONFIG set: docker reads only its config.json, podman and
	 * buildah too (their --authfile default), but skopeo still reads
	 * $XDG_RUNTIME_DIR/containers/auth.json first (t2200, real skopeo);
	 * ~/.docker/config.json is nobody's any more */
	put("docker/config.json", "{\"auths\":{\"docker-config.example.com\":{}}}");
	setenv("DOCKER_CONFIG", spath("docker"), 1);
	unsetenv("DOCKER_AUTH_CONFIG");
	ok(targets_add_configured(&t, &s) == 0 && find(&t, "docker-config.example.com") &&
	   find(&t, "helper.example.com") && find(&t, "podman.example.com") &&
	   !find(&t, "quay.io") && !find(&t, "123456789012.dkr.ecr.us-east-1.amazonaws.com"),
	   "DOCKER_CONFIG: its config.json, and skopeo's runtime auth.json (%s)", list(&t));
	targets_release(&t);

	s.config_dir = spath("other");
	put("other/config.json", "{\"auths\":{\"other.example.com\":{}}}");
	ok(targets_add_configured(&t, &s) == 0 && find(&t, "other.example.com") &&
	   !find(&t, "docker-config.example.com"), "--config DIR wins over DOCKER_CONFIG (%s)", list(&t));
	targets_release(&t);
	unsetenv("DOCKER_CONFIG");
	unsetenv("XDG_RUNTIME_DIR");
}

/* A configuration with more registries than TARGETS_CONFIGURED_MAX: the
 * first ones in the files' order, the rest counted in a warning; a
 * registry already named is neither counted against the cap nor lost. */
static void configured_cap(void)
{
	struct targets t = TARGETS_INIT;
	struct settings s = SETTINGS_INIT;
	char cfg[8192], name[64];
	size_t o = 0;
	int i;

	o += (size_t)snprintf(cfg + o, sizeof(cfg) - o, "{\"auths\":{");
	for (i = 0; i < 100; i++)
		o += (size_t)snprintf(cfg + o, sizeof(cfg) - o, "%s\"reg%02d.example.com\":{}",
				      i ? "," : "", i);
	snprintf(cfg + o, sizeof(cfg) - o, "}}");
	put("home/.docker/config.json", cfg);
	unsetenv("DOCKER_CONFIG");
	unsetenv("DOCKER_AUTH_CONFIG");
	unsetenv("XDG_RUNTIME_DIR");
	ok(targets_add(&t, "reg99.example.com", NULL, "--registry", 0) == 0, "the last one named first");
	ok(targets_add_configured(&t, &s) == 0, "targets_add_configured over 100 registries");
	is_int((int)t.n, TARGETS_CONFIGURED_MAX + 1, "the named one and the first %d configured",
	       TARGETS_CONFIGURED_MAX);
	snprintf(name, sizeof(name), "reg%02d.example.com", TARGETS_CONFIGURED_MAX - 1);
	ok(find(&t, "reg00.example.com") && find(&t, name), "reg00 .. %s, in the file's order", name);
	snprintf(name, sizeof(name), "reg%02d.example.com", TARGETS_CONFIGURED_MAX);
	ok(!find(&t, name), "not %s", name);
	is_str(origin_of(&t, "reg99.example.com"), "--registry", "the named one keeps its origin");
	is_int((int)json_array_size(t.warnings), 1, "one warning");
	ok(strstr(warning(&t, 0), "names 100 registries: this run checks the first 64 ") &&
	   strstr(warning(&t, 0), "the other 35 are not checked (name one with --registry HOST or --image REF)"),
	   "it counts the rest and says how: %s", warning(&t, 0));
	targets_release(&t);

	put("home/.docker/config.json", "{\"auths\":{\"a.example.com\":{},\"b.example.com\":{}}}");
	ok(targets_add_configured(&t, &s) == 0 && t.n == 2 && !t.warnings, "under the cap: all, no warning");
	targets_release(&t);
}

int main(void)
{
	scratch_init();
	add_and_dedup();
	dockerfile();
	configured();
	configured_cap();
	scratch_done();
	return tap_done();
}
