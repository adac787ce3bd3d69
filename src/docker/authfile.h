/* authfile.h — containers/image auth files (podman, buildah, skopeo),
 * registry-auth-facts §7, read from containers/image
 * pkg/docker/config/config.go (getAuthFilePaths, getPathToAuthWithOS,
 * findCredentialsInFile) and containers/common pkg/auth/auth.go
 * (GetDefaultAuthFile).
 *
 * c/image's files, in order (getAuthFilePaths): the authfile when one is
 * given; else $XDG_RUNTIME_DIR/containers/auth.json (skipped, with a
 * warning, when that directory does not exist; /run/containers/<uid>/
 * auth.json when the variable is unset); then
 * ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json,
 * $DOCKER_CONFIG/config.json (else ~/.docker/config.json), ~/.dockercfg.
 * Since c/image 5.24 a given authfile is read alone; before, the files
 * from XDG_CONFIG_HOME on still follow it (the runtime-dir file does not).
 *
 * Which authfile is "given" depends on the tool, not on c/image:
 *  - skopeo (copy, inspect, sync, ...): --authfile, default
 *    $REGISTRY_AUTH_FILE (skopeo cmd/skopeo/utils.go). DOCKER_CONFIG does
 *    not make config.json the authfile: with DOCKER_CONFIG set skopeo still
 *    reads $XDG_RUNTIME_DIR/containers/auth.json first (checked with skopeo
 *    1.9.3 in t2200).
 *  - podman, buildah (and `skopeo login`): --authfile, default
 *    GetDefaultAuthFile(): $REGISTRY_AUTH_FILE, else
 *    $DOCKER_CONFIG/config.json. So with DOCKER_CONFIG set they read that
 *    config.json (alone, on c/image >= 5.24).
 * fixkb's --config DIR stands for DOCKER_CONFIG=DIR here too.
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

/* Whose --authfile default applies (see above). */
enum authfile_tool {
	AUTHFILE_SKOPEO,   /* $REGISTRY_AUTH_FILE */
	AUTHFILE_PODMAN,   /* $REGISTRY_AUTH_FILE, else $DOCKER_CONFIG/config.json */
};

struct authfile_path {
	char path[PATH_MAX];
	int legacy;            /* ~/.dockercfg format */
	const char *why;       /* "REGISTRY_AUTH_FILE", "XDG_RUNTIME_DIR", ... (static) */
};

struct authfile_chain {
	struct authfile_path p[AUTHFILE_CHAIN_MAX];
	size_t n;
	int given;             /* p[0] is the tool's authfile (REGISTRY_AUTH_FILE, DOCKER_CONFIG) */
	int exclusive;         /* ... and it is read alone (c/image >= 5.24) */
	char note[PATH_MAX + 128];   /* a file c/image skips, and why; "" when none */
};

/* Fills *c with the files tool reads, in order. exclusive: the c/image
 * in use reads a given authfile alone (clients_authfile_exclusive). */
int authfile_chain(struct authfile_chain *c, const struct settings *s, enum authfile_tool tool,
		   int exclusive, struct err *e);

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
