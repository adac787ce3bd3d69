/* dockercfg.h — docker's config.json, read the way the docker CLI reads it.
 *
 * (registry-auth-facts §4.) The config dir is --config, else
 * $DOCKER_CONFIG, else $HOME/.docker. A missing config.json is an empty
 * config. A file docker cannot load (unreadable, malformed JSON, a field
 * of the wrong type, an `auth` that does not decode) is recorded in
 * cfg->error, the way docker prints "WARNING: Error parsing config file
 * (<path>): …" and carries on: with an empty config after a syntax error,
 * with what it had decoded after a type or `auth` error.
 *
 * Field names match case-insensitively (Go's encoding/json, including its
 * Unicode folds of 'K' and 's'); the last occurrence wins. */
#ifndef FIXKB_DOCKER_DOCKERCFG_H
#define FIXKB_DOCKER_DOCKERCFG_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>

#include "docker/credential.h"
#include "util/err.h"
#include "util/sensitive.h"
#include "util/settings.h"

/* The cap on every credential file the docker/ modules read (config.json,
 * auth.json, ~/.dockercfg, the DOCKER_AUTH_CONFIG file): util/fileio
 * refuses bigger ones as "too large". The clients have no cap at all:
 * docker/cli decodes config.json straight from the open file
 * (cli/config/config.go load → ConfigFile.LoadFromReader →
 * json.NewDecoder), containers/image reads it whole (config.go
 * authPath.parse → os.ReadFile). 256 MiB is far above any real file and
 * still bounds what a hostile one costs: a 57 MB config.json with 380 000
 * registries loads in about 4 s and 200 MB here, a 50 MB one with a few
 * entries in 0.3 s (t2010). */
#define DOCKERCFG_FILE_MAX (256u * 1024u * 1024u)

struct dockercfg_entry {
	char *key;                             /* the auths key as written (owned) */
	char username[CREDENTIAL_USER_MAX];    /* from `auth` when present, else `username` */
	struct sensitive password;             /* from `auth` (NULs trimmed) or `password` */
	struct sensitive identity_token;
	struct sensitive registry_token;
	int has_auth;                          /* a non-empty `auth` field */
	int auth_bad;                          /* that `auth` did not decode (cfg->error says why) */
};

struct dockercfg_helper {
	char *key;    /* credHelpers key (owned) */
	char *name;   /* helper name, "" possible (owned) */
};

struct dockercfg {
	char path[PATH_MAX];
	int exists;                     /* the path exists (whatever it is) */
	int broken;                     /* docker's Load() failed: see error */
	char error[ERR_MSG_MAX];        /* why, never holding a secret */
	struct dockercfg_entry *auths;  /* in file order, keys unique (last wins) */
	size_t nauths;
	char *creds_store;              /* NULL when absent or "" */
	struct dockercfg_helper *helpers;
	size_t nhelpers;
	/* docker's ContainsAuth(): credsStore set, or any credHelpers or auths
	 * key. Without it docker auto-selects a store. */
	int contains_auth;
};

#define DOCKERCFG_INIT { "", 0, 0, "", NULL, 0, NULL, NULL, 0, 0 }

/* docker's config dir: s->config_dir, $DOCKER_CONFIG, $HOME/.docker.
 * Returns -1 when none can be found or it does not fit. */
int dockercfg_dir(char *out, size_t n, const struct settings *s, struct err *e);
/* <dir>/config.json. */
int dockercfg_default_path(char *out, size_t n, const struct settings *s, struct err *e);

/* Loads path into *cfg (which must be DOCKERCFG_INIT or released).
 * Returns 0 whatever docker would think of the file (see cfg->broken);
 * -1 only on OOM. */
int dockercfg_load(struct dockercfg *cfg, const char *path, struct err *e);
/* Loads from memory (path is only for messages); same rules. */
int dockercfg_load_text(struct dockercfg *cfg, const char *path, const char *text,
			size_t len, struct err *e);
void dockercfg_release(struct dockercfg *cfg);

/* Exact key, or NULL (borrowed). */
const struct dockercfg_entry *dockercfg_auth_exact(const struct dockercfg *cfg, const char *key);
/* docker's file-store lookup for a server key: the exact key, else the
 * first key whose hostname (regname_docker_hostname) equals it. *nmatch gets
 * how many keys matched by hostname (> 1: docker picks one at random). */
const struct dockercfg_entry *dockercfg_auth_lookup(const struct dockercfg *cfg, const char *key,
						    size_t *nmatch);
/* credHelpers[key], exact (docker does no normalisation here), or NULL. */
const char *dockercfg_helper_for(const struct dockercfg *cfg, const char *key);
/* An entry holds a credential (user, password, identity or registry token). */
int dockercfg_entry_has_credential(const struct dockercfg_entry *en);

/* docker's DetectDefaultStore on Linux for a config without auth
 * settings: "pass" when `pass` is on PATH (and docker-credential-pass is
 * too), else "secretservice" when docker-credential-secretservice is;
 * else "". path_env NULL means getenv("PATH"). */
const char *dockercfg_auto_store(const char *path_env);

/* Helper names safe to run: [A-Za-z0-9._-]+, not "." or "..". */
int dockercfg_helper_name_valid(const char *name);

/* Go encoding/json's field-name match: case-insensitive, with 'K'
 * (U+212A) ≈ k and 'ſ' (U+017F) ≈ s. field is ASCII lower-case. */
int dockercfg_field_eq(const char *jsonkey, const char *field);

/* Decodes docker's `auth` (standard padded base64 of user:pass; CR/LF
 * ignored as Go does): the user into user[], the password into *pass
 * (NULs trimmed). -1 with "invalid auth configuration file" (no ':' or
 * empty user) or "illegal base64 data at input byte N". */
int dockercfg_decode_auth(char *user, size_t usern, struct sensitive *pass,
			  const char *auth, size_t authlen, struct err *e);

#endif
