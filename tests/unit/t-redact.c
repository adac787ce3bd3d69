#include "util/redact.h"
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
	return tap_done();
}
