#include "actions.h"

#include <string.h>

const struct action action_table[] = {
	{ "add_dockerignore_entry",
	  "add the credential file (e.g. .docker/config.json) to the build context's .dockerignore" },
	{ "drop_missing_creds_store",
	  "remove or repoint a credsStore/credHelpers entry whose docker-credential-<name> is not installed" },
	{ "import_docker_auth_config",
	  "store the credentials of DOCKER_AUTH_CONFIG in the configured helper or config.json" },
	{ "init_pass_store",
	  "initialise the pass store for the GPG key given with --gpg-key (what 'pass init ID' does on an empty store)" },
	{ "install_registry_ca",
	  "install the registry's CA (--cacert) in docker's and containers' certs.d and buildkitd.toml" },
	{ "logout_registry",
	  "remove stale credentials for the registry (what 'docker logout REGISTRY' does)" },
	{ "migrate_auths_to_helper",
	  "move plain base64 auths entries of config.json into a working credential helper" },
	{ "move_hub_auth_key",
	  "move a Docker Hub login stored under a key docker never reads to https://index.docker.io/v1/" },
	{ "print_secret_build_command",
	  "print the 'docker build --secret' command and the 'RUN --mount=type=secret' line" },
	{ "print_ssh_build_command",
	  "print the 'docker build --ssh default' command and the 'RUN --mount=type=ssh' line" },
	{ "rewrite_docker_auth_config",
	  "print DOCKER_AUTH_CONFIG rewritten to the raw-JSON auths-only form docker CLI >= 28.3 accepts" },
	{ "store_credentials_from_env",
	  "verify credentials from the environment at the token endpoint, then store them in the helper or config.json" },
	{ "unset_docker_auth_config",
	  "print the 'unset DOCKER_AUTH_CONFIG' the build's shell or CI job needs (it overrides config.json)" },
	{ NULL, NULL },
};

const struct action *action_find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; action_table[i].name; i++)
		if (strcmp(action_table[i].name, name) == 0)
			return &action_table[i];
	return NULL;
}
