/* engine.h — decides which probes run, runs them, enforces what they need
 * and their deadlines, times them, and keeps every result for the renderers.
 *
 * Commands never name a probe: they hand engine_run_for the registries
 * and the probe names their policy asks for (explain: the probes tied to
 * the KB entries a log matched; doctor: doctor_probes in doctor.h), and
 * the engine decides, per probe and registry, whether it applies (the
 * probe's applies() rule) and what it needs. engine_run runs one probe
 * unconditionally (fixkb probe NAME).
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
#include "util/err.h"
#include "util/settings.h"

#define ENGINE_REGISTRY_MAX 256

struct probe_record {
	const struct probe *probe;
	char registry[ENGINE_REGISTRY_MAX];   /* "" for machine-wide probes */
	struct probe_result res;
};

struct engine {
	const struct settings *settings;
	/* Where engine_run_for looks names up: probe_table (engine_init).
	 * A test may point it at its own NULL-terminated table. */
	const struct probe *const *table;
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

/* One registry and the probes asked for it. */
struct engine_target {
	const char *registry;         /* normalised host[:port]; NULL: machine-wide */
	const char *image;            /* an image on that registry, or NULL */
	const char *const *probes;    /* probe names, in the order to run them */
	size_t nprobes;
	int local_only;               /* leave out probes that need the network
	                                 (no record): a registry nobody named */
};

/* Runs what the n targets ask for (each registry at most once), under
 * the run's one deadline:
 *   1. every name is looked up in en->table; an unknown one fails the
 *      call before anything runs (-1, e names it);
 *   2. for each target in turn, its probes without run_batch, in the
 *      order given;
 *   3. then each probe with run_batch (the network probes), once for all
 *      the targets that ask for it, concurrently (engine_run_batch).
 * A probe runs for a target only when it applies there (its applies()
 * says so, and it does not need the network on a local_only target);
 * otherwise it leaves no record. One that applies but whose needs are
 * unmet is recorded as skip with the reason; one reached after the run's
 * deadline as error. Returns 0, or -1 with e set (unknown name, OOM). */
int engine_run_for(struct engine *en, const struct engine_target *targets, size_t n,
		   struct err *e);

/* The record of probe `name` for `registry` run earlier, or NULL. */
const struct probe_record *engine_find(const struct engine *en, const char *name,
				       const char *registry);

/* DESIGN.md §3 "probes" array: {name, registry, status, code, detail, ms}
 * plus "evidence" (always in JSON; it is redacted by the probes). */
json_t *engine_probes_json(const struct engine *en);
json_t *probe_record_json(const struct probe_record *r);

#endif
