/* t-clients — installed client versions (docker/clients.h): the version
 * text each client prints, read from shell scripts on PATH that print it
 * (the real docker CLI is checked in t2010), and the rules gated on them. */
#include "docker/clients.h"
#include "util/clock.h"
#include "t-lib-cfg.h"

static void parse(const char *text, const char *want)
{
	int a, b, c;
	char out[32] = "";
	int rc = clients_parse_version(text, strlen(text), &a, &b, &c, out, sizeof(out));

	if (want)
		is_str(rc == 0 ? out : "(none)", want, "version in '%s'", text);
	else
		ok(rc < 0, "no version in '%s' (got %s)", text, out);
}

static void test_parse(void)
{
	parse("Docker version 28.2.2, build e6534b4", "28.2.2");
	parse("Docker version 28.3.0-rc.1, build 1234567", "28.3.0");
	parse("github.com/docker/buildx v0.26.1 1a8287f", "0.26.1");
	parse("github.com/docker/buildx 0.12.1+ds1-1 0.12.1+ds1-1", "0.12.1");
	parse("buildctl github.com/moby/buildkit v0.23.2 91d3d5c", "0.23.2");
	parse("podman version 4.3.1", "4.3.1");
	parse("skopeo version 1.9.3", "1.9.3");
	parse("buildah version 1.28.2 (image-spec 1.0.2-dev, runtime-spec 1.0.2-dev)", "1.28.2");
	parse("28.1", "28.1.0");
	parse("version v2", NULL);
	parse("foo2.3.4 bar", NULL);
	parse("", NULL);
}

static char bindir[700];

/* bin/NAME: a shell script; body is its text after the #! line */
static void script(const char *name, const char *body)
{
	char rel[128], text[2048];

	snprintf(rel, sizeof(rel), "bin/%s", name);
	snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body);
	chmod(put(rel, text), 0755);
}

static const struct clients *fresh(void)
{
	clients_reset();
	return clients_get(NULL);
}

static void fake_docker(const char *cli, const char *buildx)
{
	char body[1024];

	snprintf(body, sizeof(body),
		 "case \"$1\" in\n"
		 "--version) echo 'Docker version %s, build e6534b4';;\n"
		 "buildx) %s;;\n"
		 "*) exit 1;;\nesac",
		 cli, buildx ? buildx : "echo \"docker: unknown command: docker buildx\" >&2; exit 1");
	script("docker", body);
}

