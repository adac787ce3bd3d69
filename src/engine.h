/* engine.h — runs probes, enforces what they need and their deadlines,
 * times them, and keeps every result for the renderers.
 *
 * The run has one deadline (settings->timeout_s from engine_init). Each
 * probe gets min(its own deadline_ms, what is left of the run); a probe
 * started after the run's deadline is not run and reports `error`. Unmet
 * needs become `skip` with the reason (NEEDS_NETWORK under --offline,
 * NEEDS_REGISTRY without a registry, NEEDS_KEYRING without libsecret). */
#ifndef FIXKB_SRC_ENGINE_H
#define FIXKB_SRC_ENGINE_H

#include <jansson.h>
#include <stddef.h>

#include "checks/checks.h"
#include "util/settings.h"

#define ENGINE_REGISTRY_MAX 256

struct probe_record {
	const struct probe *probe;
	char registry[ENGINE_REGISTRY_MAX];   /* "" for machine-wide probes */
	struct probe_result res;
};

struct engine {
	const struct settings *settings;
	double start_ms;
	double deadline_ms;
	struct probe_record **records;   /* owned, in run order */
	size_t n, cap;
};

void engine_init(struct engine *en, const struct settings *s);
void engine_release(struct engine *en);

/* Runs probe p for registry (may be NULL) and image (may be NULL); the
 * record stays owned by the engine. Returns NULL only on OOM. */
const struct probe_record *engine_run(struct engine *en, const struct probe *p,
				      const char *registry, const char *image);

/* Runs probe p for n registries (images[i] may be NULL) at once when the
 * probe has run_batch, else one after another. Returns -1 on OOM. */
int engine_run_batch(struct engine *en, const struct probe *p,
		     const char *const *registries, const char *const *images, size_t n);

/* The record of probe `name` for `registry` run earlier, or NULL. */
const struct probe_record *engine_find(const struct engine *en, const char *name,
				       const char *registry);

/* DESIGN.md §3 "probes" array: {name, registry, status, code, detail, ms}
 * plus "evidence" (always in JSON; it is redacted by the probes). */
json_t *engine_probes_json(const struct engine *en);
json_t *probe_record_json(const struct probe_record *r);

#endif
