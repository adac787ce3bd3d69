#include "audit/rules.h"

#include <stdio.h>
#include <string.h>

static const struct audit_rule rules[RULE_COUNT] = {
	{ RULE_PLAINTEXT_CREDENTIALS, "plaintext-credentials", "PlaintextCredentials", SEV_HIGH,
	  "a registry password or token stored in a file as plain base64",
	  "docker's config.json `auths` and the containers auth.json keep the secret as base64 of "
	  "user:password, which anyone who can read the file decodes at once; backups, dotfile "
	  "repositories and build contexts copy it further. Store it in a credential helper "
	  "(credsStore/credHelpers: secretservice, pass, osxkeychain) and run docker login again, "
	  "or log out of registries you no longer use.",
	  "plaintext_credentials" },
	{ RULE_CREDENTIAL_FILE_PERMISSIONS, "credential-file-permissions", "CredentialFilePermissions",
	  SEV_CRITICAL,
	  "a credential file readable or writable by others, or owned by another user",
	  "A config.json or auth.json that holds credentials must be readable by its owner only "
	  "(mode 0600, as docker login writes it). Group- or world-readable, any other local user "
	  "can copy the credential; writable by others, or owned by someone else, another user "
	  "decides which credential helper your docker runs. chmod 600 the file and check its owner.",
	  "plaintext_credentials" },
	{ RULE_CREDENTIAL_IN_BUILD_CONTEXT, "credential-in-build-context", "CredentialInBuildContext",
	  SEV_CRITICAL,
	  "a credential file inside a build context and not excluded by .dockerignore",
	  "Everything in the build context that .dockerignore does not exclude is sent to the "
	  "builder, and a `COPY . .` puts it in an image layer for good: whoever can pull the image "
	  "can read the registry credential. Move the file out of the context, or exclude it in "
	  ".dockerignore (or <Dockerfile>.dockerignore), and pass credentials with "
	  "`docker build --secret` and `RUN --mount=type=secret`.",
	  "" },
	{ RULE_DOCKERFILE_COPIES_CREDENTIALS, "dockerfile-copies-credentials",
	  "DockerfileCopiesCredentials", SEV_HIGH,
	  "a Dockerfile that copies a credential file into the image",
	  "A COPY or ADD of a docker config (.docker/config.json), a containers auth.json, "
	  ".dockercfg, .npmrc, .netrc, .git-credentials or .pypirc leaves the credential in an "
	  "image layer, even if a later step deletes it. Mount it only for the step that needs "
	  "it: `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`.",
	  "" },
	{ RULE_DOCKERFILE_SECRET_ARG, "dockerfile-secret-arg", "DockerfileSecretArg", SEV_HIGH,
	  "a Dockerfile that passes a token through ARG or ENV",
	  "Build arguments and ENV values are recorded in the image configuration and history "
	  "(docker history shows them) and in the build cache; ENV also ships in every container. "
	  "Pass the token as a build secret: `docker build --secret id=npm_token,env=NPM_TOKEN` and "
	  "`RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN ...`. The names follow BuildKit's "
	  "SecretsUsedInArgOrEnv check.",
	  "buildkit_secret_missing" },
	{ RULE_HELPER_MISSING, "helper-missing", "HelperMissing", SEV_MEDIUM,
	  "credsStore or credHelpers names a credential helper that is not installed",
	  "docker runs docker-credential-<name> for every registry the setting covers (credsStore: "
	  "all of them, Docker Hub's public images included) and fails the pull or build when it is "
	  "not on PATH. Install the helper, or remove the setting from config.json.",
	  "helper_missing" },
	{ RULE_HELPER_FAILED, "helper-failed", "HelperFailed", SEV_MEDIUM,
	  "a configured credential helper fails when docker asks it for a credential",
	  "The helper ran, as docker runs it, and failed (no D-Bus session, a locked keyring, an "
	  "uninitialised pass store, gpg cannot decrypt, a timeout). docker stops there: the "
	  "build fails with 'error getting credentials'. Fix the helper's backend, or change "
	  "credsStore/credHelpers.",
	  "helper_failed" },
	{ RULE_EXPIRED_TOKEN, "expired-token", "ExpiredToken", SEV_MEDIUM,
	  "a stored identity or registry token that has expired",
	  "The token's JWT `exp` claim is in the past (or, with --online, the registry's token "
	  "endpoint refused it as expired): every pull with it fails until you log in again. Run "
	  "docker login (or your cloud's login helper) for that registry, or remove the entry.",
	  "expired_token" },
	{ RULE_ACCOUNT_PASSWORD, "account-password", "AccountPassword", SEV_MEDIUM,
	  "an account password stored where the registry issues access tokens",
	  "Docker Hub (dckr_pat_/dckr_oat_), GitHub (ghp_, github_pat_) and GitLab (glpat-, "
	  "gldt-) issue access tokens with a prefix their documentation names; a secret without "
	  "one is an account password, which unlocks the whole account and cannot be scoped or "
	  "revoked alone (ghcr.io does not accept passwords at all). Create a token with only "
	  "the registry scopes and log in with it.",
	  "oauth_token_rejected" },
	{ RULE_UNSUPPORTED_TOKEN, "unsupported-token", "UnsupportedToken", SEV_MEDIUM,
	  "a token of a kind the registry does not accept for this use",
	  "The token's documented prefix says what it is, and the registry does not take that "
	  "kind: ghcr.io accepts only classic personal access tokens (ghp_), not fine-grained ones "
	  "(github_pat_); a GitHub Actions token (ghs_) or GitLab job token (glcbt-) lives only as "
	  "long as its job and is dead once stored on a machine. Create a token of the kind the "
	  "registry documents.",
	  "oauth_token_rejected" },
	{ RULE_SHADOWED_CREDENTIALS, "shadowed-credentials", "ShadowedCredentials", SEV_MEDIUM,
	  "the same registry with different credentials in several stores",
	  "docker/BuildKit and podman/buildah/skopeo read different stores in a different order, "
	  "so one client's login is shadowed by another's: a fresh `docker login` does not reach "
	  "podman, a credential helper hides config.json's entry even when it has nothing, "
	  "DOCKER_AUTH_CONFIG overrides both. Keep one credential per registry: log out of the "
	  "stale stores.",
	  "shadowed_credentials" },
	{ RULE_HUB_KEY_UNREAD, "hub-key-unread", "HubKeyUnread", SEV_LOW,
	  "Docker Hub credentials under a key docker never reads",
	  "docker looks Docker Hub credentials up only under \"https://index.docker.io/v1/\"; an "
	  "entry under docker.io, index.docker.io or registry-1.docker.io is never sent by docker or "
	  "BuildKit (podman and buildah do read it). Run docker login without a server name, and "
	  "remove the stray entry.",
	  "shadowed_credentials" },
	{ RULE_DOCKER_AUTH_CONFIG_EXPORTED, "docker-auth-config-exported", "DockerAuthConfigExported",
	  SEV_HIGH,
	  "DOCKER_AUTH_CONFIG set in a shell start-up file or a .env file",
	  "DOCKER_AUTH_CONFIG holds credentials in clear JSON; exported from a start-up file, every "
	  "program started from your shell inherits it (and can log it), and it overrides docker "
	  "login for the registries it names. A .env file is read by compose and many tools, and "
	  "often copied or committed. Keep it for CI variables; on a machine, use a credential "
	  "helper.",
	  "shadowed_credentials" },
	{ RULE_LEGACY_DOCKERCFG, "legacy-dockercfg", "LegacyDockercfg", SEV_LOW,
	  "a legacy ~/.dockercfg",
	  "docker stopped reading ~/.dockercfg long ago, but podman, buildah and skopeo still do "
	  "(last in their chain), so it holds forgotten credentials that one client still sends. "
	  "Move what you need into a credential helper and delete the file.",
	  "shadowed_credentials" },
	{ RULE_CREDENTIAL_REJECTED, "credential-rejected", "CredentialRejected", SEV_MEDIUM,
	  "a stored credential that its registry rejects (--online)",
	  "With --online, fixkb ran docker login's token flow with the stored credential and the "
	  "registry refused it: the password was changed, the token revoked, or the account is "
	  "gone. Every pull with it fails (public images too, on registries such as ghcr.io). Log "
	  "in again or remove it.",
	  "oauth_token_rejected" },
};

