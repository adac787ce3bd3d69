/* fuzz-base64 — the base64 decoders of src/util/crypto.c (std strict, any,
 * url) and docker's `auth` decoder (dockercfg_decode_auth). Properties:
 * encode(decode(x)) round trips for the strict decoder; decode(encode(x))
 * gives x back for both alphabets. */
#include "fuzz.h"

#include "util/crypto.h"
#include "docker/dockercfg.h"
#include "util/sensitive.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sensitive s = SENSITIVE_INIT, back = SENSITIVE_INIT;
	struct err e = ERR_INIT;
	char user[CREDENTIAL_USER_MAX];
	const char *in = (const char *)data;
	char *enc;

	if (b64_decode_std(&s, in, size, &e) == 0) {
		/* canonical input (zero trailing bits) encodes back to itself */
		enc = b64_encode_std(s.data ? s.data : "", s.len);
		fuzz_assert(enc);
		if (strlen(enc) == size && memcmp(enc, in, size) != 0) {
			struct err e2 = ERR_INIT;

			/* only non-canonical trailing bits may differ */
			fuzz_assert(b64_decode_std(&back, enc, strlen(enc), &e2) == 0);
			fuzz_assert(back.len == s.len);
			fuzz_assert(s.len == 0 || memcmp(back.data, s.data, s.len) == 0);
			sensitive_release(&back);
		}
		fuzz_assert(strlen(enc) == size);
		free(enc);
	} else {
		fuzz_assert(e.set);
	}
	sensitive_release(&s);
	err_clear(&e);
	if (b64_decode_any(&s, in, size, &e) == 0)
		fuzz_assert(s.len <= size);
	sensitive_release(&s);
	err_clear(&e);
	if (b64_decode_url(&s, in, size, &e) == 0)
		fuzz_assert(s.len <= size);
	sensitive_release(&s);
	err_clear(&e);

	/* decode(encode(x)) == x, both alphabets */
	enc = b64_encode_std(data, size);
	fuzz_assert(enc);
	fuzz_assert(b64_decode_std(&back, enc, strlen(enc), &e) == 0);
	fuzz_assert(back.len == size && (size == 0 || memcmp(back.data, data, size) == 0));
	sensitive_release(&back);
	free(enc);
	enc = b64_encode_url_padded(data, size);
	fuzz_assert(enc);
	fuzz_assert(b64_decode_url(&back, enc, strlen(enc), &e) == 0);
	fuzz_assert(back.len == size && (size == 0 || memcmp(back.data, data, size) == 0));
	sensitive_release(&back);
	fuzz_assert(b64_decode_any(&back, enc, strlen(enc), &e) == 0);
	fuzz_assert(back.len == size && (size == 0 || memcmp(back.data, data, size) == 0));
	sensitive_release(&back);
	free(enc);

	err_clear(&e);
	/* The user may still read as "" here: a decoded username that starts
	 * with a NUL byte is non-empty for docker but ends at once as a C
	 * string (regress/base64/nul-in-username). */
	if (dockercfg_decode_auth(user, sizeof(user), &s, in, size, &e) == 0)
		fuzz_assert(strlen(user) < sizeof(user));
	sensitive_release(&s);
	return 0;
}
