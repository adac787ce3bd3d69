/* t-dockercfg — docker's config.json as the CLI reads it (facts §4). */
#include "docker/dockercfg.h"
#include "docker/regname.h"
#include "t-lib-cfg.h"

static void load_str(struct dockercfg *cfg, const char *text)
{
	struct err e = ERR_INIT;

	dockercfg_release(cfg);
	if (dockercfg_load_text(cfg, "mem.json", text, strlen(text), &e) < 0)
		diag("load_text failed");
}

static void test_lookup(void)
{
	struct dockercfg cfg = DOCKERCFG_INIT;
	const struct dockercfg_entry *en;
	size_t n;

	load_str(&cfg, "{\"auths\":{\"https://ghcr.io/\":{\"username\":\"a\",\"password\":\"p\"},"
		       "\"quay.io\":{\"username\":\"exact\",\"password\":\"p\"},"
		       "\"https://quay.io/v1/\":{\"username\":\"byhost\",\"password\":\"p\"},"
		       "\"r.example\":{\"username\":\"1\",\"password\":\"p\"},"
		       "\"https://r.example/\":{\"username\":\"2\",\"password\":\"p\"},"
		       "\"index.docker.io\":{\"username\":\"hub\",\"password\":\"p\"}}}");
	ok(!cfg.broken, "config loads");
	en = dockercfg_auth_lookup(&cfg, "ghcr.io", &n);
	ok(en && strcmp(en->key, "https://ghcr.io/") == 0, "https://ghcr.io/ matches ghcr.io by hostname");
	en = dockercfg_auth_lookup(&cfg, "quay.io", &n);
	ok(en && strcmp(en->username, "exact") == 0 && n == 0, "exact key wins over a hostname match");
	en = dockercfg_auth_lookup(&cfg, "GHCR.io", &n);
	ok(en == NULL, "matching is case-sensitive");
	load_str(&cfg, "{\"auths\":{\"HTTPS://u@ghcr.io:443/v2/\":{\"username\":\"a\",\"password\":\"p\"}}}");
	en = dockercfg_auth_lookup(&cfg, "ghcr.io:443", &n);
	ok(en && n == 1, "a URL key matches by its host[:port] (docker CLI v29 ConvertToHostname)");
	load_str(&cfg, "{\"auths\":{\"https://ghcr.io/\":{\"username\":\"a\",\"password\":\"p\"},"
		       "\"quay.io\":{\"username\":\"exact\",\"password\":\"p\"},"
		       "\"https://quay.io/v1/\":{\"username\":\"byhost\",\"password\":\"p\"},"
		       "\"index.docker.io\":{\"username\":\"hub\",\"password\":\"p\"}}}");
	en = dockercfg_auth_lookup(&cfg, REGNAME_HUB_AUTH_KEY, &n);
	ok(en == NULL, "Hub reads only the literal https://index.docker.io/v1/ (index.docker.io is never read)");
	dockercfg_release(&cfg);
	load_str(&cfg, "{\"auths\":{\"https://r.example/\":{\"auth\":\"dTpw\"},\"r.example/x\":{\"auth\":\"dTpw\"}}}");
	en = dockercfg_auth_lookup(&cfg, "r.example", &n);
	ok(en != NULL && n == 2, "two keys normalise to the same host: ambiguity reported (n=%zu)", n);
	dockercfg_release(&cfg);
}