static void test_gate_docker(void)
{
	const struct clients *cl;
	struct dac_gate g;
	char buildx[256];

	rm_rel("bin");
	cl = fresh();
	is_int(cl->c[CLIENT_DOCKER].state, CLIENT_ABSENT, "no docker on PATH: absent");
	clients_dac_gate(&g, cl);
	ok(g.reads && g.assumed, "no client: DOCKER_AUTH_CONFIG assumed read (%s)", g.why);

	fake_docker("28.2.2", NULL);
	cl = fresh();
	is_str(cl->c[CLIENT_DOCKER].version, "28.2.2", "docker --version read");
	is_int(cl->c[CLIENT_BUILDX].state, CLIENT_ABSENT, "docker buildx unknown command: absent");
	clients_dac_gate(&g, cl);
	ok(!g.reads && !g.assumed, "docker 28.2.2 does not read DOCKER_AUTH_CONFIG");
	ok(strstr(g.why, "docker CLI 28.2.2 does not read") != NULL, "why: %s", g.why);

	fake_docker("28.3.0", NULL);
	clients_dac_gate(&g, fresh());
	ok(g.reads && !g.assumed, "docker 28.3.0 reads it");

	fake_docker("29.0.1", NULL);
	clients_dac_gate(&g, fresh());
	ok(g.reads, "docker 29.0.1 reads it");

	fake_docker("28.3.0", "echo 'github.com/docker/buildx v0.25.0 faa0cc7'");
	cl = fresh();
	is_str(cl->c[CLIENT_BUILDX].version, "0.25.0", "docker buildx version read");
	clients_dac_gate(&g, cl);
	ok(!g.reads, "buildx 0.25 runs the build: not read, though docker CLI 28.3 would");
	ok(strstr(g.why, "buildx 0.25.0") && strstr(g.why, "docker CLI 28.3.0 (docker pull/push/login) reads it"),
	   "why names both: %s", g.why);

	snprintf(buildx, sizeof(buildx), "echo 'github.com/docker/buildx v0.26.1 1a8287f'");
	fake_docker("28.2.2", buildx);
	clients_dac_gate(&g, fresh());
	ok(g.reads, "buildx 0.26.1 with docker CLI 28.2.2: the build reads it (%s)", g.why);

	/* podman's docker shim is not a docker CLI */
	script("docker", "echo 'podman version 4.3.1'");
	cl = fresh();
	ok(cl->c[CLIENT_DOCKER].is_podman_shim, "podman-docker shim recognised");
	clients_dac_gate(&g, cl);
	ok(!g.reads && strstr(g.why, "podman") != NULL, "the shim never reads it: %s", g.why);

	/* a docker that prints nothing usable, one that hangs */
	script("docker", "echo 'hello'");
	cl = fresh();
	is_int(cl->c[CLIENT_DOCKER].state, CLIENT_UNKNOWN, "no version printed: unknown");
	script("docker", "exec /bin/sleep 30");
	{
		double t0 = clock_now_ms();

		cl = fresh();
		ok(clock_now_ms() - t0 < CLIENTS_EACH_MS + 1000, "a hung docker is given up on (%.0f ms)",
		   clock_now_ms() - t0);
	}
	is_int(cl->c[CLIENT_DOCKER].state, CLIENT_UNKNOWN, "hung: unknown");
	ok(strstr(cl->c[CLIENT_DOCKER].note, "did not answer") != NULL, "hung: %s", cl->c[CLIENT_DOCKER].note);
	rm_rel("bin/docker");

	/* buildctl alone */
	script("buildctl", "echo 'buildctl github.com/moby/buildkit v0.24.0 2b1f3d5'");
	clients_dac_gate(&g, fresh());
	ok(g.reads && strstr(g.why, "buildctl 0.24.0"), "buildctl 0.24 reads it: %s", g.why);
	script("buildctl", "echo 'buildctl github.com/moby/buildkit v0.23.2 91d3d5c'");
	clients_dac_gate(&g, fresh());
	ok(!g.reads, "buildctl 0.23 does not");
	rm_rel("bin/buildctl");
}

static void test_gate_cimage(void)
{
	const struct clients *cl;
	int assumed;

	rm_rel("bin");
	put("bin/.keep", "");
	cl = fresh();
	ok(clients_authfile_exclusive(cl, CLIENT_SKOPEO, &assumed) == 1 && assumed,
	   "no skopeo: the current c/image (authfile alone) assumed");
	script("skopeo", "echo 'skopeo version 1.9.3'");
	ok(clients_authfile_exclusive(fresh(), CLIENT_SKOPEO, &assumed) == 0 && !assumed,
	   "skopeo 1.9.3 (c/image 5.23): the authfile is not read alone");
	script("skopeo", "echo 'skopeo version 1.11.0'");
	ok(clients_authfile_exclusive(fresh(), CLIENT_SKOPEO, &assumed) == 1 && !assumed,
	   "skopeo 1.11.0 (c/image 5.24): alone");
	script("podman", "echo 'podman version 4.3.1'");
	ok(clients_authfile_exclusive(fresh(), CLIENT_PODMAN, &assumed) == 0, "podman 4.3.1: not alone");
	script("podman", "echo 'podman version 4.4.0'");
	ok(clients_authfile_exclusive(fresh(), CLIENT_PODMAN, &assumed) == 1, "podman 4.4.0: alone");
	rm_rel("bin/podman");
	script("skopeo", "echo 'skopeo version 1.9.3'");
	ok(clients_authfile_exclusive(fresh(), CLIENT_PODMAN, &assumed) == 0 && !assumed,
	   "no podman or buildah: skopeo 1.9.3's c/image decides (not alone)");
	script("buildah", "echo 'buildah version 1.28.2 (image-spec 1.0.2-dev, runtime-spec 1.0.2-dev)'");
	ok(clients_authfile_exclusive(fresh(), CLIENT_PODMAN, &assumed) == 0 && !assumed,
	   "no podman, buildah 1.28.2: not alone");
	cl = fresh();
	{
		json_t *j = clients_json(cl);
		json_t *b = json_object_get(j, "buildah");

		is_str(json_string_value(json_object_get(b, "version")), "1.28.2", "json: buildah version");
		is_str(json_string_value(json_object_get(json_object_get(j, "podman"), "state")), "absent",
		       "json: podman absent");
		json_decref(j);
	}
}

