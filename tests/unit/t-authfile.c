/* t-authfile — containers/image auth files (facts §7). */
#include "docker/authfile.h"
#include "t-lib-cfg.h"

static void load(struct authfile *f, const char *text, int legacy)
{
	struct err e = ERR_INIT;

	authfile_release(f);
	authfile_load_text(f, "mem.json", legacy, text, strlen(text), &e);
}

static void test_chain(void)
{
	struct authfile_chain c;
	struct settings s = SETTINGS_INIT;
	struct err e = ERR_INIT;
	char want[1200];
	int tool;

	for (tool = AUTHFILE_SKOPEO; tool <= AUTHFILE_PODMAN; tool++) {
		authfile_chain(&c, &s, (enum authfile_tool)tool, 1, &e);
		is_int(c.n, 4, "tool %d, no variables: runtime, config, docker, dockercfg", tool);
	}
	ok(!c.given && !c.note[0], "nothing given, nothing skipped");
	snprintf(want, sizeof(want), "%s", spath("run/containers/auth.json"));
	is_str(c.p[0].path, want, "XDG_RUNTIME_DIR first");
	snprintf(want, sizeof(want), "%s/.config/containers/auth.json", getenv("HOME"));
	is_str(c.p[1].path, want, "~/.config/containers/auth.json");
	snprintf(want, sizeof(want), "%s/.docker/config.json", getenv("HOME"));
	is_str(c.p[2].path, want, "~/.docker/config.json");
	ok(c.p[3].legacy && strstr(c.p[3].path, ".dockercfg"), "~/.dockercfg last, legacy");

	/* getPathToAuthWithOS: a runtime dir that does not exist is skipped */
	setenv("XDG_RUNTIME_DIR", spath("no-such-run"), 1);
	authfile_chain(&c, &s, AUTHFILE_SKOPEO, 1, &e);
	ok(c.n == 3 && strstr(c.note, "does not exist"), "missing XDG_RUNTIME_DIR: skipped (%s)", c.note);
	unsetenv("XDG_RUNTIME_DIR");
	setenv("XDG_CONFIG_HOME", "/xc", 1);
	authfile_chain(&c, &s, AUTHFILE_SKOPEO, 1, &e);
	ok(strncmp(c.p[0].path, "/run/containers/", 16) == 0 && strstr(c.p[0].path, "/auth.json"),
	   "no XDG_RUNTIME_DIR: /run/containers/<uid>/auth.json (%s)", c.p[0].path);
	is_str(c.p[1].path, "/xc/containers/auth.json", "XDG_CONFIG_HOME honoured");
	setenv("XDG_RUNTIME_DIR", spath("run"), 1);

	/* DOCKER_CONFIG: skopeo keeps the whole chain, DOCKER_CONFIG's file third */
	setenv("DOCKER_CONFIG", "/dc", 1);
	authfile_chain(&c, &s, AUTHFILE_SKOPEO, 1, &e);
	ok(c.n == 4 && !c.given && strcmp(c.p[2].path, "/dc/config.json") == 0,
	   "skopeo with DOCKER_CONFIG: runtime, config, $DOCKER_CONFIG/config.json, dockercfg");
	snprintf(want, sizeof(want), "%s", spath("run/containers/auth.json"));
	is_str(c.p[0].path, want, "skopeo with DOCKER_CONFIG: the runtime auth.json still first");
	/* podman/buildah: DOCKER_CONFIG's config.json is the authfile */
	authfile_chain(&c, &s, AUTHFILE_PODMAN, 1, &e);
	ok(c.n == 1 && c.given && c.exclusive && strcmp(c.p[0].path, "/dc/config.json") == 0,
	   "podman with DOCKER_CONFIG, c/image >= 5.24: only its config.json");
	authfile_chain(&c, &s, AUTHFILE_PODMAN, 0, &e);
	ok(c.n == 4 && strcmp(c.p[0].path, "/dc/config.json") == 0 &&
	   strcmp(c.p[1].path, "/xc/containers/auth.json") == 0 &&
	   strcmp(c.p[2].path, "/dc/config.json") == 0 && c.p[3].legacy,
	   "podman with DOCKER_CONFIG, c/image < 5.24: authfile, config, docker, dockercfg (no runtime file)");
	s.config_dir = "/cfgdir";
	authfile_chain(&c, &s, AUTHFILE_PODMAN, 1, &e);
	is_str(c.p[0].path, "/cfgdir/config.json", "--config stands for DOCKER_CONFIG");
	s.config_dir = NULL;

	/* REGISTRY_AUTH_FILE: the authfile for every tool */
	setenv("REGISTRY_AUTH_FILE", "/raf.json", 1);
	for (tool = AUTHFILE_SKOPEO; tool <= AUTHFILE_PODMAN; tool++) {
		authfile_chain(&c, &s, (enum authfile_tool)tool, 1, &e);
		ok(c.n == 1 && strcmp(c.p[0].path, "/raf.json") == 0,
		   "tool %d, REGISTRY_AUTH_FILE, c/image >= 5.24: the only file", tool);
		authfile_chain(&c, &s, (enum authfile_tool)tool, 0, &e);
		ok(c.n == 4 && strcmp(c.p[0].path, "/raf.json") == 0 &&
		   strcmp(c.p[2].path, "/dc/config.json") == 0,
		   "tool %d, REGISTRY_AUTH_FILE, c/image < 5.24: then the default tail", tool);
	}
	unsetenv("REGISTRY_AUTH_FILE");
	unsetenv("DOCKER_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
}

static void test_lookup(void)
{
	struct authfile f = AUTHFILE_INIT;
	struct authfile_match m = AUTHFILE_MATCH_INIT;
	struct err e = ERR_INIT;
	char json[2048];

	snprintf(json, sizeof(json),
		 "{\"auths\":{\"quay.io\":{\"auth\":\"%s\"},\"quay.io/a\":{\"auth\":\"dTE6cDE=\"},"
		 "\"https://index.docker.io/v1/\":{\"auth\":\"aHViOnA=\"},\"nocolon.io\":{\"auth\":\"bm9jb2xvbg==\"},"
		 "\"bad.io\":{\"auth\":\"%%%%\"},\"helper.io\":{\"auth\":\"dTpw\"},\"empty.io\":{},"
		 "\"Username.io\":{\"username\":\"u\",\"password\":\"p\"}},"
		 "\"credHelpers\":{\"helper.io\":\"h\"},\"credsStore\":\"desktop\"}", canary_auth("alice"));
	load(&f, json, 0);
	ok(!f.broken, "loads");
	is_str(f.creds_store, "desktop", "credsStore seen (to report it is ignored)");
	authfile_lookup(&m, &f, "quay.io", NULL, &e);
	ok(m.hit == AUTHFILE_AUTH && strcmp(m.username, "alice") == 0, "registry key");
	authfile_lookup(&m, &f, "quay.io", "quay.io/a/b", &e);
	ok(m.hit == AUTHFILE_AUTH && strcmp(m.key, "quay.io/a") == 0 && strcmp(m.username, "u1") == 0,
	   "quay.io/a/b → parent quay.io/a");
	authfile_lookup(&m, &f, "quay.io", "quay.io/c/d", &e);
	ok(m.hit == AUTHFILE_AUTH && strcmp(m.key, "quay.io") == 0, "quay.io/c/d → quay.io");
	authfile_lookup(&m, &f, "docker.io", NULL, &e);
	ok(m.hit == AUTHFILE_AUTH && strcmp(m.username, "hub") == 0, "docker.io → normalised https://index.docker.io/v1/");
	authfile_lookup(&m, &f, "nocolon.io", NULL, &e);
	ok(m.hit == AUTHFILE_NONE && strstr(m.warning, "missing semicolon"), "no ':' skipped with a warning: %s", m.warning);
	authfile_lookup(&m, &f, "bad.io", NULL, &e);
	ok(m.hit == AUTHFILE_ERROR && strstr(m.error, "illegal base64"), "bad base64 fails: %s", m.error);
	authfile_lookup(&m, &f, "helper.io", NULL, &e);
	ok(m.hit == AUTHFILE_HELPER && strcmp(m.helper, "h") == 0, "credHelpers first");
	authfile_lookup(&m, &f, "empty.io", NULL, &e);
	ok(m.hit == AUTHFILE_NONE && m.warning[0] == '\0', "{} entry: nothing, no warning");
	authfile_lookup(&m, &f, "Username.io", NULL, &e);
	ok(m.hit == AUTHFILE_NONE, "username/password fields ignored");
	ok(!leaks(m.error) && !leaks(m.warning), "no canary in messages");
	authfile_match_release(&m);

	load(&f, "{\"auths\":{\"https://r.io/v2/\":{\"auth\":\"dTpw\"},\"http://r.io\":{\"auth\":\"dTpw\"}}}", 0);
	authfile_lookup(&m, &f, "r.io", NULL, &e);
	ok(m.hit == AUTHFILE_AUTH && m.ambiguous, "two keys normalise to r.io: ambiguous");
	load(&f, "{\"auths\":{\"r.io/ns\":{\"auth\":\"dTpw\"}}}", 0);
	authfile_lookup(&m, &f, "r.io", NULL, &e);
	ok(m.hit == AUTHFILE_NONE, "a namespace key without scheme is not the registry");
	load(&f, "{\"http://r.io/v1/\":{\"auth\":\"dTpw\"}}", 1);
	authfile_lookup(&m, &f, "r.io", NULL, &e);
	ok(m.hit == AUTHFILE_AUTH, "legacy format: top-level map, URL keys");
	load(&f, "{\"AUTHS\":{\"r.io\":{\"Auth\":\"dTpw\",\"IdentityToken\":\"t\"}}}", 0);
	authfile_lookup(&m, &f, "r.io", NULL, &e);
	ok(m.hit == AUTHFILE_AUTH && m.identity_token.len == 1, "case-insensitive fields, identitytoken");
	load(&f, "{} x", 0);
	ok(f.broken, "trailing data is an error for json.Unmarshal");
	load(&f, "", 0);
	ok(f.broken, "empty file is an error for c/image");
	snprintf(json, sizeof(json), "{\"auths\":{\"r.io\":{\"auth\":\"%s\"", canary_auth("alice"));
	load(&f, json, 0);
	ok(f.broken && !leaks(f.error), "truncated file: error without secret: %s", f.error);
	authfile_match_release(&m);
	authfile_release(&f);
	mkdir(spath("d.json"), 0700);
	authfile_load(&f, spath("d.json"), 0, &e);
	ok(f.broken && strstr(f.error, "not a regular file"), "directory refused");
	authfile_release(&f);
}

int main(void)
{
	scratch_init();
	test_chain();
	test_lookup();
	scratch_done();
	return tap_done();
}
