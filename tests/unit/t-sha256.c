/* t-sha256.c — util/sha256 against FIPS 180-4's examples and against
 * OpenSSL's SHA-256 on every length around the block and padding edges. */
#include "util/sha256.h"
#include "tap.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

static void hex(const unsigned char *d, char out[2 * SHA256_LEN + 1])
{
	size_t i;

	for (i = 0; i < SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void is_digest(const char *msg, size_t n, const char *want, const char *what)
{
	unsigned char d[SHA256_LEN];
	char got[2 * SHA256_LEN + 1];

	sha256(msg, n, d);
	hex(d, got);
	is_str(got, want, "%s", what);
}

int main(void)
{
	unsigned char buf[300], a[SHA256_LEN], b[SHA256_LEN];
	unsigned int blen = 0;
	size_t n, i, bad = 0, split_bad = 0;
	struct sha256 c;
	char *million;

	is_digest("abc", 3,
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "FIPS: abc");
	is_digest("", 0,
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "empty");
	is_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
		  "FIPS: two blocks (56 bytes)");
	million = malloc(1000000);
	if (million) {
		memset(million, 'a', 1000000);
		is_digest(million, 1000000,
			  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
			  "FIPS: a million 'a'");
		free(million);
	}
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 131 + 7);
	for (n = 0; n <= sizeof(buf); n++) {
		sha256(buf, n, a);
		if (!EVP_Digest(buf, n, b, &blen, EVP_sha256(), NULL) || blen != SHA256_LEN ||
		    memcmp(a, b, SHA256_LEN) != 0)
			bad++;
		/* the same in two updates, split anywhere */
		sha256_init(&c);
		sha256_update(&c, buf, n / 3);
		sha256_update(&c, buf + n / 3, n - n / 3);
		sha256_final(&c, a);
		if (memcmp(a, b, SHA256_LEN) != 0)
			split_bad++;
	}
	is_int(bad, 0, "equal to OpenSSL's for every length 0..300");
	is_int(split_bad, 0, "the same when fed in two pieces");
	sha256_init(&c);
	sha256_update(&c, "secret", 6);
	sha256_final(&c, a);
	for (i = 0, n = 0; i < sizeof(c); i++)
		n += ((unsigned char *)&c)[i] != 0;
	is_int(n, 0, "final wipes the context");
	return tap_done();
}
