/* targets.h — the registries a command looks at, and why.
 *
 * doctor gathers them from --registry, --image, the FROM lines of the
 * build context's Dockerfile and every registry named in the credential
 * configuration; each registry appears once, with the first reason it was
 * found and an image on it when one is known. */
#ifndef FIXKB_SRC_TARGETS_H
#define FIXKB_SRC_TARGETS_H

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"
#include "util/settings.h"

#define TARGET_REGISTRY_MAX 256
#define TARGET_IMAGE_MAX 512
#define TARGET_ORIGIN_MAX 300

struct target {
	char registry[TARGET_REGISTRY_MAX];   /* normalised host[:port] */
	char image[TARGET_IMAGE_MAX];         /* "" when none is known */
	char origin[TARGET_ORIGIN_MAX];       /* "--registry", "Dockerfile FROM", "~/.docker/config.json" */
	int base_image;                       /* an image pulled by a build (FROM, --image) */
	int implicit;                         /* not named anywhere: the default registry */
};

struct targets {
	struct target *items;
	size_t n, cap;
	json_t *warnings;   /* strings: FROM lines that could not be used, registries left out; owned */
};

#define TARGETS_INIT { NULL, 0, 0, NULL }

/* Adds registry (already normalised) unless present; fills in image and
 * base_image on an existing entry that lacks them. Returns -1 on OOM. */
int targets_add(struct targets *t, const char *registry, const char *image,
		const char *origin, int base_image);
int targets_add_image(struct targets *t, const char *image, const char *origin,
		      struct err *e);
/* FROM lines of a Dockerfile; a missing file is not an error when
 * `optional` (./Dockerfile by default), an unreadable one always is. */
int targets_add_dockerfile(struct targets *t, const char *path, int optional,
			   struct err *e);
/* Registries named by the credential configuration (credplan), at most
 * TARGETS_CONFIGURED_MAX of them besides those already targets; the rest
 * are counted in a warning that says how to check them. Returns -1 on OOM. */
#define TARGETS_CONFIGURED_MAX 64
int targets_add_configured(struct targets *t, const struct settings *s);
void targets_release(struct targets *t);

#endif
