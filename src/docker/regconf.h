/* regconf.h — containers/image's global credential helpers: the
 * `credential-helpers` list of registries.conf (containers/image
 * pkg/sysregistriesv2/system_registries_v2.go: newConfigWrapperWithHomeDir,
 * tryUpdatingCache, CredentialHelpers).
 *
 * Files: ~/.config/containers/registries.conf when it exists (then only
 * ~/.config/containers/registries.conf.d/ *.conf as drop-ins), else
 * /etc/containers/registries.conf with /etc/containers/registries.conf.d/
 * and ~/.config/containers/registries.conf.d/ drop-ins, each directory in
 * name order. podman and buildah (containers/common libimage) take
 * $CONTAINERS_REGISTRIES_CONF as the main file instead; skopeo does not.
 * A drop-in that sets a non-empty list replaces the list. An empty or
 * absent list means ["containers-auth.json"]: the auth files alone
 * (AUTHFILE_HELPER_NAME). c/image asks each entry in order and takes the
 * first credential found; "containers-auth.json" is the auth-file chain
 * (authfile.h), any other name runs docker-credential-<name>.
 *
 * Only the top-level `credential-helpers` key is read, with a small TOML
 * scanner (comments, basic and literal strings, multi-line arrays); a
 * value it cannot read is reported in `note` and the default assumed. */
#ifndef FIXKB_DOCKER_REGCONF_H
#define FIXKB_DOCKER_REGCONF_H

#include <limits.h>
#include <stddef.h>

#include "util/err.h"

#define REGCONF_HELPERS_MAX 8
#define REGCONF_NAME_MAX 128
#define REGCONF_FILE_MAX (1u << 20)   /* bigger registries.conf files are not read */
#define REGCONF_AUTHFILE_HELPER "containers-auth.json"

struct regconf {
	char helpers[REGCONF_HELPERS_MAX][REGCONF_NAME_MAX];   /* the effective list */
	size_t nhelpers;
	char from[PATH_MAX];   /* the file that set it; "" for the default */
	char note[PATH_MAX + 160];   /* a value not understood ("" when none) */
};

/* Loads the effective list as the tool does: podman 1 means
 * $CONTAINERS_REGISTRIES_CONF is honoured. Returns 0, -1 only when a path
 * does not fit (e set). */
int regconf_load(struct regconf *rc, int podman, struct err *e);

/* Scans TOML text for a top-level credential-helpers array of strings.
 * Returns 1 and fills out[]/n when present (n may be 0: empty list), 0
 * when absent, -1 when present but not an array of strings the scanner
 * reads (why says so). Pure, for tests and the fuzzer. */
int regconf_parse(const char *text, size_t len, char out[][REGCONF_NAME_MAX], size_t *n,
		  char *why, size_t whyn);

/* 1 when the list is the default (the auth files alone). */
int regconf_is_default(const struct regconf *rc);

#endif
