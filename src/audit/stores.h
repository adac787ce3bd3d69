/* stores.h — one home's credential stores, read as their clients read
 * them, and the rules on the files themselves.
 *
 * Files: docker's config.json (dockercfg.h) and the containers/image
 * chain (authfile.h): for the invoking user exactly the paths its
 * environment selects (--config, DOCKER_CONFIG, REGISTRY_AUTH_FILE,
 * XDG_RUNTIME_DIR, XDG_CONFIG_HOME), plus the default locations even when
 * the environment points elsewhere (a credential file on disk is a risk
 * whether or not today's environment reads it); for another user
 * (--all-users) the defaults: ~/.docker/config.json,
 * /run/user/<uid>/containers/auth.json, ~/.config/containers/auth.json,
 * ~/.dockercfg. Each file is read once,
 * through safefs (confined to the home, or to /run/user/<uid>). Parsing
 * is the docker model's; no rule here re-parses a file.
 *
 * Rules: plaintext-credentials, credential-file-permissions,
 * hub-key-unread, legacy-dockercfg (stores_check); every credential goes
 * into the inventory, whose rules run later. Credential helpers and the
 * consumers' plans are resolve.h's. */
#ifndef FIXKB_AUDIT_STORES_H
#define FIXKB_AUDIT_STORES_H

#include <limits.h>
#include <sys/stat.h>

#include "audit/homes.h"
#include "audit/inventory.h"
#include "audit/report.h"
#include "docker/authfile.h"
#include "docker/dockercfg.h"
#include "util/buf.h"
#include "util/settings.h"

#define STORES_FILES_MAX 8

struct hfile {
	char path[PATH_MAX];
	char display[PATH_MAX];
	char root[PATH_MAX];       /* safefs confinement */
	int exists;
	int unreadable;            /* exists but could not be read (noted) */
	struct stat st;
	struct buf text;           /* the bytes read (may hold secrets: wiped) */
	int is_docker;             /* the config.json docker reads */
	int in_chain;              /* read by containers/image */
	int legacy;                /* ~/.dockercfg format */
	int docker_format;         /* a docker config.json (parsed into cfg) */
	struct dockercfg cfg;      /* docker_format */
	struct authfile af;        /* in_chain, or not docker_format */
};

struct home_stores {
	const struct audit_home *home;
	struct hfile f[STORES_FILES_MAX];
	size_t n;
	int docker;                      /* index of docker's config.json, -1: none */
	int chain[AUTHFILE_CHAIN_MAX];   /* containers/image's files in order */
	size_t nchain;
	int legacy;                      /* ~/.dockercfg, -1: none */
};

/* Finds and reads the files of home h (see above). Unreadable files are
 * noted in r. Returns -1 on OOM only. */
int stores_load(struct home_stores *hs, const struct audit_home *h, const struct settings *s,
		struct audit_report *r, struct err *e);
void stores_release(struct home_stores *hs);

/* The file rules, and every stored credential into inv. */
int stores_check(struct home_stores *hs, struct inventory *inv, struct audit_report *r,
		 long long now);

/* The line of the first occurrence of "needle" (quoted; nocase: field
 * names compared without case) in a file's text, after the first "anchor"
 * (a field name, without case) when anchor is not NULL; 0 when absent. */
int stores_line_of(const struct hfile *f, const char *anchor, const char *needle, int nocase);

/* Normalised registry of a config key ("https://index.docker.io/v1/" →
 * "docker.io"); 0, or -1 when the key names no registry. */
int stores_key_registry(const char *key, char *out, size_t n);

#endif
