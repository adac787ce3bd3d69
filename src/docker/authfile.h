/* authfile.h — containers/image auth files (podman, buildah, skopeo),
 * registry-auth-facts §7.
 *
 * The chain: $REGISTRY_AUTH_FILE alone when set; else
 * $XDG_RUNTIME_DIR/containers/auth.json (/run/containers/<uid>/auth.json
 * when unset), ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json,
 * $DOCKER_CONFIG/config.json (else ~/.docker/config.json), ~/.dockercfg.
 * With DOCKER_CONFIG set (or fixkb's --config) and no REGISTRY_AUTH_FILE,
 * only that config.json.
 *
 * Parsing is c/image's: json.Unmarshal (case-insensitive field names,
 * trailing data and an empty file are errors), only auths (auth,
 * identitytoken) and credHelpers; credsStore and username/password are
 * ignored. ~/.dockercfg is the legacy format (the auths map at the top). */
#ifndef FIXKB_DOCKER_AUTHFILE_H
#define FIXKB_DOCKER_AUTHFILE_H

#include <limits.h>
#include <stddef.h>

#include "docker/credential.h"
#include "util/err.h"
#include "util/sensitive.h"
#include "util/settings.h"

#define AUTHFILE_CHAIN_MAX 5

struct authfile_path {
	char path[PATH_MAX];
	int legacy;            /* ~/.dockercfg format */
	const char *why;       /* "REGISTRY_AUTH_FILE", "XDG_RUNTIME_DIR", ... (static) */
};

/* Fills out[] with the chain in order; *n gets the count. */
int authfile_chain(struct authfile_path out[AUTHFILE_CHAIN_MAX], size_t *n,
		   const struct settings *s, struct err *e);

struct authfile_entry {
	char *key;                     /* owned */
	struct sensitive auth;         /* raw base64 (decoded at lookup, as c/image does) */
	struct sensitive identity_token;
};

struct authfile {
	char path[PATH_MAX];
	int legacy;
	int exists;
	int broken;                    /* c/image fails reading it: see error */
	char error[ERR_MSG_MAX];
	struct authfile_entry *auths;
	size_t nauths;
	char **helper_keys, **helper_names;   /* credHelpers (owned) */
	size_t nhelpers;
	char *creds_store;             /* present but ignored by c/image (owned, or NULL) */
};

#define AUTHFILE_INIT { "", 0, 0, 0, "", NULL, 0, NULL, NULL, 0, NULL }

/* Loads one file; 0 whatever its state (see broken), -1 on OOM. */
int authfile_load(struct authfile *f, const char *path, int legacy, struct err *e);
int authfile_load_text(struct authfile *f, const char *path, int legacy, const char *text,
		       size_t len, struct err *e);
void authfile_release(struct authfile *f);

enum authfile_hit {
	AUTHFILE_NONE,     /* nothing here: c/image goes on to the next file */
	AUTHFILE_HELPER,   /* credHelpers[registry] */
	AUTHFILE_AUTH,     /* an auths entry that yields a credential */
	AUTHFILE_ERROR,    /* lookup fails (bad base64): podman stops with an error */
};

struct authfile_match {
	enum authfile_hit hit;
	char key[512];                  /* matched key */
	char helper[128];
	char username[CREDENTIAL_USER_MAX];
	struct sensitive password;
	struct sensitive identity_token;
	int ambiguous;                  /* several keys normalise to the registry (random pick) */
	char warning[256];              /* "auth missing semicolon" for a skipped entry, no secret */
	char error[256];
	char empty_key[512];            /* an entry matched but yields nothing ("{}", skipped) */
};

#define AUTHFILE_MATCH_INIT { AUTHFILE_NONE, "", "", "", SENSITIVE_INIT, SENSITIVE_INIT, 0, "", "", "" }

/* c/image's findCredentialsInFile for registry ("docker.io", "quay.io")
 * and an optional repository path ("quay.io/a/b" without tag; NULL for
 * the registry alone): credHelpers[registry], the exact key and its
 * parents, then keys equal after regname_cimage_key. Returns -1 on OOM
 * only. */
int authfile_lookup(struct authfile_match *m, const struct authfile *f, const char *registry,
		    const char *repo, struct err *e);
/* Decodes the auths entry `key` exactly (no parents, no normalisation). */
int authfile_lookup_key(struct authfile_match *m, const struct authfile *f, const char *key,
			struct err *e);
void authfile_match_release(struct authfile_match *m);

#endif
