#include "cause.h"

#include <string.h>

/* Only plaintext credentials are a warning: the build works, the secret
 * sits in a file unencrypted. Every other cause makes a build fail. */
static const struct cause_info causes[] = {
	{ "oauth_token_rejected", "credentials were sent and the token endpoint refused them", SEVERITY_FAIL },
	{ "no_credentials", "no credentials are configured for this registry", SEVERITY_FAIL },
	{ "expired_token", "the token or identity token has expired", SEVERITY_FAIL },
	{ "insufficient_scope_or_permission", "credentials are valid but not allowed this repository or action", SEVERITY_FAIL },
	{ "helper_missing", "the configured credential helper is not installed", SEVERITY_FAIL },
	{ "helper_failed", "the credential helper is installed but failing", SEVERITY_FAIL },
	{ "config_malformed", "a docker or containers auth file cannot be parsed", SEVERITY_FAIL },
	{ "plaintext_credentials", "credentials are stored unencrypted in a config file", SEVERITY_WARN },
	{ "docker_auth_config_malformed", "DOCKER_AUTH_CONFIG cannot be used", SEVERITY_FAIL },
	{ "rate_limited", "the registry is rate-limiting requests", SEVERITY_FAIL },
	{ "tls_untrusted_ca", "the registry's certificate is signed by an untrusted CA", SEVERITY_FAIL },
	{ "tls_http_mismatch", "http is spoken where https is expected, or the reverse", SEVERITY_FAIL },
	{ "tls_other", "TLS fails for another reason (expired, wrong host name)", SEVERITY_FAIL },
	{ "buildkit_secret_missing", "a build secret (--secret) is missing", SEVERITY_FAIL },
	{ "buildkit_ssh_agent", "the build's SSH agent forwarding (--ssh) is missing", SEVERITY_FAIL },
	{ "git_ssh_in_build", "git over ssh inside RUN has no credentials", SEVERITY_FAIL },
	{ "repo_not_found_or_private", "the repository does not exist or is private", SEVERITY_FAIL },
	{ "shadowed_credentials", "the credential sent is stale or shadowed: another source, or none, would work", SEVERITY_FAIL },
	{ "registry_outage", "the registry or its token service failed", SEVERITY_FAIL },
	{ "network_unreachable", "the registry cannot be reached", SEVERITY_FAIL },
};

size_t cause_count(void)
{
	return sizeof(causes) / sizeof(causes[0]);
}

const struct cause_info *cause_at(size_t i)
{
	return i < cause_count() ? &causes[i] : NULL;
}

const struct cause_info *cause_find(const char *code)
{
	size_t i;

	if (!code)
		return NULL;
	for (i = 0; i < cause_count(); i++)
		if (strcmp(causes[i].code, code) == 0)
			return &causes[i];
	return NULL;
}

int cause_is_valid(const char *code)
{
	return cause_find(code) != NULL;
}

const char *cause_describe(const char *code)
{
	const struct cause_info *c = cause_find(code);

	return c ? c->describe : NULL;
}

enum severity cause_severity(const char *code)
{
	const struct cause_info *c = cause_find(code);

	return c ? c->severity : SEVERITY_FAIL;
}

const char *severity_name(enum severity s)
{
	return s == SEVERITY_WARN ? "warn" : "fail";
}

enum severity severity_from_name(const char *name)
{
	return name && strcmp(name, "warn") == 0 ? SEVERITY_WARN : SEVERITY_FAIL;
}

const char *severity_ci_level(enum severity s)
{
	return s == SEVERITY_WARN ? "warning" : "error";
}
