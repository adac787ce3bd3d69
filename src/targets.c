#include "targets.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "docker/credplan.h"
#include "docker/dockerfile.h"
#include "docker/imageref.h"

static struct target *find(const struct targets *t, const char *registry)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->items[i].registry, registry) == 0)
			return &t->items[i];
	return NULL;
}

/* A new target, registry known to be absent; NULL on OOM. */
static struct target *append(struct targets *t, const char *registry, const char *image,
			     const char *origin, int base_image)
{
	struct target *it;

	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 8;
		struct target *grown = realloc(t->items, ncap * sizeof(*grown));

		if (!grown)
			return NULL;
		t->items = grown;
		t->cap = ncap;
	}
	it = &t->items[t->n++];
	memset(it, 0, sizeof(*it));
	snprintf(it->registry, sizeof(it->registry), "%s", registry);
	snprintf(it->image, sizeof(it->image), "%s", image ? image : "");
	snprintf(it->origin, sizeof(it->origin), "%s", origin);
	it->base_image = base_image;
	return it;
}

/* Appends text (a new string, stolen) to t's warnings; -1 on OOM. */
static int warn(struct targets *t, json_t *text)
{
	if (!t->warnings)
		t->warnings = json_array();
	return t->warnings && json_array_append_new(t->warnings, text) == 0 ? 0 : -1;
}

int targets_add(struct targets *t, const char *registry, const char *image,
		const char *origin, int base_image)
{
	struct target *it = find(t, registry);

	if (!it)
		return append(t, registry, image, origin, base_image) ? 0 : -1;
	if (image && *image && !it->image[0])
		snprintf(it->image, sizeof(it->image), "%s", image);
	it->base_image |= base_image;
	return 0;
}

int targets_add_image(struct targets *t, const char *image, const char *origin,
		      struct err *e)
{
	struct image_ref ref;

	if (image_ref_parse(&ref, image, e) < 0)
		return err_prefix(e, "image '%s'", image);
	if (targets_add(t, ref.registry, image, origin, 1) < 0)
		return err_set(e, "out of memory");
	return 0;
}

int targets_add_dockerfile(struct targets *t, const char *path, int optional,
			   struct err *e)
{
	struct stat st;
	char origin[TARGET_ORIGIN_MAX];
	json_t *images = NULL;
	size_t i;
	int rc = -1;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT && optional)
			return 0;
		return err_set(e, "reading '%s': %s", path, strerror(errno));
	}
	if (dockerfile_from_images(&images, path, e) < 0)
		goto cleanup;
	snprintf(origin, sizeof(origin), "FROM in %s", path);
	for (i = 0; i < json_array_size(images); i++) {
		const char *img = json_string_value(json_array_get(images, i));
		struct err one = ERR_INIT;

		/* A FROM we cannot parse is the build's problem, not a reason
		 * to check nothing: keep the warning and go on. */
		if (img && targets_add_image(t, img, origin, &one) < 0)
			warn(t, json_sprintf("%s: %s", path, one.msg));
	}
	rc = 0;
cleanup:
	json_decref(images);
	return rc;
}

int targets_add_configured(struct targets *t, const struct settings *s)
{
	json_t *regs = credplan_known_registries(s);
	size_t i, added = 0, skipped = 0;
	int rc = 0;

	for (i = 0; i < json_array_size(regs); i++) {
		const char *r = json_string_value(json_array_get(regs, i));

		/* one named already is not counted against the cap */
		if (!r || find(t, r))
			continue;
		if (added == TARGETS_CONFIGURED_MAX) {
			skipped++;
			continue;
		}
		if (!append(t, r, NULL, "credential configuration", 0))
			rc = -1;
		added++;
	}
	/* A config.json with thousands of registries (a mirror farm, a
	 * generated file) would mean thousands of token requests and a
	 * report nobody reads: check the first ones and say so. */
	if (skipped && warn(t, json_sprintf(
			    "the credential configuration names %zu registries: this run checks the "
			    "first %d of them (in the files' order) and those named by --registry, --image "
			    "or the Dockerfile; the other %zu are not checked (name one with --registry HOST "
			    "or --image REF)", json_array_size(regs), TARGETS_CONFIGURED_MAX, skipped)) < 0)
		rc = -1;
	json_decref(regs);
	return rc;
}

void targets_release(struct targets *t)
{
	free(t->items);
	json_decref(t->warnings);
	t->warnings = NULL;
	t->items = NULL;
	t->n = t->cap = 0;
}
