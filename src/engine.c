#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "config.h"

void engine_init(struct engine *en, const struct settings *s)
{
	memset(en, 0, sizeof(*en));
	en->settings = s;
	en->start_ms = clock_now_ms();
	en->deadline_ms = en->start_ms + s->timeout_s * 1000.0;
}

void engine_release(struct engine *en)
{
	size_t i;

	for (i = 0; i < en->n; i++) {
		probe_result_release(&en->records[i]->res);
		free(en->records[i]);
	}
	free(en->records);
	en->records = NULL;
	en->n = en->cap = 0;
}

/* Why a probe cannot run here, or NULL when it can. */
static const char *unmet_need(const struct engine *en, const struct probe *p,
			      const char *registry)
{
	if ((p->needs & NEEDS_REGISTRY) && (!registry || !*registry))
		return "needs a registry (--registry HOST)";
	if ((p->needs & NEEDS_NETWORK) && en->settings->offline)
		return "touches the network and --offline was given";
	if ((p->needs & NEEDS_KEYRING) && !HAVE_LIBSECRET)
		return "fixkb was built without libsecret";
	return NULL;
}

const struct probe_record *engine_run(struct engine *en, const struct probe *p,
				      const char *registry, const char *image)
{
	struct probe_record *r, **grown;
	struct probe_ctx ctx;
	const char *why;
	double t0, own;

	if (en->n == en->cap) {
		size_t ncap = en->cap ? en->cap * 2 : 16;

		grown = realloc(en->records, ncap * sizeof(*grown));
		if (!grown)
			return NULL;
		en->records = grown;
		en->cap = ncap;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->probe = p;
	snprintf(r->registry, sizeof(r->registry), "%s", registry ? registry : "");
	en->records[en->n++] = r;

	why = unmet_need(en, p, registry);
	if (why) {
		r->res.evidence = json_object();
		probe_result_set(&r->res, PROBE_SKIP, "unmet_need", "%s", why);
		return r;
	}
	t0 = clock_now_ms();
	if (t0 >= en->deadline_ms) {
		r->res.evidence = json_object();
		probe_result_set(&r->res, PROBE_ERROR, "run_deadline",
				 "not run: the run's deadline (--timeout %.1fs) had passed",
				 en->settings->timeout_s);
		return r;
	}
	own = t0 + p->deadline_ms;
	ctx.settings = en->settings;
	ctx.registry = registry && *registry ? registry : NULL;
	ctx.image = image;
	ctx.deadline_ms = own < en->deadline_ms ? own : en->deadline_ms;
	p->run(&ctx, &r->res);
	r->res.ms = clock_now_ms() - t0;
	if (!r->res.evidence)
		r->res.evidence = json_object();
	return r;
}

const struct probe_record *engine_find(const struct engine *en, const char *name,
				       const char *registry)
{
	size_t i;

	for (i = 0; i < en->n; i++) {
		const struct probe_record *r = en->records[i];

		if (strcmp(r->probe->name, name) == 0 &&
		    strcmp(r->registry, registry ? registry : "") == 0)
			return r;
	}
	return NULL;
}

json_t *probe_record_json(const struct probe_record *r)
{
	json_t *o = json_object(), *detail;

	/* json_string() refuses invalid UTF-8: fall back to a marked text. */
	detail = json_string(r->res.detail);
	if (!detail)
		detail = json_string("(detail was not valid UTF-8)");
	json_object_set_new(o, "name", json_string(r->probe->name));
	json_object_set_new(o, "registry", r->registry[0] ? json_string(r->registry) : json_null());
	json_object_set_new(o, "status", json_string(probe_status_name(r->res.status)));
	json_object_set_new(o, "code", json_string(r->res.code));
	json_object_set_new(o, "detail", detail);
	json_object_set_new(o, "ms", json_real((double)(long)(r->res.ms * 10) / 10.0));
	json_object_set(o, "evidence", r->res.evidence ? r->res.evidence : json_null());
	return o;
}

json_t *engine_probes_json(const struct engine *en)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < en->n; i++)
		json_array_append_new(a, probe_record_json(en->records[i]));
	return a;
}

int engine_run_batch(struct engine *en, const struct probe *p,
		     const char *const *registries, const char *const *images, size_t n)
{
	struct probe_record **recs = NULL;
	struct probe_result *res = NULL;
	struct probe_ctx *ctxs = NULL;
	size_t i, nrun = 0;
	double t0, own;
	int rc = -1;

	if (!p->run_batch) {
		for (i = 0; i < n; i++)
			if (!engine_run(en, p, registries[i], images ? images[i] : NULL))
				return -1;
		return 0;
	}
	recs = calloc(n ? n : 1, sizeof(*recs));
	ctxs = calloc(n ? n : 1, sizeof(*ctxs));
	res = calloc(n ? n : 1, sizeof(*res));
	if (!recs || !ctxs || !res)
		goto cleanup;
	t0 = clock_now_ms();
	own = t0 + p->deadline_ms;
	for (i = 0; i < n; i++) {
		const char *why;
		struct probe_record *r;

		/* engine_run() with an unmet need or a passed deadline records
		 * the skip/error itself; the rest are batched. */
		why = unmet_need(en, p, registries[i]);
		if (why || t0 >= en->deadline_ms) {
			if (!engine_run(en, p, registries[i], images ? images[i] : NULL))
				goto cleanup;
			continue;
		}
		if (en->n == en->cap) {
			size_t ncap = en->cap ? en->cap * 2 : 16;
			struct probe_record **grown = realloc(en->records, ncap * sizeof(*grown));

			if (!grown)
				goto cleanup;
			en->records = grown;
			en->cap = ncap;
		}
		r = calloc(1, sizeof(*r));
		if (!r)
			goto cleanup;
		r->probe = p;
		snprintf(r->registry, sizeof(r->registry), "%s", registries[i]);
		en->records[en->n++] = r;
		recs[nrun] = r;
		ctxs[nrun].settings = en->settings;
		ctxs[nrun].registry = r->registry;
		ctxs[nrun].image = images ? images[i] : NULL;
		ctxs[nrun].deadline_ms = own < en->deadline_ms ? own : en->deadline_ms;
		nrun++;
	}
	if (nrun)
		p->run_batch(ctxs, res, nrun);
	for (i = 0; i < nrun; i++) {
		recs[i]->res = res[i];
		recs[i]->res.ms = res[i].ms > 0 ? res[i].ms : clock_now_ms() - t0;
		if (!recs[i]->res.evidence)
			recs[i]->res.evidence = json_object();
	}
	rc = 0;
cleanup:
	free(recs);
	free(ctxs);
	free(res);
	return rc;
}