static void test_auth_decoding(void)
{
	struct dockercfg cfg = DOCKERCFG_INIT;
	char json[1024], user[64];
	struct sensitive pw = SENSITIVE_INIT;
	struct err e = ERR_INIT;
	char *enc;
	static const struct { const char *raw; int ok; const char *user, *pass, *err; } t[] = {
		{ "alice:secret", 1, "alice", "secret", NULL },
		{ "alice:pa:ss", 1, "alice", "pa:ss", NULL },                      /* split at first ':' */
		{ "alice:", 1, "alice", "", NULL },
		{ ":secret", 0, NULL, NULL, "invalid auth configuration file" },   /* empty user */
		{ "alicesecret", 0, NULL, NULL, "invalid auth configuration file" },/* no colon */
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err_clear(&e);
		enc = b64_encode_std(t[i].raw, strlen(t[i].raw));
		is_int(dockercfg_decode_auth(user, sizeof(user), &pw, enc, strlen(enc), &e) == 0, t[i].ok,
		       "decode auth of '%s'", t[i].raw);
		if (t[i].ok) {
			is_str(user, t[i].user, "user of '%s'", t[i].raw);
			is_str(pw.data ? pw.data : "", t[i].pass, "password of '%s'", t[i].raw);
		} else {
			is_str(e.msg, t[i].err, "error for '%s'", t[i].raw);
		}
		free(enc);
	}
	/* trailing NULs are trimmed from the password */
	enc = b64_encode_std("bob:pw\0\0\0", 9);
	err_clear(&e);
	ok(dockercfg_decode_auth(user, sizeof(user), &pw, enc, strlen(enc), &e) == 0 && pw.len == 2 &&
	   memcmp(pw.data, "pw", 2) == 0, "trailing NULs trimmed from the password");
	free(enc);
	err_clear(&e);
	ok(dockercfg_decode_auth(user, sizeof(user), &pw, "YWxpY2U6c2VjcmV0", 16, &e) == 0,
	   "standard base64 without padding need: 16 chars is complete");
	err_clear(&e);
	ok(dockercfg_decode_auth(user, sizeof(user), &pw, "YWxpY2U6c2VjcmV", 15, &e) < 0 &&
	   strstr(e.msg, "illegal base64 data at input byte") != NULL, "unpadded base64 rejected: %s", e.msg);
	err_clear(&e);
	ok(dockercfg_decode_auth(user, sizeof(user), &pw, "YWxp\r\nY2U6c2VjcmV0", 18, &e) == 0 &&
	   strcmp(user, "alice") == 0, "CR/LF inside auth ignored as Go does");
	err_clear(&e);
	ok(dockercfg_decode_auth(user, sizeof(user), &pw, "YWxp-2U6c2VjcmV0", 16, &e) < 0,
	   "URL alphabet rejected");
	sensitive_release(&pw);

	/* auth overrides username/password */
	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\",\"username\":\"other\",\"password\":\"x\"}}}",
		 canary_auth("alice"));
	load_str(&cfg, json);
	ok(!cfg.broken && cfg.nauths == 1, "loads");
	is_str(cfg.auths[0].username, "alice", "auth overrides username");
	ok(cfg.auths[0].password.data && strcmp(cfg.auths[0].password.data, CANARY) == 0,
	   "auth overrides password");
	ok(cfg.auths[0].has_auth, "has_auth set");
	/* an invalid auth fails the whole load */
	load_str(&cfg, "{\"credsStore\":\"desktop\",\"auths\":{\"ghcr.io\":{\"auth\":\"bm9jb2xvbg==\"}}}");
	ok(cfg.broken, "auth without ':' fails the whole load");
	ok(strstr(cfg.error, "invalid auth configuration file") && strstr(cfg.error, "ghcr.io"),
	   "error names docker's message and the key: %s", cfg.error);
	load_str(&cfg, "{\"auths\":{\"ghcr.io\":{\"auth\":\"%%%%\"}}}");
	ok(cfg.broken && strstr(cfg.error, "illegal base64 data at input byte 0"), "bad base64: %s", cfg.error);
	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s!\"}}}", canary_auth("alice"));
	load_str(&cfg, json);
	ok(cfg.broken && !leaks(cfg.error), "bad base64 error holds no secret: %s", cfg.error);
	dockercfg_release(&cfg);
}

