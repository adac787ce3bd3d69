/* dockerauthcfg.h — the DOCKER_AUTH_CONFIG variable (registry-auth-facts §6).
 *
 * The value may be raw JSON, base64 of JSON, or (GitLab file-type
 * variables, in the job shell) a path to a file holding the JSON. Two
 * readers are judged:
 *  - docker CLI >= 28.3 (and buildx >= 0.26, buildctl): the raw value
 *    only, exactly {"auths":{"<key>":{"auth":"<b64 user:pass>"}}};
 *    unknown fields, a second JSON object and an entry without `auth`
 *    are errors; keys match exactly (no normalisation).
 *  - the GitLab runner (job/service image pulls): the variable's contents
 *    as a full docker config (auths, credsStore, credHelpers), helper
 *    names without path traversal, longest-prefix match, host lower-cased.
 * No message or key list ever holds a secret. */
#ifndef FIXKB_DOCKER_DOCKERAUTHCFG_H
#define FIXKB_DOCKER_DOCKERAUTHCFG_H

#include <jansson.h>
#include <limits.h>

#include "docker/credential.h"
#include "docker/dockercfg.h"
#include "util/err.h"

enum dac_form { DAC_FORM_RAW, DAC_FORM_BASE64, DAC_FORM_FILE };

#define DAC_PROBLEM_MAX 512

struct docker_auth_config {
	int set;                               /* the variable is set and non-empty */
	enum dac_form form;
	char path[PATH_MAX];                   /* DAC_FORM_FILE: the file */
	int cli_accepts;                       /* docker CLI >= 28.3 takes it */
	char cli_problem[DAC_PROBLEM_MAX];     /* why not ("" when it does) */
	int gitlab_accepts;                    /* the GitLab runner takes it */
	char gitlab_problem[DAC_PROBLEM_MAX];
	/* The content (decoded/read) as a docker config: what the runner
	 * sees for file/raw forms. When cli_accepts, cfg.auths are exactly
	 * the CLI's entries with decoded username/password. */
	struct dockercfg cfg;
	json_t *keys;                          /* array of auths and credHelpers keys (owned) */
};

#define DOCKER_AUTH_CONFIG_INIT { 0, DAC_FORM_RAW, "", 0, "", 0, "", DOCKERCFG_INIT, NULL }

/* Decodes `value` (NULL or "" = unset). Returns 0 whatever the verdicts;
 * -1 only on OOM. */
int dac_decode(struct docker_auth_config *d, const char *value, struct err *e);
/* dac_decode(getenv("DOCKER_AUTH_CONFIG")). */
int dac_load_env(struct docker_auth_config *d, struct err *e);
void dac_release(struct docker_auth_config *d);

const char *dac_form_name(enum dac_form f);   /* "raw", "base64", "file" */

/* For a normalised registry ("docker.io", "ghcr.io"):
 * the CLI's entry (exact key regname_auth_key(registry, docker CLI)) or NULL;
 * NULL also when the CLI rejects the value. */
const struct dockercfg_entry *dac_cli_entry(const struct docker_auth_config *d, const char *registry);
/* Whether the runner would find an auths or credHelpers key for it (hosts
 * compared as regname_gitlab_key makes them). */
int dac_gitlab_matches(const struct docker_auth_config *d, const char *registry);
/* When the CLI finds no key for registry but a key looks the same
 * (regname_loose_host: "https://ghcr.io" or "GHCR.io" for ghcr.io), says
 * so in out and returns 1. */
int dac_near_miss(const struct docker_auth_config *d, const char *registry, char *out, size_t n);

#endif
