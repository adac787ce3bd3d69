/* fuzz-imageref — image references (docker's ParseNormalizedNamed) and
 * every registry-name rule of docker/regname.h on the same input: the
 * user-given registry, docker's ConvertToHostname (a URL parser), the
 * containers/image and GitLab keys, log hosts, loose hosts. */
#include "fuzz.h"

#include "docker/imageref.h"
#include "docker/regname.h"

/* Each rule writes a terminated string that fits, even in a tiny buffer. */
static void keys(const char *s)
{
	char out[512], tiny[3];

	regname_docker_hostname(s, out, sizeof(out));
	fuzz_assert(strlen(out) < sizeof(out));
	regname_docker_hostname(s, tiny, sizeof(tiny));
	fuzz_assert(strlen(tiny) < sizeof(tiny));
	regname_cimage_key(s, 0, out, sizeof(out));
	regname_cimage_key(s, 1, tiny, sizeof(tiny));
	fuzz_assert(strlen(tiny) < sizeof(tiny));
	regname_gitlab_key(s, out, sizeof(out));
	regname_gitlab_key(s, tiny, sizeof(tiny));
	fuzz_assert(strlen(tiny) < sizeof(tiny));
	regname_loose_host(s, out, sizeof(out));
	regname_loose_host(s, tiny, sizeof(tiny));
	fuzz_assert(strlen(tiny) < sizeof(tiny));
	if (regname_log_host(s, strlen(s), out, sizeof(out)) == 0)
		fuzz_assert(strlen(out) <= strlen(s) || strcmp(out, REGNAME_HUB) == 0);
	(void)regname_domain_len(s, strlen(s));
	(void)regname_valid_host(s);
}

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
	char out[512];
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
		fuzz_assert(regname_valid_host(ref.domain));
		fuzz_assert(strcmp(ref.registry, regname_canonical(ref.domain)) == 0);
		(void)regname_auth_key(ref.registry, REGNAME_DOCKER_CLI);
	} else {
		fuzz_assert(e.set);
	}
	err_clear(&e);
	rc = regname_normalise(s, out, sizeof(out), &e);
	fuzz_assert(rc >= -1 && rc <= 1);
	if (rc >= 0) {
		fuzz_assert(strlen(out) < sizeof(out));
		fuzz_assert(regname_valid_host(out));
		(void)regname_auth_key(out, REGNAME_BUILDKIT);
	}
	/* a tiny output buffer must cut, never overflow */
	err_clear(&e);
	(void)regname_normalise(s, out, 4, &e);
	keys(s);
	free(s);
	return 0;
}
