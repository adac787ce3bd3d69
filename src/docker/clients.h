/* clients.h — which container clients are installed here, and which
 * version, found without a daemon.
 *
 * Several rules depend on the client version (registry-auth-facts §6, §7):
 *  - DOCKER_AUTH_CONFIG is read by docker CLI >= 28.3, buildx >= 0.26
 *    (vendors docker/cli v28.3.2) and buildctl >= 0.24 (docker/cli
 *    v28.3.3); older ones ignore the variable entirely;
 *  - containers/image >= 5.24 (skopeo >= 1.11, podman >= 4.4, buildah
 *    >= 1.29) reads an --authfile / REGISTRY_AUTH_FILE alone; older ones
 *    read it first and then the default files after it (c/image commit
 *    b3748aab, "Don't use any default path fallbacks if the user specified
 *    a path").
 * Each client is asked by running the binary found on PATH, never
 * through a shell, with a short deadline and a scrubbed environment:
 *   docker --version         "Docker version 28.2.2, build e6534b4"
 *   docker buildx version    "github.com/docker/buildx v0.26.1 1a8287f"
 *   buildctl --version       "buildctl github.com/moby/buildkit v0.23.2 …"
 *   podman --version         "podman version 4.3.1"
 *   skopeo --version         "skopeo version 1.9.3"
 *   buildah --version        "buildah version 1.28.2 (image-spec …)"
 * (`docker version --format {{.Client.Version}}` also prints the client
 * version without a daemon, but exits 1 and may wait on DOCKER_HOST.)
 * A `docker` that is podman's docker shim is recorded as such: it is not a
 * docker CLI.
 *
 * The answers are cached for the run: clients_get() runs the binaries the
 * first time only (at most CLIENTS_BUDGET_MS in all, each at most
 * CLIENTS_EACH_MS), later calls return the same table. */
#ifndef FIXKB_DOCKER_CLIENTS_H
#define FIXKB_DOCKER_CLIENTS_H

#include <jansson.h>
#include <limits.h>

#include "util/settings.h"

#define CLIENTS_EACH_MS 1500
#define CLIENTS_BUDGET_MS 3000

enum client_id {
	CLIENT_DOCKER,
	CLIENT_BUILDX,
	CLIENT_BUILDCTL,
	CLIENT_PODMAN,
	CLIENT_SKOPEO,
	CLIENT_BUILDAH,
};
#define CLIENT_COUNT 6

enum client_state {
	CLIENT_ABSENT,     /* not on PATH (buildx: the docker plugin is not installed) */
	CLIENT_FOUND,      /* ran and printed a version: major/minor/patch are set */
	CLIENT_UNKNOWN,    /* found but its version could not be read: see note */
};

struct client_info {
	enum client_id id;
	enum client_state state;
	int major, minor, patch;
	char version[32];            /* "28.2.2" (FOUND), "" otherwise */
	char binary[PATH_MAX];       /* the program run ("" when absent) */
	char note[160];              /* why absent/unknown, or "podman's docker shim" */
	int is_podman_shim;          /* CLIENT_DOCKER only: `docker` is podman */
};

struct clients {
	struct client_info c[CLIENT_COUNT];   /* indexed by enum client_id */
};

/* The installed clients, asked once per run (see above). s gives
 * --config (the docker config dir holds CLI plugins); only the first
 * call's s counts. Never NULL. Borrowed: valid until clients_reset(). */
const struct clients *clients_get(const struct settings *s);
/* Forgets the cached table (tests change PATH between cases). */
void clients_reset(void);

/* "docker CLI", "buildx", "buildctl", "podman", "skopeo", "buildah". */
const char *client_name(enum client_id id);

/* 1 when ci is FOUND at or above major.minor.patch, 0 when FOUND below,
 * -1 when its version is not known (absent or unknown). */
int client_at_least(const struct client_info *ci, int major, int minor, int patch);

/* "docker CLI 28.2.2", "buildx (not installed)", "skopeo (version unknown)". */
void client_describe(const struct client_info *ci, char *out, size_t n);

/* Reads the first version number in text[0..len): the first run of
 * digits.digits[.digits] that starts the text or follows a blank, '(' or
 * a 'v' that does; "28.3.0-rc.1" gives 28.3.0. Returns 0 and fills the
 * numbers and out ("28.3.0"), or -1 when there is none. Pure. */
int clients_parse_version(const char *text, size_t len, int *major, int *minor, int *patch,
			  char *out, size_t n);

/* {"docker CLI": {"state": "found", "version": "28.2.2", "binary": …}, …}
 * for evidence (a new reference). */
json_t *clients_json(const struct clients *cl);

/* ---- the rules that depend on a version ---- */

/* Does the client that runs a docker build here read DOCKER_AUTH_CONFIG?
 * The build client is buildx when its plugin is installed (`docker
 * build` is buildx then), else the docker CLI (its classic builder sends
 * the CLI's credentials), else buildctl. reads: 1 or 0; assumed: no such
 * client's version is known here, so the newest behaviour (reads) is
 * assumed. why: one line naming the client and version, and any other
 * installed client that disagrees ("docker pull" vs "docker build"). */
struct dac_gate {
	int reads;
	int assumed;
	char why[320];
};
void clients_dac_gate(struct dac_gate *g, const struct clients *cl);

/* containers/image >= 5.24 reads a given authfile alone. tool is
 * CLIENT_SKOPEO, or CLIENT_PODMAN for podman/buildah (podman when
 * installed, else buildah, else skopeo: the c/image this machine's
 * packages carry, which `skopeo login` reads with the same authfile
 * default as podman). 1 exclusive, 0 not (an older c/image), and
 * when the tool's version is unknown 1 (the current behaviour) with
 * *assumed set. */
int clients_authfile_exclusive(const struct clients *cl, enum client_id tool, int *assumed);

#endif
