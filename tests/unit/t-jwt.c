/* JWT header/claims decoding; the signature is never looked at. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/crypto.h"
#include "net/jwt.h"
#include "tap.h"

static char *seg(const char *json)
{
	char *s = b64_encode_url_padded(json, strlen(json)), *p;

	if (s && (p = strchr(s, '=')) != NULL)
		*p = '\0';
	return s;
}

static void make(struct sensitive *out, const char *h, const char *c, const char *sig)
{
	char *a = seg(h), *b = seg(c), buf[4096];

	snprintf(buf, sizeof(buf), "%s.%s%s%s", a, b, sig ? "." : "", sig ? sig : "");
	sensitive_set(out, buf, strlen(buf));
	free(a);
	free(b);
}

int main(void)
{
	struct sensitive t = SENSITIVE_INIT;
	struct jwt_info j = JWT_INFO_INIT;
	struct err e = ERR_INIT;
	json_t *o;
	char *dump;

	make(&t, "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"ABCD:EFGH\"}",
	     "{\"iss\":\"fixkb-token-issuer\",\"sub\":\"alice\",\"aud\":\"fixkb-registry\","
	     "\"exp\":4102444800,\"iat\":1700000000,\"nbf\":1699999970,\"jti\":\"x\","
	     "\"access\":[{\"type\":\"repository\",\"name\":\"fixkb/tiny\",\"actions\":[\"pull\",\"push\"]},"
	     "{\"type\":\"registry\",\"name\":\"catalog\",\"actions\":[\"*\"]}]}",
	     "c2lnbmF0dXJlLXNlY3JldA");
	is_int(jwt_decode(&j, &t, &e), 0, "decodes a registry token");
	is_str(j.alg, "RS256", "alg");
	is_str(j.kid, "ABCD:EFGH", "kid");
	is_str(j.iss, "fixkb-token-issuer", "iss");
	is_str(j.sub, "alice", "sub");
	is_str(j.aud, "fixkb-registry", "aud");
	ok(j.has_exp && j.exp == 4102444800LL, "exp");
	ok(j.has_iat && j.iat == 1700000000LL, "iat");
	ok(j.has_nbf && j.nbf == 1699999970LL, "nbf");
	ok(jwt_allows(&j, "repository", "fixkb/tiny", "pull"), "access covers pull");
	ok(jwt_allows(&j, "repository", "fixkb/tiny", "push"), "access covers push");
	ok(!jwt_allows(&j, "repository", "fixkb/other", "pull"), "not another repository");
	ok(jwt_allows(&j, "registry", "catalog", "list"), "'*' covers any action");
	o = jwt_info_json(&j, (long long)time(NULL));
	dump = json_dumps(o, JSON_COMPACT);
	ok(dump && !strstr(dump, "c2lnbmF0dXJl") && !strstr(dump, "signature"), "evidence never holds the signature");
	ok(dump && strstr(dump, "\"expired\":false"), "not expired");
	ok(dump && !strstr(dump, "jti"), "only the listed claims are shown");
	free(dump);
	json_decref(o);
	jwt_info_release(&j);

	/* aud as an array, expired, no access claim, two segments. */
	make(&t, "{\"alg\":\"none\"}", "{\"aud\":[\"a\",\"b\"],\"exp\":1000}", NULL);
	is_int(jwt_decode(&j, &t, &e), 0, "two segments decode");
	is_str(j.aud, "a,b", "aud array joined");
	ok(!jwt_allows(&j, "repository", "x", "pull"), "no access claim allows nothing");
	o = jwt_info_json(&j, 2000);
	ok(json_is_true(json_object_get(o, "expired")), "exp in the past is expired");
	json_decref(o);
	jwt_info_release(&j);

	/* Not JWTs: errors that never quote the token. */
	sensitive_set(&t, "opaque-secret-token", 19);
	err_clear(&e);
	is_int(jwt_decode(&j, &t, &e), -1, "opaque token is not a JWT");
	ok(!strstr(e.msg, "opaque-secret"), "the error does not quote the token");
	sensitive_set(&t, "eyJ!!!.eyJ", 10);
	err_clear(&e);
	is_int(jwt_decode(&j, &t, &e), -1, "bad base64url");
	make(&t, "[1,2]", "{}", "x");
	err_clear(&e);
	is_int(jwt_decode(&j, &t, &e), -1, "header must be an object");
	sensitive_release(&t);
	err_clear(&e);
	is_int(jwt_decode(&j, &t, &e), -1, "empty token");
	return tap_done();
}
