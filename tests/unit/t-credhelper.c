/* t-credhelper.c — credhelper_get against small fake helpers written to a
 * temp dir put first on PATH: every answer shape docker distinguishes. */
#include "util/clock.h"
#include "docker/credhelper.h"
#include "util/err.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void fake(const char *name, const char *body)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/docker-credential-%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(99);
	}
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, 0755);
}

static void get(struct credhelper_result *r, const char *name, const char *key, double budget)
{
	struct err e = ERR_INIT;

	credhelper_result_release(r);
	if (credhelper_get(r, name, key, clock_now_ms() + budget, &e) < 0)
		printf("# credhelper_get: %s\n", e.msg);
}

static char *slurp(const char *name)
{
	static char data[4096];
	char path[256];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	data[0] = '\0';
	f = fopen(path, "r");
	if (f) {
		n = fread(data, 1, sizeof(data) - 1, f);
		fclose(f);
	}
	data[n] = '\0';
	return data;
}

int main(void)
{
	struct credhelper_result r = CREDHELPER_RESULT_INIT;
	char want_fp[SENSITIVE_FP_MAX], got_fp[SENSITIVE_FP_MAX], path[512], ver[64], msg[200];
	struct err e = ERR_INIT;
	const char *old_path = getenv("PATH");
	double t0, took;

	snprintf(dir, sizeof(dir), "/tmp/fixkb-t-ch.XXXXXX");
	if (!mkdtemp(dir))
		return 99;
	snprintf(path, sizeof(path), "%s:%s", dir, old_path ? old_path : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	setenv("TMPDIR", dir, 1);   /* kept by the scrubbed environment: the fakes report there */
	setenv("GNUPGHOME", "/nonexistent/gnupg", 1);
	setenv("FIXKB_T_SECRET_ENV", "must-not-reach-helpers", 1);
	setenv("LD_PRELOAD", "", 1);

	fake("ok", "cat > \"$TMPDIR/stdin.got\"\n"
		   "[ -z \"$FIXKB_T_SECRET_ENV\" ] || { echo leaked-env; exit 1; }\n"
		   "[ \"$GNUPGHOME\" = /nonexistent/gnupg ] || { echo no-gnupghome; exit 1; }\n"
		   "printf '{\"ServerURL\":\"%s\",\"Username\":\"alice\",\"Secret\":\"s3cr3t\"}\\n' "
		   "\"$(cat \"$TMPDIR/stdin.got\")\"");
	fake("nf", "echo 'credentials not found in native keychain'; exit 1");
	fake("passempty", "k=$(cat); printf '{\"ServerURL\":\"%s\",\"Username\":\"\",\"Secret\":\"\"}\\n' \"$k\"");
	fake("token", "cat >/dev/null; echo '{\"ServerURL\":\"x\",\"Username\":\"<token>\",\"Secret\":\"idtok\"}'");
	fake("lower", "echo '{\"serverurl\":\"x\",\"username\":\"bob\",\"secret\":\"pw\"} trailing junk'");
	fake("garbage", "echo 'hello world'");
	fake("empty", "exit 0");
	fake("dbus", "echo 'Cannot autolaunch D-Bus without X11 $DISPLAY'; exit 1");
	fake("noconn", "echo 'Could not connect: No such file or directory'; exit 1");
	fake("objpath", "echo 'Object does not exist at path \xe2\x80\x9c/org/freedesktop/secrets/collection/login\xe2\x80\x9d'; exit 1");
	fake("passinit", "echo 'pass not initialized: exit status 1: Error: password store is empty. Try \"pass init\".'; exit 1");
	fake("gpg", "echo 'exit status 2: gpg: decryption failed: No secret key'; exit 1");
	fake("nostored", "echo 'No stored credential for ghcr.io'; exit 1");
	fake("leaky", "echo '{\"ServerURL\":\"x\",\"Username\":\"u\",\"Secret\":\"LEAKME\"}'; exit 1");
	fake("hang", "sleep 100; echo never");
	fake("big", "head -c 100000000 /dev/zero");
	fake("bigfail", "head -c 100000000 /dev/zero | tr '\\000' a; exit 1");
	fake("killed", "kill -9 $$");
	fake("exit127", "exit 127");
	fake("vers", "echo 0.6.4");

	get(&r, "ok", "127.0.0.1:5000", 5000);
	is_str(credhelper_status_name(r.status), "found", "ok helper: found");
	is_str(r.cred.username, "alice", "username");
	fingerprint_bytes("s3cr3t", 6, want_fp);
	sensitive_fingerprint(&r.cred.secret, got_fp);
	is_str(got_fp, want_fp, "secret held (fingerprint matches)");
	ok(!r.cred.identity_token, "not an identity token");
	is_str(slurp("stdin.got"), "127.0.0.1:5000", "server key on stdin, no newline");
	is_str(r.server_url, "127.0.0.1:5000", "ServerURL kept");
	ok(!strstr(r.docker_message, "s3cr3t") && !strstr(r.output, "s3cr3t"),
	   "success output is not kept as text");
	is_int(r.exit_code, 0, "exit 0");
	ok(r.binary[0] == '/' && strstr(r.binary, "docker-credential-ok"), "binary path resolved");

	get(&r, "nf", "ghcr.io", 5000);
	is_str(credhelper_status_name(r.status), "not_found", "sentinel: not found");
	is_int(r.exit_code, 1, "sentinel exit 1");
	is_str(r.docker_message, "", "sentinel is no error for docker");

	get(&r, "passempty", "127.0.0.1:1", 5000);
	is_str(credhelper_status_name(r.status), "not_found", "pass 0.6.4 empty quirk: not found");
	is_int(r.exit_code, 0, "quirk exits 0");

	get(&r, "token", "x", 5000);
	is_str(credhelper_status_name(r.status), "found", "<token>: found");
	ok(r.cred.identity_token && r.cred.username[0] == '\0', "<token> is an identity token");
	is_int(r.cred.secret.len, 5, "token kept");

	get(&r, "lower", "x", 5000);
	ok(r.status == CREDHELPER_FOUND && strcmp(r.cred.username, "bob") == 0,
	   "field names are case-insensitive and trailing output ignored (Go decoder)");

	get(&r, "garbage", "x", 5000);
	is_str(credhelper_status_name(r.status), "bad_output", "garbage on exit 0: bad output");
	ok(!strstr(r.docker_message, "hello"), "exit-0 output never quoted");
	get(&r, "empty", "x", 5000);
	ok(r.status == CREDHELPER_BAD_OUTPUT && strcmp(r.docker_message, "EOF") == 0,
	   "empty output on exit 0: EOF, like docker");

	get(&r, "dbus", "x", 5000);
	is_str(credhelper_status_name(r.status), "failed", "D-Bus: failed");
	is_str(credhelper_class_name(r.class), "dbus", "class dbus");
	is_str(r.docker_message,
	       "error getting credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`",
	       "docker's exact message");
	get(&r, "noconn", "x", 5000);
	is_str(credhelper_class_name(r.class), "dbus", "Could not connect: dbus");
	get(&r, "objpath", "x", 5000);
	is_str(credhelper_class_name(r.class), "keyring", "Object does not exist at path: keyring");
	get(&r, "passinit", "x", 5000);
	is_str(credhelper_class_name(r.class), "pass", "pass not initialized: pass");
	get(&r, "gpg", "x", 5000);
	is_str(credhelper_class_name(r.class), "gpg", "No secret key: gpg");
	get(&r, "nostored", "ghcr.io", 5000);
	ok(r.status == CREDHELPER_FAILED && r.class == CREDHELPER_CLASS_NOT_FOUND_TEXT,
	   "non-standard not-found text is a hard error");
	is_str(r.docker_message,
	       "error getting credentials - err: exit status 1, out: `No stored credential for ghcr.io`",
	       "docker's message for it");

	get(&r, "leaky", "x", 5000);
	ok(r.status == CREDHELPER_FAILED && !strstr(r.docker_message, "LEAKME") &&
	   !strstr(r.output, "LEAKME"), "a Secret in failure output is cut (%s)", r.docker_message);

	get(&r, "nosuchhelper", "x", 5000);
	is_str(credhelper_status_name(r.status), "missing", "missing helper");
	is_str(r.docker_message,
	       "error getting credentials - err: exec: \"docker-credential-nosuchhelper\": "
	       "executable file not found in $PATH, out: ``", "docker's exec message");
	get(&r, "exit127", "x", 5000);
	ok(r.status == CREDHELPER_FAILED && r.exit_code == 127, "exit 127 is a failure, not missing");

	t0 = clock_now_ms();
	get(&r, "hang", "x", 400);
	took = clock_now_ms() - t0;
	is_str(credhelper_status_name(r.status), "timed_out", "hung helper: timed out");
	is_str(credhelper_class_name(r.class), "timeout", "class timeout");
	ok(took < 400 + 150, "killed at its deadline (%.1f ms for 400)", took);
	snprintf(msg, sizeof(msg), "measured: hung helper killed after %.1f ms (deadline 400)", took);
	diag(msg);

	t0 = clock_now_ms();
	get(&r, "big", "x", 20000);
	took = clock_now_ms() - t0;
	ok(r.status == CREDHELPER_BAD_OUTPUT && r.output_truncated,
	   "100 MB on exit 0: cut at the cap, bad output (%.0f ms)", took);
	get(&r, "bigfail", "x", 20000);
	ok(r.status == CREDHELPER_FAILED && strlen(r.docker_message) < CREDHELPER_MSG_MAX,
	   "100 MB failure text: bounded message");

	get(&r, "killed", "x", 5000);
	ok(r.status == CREDHELPER_FAILED && r.class == CREDHELPER_CLASS_SIGNAL &&
	   strstr(r.docker_message, "err: signal: killed"), "killed by a signal");

	{
		const char *bad[] = { "../../bin/sh", "a/b", ".", "..", "", "a b", "x;y", "\xc3\xa9", NULL };

		for (int i = 0; bad[i]; i++) {
			get(&r, bad[i], "x", 5000);
			ok(r.status == CREDHELPER_INVALID_NAME && r.binary[0] == '\0',
			   "refuses to run helper name '%s'", bad[i]);
		}
		ok(credhelper_name_valid("ecr-login") && credhelper_name_valid("a.b_c-1") &&
		   credhelper_name_valid("..."), "plain names are valid");
	}
	ok(credhelper_version("vers", ver, sizeof(ver), clock_now_ms() + 5000, &e) == 0 &&
	   strcmp(ver, "0.6.4") == 0, "version");
	ok(credhelper_version("../x", ver, sizeof(ver), clock_now_ms() + 5000, &e) < 0,
	   "version refuses bad names");
	{
		char red[64];

		credhelper_redact(red, sizeof(red), "a \"secret\": \"x\"", 16);
		is_str(red, "a [redacted]", "redact cuts at a secret key");
		credhelper_redact(red, sizeof(red), "bad\x01line\nok", 11);
		is_str(red, "bad line\nok", "redact replaces control characters");
	}
	credhelper_result_release(&r);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		diag("could not remove the temp dir");
	return tap_done();
}
