#include "cause.h"

#include <string.h>

struct cause_row {
	const char *code;
	const char *describe;
};

static const struct cause_row causes[] = {
	{ "oauth_token_rejected", "credentials were sent and the token endpoint refused them" },
	{ "no_credentials", "no credentials are configured for this registry" },
	{ "expired_token", "the token or identity token has expired" },
	{ "insufficient_scope_or_permission", "credentials are valid but not allowed this repository or action" },
	{ "helper_missing", "the configured credential helper is not installed" },
	{ "helper_failed", "the credential helper is installed but failing" },
	{ "config_malformed", "a docker or containers auth file cannot be parsed" },
	{ "plaintext_credentials", "credentials are stored unencrypted in a config file" },
	{ "docker_auth_config_malformed", "DOCKER_AUTH_CONFIG cannot be used" },
	{ "rate_limited", "the registry is rate-limiting requests" },
	{ "tls_untrusted_ca", "the registry's certificate is signed by an untrusted CA" },
	{ "tls_http_mismatch", "http is spoken where https is expected, or the reverse" },
	{ "tls_other", "TLS fails for another reason (expired, wrong host name)" },
	{ "buildkit_secret_missing", "a build secret (--secret) is missing" },
	{ "buildkit_ssh_agent", "the build's SSH agent forwarding (--ssh) is missing" },
	{ "git_ssh_in_build", "git over ssh inside RUN has no credentials" },
	{ "repo_not_found_or_private", "the repository does not exist or is private" },
	{ "shadowed_credentials", "valid credentials exist but another source wins" },
	{ "registry_outage", "the registry or its token service failed" },
	{ "network_unreachable", "the registry cannot be reached" },
};

const char *const cause_codes[] = {
	"oauth_token_rejected", "no_credentials", "expired_token",
	"insufficient_scope_or_permission", "helper_missing", "helper_failed",
	"config_malformed", "plaintext_credentials", "docker_auth_config_malformed",
	"rate_limited", "tls_untrusted_ca", "tls_http_mismatch", "tls_other",
	"buildkit_secret_missing", "buildkit_ssh_agent", "git_ssh_in_build",
	"repo_not_found_or_private", "shadowed_credentials", "registry_outage",
	"network_unreachable", NULL,
};

const char *cause_describe(const char *code)
{
	size_t i;

	if (!code)
		return NULL;
	for (i = 0; i < sizeof(causes) / sizeof(causes[0]); i++)
		if (strcmp(causes[i].code, code) == 0)
			return causes[i].describe;
	return NULL;
}

int cause_is_valid(const char *code)
{
	return cause_describe(code) != NULL;
}
