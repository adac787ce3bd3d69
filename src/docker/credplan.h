/* credplan.h — where each consumer would take the credential for a registry.
 *
 * CONTRACT shared by the config probes, the helper probe, doctor and the
 * token-endpoint probe. Implemented in src/docker/credplan.c on top of
 * src/docker/dockercfg.c (docker config.json, DOCKER_AUTH_CONFIG) and
 * src/docker/authfile.c (containers auth files); see
 * ../shared/docs/registry-auth-facts.md §4, §6, §7 for the rules.
 *
 * Three consumers:
 *  - CONSUMER_DOCKER: the docker CLI and BuildKit clients (buildx,
 *    buildctl), which read docker's config.json with the precedence
 *    DOCKER_AUTH_CONFIG > credHelpers > credsStore > auths, where
 *    DOCKER_AUTH_CONFIG counts only when the build client installed here
 *    reads it (docker CLI >= 28.3, buildx >= 0.26, buildctl >= 0.24:
 *    clients_dac_gate); otherwise it is recorded as an "ignored" problem.
 *  - CONSUMER_CONTAINERS ("containers/image"): containers/image as skopeo
 *    (copy, inspect, sync) uses it: the authfile is $REGISTRY_AUTH_FILE,
 *    else c/image's default chain (authfile.h, AUTHFILE_SKOPEO).
 *  - CONSUMER_PODMAN ("podman/buildah"): the same library with podman's
 *    and buildah's --authfile default, which is also DOCKER_CONFIG's
 *    config.json (AUTHFILE_PODMAN); `skopeo login` reads this way too.
 *  Both c/image consumers ignore credsStore and DOCKER_AUTH_CONFIG, read a
 *  given authfile alone on c/image >= 5.24 (clients_authfile_exclusive),
 *  and ask registries.conf's credential-helpers in order (regconf.h). */
#ifndef FIXKB_DOCKER_CREDPLAN_H
#define FIXKB_DOCKER_CREDPLAN_H

#include <jansson.h>
#include <limits.h>

#include "util/err.h"
#include "util/settings.h"

enum consumer { CONSUMER_DOCKER, CONSUMER_CONTAINERS, CONSUMER_PODMAN };
#define CONSUMER_COUNT 3

enum cred_source {
	SRC_NONE,                /* nothing configured: anonymous */
	SRC_DOCKER_AUTH_CONFIG,  /* the DOCKER_AUTH_CONFIG variable */
	SRC_CRED_HELPER,         /* credHelpers[key] in a config file, or (c/image) a
	                            registries.conf credential-helpers entry */
	SRC_CREDS_STORE,         /* credsStore in config.json */
	SRC_AUTO_STORE,          /* docker's auto-selected store (config has no auth settings) */
	SRC_AUTHS,               /* auths[key] (auth/username+password/identitytoken) in a file */
};

#define CREDPLAN_KEY_MAX 512
#define CREDPLAN_HELPER_MAX 128

struct cred_plan {
	enum consumer consumer;
	enum cred_source source;
	char file[PATH_MAX];               /* file the decision comes from ("" for env/none) */
	char key[CREDPLAN_KEY_MAX];        /* matched auths/credHelpers key, or the server key a
	                                      helper is asked for (what goes on its stdin) */
	char helper[CREDPLAN_HELPER_MAX];  /* helper name ("desktop") for helper sources */
	int helper_name_valid;             /* [A-Za-z0-9._-]+, no path: safe to run */
	int has_identity_token;            /* auths entry holds an identitytoken */
	int plaintext;                     /* auths entry holds a password/auth in clear base64 */
	int global_helper;                 /* SRC_CRED_HELPER from registries.conf credential-helpers
	                                      (file is that registries.conf), not credHelpers */
	json_t *shadowed;                  /* array of {source, file, key, why}: sources that hold
	                                      something for this registry but lose; owned */
	json_t *problems;                  /* array of {file, kind, what}: malformed files/variables
	                                      met on the way (the consumer falls back), keys that
	                                      look right but are not read, ignored settings; owned */
	json_t *credential;                /* SRC_AUTHS / SRC_DOCKER_AUTH_CONFIG: {username,
	                                      secret_fingerprint} of what is sent (owned, or NULL);
	                                      shadowed auths records carry the same two fields */
	json_t *lookup;                    /* how the consumer looks (owned object, for evidence):
	                                      docker: {config: {path, exists, error},
	                                      docker_auth_config: {read, assumed, why}};
	                                      c/image: {files: [{path, why, exists, error}], authfile_alone,
	                                      version_assumed, credential_helpers, from} */
};

#define CRED_PLAN_INIT { CONSUMER_DOCKER, SRC_NONE, "", "", "", 0, 0, 0, 0, NULL, NULL, NULL, NULL }

/* Resolves the plan for `registry` (normalised host[:port]; "docker.io"
 * for Docker Hub). Never runs a helper and never touches the network.
 * Returns 0, or -1 only on an internal failure (OOM); malformed inputs
 * are recorded in plan->problems and the plan says what the consumer
 * would fall back to. */
int credplan_resolve(struct cred_plan *plan, const struct settings *s,
		     const char *registry, enum consumer c, struct err *e);
void cred_plan_release(struct cred_plan *plan);

const char *cred_source_name(enum cred_source s);   /* "credHelpers", "auths", ... */
/* "docker/buildkit", "containers/image", "podman/buildah" (the JSON keys). */
const char *consumer_name(enum consumer c);
/* For text: "docker/BuildKit", "containers/image (skopeo)", "podman/buildah". */
const char *consumer_label(enum consumer c);
/* 1 when two plans send the same thing from the same place (source,
 * file, key, helper). */
int cred_plan_same(const struct cred_plan *a, const struct cred_plan *b);

/* Every registry named anywhere in the credential configuration (config
 * files' auths and credHelpers keys, DOCKER_AUTH_CONFIG, containers auth
 * files), normalised and de-duplicated, as a JSON array of strings (owned). */
json_t *credplan_known_registries(const struct settings *s);

struct credential;
/* For a SRC_AUTHS or SRC_DOCKER_AUTH_CONFIG plan, fills *out with what
 * the consumer would send: username + password, or (identitytoken) an
 * empty username and the token with out->identity_token set, plus
 * auths.registrytoken for docker. Re-reads plan->file (or the variable).
 * Returns -1 for any other source or when the entry is gone/undecodable.
 * Helper sources are fetched by src/docker/credhelper.c. */
int credplan_read_auths(struct credential *out, const struct cred_plan *plan, struct err *e);
/* The same for another auths entry the consumer would read the same way
 * (a shadowed one: file and key from plan->shadowed). */
int credplan_read_entry(struct credential *out, const struct cred_plan *plan, const char *file,
			const char *key, struct err *e);

struct dockercfg_entry;
/* What a BuildKit client sends for a docker config entry (an auths entry
 * of config.json or of DOCKER_AUTH_CONFIG): username and password, or
 * for an identitytoken an empty username and the token (identity_token
 * set); plus registrytoken. out is overwritten. -1 on OOM. */
int credplan_entry_credential(struct credential *out, const struct dockercfg_entry *en,
			      struct err *e);

#endif
