/* t-fix-masktext — no secret survives masking, a changed secret still
 * shows as changed, and lines stay lines. */
#include "fix/masktext.h"

#include "util/sensitive.h"
#include "fix/udiff.h"
#include "t-lib-fix.h"

static char *masked(const char *text, int json)
{
	struct buf out = BUF_INIT(1 << 20);
	struct err e = ERR_INIT;
	int rc = json ? masktext_json(&out, text, strlen(text), &e)
		      : masktext_lines(&out, text, strlen(text), &e);

	if (rc < 0 || buf_append(&out, "", 0) < 0)
		exit(99);
	return buf_detach(&out, NULL);
}

static int lines_of(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void expect_fp(const char *out, const char *secret, const char *what)
{
	char fp[SENSITIVE_FP_MAX], want[SENSITIVE_FP_MAX + 16];

	fingerprint_bytes(secret, strlen(secret), fp);
	snprintf(want, sizeof(want), "\"[redacted %s]\"", fp);
	ok(strstr(out, want) != NULL, "%s shows as %s", what, want);
}

static void test_config(void)
{
	char text[2048], jwt[256], *m;

	snprintf(jwt, sizeof(jwt), "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.%s_sig", CANARY);
	snprintf(text, sizeof(text),
		 "{\n\t\"auths\": {\n\t\t\"ghcr.io\": {\n\t\t\t\"auth\": \"%s\",\n\t\t\t\"identitytoken\": \"%s-id\""
		 ",\n\t\t\t\"registrytoken\": \"%s-reg\"\n\t\t},\n\t\t\"https://u:%s@h.io\": {},\n\t\t\"x.io\": {"
		 "\n\t\t\t\"Password\": \"%s\",\n\t\t\t\"username\": \"alice\",\n\t\t\t\"email\": \"Bearer %s\""
		 "\n\t\t}\n\t},\n\t\"credsStore\": \"pass\",\n\t\"psFormat\": \"%s\",\n\t\"note\": \"a \\\"quoted\\\" \\u0041\"\n}",
		 canary_auth("alice"), CANARY, CANARY, CANARY, CANARY, CANARY, jwt);
	m = masked(text, 1);
	ok(!leaks(m), "no secret or its base64 left in a config");
	is_int(lines_of(m), lines_of(text), "same number of lines");
	expect_fp(m, canary_auth("alice"), "auth");
	ok(strstr(m, "\"username\": \"alice\"") && strstr(m, "\"credsStore\": \"pass\"") &&
	   strstr(m, "\"ghcr.io\": {") && strstr(m, "\"note\": \"a \\\"quoted\\\" \\u0041\""),
	   "names, non-secret values and escapes are left as written");
	ok(strstr(m, "\"Password\": \"[redacted") != NULL, "field names match case-insensitively (Password)");
	ok(strstr(m, "bytes]\": {},") != NULL && !strstr(m, "u:" CANARY),
	   "a key holding URL userinfo is a fingerprint too, still a key");
	free(m);
}

static void test_changed_secret_shows(void)
{
	const char *a = "{\n\t\"auths\": {\n\t\t\"r.io\": {\n\t\t\t\"auth\": \"b2xkOnBhc3Mx\"\n\t\t}\n\t}\n}";
	const char *b = "{\n\t\"auths\": {\n\t\t\"r.io\": {\n\t\t\t\"auth\": \"bmV3OnBhc3My\"\n\t\t}\n\t}\n}";
	char *ma = masked(a, 1), *mb = masked(b, 1);
	struct buf d = BUF_INIT(1 << 16);
	struct err e = ERR_INIT;

	is_int(udiff_text(&d, "config.json", ma, strlen(ma), mb, strlen(mb), &e), 1, "a changed secret: one hunk");
	ok(d.data && strstr(d.data, "-\t\t\t\"auth\": \"[redacted sha256:") &&
	   strstr(d.data, "+\t\t\t\"auth\": \"[redacted sha256:") && !strstr(d.data, "b2xkOnBhc3Mx") &&
	   !strstr(d.data, "bmV3OnBhc3My"), "both sides as fingerprints, no secret");
	buf_release(&d);
	free(ma);
	free(mb);
}

static void test_go_names_and_broken(void)
{
	char text[512], *m;

	/* Go's decoder folds K (U+212A) to k and ſ (U+017F) to s: "paſſword" is password. */
	snprintf(text, sizeof(text), "{\"pa\xc5\xbf\xc5\xbfword\": \"%s\", \"TOKEN\": \"%s\", \"Secret\": \"%s\"}",
		 CANARY, CANARY, CANARY);
	m = masked(text, 1);
	ok(!leaks(m), "Go's case folds and helper/token names (Secret, TOKEN)");
	free(m);

	snprintf(text, sizeof(text), "{\n\"auths\": {\"x\": {\"auth\": \"%s\n\"y\": 1\n", canary_auth("u"));
	m = masked(text, 1);
	ok(!leaks(m), "an unterminated secret string in a broken file is masked to the end of its line");
	is_int(lines_of(m), lines_of(text), "and lines stay lines");
	ok(strstr(m, "\"y\": 1") != NULL, "the next line is read normally");
	free(m);

	snprintf(text, sizeof(text), "{\"auth\" : \n  \"%s\", \"list\": [\"%s\"], \"n\": 12}", CANARY, "plain");
	m = masked(text, 1);
	ok(!leaks(m) && strstr(m, "[\"plain\"]") && strstr(m, "\"n\": 12"), "a value on the next line; arrays");
	free(m);

	snprintf(text, sizeof(text), "{\"auth\": 5, \"x\": \"%s\"}", "not-secret");
	m = masked(text, 1);
	ok(strstr(m, "\"x\": \"not-secret\"") != NULL, "a non-string secret field does not mask what follows");
	free(m);
}

static void test_lines(void)
{
	char text[512], *m;

	snprintf(text, sizeof(text), "**/.docker\nconfig.json\nhttps://u:%s@host/x\nAuthorization: Basic %s\n"
		 "password=%s\nlast", CANARY, canary_auth("u"), CANARY);
	m = masked(text, 0);
	ok(!leaks(m), "plain text: redact_text per line");
	is_int(lines_of(m), lines_of(text), "lines stay lines");
	ok(strncmp(m, "**/.docker\nconfig.json\n", 23) == 0 && strstr(m, "\nlast"), "plain lines untouched");
	free(m);
}

int main(void)
{
	scratch_init();
	test_config();
	test_changed_secret_shows();
	test_go_names_and_broken();
	test_lines();
	ok(masktext_secret_name("identitytoken", 13) && masktext_secret_name("AUTH", 4) &&
	   !masktext_secret_name("auths", 5) && !masktext_secret_name("username", 8),
	   "secret names: auth, identitytoken; not auths, username");
	scratch_done();
	return tap_done();
}