static void test_fields(void)
{
	struct dockercfg cfg = DOCKERCFG_INIT;

	load_str(&cfg, "{\"AUTHS\":{\"ghcr.io\":{\"Username\":\"u\",\"PASSWORD\":\"p\",\"IdentityToken\":\"t\","
		       "\"RegistryToken\":\"r\",\"email\":\"x@y\"}},\"CredsStore\":\"desktop\","
		       "\"credhelpers\":{\"gcr.io\":\"gcloud\"}}");
	ok(!cfg.broken, "case-insensitive field names load");
	ok(cfg.nauths == 1 && strcmp(cfg.auths[0].username, "u") == 0, "Username");
	ok(cfg.nauths == 1 && cfg.auths[0].password.len == 1, "PASSWORD");
	ok(cfg.nauths == 1 && cfg.auths[0].identity_token.len == 1, "IdentityToken");
	ok(cfg.nauths == 1 && cfg.auths[0].registry_token.len == 1, "RegistryToken");
	is_str(cfg.creds_store, "desktop", "CredsStore");
	is_str(dockercfg_helper_for(&cfg, "gcr.io"), "gcloud", "credhelpers");
	ok(cfg.contains_auth, "contains auth");
	/* Go folds KELVIN SIGN to k and LONG S to s */
	load_str(&cfg, "{\"cred\xc5\xbf" "Store\":\"pass\",\"auths\":{\"a\":{\"identitytoKen\":\"t\"}}}");
	is_str(cfg.creds_store, "pass", "credſStore matches credsStore");
	load_str(&cfg, "{\"auths\":{\"a\":{\"identityto\xe2\x84\xaa" "en\":\"t\"}}}");
	ok(cfg.nauths == 1 && cfg.auths[0].identity_token.len == 1, "Kelvin sign folds to k");
	/* last one wins */
	load_str(&cfg, "{\"credsStore\":\"a\",\"CREDSSTORE\":\"b\"}");
	is_str(cfg.creds_store, "b", "last duplicate wins");
	load_str(&cfg, "{\"auths\":{\"x\":{\"username\":\"1\"}},\"Auths\":{\"y\":{\"username\":\"2\"}}}");
	is_int(cfg.nauths, 2, "two auths objects merge into one map");
	load_str(&cfg, "{\"auths\":{\"x\":{\"username\":\"1\"}},\"auths \":{}}");
	is_int(cfg.nauths, 1, "'auths ' is not auths");
	load_str(&cfg, "{\"credHelpers\":{\"a\":\"x\"},\"credhelpers\":null}");
	is_int(cfg.nhelpers, 0, "null resets a map, as Go does");
	load_str(&cfg, "{\"credsStore\":\"a\",\"CredsStore\":null}");
	ok(cfg.creds_store != NULL, "null leaves a string alone");
	load_str(&cfg, "{\"auths\":{}}");
	ok(!cfg.contains_auth, "empty auths is no auth setting");
	load_str(&cfg, "{\"psFormat\":\"x\",\"credsStore\":\"\"}");
	ok(!cfg.contains_auth, "empty credsStore is no auth setting");
	dockercfg_release(&cfg);
}

