/* fuzz-imageref — image references (docker's ParseNormalizedNamed) and
 * user-given registry names: image_ref_parse, registry_normalise,
 * registry_key_hostname, registry_auth_key. */
#include "fuzz.h"

#include "docker/imageref.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_ref ref;
	struct err e = ERR_INIT;
	char out[512], host[512];
	char *s = fuzz_cstr(data, size);
	int rc;

	memset(&ref, 0x5a, sizeof(ref));
	if (image_ref_parse(&ref, s, &e) == 0) {
		fuzz_assert(memchr(ref.domain, 0, sizeof(ref.domain)));
		fuzz_assert(memchr(ref.registry, 0, sizeof(ref.registry)));
		fuzz_assert(memchr(ref.path, 0, sizeof(ref.path)));
		fuzz_assert(memchr(ref.tag, 0, sizeof(ref.tag)));
		fuzz_assert(memchr(ref.digest, 0, sizeof(ref.digest)));
		fuzz_assert(ref.registry[0] != '\0');
		(void)registry_is_docker_hub(ref.domain);
		(void)registry_auth_key(ref.registry);
	} else {
		fuzz_assert(e.set);
	}
	err_clear(&e);
	rc = registry_normalise(s, out, sizeof(out), &e);
	fuzz_assert(rc >= -1 && rc <= 1);
	if (rc >= 0) {
		fuzz_assert(strlen(out) < sizeof(out));
		(void)registry_auth_key(out);
	}
	/* a tiny output buffer must cut, never overflow */
	err_clear(&e);
	(void)registry_normalise(s, out, 4, &e);
	registry_key_hostname(s, host, sizeof(host));
	registry_key_hostname(s, host, 3);
	free(s);
	return 0;
}
