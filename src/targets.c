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

int targets_add(struct targets *t, const char *registry, const char *image,
		const char *origin, int base_image)
{
	struct target *it;
	size_t i;

	for (i = 0; i < t->n; i++) {
		it = &t->items[i];
		if (strcmp(it->registry, registry) != 0)
			continue;
		if (image && *image && !it->image[0])
			snprintf(it->image, sizeof(it->image), "%s", image);
		it->base_image |= base_image;
		return 0;
	}
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 8;
		struct target *grown = realloc(t->items, ncap * sizeof(*grown));

		if (!grown)
			return -1;
		t->items = grown;
		t->cap = ncap;
	}
	it = &t->items[t->n++];
	memset(it, 0, sizeof(*it));
	snprintf(it->registry, sizeof(it->registry), "%s", registry);
	snprintf(it->image, sizeof(it->image), "%s", image ? image : "");
	snprintf(it->origin, sizeof(it->origin), "%s", origin);
	it->base_image = base_image;
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
		if (img && targets_add_image(t, img, origin, &one) < 0) {
			if (!t->warnings)
				t->warnings = json_array();
			json_array_append_new(t->warnings, json_sprintf("%s: %s", path, one.msg));
		}
	}
	rc = 0;
cleanup:
	json_decref(images);
	return rc;
}

/* Whether registry is already a target (a registry named on the
 * command line or in a FROM line is not counted against the cap). */
static int targets_has(const struct targets *t, const char *registry)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->items[i].registry, registry) == 0)
			return 1;
	return 0;
}

int targets_add_configured(struct targets *t, const struct settings *s)
{
	json_t *regs = credplan_known_registries(s);
	size_t i, added = 0, skipped = 0;
	int rc = 0;

	for (i = 0; i < json_array_size(regs); i++) {
		const char *r = json_string_value(json_array_get(regs, i));

		if (!r || targets_has(t, r))
			continue;
		if (added == TARGETS_CONFIGURED_MAX) {
			skipped++;
			continue;
		}
		if (targets_add(t, r, NULL, "credential configuration", 0) < 0)
			rc = -1;
		added++;
	}
	/* A config.json with thousands of registries (a mirror farm, a
	 * generated file) would mean thousands of token requests and a
	 * report nobody reads: check the first ones and say so. */
	if (skipped) {
		if (!t->warnings)
			t->warnings = json_array();
		if (!t->warnings || json_array_append_new(t->warnings, json_sprintf(
			    "the credential configuration names %zu registries: this run checks the "
			    "first %d of them (in the files' order) and those named by --registry, --image "
			    "or the Dockerfile; the other %zu are not checked (name one with --registry HOST "
			    "or --image REF)", json_array_size(regs), TARGETS_CONFIGURED_MAX, skipped)) < 0)
			rc = -1;
	}
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
