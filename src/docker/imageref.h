/* imageref.h — image references, registry names and Dockerfile FROM lines.
 *
 * image_ref_parse() follows docker's reference.ParseNormalizedNamed:
 * "alpine" is docker.io/library/alpine:latest; the first path component
 * is a registry only when it contains '.' or ':', is "localhost", or has
 * an upper-case letter (which then fails as a repository name anyway).
 *
 * Registry names: fixkb's normalised registry is host[:port] as written,
 * except that every Docker Hub alias (docker.io, index.docker.io,
 * registry-1.docker.io) becomes "docker.io". The key docker stores Hub
 * credentials under is "https://index.docker.io/v1/". */
#ifndef FIXKB_DOCKER_IMAGEREF_H
#define FIXKB_DOCKER_IMAGEREF_H

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"

#define IMAGEREF_NAME_MAX 256     /* docker: a name is at most 255 characters */
#define IMAGEREF_DOMAIN_MAX 256
#define IMAGEREF_TAG_MAX 130
#define IMAGEREF_DIGEST_MAX 160

#define DOCKER_HUB_REGISTRY "docker.io"
#define DOCKER_HUB_AUTH_KEY "https://index.docker.io/v1/"

struct image_ref {
	char domain[IMAGEREF_DOMAIN_MAX];     /* as docker parses it ("docker.io", "registry-1.docker.io") */
	char registry[IMAGEREF_DOMAIN_MAX];   /* fixkb-normalised: Hub aliases → "docker.io" */
	char path[IMAGEREF_NAME_MAX];         /* "library/alpine", "owner/img" */
	char tag[IMAGEREF_TAG_MAX];           /* "latest" when neither tag nor digest is given */
	char digest[IMAGEREF_DIGEST_MAX];     /* "sha256:…" or "" */
};

/* Parses ref into *out. Returns -1 with docker's wording ("invalid
 * reference format: repository name (library/Alpine) must be lowercase"). */
int image_ref_parse(struct image_ref *out, const char *ref, struct err *e);

/* 1 for docker.io, index.docker.io and registry-1.docker.io (exact case). */
int registry_is_docker_hub(const char *host);

/* The key docker's config.json and helpers use for a normalised registry:
 * DOCKER_HUB_AUTH_KEY for Hub, the registry itself otherwise. */
const char *registry_auth_key(const char *registry);

/* Normalises a user-given registry ("https://GHCR.io/v2/", "host:5000/")
 * into out: scheme, path and trailing '/' stripped, Hub aliases mapped to
 * "docker.io". The case is kept, because docker matches config keys
 * case-sensitively; returns 1 (not an error) when the host has upper-case
 * letters so the caller can say so, 0 when clean, -1 when empty, too long
 * or not a host[:port]. */
int registry_normalise(const char *in, char *out, size_t n, struct err *e);

/* docker's ConvertToHostname: strips "http://" / "https://" and cuts at
 * the first '/'. */
void registry_key_hostname(const char *key, char *out, size_t n);

/* Base images of a Dockerfile: *out becomes a JSON array (owned) of the
 * FROM references in order, with ARGs declared before the first FROM
 * substituted (${V}, $V, ${V:-d}, ${V:+a}); "scratch", earlier stage names
 * and duplicates are left out; flags (--platform=…) and "AS name" are
 * ignored. Handles line continuations, comments and the escape directive.
 * Returns -1 when the file cannot be read (not a regular file, > 4 MiB). */
int dockerfile_from_images(json_t **out, const char *path, struct err *e);
/* The same on a Dockerfile held in memory. */
int dockerfile_from_images_text(json_t **out, const char *text, size_t len, struct err *e);

#endif
