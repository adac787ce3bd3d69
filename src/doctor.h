/* doctor.h — doctor's part of the pipeline: the registries a build will
 * talk to (targets), the probes that check each (doctor_probes, decided
 * per registry by the engine), and the verdict. cmd/cmd_doctor.c parses
 * the options; render/render_doctor.c prints. */
#ifndef FIXKB_SRC_DOCTOR_H
#define FIXKB_SRC_DOCTOR_H

#include "engine.h"
#include "targets.h"
#include "util/err.h"
#include "util/settings.h"
#include "util/strlist.h"

/* What the user named; every pointer is borrowed. */
struct doctor_request {
	const struct strlist *registries;   /* --registry, as typed */
	const struct strlist *images;       /* --image */
	const char *context;                /* --context DIR, or NULL: ./Dockerfile if any */
};

/* The probes doctor asks for each registry, in the order they run (the
 * network ones after the local ones, all registries at once).
 * NULL-terminated. */
extern const char *const doctor_probes[];

/* The registries: --registry (normalised), --image, the FROM lines of the
 * context's Dockerfile, the credential configuration; with none of them,
 * Docker Hub as an implicit target. -1 with e set on a bad argument or an
 * unreadable --context Dockerfile (a usage error). */
int doctor_gather(struct targets *t, const struct doctor_request *rq,
		  const struct settings *s, struct err *e);

/* Runs doctor_probes for every target (engine_run_for); an implicit
 * target gets only the probes that stay on the machine. -1 with e set. */
int doctor_run_probes(struct engine *en, const struct targets *t, struct err *e);

/* Did a probe fail or could not tell (error)? doctor exits 1 then. */
int doctor_failed(const struct engine *en);

#endif
