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
	struct authfile_path c[AUTHFILE_CHAIN_MAX];
	struct settings s = SETTINGS_INIT;
	struct err e = ERR_INIT;
	char want[1200];
	size_t n;

	authfile_chain(c, &n, &s, &e);
	is_int(n, 4, "default chain: runtime, config, docker, dockercfg");
	snprintf(want, sizeof(want), "%s", spath("run/containers/auth.json"));
	is_str(c[0].path, want, "XDG_RUNTIME_DIR first");
	snprintf(want, sizeof(want), "%s/.config/containers/auth.json", getenv("HOME"));
	is_str(c[1].path, want, "~/.config/containers/auth.json");
	snprintf(want, sizeof(want), "%s/.docker/config.json", getenv("HOME"));
	is_str(c[2].path, want, "~/.docker/config.json");
	ok(c[3].legacy && strstr(c[3].path, ".dockercfg"), "~/.dockercfg last, legacy");
	unsetenv("XDG_RUNTIME_DIR");
	setenv("XDG_CONFIG_HOME", "/xc", 1);
	authfile_chain(c, &n, &s, &e);
	ok(strncmp(c[0].path, "/run/containers/", 16) == 0 && strstr(c[0].path, "/auth.json"),
	   "no XDG_RUNTIME_DIR: /run/containers/<uid>/auth.json (%s)", c[0].path);
	is_str(c[1].path, "/xc/containers/auth.json", "XDG_CONFIG_HOME honoured");
	setenv("DOCKER_CONFIG", "/dc", 1);
	authfile_chain(c, &n, &s, &e);
	ok(n == 1 && strcmp(c[0].path, "/dc/config.json") == 0, "DOCKER_CONFIG: only its config.json");
	setenv("REGISTRY_AUTH_FILE", "/raf.json", 1);
	authfile_chain(c, &n, &s, &e);
	ok(n == 1 && strcmp(c[0].path, "/raf.json") == 0, "REGISTRY_AUTH_FILE: the only file");
	unsetenv("REGISTRY_AUTH_FILE");
	unsetenv("DOCKER_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
	setenv("XDG_RUNTIME_DIR", spath("run"), 1);
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
