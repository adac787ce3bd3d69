/* fuzz-tokenresp — what fixkb reads from a token endpoint and a registry
 * error body: the BuildKit >= 0.24 and docker login error texts
 * (tokenmsg_fetch_v024, tokenmsg_login on the body), the redacted
 * body excerpt kept as evidence (redact_body, jsontext_string),
 * issued_at (rfc3339_valid), and
 * the realm a GET token URL is built on (urlvalues_url), and the
 * decoding of the body as a token response for POST and GET
 * (tokresp_parse). Input: realm line, issued_at line, then the body. */
#include "fuzz.h"

#include "net/http.h"
#include "util/jsontext.h"
#include "util/redact.h"
#include "util/sensitive.h"
#include "net/tokenmsg.h"
#include "net/tokenresp.h"
#include "net/urlvalues.h"
#include "util/rfc3339.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sensitive_wipe_json_allocations();
	return 0;
}

static int count_pair(const char *key, const char *val, void *arg)
{
	(void)key;
	(void)val;
	(*(size_t *)arg)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct urlvalues_kv kv[] = {
		{ "scope", "repository:fixkb/tiny:pull", 26 },
		{ "service", "registry.example", 16 },
		{ "account", "alice", 5 },
	};
	char msg[TOKENMSG_MAX], url[HTTP_URL_MAX];
	const uint8_t *rest, *body;
	size_t n1, n2, nrest, nbody, npairs = 0;
	char *realm, *ia, *b;
	struct buf vb = BUF_INIT(1 << 16);
	json_t *j;

	fuzz_split(data, size, "\n", &n1, &rest, &nrest);
	fuzz_split(rest, nrest, "\n", &n2, &body, &nbody);
	realm = fuzz_cstr(data, n1);
	ia = fuzz_cstr(rest, n2);
	b = fuzz_dup(body, nbody);

	tokenmsg_fetch_v024(msg, sizeof(msg), 0, "POST", realm, 401, "Unauthorized", b, nbody);
	fuzz_assert(strlen(msg) < sizeof(msg));
	tokenmsg_fetch_v024(msg, 40, 0, "GET", realm, 403, "", b, nbody);
	fuzz_assert(strlen(msg) < 40);
	tokenmsg_fetch_v024(msg, sizeof(msg), 1, "GET", realm, 500, "", b, nbody);
	tokenmsg_login(msg, sizeof(msg), realm, 429, "", b, nbody);
	fuzz_assert(strlen(msg) < sizeof(msg));
	tokenmsg_login(msg, sizeof(msg), realm, 401, "", b, nbody);
	j = redact_body(b, nbody, 512);
	fuzz_assert(j);
	json_decref(j);
	j = jsontext_string(b, nbody, 64);
	fuzz_assert(json_is_string(j));
	json_decref(j);
	(void)rfc3339_valid(ia);
	if (urlvalues_url(url, sizeof(url), realm, kv, 3) == 0)
		fuzz_assert(strlen(url) < sizeof(url));
	(void)urlvalues_url(url, 16, realm, kv, 1);
	(void)urlvalues_escape(&vb, b, nbody);
	(void)urlvalues_parse(b, nbody, count_pair, &npairs);
	for (int post = 0; post <= 1; post++) {
		struct tokresp tr;

		tokresp_parse(&tr, b, nbody, post);
		if (tr.status == TOKRESP_OK)
			fuzz_assert(tr.token.data && tr.token.len > 0 &&
				    strlen(tr.token.data) <= tr.token.len);
		else
			fuzz_assert(tr.token.data == NULL);
		fuzz_assert(tr.expires_in > 0);
		fuzz_assert(strlen(tr.issued_at) < sizeof(tr.issued_at));
		fuzz_assert(strlen(tr.detail) < sizeof(tr.detail));
		tokresp_release(&tr);
	}
	buf_release(&vb);
	free(realm);
	free(ia);
	free(b);
	return 0;
}
