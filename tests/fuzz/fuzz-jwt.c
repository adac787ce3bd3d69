/* fuzz-jwt — registry tokens through jwt_decode, jwt_allows and the
 * evidence JSON. A token is a secret: it comes in as a struct sensitive,
 * and no field of the decoded info may hold the signature segment. */
#include "fuzz.h"

#include "net/jwt.h"
#include "util/sensitive.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sensitive_wipe_json_allocations();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sensitive tok = SENSITIVE_INIT;
	struct jwt_info j = JWT_INFO_INIT;
	struct err e = ERR_INIT;
	json_t *js;

	if (sensitive_set(&tok, data, size) < 0)
		return 0;
	if (jwt_decode(&j, &tok, &e) == 0) {
		fuzz_assert(memchr(j.alg, 0, sizeof(j.alg)) && memchr(j.kid, 0, sizeof(j.kid)));
		fuzz_assert(memchr(j.iss, 0, sizeof(j.iss)) && memchr(j.aud, 0, sizeof(j.aud)));
		(void)jwt_allows(&j, "repository", "fixkb/tiny", "pull");
		(void)jwt_allows(&j, "repository", "", "*");
		js = jwt_info_json(&j, 1700000000);
		fuzz_assert(js);
		json_decref(js);
	} else {
		fuzz_assert(e.set);
	}
	jwt_info_release(&j);
	sensitive_release(&tok);
	return 0;
}