static void test_malformed(void)
{
	struct dockercfg cfg = DOCKERCFG_INIT;
	struct err e = ERR_INIT;
	char json[512];
	FILE *f;
	int i;

	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\" \"x\"}}}", canary_auth("alice"));
	load_str(&cfg, json);
	ok(cfg.broken && cfg.nauths == 0, "syntax error: empty config");
	ok(!leaks(cfg.error), "syntax error message holds no secret: %s", cfg.error);
	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"auth\":%s}}}", CANARY);
	load_str(&cfg, json);
	ok(cfg.broken && !leaks(cfg.error), "bare-token error holds no secret: %s", cfg.error);
	load_str(&cfg, "{\"auths\":5,\"credsStore\":\"desktop\"}");
	ok(cfg.broken && strstr(cfg.error, "cannot unmarshal number"), "type error: %s", cfg.error);
	is_str(cfg.creds_store, "desktop", "type error keeps the fields decoded (Go goes on)");
	load_str(&cfg, "[]");
	ok(cfg.broken, "array at the top is an error");
	load_str(&cfg, "");
	ok(!cfg.broken, "empty file is fine (io.EOF)");
	load_str(&cfg, " \n");
	ok(!cfg.broken, "blank file is fine");
	load_str(&cfg, "null");
	ok(!cfg.broken, "null is fine");
	load_str(&cfg, "{\"credsStore\":\"desktop\"} trailing junk");
	ok(!cfg.broken && cfg.creds_store, "data after the first value is not read (Decoder)");

	/* files */
	dockercfg_release(&cfg);
	ok(dockercfg_load(&cfg, spath("nope/config.json"), &e) == 0 && !cfg.broken && !cfg.exists,
	   "missing file is fine");
	dockercfg_release(&cfg);
	mkdir(spath("dir.json"), 0700);
	ok(dockercfg_load(&cfg, spath("dir.json"), &e) == 0 && cfg.broken &&
	   strstr(cfg.error, "not a regular file"), "directory refused: %s", cfg.error);
	dockercfg_release(&cfg);
	if (symlink("/dev/zero", spath("zero.json")) == 0) {
		ok(dockercfg_load(&cfg, spath("zero.json"), &e) == 0 && cfg.broken &&
		   strstr(cfg.error, "not a regular file"), "symlink to /dev/zero refused: %s", cfg.error);
		dockercfg_release(&cfg);
	}
	f = fopen(spath("huge.json"), "w");
	fputc('{', f);
	for (i = 0; i < (int)(DOCKERCFG_FILE_MAX / 8) + 1; i++)
		fputs("        ", f);
	fputc('}', f);
	fclose(f);
	ok(dockercfg_load(&cfg, spath("huge.json"), &e) == 0 && cfg.broken &&
	   strstr(cfg.error, "too large"), "huge file refused: %s", cfg.error);
	dockercfg_release(&cfg);
	put("unreadable.json", "{}");
	chmod(spath("unreadable.json"), 0);
	if (geteuid() != 0) {
		ok(dockercfg_load(&cfg, spath("unreadable.json"), &e) == 0 && cfg.broken &&
		   strstr(cfg.error, "unreadable.json") && strstr(cfg.error, "Permission denied"),
		   "unreadable file named: %s", cfg.error);
		dockercfg_release(&cfg);
	}
}

static void test_dir_and_autostore(void)
{
	struct settings s = SETTINGS_INIT;
	struct err e = ERR_INIT;
	char out[1024], want[1024], path[1100];

	ok(dockercfg_dir(out, sizeof(out), &s, &e) == 0, "dir from HOME");
	snprintf(want, sizeof(want), "%s/.docker", getenv("HOME"));
	is_str(out, want, "$HOME/.docker");
	setenv("DOCKER_CONFIG", "/x/dc", 1);
	dockercfg_dir(out, sizeof(out), &s, &e);
	is_str(out, "/x/dc", "$DOCKER_CONFIG wins over HOME");
	s.config_dir = "/y/cfg";
	dockercfg_dir(out, sizeof(out), &s, &e);
	is_str(out, "/y/cfg", "--config wins over $DOCKER_CONFIG");
	unsetenv("DOCKER_CONFIG");

	snprintf(path, sizeof(path), "%s:", spath("bin1"));
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "%s", spath("bin2"));
	mkdir(spath("bin1"), 0700);
	mkdir(spath("bin2"), 0700);
	is_str(dockercfg_auto_store(path), "", "no helper: no auto store");
	put_exe("bin2/docker-credential-secretservice");
	is_str(dockercfg_auto_store(path), "secretservice", "docker-credential-secretservice: secretservice");
	put_exe("bin1/pass");
	is_str(dockercfg_auto_store(path), "", "pass on PATH without docker-credential-pass: none (docker does not fall back)");
	put_exe("bin1/docker-credential-pass");
	is_str(dockercfg_auto_store(path), "pass", "pass and docker-credential-pass: pass");
	put("bin2/docker-credential-x", "#!/bin/sh\n");   /* not executable */
	
	ok(dockercfg_helper_name_valid("ecr-login"), "ecr-login valid");
	ok(dockercfg_helper_name_valid("gcloud.v2_x"), "dots and underscores valid");
	ok(!dockercfg_helper_name_valid("../../bin/sh"), "traversal invalid");
	ok(!dockercfg_helper_name_valid("a b"), "space invalid");
	ok(!dockercfg_helper_name_valid(""), "empty invalid");
	ok(!dockercfg_helper_name_valid(".."), ".. invalid");
}

int main(void)
{
	scratch_init();
	test_lookup();
	test_auth_decoding();
	test_fields();
	test_malformed();
	test_dir_and_autostore();
	scratch_done();
	return tap_done();
}