/* The number of lines in scratch/<rel> (0 when missing). */
static int lines_in(const char *rel)
{
	FILE *f = fopen(spath(rel), "r");
	int c, n = 0;

	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* bin/docker reporting version, counting its runs in scratch/runs (one
 * line each); versions of one length give scripts of one size. */
static void counting_docker(const char *version)
{
	char body[512];

	snprintf(body, sizeof(body),
		 "echo run >> '%s/runs'\ncase \"$1\" in\n--version) echo 'Docker version %s, build x';;\n"
		 "*) exit 1;;\nesac", scratch, version);
	script("docker", body);
}

/* The version cache between runs (docker/clientcache.h): a client whose
 * program did not change is not run again; a changed program, a buildx
 * plugin that appears, a bad cache file are asked again. */
static void test_cache(void)
{
	const struct clients *cl;
	struct stat st;

	rm_rel("bin");
	rm_rel("home/.cache");
	put("bin/.keep", "");
	counting_docker("28.2.2");
	cl = fresh();
	is_str(cl->c[CLIENT_DOCKER].version, "28.2.2", "first run: asked");
	is_int(lines_in("runs"), 2, "docker ran twice (--version, buildx)");
	/* stat first: an argument list is evaluated in no set order */
	if (stat(spath("home/.cache/fixkb/clients.json"), &st) < 0)
		memset(&st, 0, sizeof(st));
	ok((st.st_mode & 0777) == 0600, "the cache: ~/.cache/fixkb/clients.json, 0600 (%o)",
	   (unsigned)(st.st_mode & 0777));
	if (stat(spath("home/.cache/fixkb"), &st) < 0)
		memset(&st, 0, sizeof(st));
	ok((st.st_mode & 0777) == 0700, "in a 0700 directory (%o)", (unsigned)(st.st_mode & 0777));
	cl = fresh();
	is_str(cl->c[CLIENT_DOCKER].version, "28.2.2", "second run: the same answer");
	is_int(cl->c[CLIENT_BUILDX].state, CLIENT_ABSENT, "... buildx still absent");
	is_str(cl->c[CLIENT_DOCKER].binary, spath("bin/docker"), "... and the program's path");
	is_int(lines_in("runs"), 2, "from the cache: docker did not run again");

	/* the same size, rewritten at once: the contents decide */
	counting_docker("28.3.0");
	cl = fresh();
	is_str(cl->c[CLIENT_DOCKER].version, "28.3.0", "docker rewritten (same size): asked again");
	is_int(lines_in("runs"), 4, "it ran again");

	/* a buildx plugin appears in the config dir: buildx is asked again */
	put("home/.docker/cli-plugins/docker-buildx", "#!/bin/sh\n");
	chmod(spath("home/.docker/cli-plugins/docker-buildx"), 0755);
	fresh();
	is_int(lines_in("runs"), 5, "a docker-buildx plugin appeared: buildx asked again, docker not");
	rm_rel("home/.docker/cli-plugins");

	/* a cache file that is not what fixkb writes: ignored, replaced */
	put("home/.cache/fixkb/clients.json", "{\"format\":1,\"clients\":[1,2");
	cl = fresh();
	is_str(cl->c[CLIENT_DOCKER].version, "28.3.0", "a broken cache: asked");
	cl = fresh();
	is_int(lines_in("runs"), 7, "... and the cache rewritten (docker ran for the broken one only)");

	/* XDG_CACHE_HOME wins over HOME */
	setenv("XDG_CACHE_HOME", spath("xdg-cache"), 1);
	mkdir(spath("xdg-cache"), 0700);
	fresh();
	ok(stat(spath("xdg-cache/fixkb/clients.json"), &st) == 0, "$XDG_CACHE_HOME/fixkb/clients.json");
	unsetenv("XDG_CACHE_HOME");
	rm_rel("bin/docker");
	rm_rel("runs");
}

int main(void)
{
	scratch_init();
	snprintf(bindir, sizeof(bindir), "%s/bin", scratch);
	setenv("PATH", bindir, 1);
	test_parse();
	test_gate_docker();
	test_gate_cimage();
	test_cache();
	clients_reset();
	scratch_done();
	return tap_done();
}
