/* fuzz-dac — the DOCKER_AUTH_CONFIG value (raw JSON, base64 of JSON; a
 * path only when it names an existing file) through dac_decode and the
 * lookups the docker_auth_config probe makes. */
#include "fuzz.h"

#include <sys/stat.h>

#include "docker/dockerauthcfg.h"
#include "util/sensitive.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* dac_decode's test for the file form, without reading anything. */
static int names_a_file(const char *v)
{
	struct stat st;
	char *p;
	size_t n;
	int r;

	while (is_blank(*v))
		v++;
	n = strlen(v);
	while (n && is_blank(v[n - 1]))
		n--;
	if (!n || v[0] == '{')
		return 0;
	p = fuzz_dup(v, n + 1);
	p[n] = '\0';
	r = stat(p, &st) == 0;
	free(p);
	return r;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sensitive_wipe_json_allocations();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const regs[] = {
		"ghcr.io", "docker.io", "registry.gitlab.com", "127.0.0.1:5000", "",
	};
	struct docker_auth_config d = DOCKER_AUTH_CONFIG_INIT;
	struct err e = ERR_INIT;
	char near[512];
	char *value;
	size_t i;

	/* An environment variable is a C string. Values that name an existing
	 * file (dac_decode would read it) are left out: what matters is the
	 * parsing, and a fuzzer must not depend on the machine's files. */
	value = fuzz_cstr(data, size);
	if (names_a_file(value)) {
		free(value);
		return 0;
	}
	if (dac_decode(&d, value, &e) == 0) {
		fuzz_assert(strlen(d.cli_problem) < sizeof(d.cli_problem));
		fuzz_assert(strlen(d.gitlab_problem) < sizeof(d.gitlab_problem));
		for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
			(void)dac_cli_entry(&d, regs[i]);
			(void)dac_gitlab_matches(&d, regs[i]);
			(void)dac_near_miss(&d, regs[i], near, sizeof(near));
		}
		(void)dac_form_name(d.form);
	}
	dac_release(&d);
	free(value);
	return 0;
}
