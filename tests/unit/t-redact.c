/* util/redact.h: redact_text on text from outside (log lines, server
 * messages) and redact_body on a response body kept as evidence. */
#include <jansson.h>

#include "util/redact.h"
#include "util/sensitive.h"
#include "tap.h"

static const struct {
	const char *in, *want;
} cases[] = {
	{ "plain text stays", "plain text stays" },
	{ "Get \"https://alice:s3cr3tpw@ghcr.io/v2/\": denied", "Get \"https://***@ghcr.io/v2/\": denied" },
	{ "https://ghcr.io/token?scope=repository%3Aa%3Apull&service=ghcr.io: 401 Unauthorized",
	  "https://ghcr.io/token?scope=repository%3Aa%3Apull&service=ghcr.io: 401 Unauthorized" },
	{ "Authorization: Bearer abcdefghijklmnop", "Authorization: Bearer ***" },
	{ "Authorization: Basic YWxpY2U6YWxpY2Vwdw==", "Authorization: Basic ***" },
	{ "basic auth credentials", "basic auth credentials" },
	{ "token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl end", "token [jwt] end" },
	{ "GET /token?access_token=abc123&x=1", "GET /token?access_token=***&x=1" },
	{ "grant_type=password&username=alice&password=hunter2", "grant_type=password&username=alice&password=***" },
	{ "docker login -u alice -p hunter2 ghcr.io", "docker login -u alice -p *** ghcr.io" },
	{ "docker login --password hunter2 ghcr.io", "docker login --password *** ghcr.io" },
	{ "{\"auth\":\"YWxpY2U6eA==\",\"email\":\"x\"}", "{\"auth\":\"***\",\"email\":\"x\"}" },
	{ "{\"Username\":\"a\",\"Secret\": \"pw\\\"x\"}", "{\"Username\":\"a\",\"Secret\": \"***\"}" },
	{ "failed to fetch oauth token: unexpected status: 401 Unauthorized", "failed to fetch oauth token: unexpected status: 401 Unauthorized" },
	{ "no basic auth credentials", "no basic auth credentials" },
	{ "author=me", "author=me" },
};

/* redact_body(body, strlen(body), max) as compact JSON text (static). */
static const char *body(const char *b, size_t max)
{
	static char out[4096];
	json_t *j = redact_body(b, b ? strlen(b) : 0, max);
	char *d = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	snprintf(out, sizeof(out), "%s", d ? d : "(no value)");
	free(d);
	json_decref(j);
	return out;
}

static void test_body_json(void)
{
	static const char *const keys[] = { "token", "access_token", "refresh_token", "id_token",
					     "password", "secret", "identitytoken", "registrytoken",
					     "client_secret", "Token", "ACCESS_TOKEN" };
	char in[256], want[256], fp[SENSITIVE_FP_MAX];
	const char *got;
	size_t i;

	fingerprint_bytes("s3cr3tV4lue", 11, fp);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(in, sizeof(in), "{\"%s\":\"s3cr3tV4lue\",\"expires_in\":300}", keys[i]);
		snprintf(want, sizeof(want), "{\"%s\":\"[redacted %s]\",\"expires_in\":300}", keys[i], fp);
		is_str(body(in, 512), want, "body: \"%s\" fingerprinted, other fields kept", keys[i]);
	}
	got = body("{\"data\":{\"token\":\"s3cr3tV4lue\"},\"list\":[{\"password\":\"s3cr3tV4lue\"}]}", 512);
	ok(!strstr(got, "s3cr3tV4lue") && strstr(got, "\"data\":{\"token\":\"[redacted sha256:"),
	   "body: nested objects and arrays");
	is_str(body("{\"token\":12345,\"auth\":\"kept\"}", 512), "{\"token\":12345,\"auth\":\"kept\"}",
	       "body: only string values are fingerprinted; \"auth\" is not a body key");
	is_str(body("{\"note\":\"x eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.sig y\"}", 512), "{\"note\":\"x [jwt] y\"}",
	       "body: a JWT inside another string");
	is_str(body("{\"n\":\"eyJhbGciOiJIUzI1NiJ9.eyJh\"}", 512), "{\"n\":\"[jwt]\"}",
	       "body: two segments are enough");
	is_str(body("{\"n\":\"eyJhbGc.xx\"}", 512), "{\"n\":\"eyJhbGc.xx\"}", "body: under 16 bytes is no JWT");
	is_str(body("{\"n\":\"abceyJhbGciOiJIUzI1NiJ9.eyJh\"}", 512), "{\"n\":\"abceyJhbGciOiJIUzI1NiJ9.eyJh\"}",
	       "body: eyJ inside a longer run is not a JWT start");
	is_str(body("{\"errors\":[{\"message\":\"abcdefghij\"}]}", 4),
	       "{\"errors\":[{\"message\":\"abcd\u2026\"}]}", "body: strings cut at max");
	is_str(body("[\"a\\u0001b\"]", 512), "[\"a?b\"]", "body: control characters replaced");
}

static void test_body_text(void)
{
	const char *got;

	is_str(body("grant=x&token=s3cr3tV4lue&x=1", 512), "\"grant=x&token=***&x=1\"",
	       "text body: token=value (redact_text)");
	is_str(body("your token: AbCdEfGhIjKlMnOpQrSt12 thanks", 512), "\"your token: [opaque] thanks\"",
	       "text body: a run of 20+ token characters is opaque");
	is_str(body("id AbCdEfGhIjKlMnOpQrS here", 512), "\"id AbCdEfGhIjKlMnOpQrS here\"",
	       "text body: 19 characters are kept");
	got = body("<html>eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl</html>", 512);
	ok(strstr(got, "[jwt]") && !strstr(got, "c2lnbmF0"), "text body: a JWT in HTML");
	got = body("{\"token\":\"s3cr3tV4lueAndMore", 512);
	ok(!strstr(got, "s3cr3tV4lue") && strstr(got, "\\\"token\\\":\\\"***"), "text body: truncated JSON still redacted");
	is_str(body("\"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.sig\"", 512), "\"\\\"[jwt]\\\"\"",
	       "text body: a JSON string alone is treated as text");
	is_str(body("abcdef", 3), "\"abc\u2026\"", "text body: cut at max");
	is_str(body("", 512), "null", "empty body: null");
	is_str(body(NULL, 512), "null", "NULL body: null");
}

int main(void)
{
	char out[512];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		redact_text(cases[i].in, strlen(cases[i].in), out, sizeof(out));
		is_str(out, cases[i].want, "redact case %zu", i);
	}
	n = redact_text("abcdef", 6, out, 4);
	ok(n == 3 && strcmp(out, "abc") == 0, "cut to outcap - 1");
	test_body_json();
	test_body_text();
	return tap_done();
}
