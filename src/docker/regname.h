/* regname.h — registry names: which registry a name means, per client.
 *
 * The one home of every rule that turns a name (from a user, an image
 * reference, a config key or a build log) into a registry, or a registry
 * into the key a client looks its credentials up under. Nothing else in
 * fixkb compares with "docker.io" or "index.docker.io" by hand.
 *
 * The clients disagree, so the rules take the client. Each rule in
 * regname.c names the upstream file it follows (registry-auth-facts §4,
 * §6, §7):
 *
 *   client             Docker Hub is                  Hub credentials under
 *   docker CLI         docker.io, index.docker.io     "https://index.docker.io/v1/"
 *   BuildKit clients   the same + registry-1.docker.io  "https://index.docker.io/v1/"
 *   containerd         docker.io, index.docker.io (requests go to registry-1.docker.io)
 *   containers/image   docker.io, index.docker.io,    keys normalised to
 *                      registry-1.docker.io           "index.docker.io"
 *   GitLab runner      docker.io, index.docker.io     host lower-cased (regname_gitlab_key)
 *
 * All of them compare names exactly, case included ("Docker.io/x" is not
 * Docker Hub to docker), except the GitLab runner, which lower-cases the
 * host.
 *
 * fixkb's own names (not any client's):
 *  - a *registry* is host[:port] as written, except that a name some
 *    client takes for Docker Hub (docker.io, index.docker.io,
 *    registry-1.docker.io, exact case) is REGNAME_HUB ("docker.io");
 *  - a *log host* (regname_log_host) is a host named in a build log:
 *    lower-cased, and Docker Hub's other service hosts (auth.docker.io,
 *    the blob CDN, ...) are "docker.io" too;
 *  - a *loose host* (regname_loose_host) is what a person most likely
 *    meant, used only for hints ("this key looks right but is not read").
 *
 * Every function writing to out[n] cuts to n - 1 bytes and always
 * terminates (n > 0). Nothing here allocates. */
#ifndef FIXKB_DOCKER_REGNAME_H
#define FIXKB_DOCKER_REGNAME_H

#include <stddef.h>

#include "util/err.h"

#define REGNAME_HOST_MAX 256

#define REGNAME_HUB "docker.io"                        /* reference defaultDomain */
#define REGNAME_HUB_LEGACY "index.docker.io"           /* reference legacyDefaultDomain */
#define REGNAME_HUB_HOST "registry-1.docker.io"        /* where Hub requests go */
#define REGNAME_HUB_AUTH_KEY "https://index.docker.io/v1/"   /* docker/cli IndexServer */

enum regname_client {
	REGNAME_DOCKER_CLI,   /* docker CLI (and the classic daemon pull it feeds) */
	REGNAME_BUILDKIT,     /* BuildKit clients: buildx, buildctl */
	REGNAME_CONTAINERD,   /* containerd's resolver (nerdctl, docker's containerd store) */
	REGNAME_CIMAGE,       /* containers/image: podman, buildah, skopeo */
	REGNAME_GITLAB,       /* GitLab runner, for job and service images */
};

/* "docker CLI", "BuildKit", ... */
const char *regname_client_name(enum regname_client c);

/* ---- image references (distribution/reference, which every client uses) ---- */

/* The domain half of splitDockerDomain: the length of name[0..len)'s first
 * '/'-separated component when it is a registry (it contains '.' or ':',
 * is "localhost" or "index.docker.io", or has an upper-case letter), 0
 * when name is a Docker Hub repository ("alpine", "library/alpine",
 * "user/img"). */
size_t regname_domain_len(const char *name, size_t len);

/* The domain a reference keeps: "index.docker.io" becomes "docker.io";
 * anything else is returned as is (registry-1.docker.io included). */
const char *regname_ref_domain(const char *domain);

/* host[:port] as distribution's DomainRegexp takes it: dot-separated
 * [A-Za-z0-9] components with inner '-', or a bracketed [hex:] IPv6
 * literal, then an optional :digits port. 1 valid, 0 not. */
int regname_valid_host(const char *host);

/* ---- Docker Hub ---- */

/* 1 when `client` takes host (exact case) for Docker Hub (table above). */
int regname_client_is_hub(const char *host, enum regname_client c);
/* 1 when any client does: docker.io, index.docker.io, registry-1.docker.io. */
int regname_is_hub(const char *host);
/* fixkb's registry for a client-given host: REGNAME_HUB for a Hub name,
 * host itself otherwise (borrowed). */
const char *regname_canonical(const char *host);

/* The key a reader of docker's config (config.json, credHelpers, the
 * helpers, DOCKER_AUTH_CONFIG) asks for: REGNAME_HUB_AUTH_KEY when the
 * client takes registry for Docker Hub, registry itself otherwise. Only
 * REGNAME_DOCKER_CLI and REGNAME_BUILDKIT ask by one key; the other
 * clients get registry back (containers/image: regname_cimage_key;
 * GitLab: regname_gitlab_key). Borrowed. */
const char *regname_auth_key(const char *registry, enum regname_client c);

/* Where requests for a fixkb registry go: REGNAME_HUB_HOST for Docker
 * Hub, registry itself otherwise (borrowed). */
const char *regname_request_host(const char *registry);

/* ---- config keys, as each client matches them ---- */

/* docker CLI's ConvertToHostname (v29): with "://" the key is a URL and
 * the result is its host[:port] (any scheme, user info dropped, an IPv6
 * host with a port bracketed, without one bare); otherwise, and when the
 * URL does not parse, the key cut at its first '/'. The case is kept. */
void regname_docker_hostname(const char *key, char *out, size_t n);

/* containers/image's normalizeAuthFileKey: "http://" then "https://"
 * stripped (exact case); cut at '/' when a scheme was stripped or the
 * file is legacy (~/.dockercfg); docker.io and registry-1.docker.io
 * become "index.docker.io". */
void regname_cimage_key(const char *key, int legacy, char *out, size_t n);

/* The GitLab runner's convertToRegistryPath: with an http(s) scheme (any
 * case) the host alone, lower-cased, "index.docker.io" becoming
 * "docker.io"; without one the key less a trailing '/' and a :tag, host
 * lower-cased, path kept. Hosts are compared after this, paths by
 * longest prefix. */
void regname_gitlab_key(const char *key, char *out, size_t n);

/* ---- fixkb's own ---- */

/* A registry the user gave (--registry, a config key's host): blanks and
 * an http(s):// prefix (any case) stripped, cut at '/' or a blank; must
 * be a valid host[:port]; a Hub name (exact case, as the clients compare)
 * becomes "docker.io". The case is kept otherwise, since the clients
 * match keys case-sensitively: returns 1 (not an error) when the result
 * has upper-case letters, so a caller can say so; 0 when clean; -1 with
 * e set when empty, not a host[:port] or longer than n - 1. */
int regname_normalise(const char *in, char *out, size_t n, struct err *e);

/* The registry a build log names with host[0..len): checked to be made of
 * host characters (letters, digits, . - _ : [ ]), lower-cased (DNS names
 * are case-insensitive, and that is how the log is read), and Docker
 * Hub's names and service hosts mapped to "docker.io". 0, or -1 when
 * empty, not a host or longer than n - 1. */
int regname_log_host(const char *host, size_t len, char *out, size_t n);

/* For hints only: the host a person most likely meant by key (any scheme
 * and user info dropped, cut at '/', '?' or '#', lower-cased, Hub names
 * as "docker.io"). Two names with the same loose host "look the same". */
void regname_loose_host(const char *key, char *out, size_t n);

#endif
