/* fuzz-authfile — containers/image auth files (auth.json, legacy
 * ~/.dockercfg) through authfile_load_text and c/image's lookups. The
 * first byte picks the format (odd: legacy); the rest is the file. */
#include "fuzz.h"

#include "docker/authfile.h"
#include "docker/regname.h"
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
	static const char *const regs[][2] = {
		{ "docker.io", "docker.io/library/alpine" },
		{ "quay.io", "quay.io/org/repo/sub" },
		{ "ghcr.io", NULL },
		{ "localhost:5000", "localhost:5000/a" },
	};
	struct authfile f = AUTHFILE_INIT;
	struct err e = ERR_INIT;
	int legacy;
	char *text;
	size_t i;

	if (size < 1)
		return 0;
	legacy = data[0] & 1;
	text = fuzz_dup(data + 1, size - 1);
	if (authfile_load_text(&f, "/fuzz/auth.json", legacy, text, size - 1, &e) == 0) {
		for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
			struct authfile_match m = AUTHFILE_MATCH_INIT;
			struct err le = ERR_INIT;

			(void)authfile_lookup(&m, &f, regs[i][0], regs[i][1], &le);
			fuzz_assert(strlen(m.key) < sizeof(m.key));
			authfile_match_release(&m);
		}
		for (i = 0; i < f.nauths; i++) {
			struct authfile_match m = AUTHFILE_MATCH_INIT;
			struct err le = ERR_INIT;
			char norm[512];

			regname_cimage_key(f.auths[i].key, legacy, norm, sizeof(norm));
			(void)authfile_lookup_key(&m, &f, f.auths[i].key, &le);
			authfile_match_release(&m);
		}
	}
	authfile_release(&f);
	free(text);
	return 0;
}
