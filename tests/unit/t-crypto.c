#include "util/crypto.h"
#include "util/sensitive.h"
#include "tap.h"

#include <stdlib.h>

int main(void)
{
	struct sensitive s = SENSITIVE_INIT, t = SENSITIVE_INIT;
	struct err e = ERR_INIT;
	char fp[SENSITIVE_FP_MAX], hex[65];
	char *enc;

	ok(b64_decode_std(&s, "YWxpY2U6YWxpY2Vwdw==", 20, &e) == 0, "decode alice:alicepw");
	is_str(s.data, "alice:alicepw", "decoded value");
	err_clear(&e);
	ok(b64_decode_std(&s, "YWxpY2U6YWxpY2Vwdw", 18, &e) < 0, "std decode needs padding (Go StdEncoding)");
	ok(strstr(e.msg, "illegal base64 data at input byte") != NULL, "Go-style message: %s", e.msg);
	err_clear(&e);
	ok(b64_decode_std(&s, "YWx*Y2U=", 8, &e) < 0, "stray character rejected");
	is_str(e.msg, "illegal base64 data at input byte 3", "offset of the bad byte");
	err_clear(&e);
	ok(b64_decode_any(&s, "YWxpY2U6YWxpY2Vwdw", 18, &e) == 0, "lenient decode without padding");
	is_str(s.data, "alice:alicepw", "lenient value");
	ok(b64_decode_url(&s, "_-8", 3, &e) == 0, "url alphabet");
	is_int(s.len, 2, "url decode length");
	is_int((unsigned char)s.data[0], 0xff, "url decode byte 0");
	ok(b64_decode_std(&s, "", 0, &e) == 0 && s.len == 0, "empty input decodes to empty");

	enc = b64_encode_std("alice:alicepw", 13);
	is_str(enc, "YWxpY2U6YWxpY2Vwdw==", "encode");
	free(enc);
	enc = b64_encode_url_padded("127.0.0.1:5000\xfb\xff", 16);
	ok(enc && strchr(enc, '+') == NULL && strchr(enc, '/') == NULL, "url encoding has no + or /");
	free(enc);
	{
		/* RFC 4648 §10's vectors, then every length and byte value
		 * round-tripped through the decoders */
		static const char *const vec[][2] = {
			{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
			{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
		};
		unsigned char raw[300];
		size_t i, n, bad = 0;

		for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
			enc = b64_encode_std(vec[i][0], strlen(vec[i][0]));
			bad += !enc || strcmp(enc, vec[i][1]) != 0;
			free(enc);
		}
		is_int(bad, 0, "RFC 4648 test vectors");
		for (i = 0; i < sizeof(raw); i++)
			raw[i] = (unsigned char)(255 - i);
		for (n = 0; n <= sizeof(raw); n += n < 10 ? 1 : 37) {
			enc = b64_encode_std(raw, n);
			bad += !enc || b64_decode_std(&s, enc, strlen(enc), &e) < 0 || s.len != n ||
			       memcmp(s.data, raw, n) != 0;
			free(enc);
			enc = b64_encode_url_padded(raw, n);
			bad += !enc || b64_decode_url(&s, enc, strlen(enc), &e) < 0 || s.len != n ||
			       memcmp(s.data, raw, n) != 0 || strpbrk(enc, "+/") != NULL;
			free(enc);
		}
		is_int(bad, 0, "encode then decode gives the bytes back (both alphabets, 0-300 bytes)");
		sensitive_release(&s);
	}

	sensitive_set(&t, "alice:alicepw", 13);
	ok(sensitive_equal(&s, &t) == 0, "different secrets differ");
	sensitive_copy(&s, &t);
	ok(sensitive_equal(&s, &t), "copy is equal");
	sensitive_fingerprint(&t, fp);
	ok(strncmp(fp, "sha256:", 7) == 0 && strstr(fp, "13 bytes"), "fingerprint: %s", fp);
	ok(strstr(fp, "alice") == NULL, "fingerprint does not contain the secret");
	sensitive_release(&t);
	sensitive_fingerprint(&t, fp);
	is_str(fp, "(empty)", "fingerprint of empty");
	sensitive_release(&s);

	sha256_hex("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256 of abc");
	return tap_done();
}
