/* t-localsecrets — the secrets stored here, and helper output scrubbed
 * of them (docker/localsecrets.h, docker/credhelper.h). */
#include "docker/credhelper.h"
#include "docker/localsecrets.h"
#include "util/clock.h"
#include "t-lib-cfg.h"

static char *scrub(const struct localsecrets *l, const char *text)
{
	struct buf b = BUF_INIT(0);

	if (localsecrets_scrub(&b, l, text, strlen(text)) < 0)
		return NULL;
	return buf_detach(&b, NULL);
}

static void check(const struct localsecrets *l, const char *text, const char *want, const char *name)
{
	char *got = scrub(l, text);

	is_str(got, want, "%s", name);
	free(got);
}

static void test_collect(void)
{
	struct localsecrets l = LOCALSECRETS_INIT;
	struct err e = ERR_INIT;
	char json[1024], *got;

	snprintf(json, sizeof(json), "{\"auths\":{\"a.io\":{\"auth\":\"%s\"},\"b.io\":{\"identitytoken\":\"tok-%s\"},"
		 "\"c.io\":{\"username\":\"u\",\"password\":\"hunter22\"},\"d.io\":{\"registrytoken\":\"rt\"}}}",
		 canary_auth("alice"), CANARY);
	put("home/.docker/config.json", json);
	put("run/containers/auth.json", "{\"auths\":{\"e.io\":{\"auth\":\"Ym9iOnMzY3JldC1wdw==\"}}}");   /* bob:s3cret-pw */
	setenv("DOCKER_AUTH_CONFIG", "{\"auths\":{\"f.io\":{\"auth\":\"Y2k6ZGFjLXNlY3JldA==\"}}}", 1);  /* ci:dac-secret */
	setenv("AWS_SECRET_ACCESS_KEY", "aws/secret+key", 1);
	ok(localsecrets_collect(&l, NULL, &e) == 0, "collect: %s", e.msg);
	unsetenv("DOCKER_AUTH_CONFIG");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	got = scrub(&l, "pw " CANARY " tok-" CANARY " hunter22 s3cret-pw dac-secret aws/secret+key rt");
	ok(got && !leaks(got), "the canary is gone: %s", got ? got : "(null)");
	ok(got && !strstr(got, "hunter22") && !strstr(got, "s3cret-pw") && !strstr(got, "dac-secret") &&
	   !strstr(got, "aws/secret+key"), "config.json, auth.json, DOCKER_AUTH_CONFIG and AWS secrets gone");
	ok(got && strstr(got, " rt"), "a 2-byte secret is left alone (it would match everywhere)");
	free(got);
	check(&l, "base64: aHVudGVyMjI= end", "base64: [redacted]= end", "a secret's base64 too");
	check(&l, "no secret here: docker-credential-pass, exit status 1",
	      "no secret here: docker-credential-pass, exit status 1", "ordinary text is kept");
	localsecrets_release(&l);
	rm_rel("home/.docker/config.json");
	rm_rel("run/containers/auth.json");
}

static void test_shapes(void)
{
	check(NULL, "token=abc123def456", "token=***", "token=… (util/redact)");
	check(NULL, "Authorization: Basic YWxpY2U6cHc=", "Authorization: Basic ***", "Basic credentials");
	check(NULL, "pass fxkC4n4ryUNIT7e3Zq7e3Zq rejected", "pass [opaque] rejected",
	      "a long run of letters and digits: opaque");
	check(NULL, "docker-credential-secretservice_linux.c", "docker-credential-secretservice_linux.c",
	      "long words without digits stay");
	check(NULL, "pass not initialized: exit status 1: Error: password store is empty. Try \"pass init\".",
	      "pass not initialized: exit status 1: Error: password store is empty. Try \"pass init\".",
	      "pass's error stays readable");
}

/* The pure interpretation half scrubs shapes; credhelper_get_in adds the
 * stored secrets (through a real helper script). */
static void test_helper(void)
{
	struct credhelper_result r = CREDHELPER_RESULT_INIT;
	struct err e = ERR_INIT;
	const char *so = "login failed: password " CANARY "999 rejected";
	char json[512], path[700];

	ok(credhelper_interpret(&r, 1, so, strlen(so), 0, "x", 1, &e) == 0, "interpret");
	ok(!leaks(r.output) && !leaks(r.docker_message) && strstr(r.output, "[opaque]"),
	   "interpret: opaque run hidden: %s", r.output);
	credhelper_result_release(&r);

	snprintf(json, sizeof(json), "{\"auths\":{\"g.io\":{\"auth\":\"%s\"}},\"credsStore\":\"leaky\"}",
		 canary_auth("alice"));
	put("home/.docker/config.json", json);
	put("bin/docker-credential-leaky", "#!/bin/sh\necho \"bad pw " CANARY "\"; echo \"" CANARY "\" >&2; exit 1\n");
	chmod(spath("bin/docker-credential-leaky"), 0755);
	snprintf(path, sizeof(path), "%s", spath("bin"));
	setenv("PATH", path, 1);
	ok(credhelper_get_in(&r, NULL, "leaky", "g.io", clock_now_ms() + 5000, &e) == 0, "ran the helper");
	is_str(credhelper_status_name(r.status), "failed", "it failed");
	ok(!leaks(r.output) && !leaks(r.docker_message), "stored secret not in output or message: %s",
	   r.docker_message);
	ok(strstr(r.docker_message, "bad pw [redacted]") != NULL, "replaced, the rest kept");
	credhelper_result_release(&r);
	setenv("PATH", "/nonexistent-fixkb", 1);
	rm_rel("home/.docker/config.json");
}

int main(void)
{
	scratch_init();
	test_collect();
	test_shapes();
	test_helper();
	scratch_done();
	return tap_done();
}
