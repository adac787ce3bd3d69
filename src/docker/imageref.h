/* imageref.h — image references, as docker's reference.ParseNormalizedNamed
 * reads them.
 *
 * "alpine" is docker.io/library/alpine:latest; whether the first path
 * component is a registry, and which names are Docker Hub, are
 * docker/regname.h's rules. */
#ifndef FIXKB_DOCKER_IMAGEREF_H
#define FIXKB_DOCKER_IMAGEREF_H

#include <stddef.h>

#include "util/err.h"

#define IMAGEREF_NAME_MAX 256     /* docker: a name is at most 255 characters */
#define IMAGEREF_DOMAIN_MAX 256
#define IMAGEREF_TAG_MAX 130
#define IMAGEREF_DIGEST_MAX 160

struct image_ref {
	char domain[IMAGEREF_DOMAIN_MAX];     /* as docker parses it ("docker.io", "registry-1.docker.io") */
	char registry[IMAGEREF_DOMAIN_MAX];   /* fixkb's registry: regname_canonical(domain) */
	char path[IMAGEREF_NAME_MAX];         /* "library/alpine", "owner/img" */
	char tag[IMAGEREF_TAG_MAX];           /* "latest" when neither tag nor digest is given */
	char digest[IMAGEREF_DIGEST_MAX];     /* "sha256:…" or "" */
};

/* Parses ref into *out. Returns -1 with docker's wording ("invalid
 * reference format: repository name (library/Alpine) must be lowercase"). */
int image_ref_parse(struct image_ref *out, const char *ref, struct err *e);

#endif