const struct audit_rule *audit_rule_get(enum audit_rule_id r)
{
	return (unsigned)r < RULE_COUNT ? &rules[r] : &rules[0];
}

const struct audit_rule *audit_rule_find(const char *id)
{
	int i;

	for (i = 0; id && i < RULE_COUNT; i++)
		if (strcmp(rules[i].id, id) == 0)
			return &rules[i];
	return NULL;
}

static const char *const severity_names[AUDIT_SEVERITY_COUNT] = {
	"low", "medium", "high", "critical"
};

const char *audit_severity_name(enum audit_severity s)
{
	return (unsigned)s < AUDIT_SEVERITY_COUNT ? severity_names[s] : "low";
}

int audit_severity_parse(const char *name)
{
	int i;

	for (i = 0; name && i < AUDIT_SEVERITY_COUNT; i++)
		if (strcmp(severity_names[i], name) == 0)
			return i;
	return -1;
}

json_t *audit_rules_json(void)
{
	json_t *arr = json_array();
	char doc[256];
	int i;

	for (i = 0; arr && i < RULE_COUNT; i++) {
		snprintf(doc, sizeof(doc), "%s%s.md", AUDIT_DOC_BASE, rules[i].id);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			"id", rules[i].id, "name", rules[i].name,
			"severity", audit_severity_name(rules[i].severity),
			"title", rules[i].title, "help", rules[i].help, "doc", doc,
			"cause", rules[i].cause));
	}
	return arr;
}
