/* fuzz-dockercfg — docker's config.json as dockercfg_load_text reads it,
 * then every lookup the probes make on the result. */
#include "fuzz.h"

#include "docker/dockercfg.h"
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
	static const char *const keys[] = {
		"ghcr.io", "docker.io", REGNAME_HUB_AUTH_KEY, "registry.gitlab.com",
		"127.0.0.1:5000", "https://ghcr.io", "",
	};
	struct dockercfg cfg = DOCKERCFG_INIT;
	struct err e = ERR_INIT;
	size_t i, nmatch;

	if (dockercfg_load_text(&cfg, "/fuzz/config.json", (const char *)data, size, &e) == 0) {
		fuzz_assert(strlen(cfg.error) < sizeof(cfg.error));
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			const struct dockercfg_entry *en = dockercfg_auth_lookup(&cfg, keys[i], &nmatch);

			if (en)
				(void)dockercfg_entry_has_credential(en);
			(void)dockercfg_auth_exact(&cfg, keys[i]);
			(void)dockercfg_helper_for(&cfg, keys[i]);
		}
		for (i = 0; i < cfg.nauths; i++) {
			char host[512];

			fuzz_assert(cfg.auths[i].key);
			regname_docker_hostname(cfg.auths[i].key, host, sizeof(host));
			(void)dockercfg_entry_has_credential(&cfg.auths[i]);
			fuzz_assert(strlen(cfg.auths[i].username) < sizeof(cfg.auths[i].username));
		}
		for (i = 0; i < cfg.nhelpers; i++)
			(void)dockercfg_helper_name_valid(cfg.helpers[i].name);
		if (cfg.creds_store)
			(void)dockercfg_helper_name_valid(cfg.creds_store);
	}
	dockercfg_release(&cfg);
	return 0;
}
