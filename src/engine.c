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
	en->table = probe_table;
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

/* A new empty record for p and registry, owned by the engine; NULL on OOM. */
static struct probe_record *new_record(struct engine *en, const struct probe *p,
				       const char *registry)
{
	struct probe_record *r, **grown;

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
	return r;
}

/* Records a skip (unmet need) or an error (the run's deadline passed)
 * instead of running; 0 when the probe may run. */
static int refuse(const struct engine *en, const struct probe *p, const char *registry,
		  double now, struct probe_record *r)
{
	const char *why = unmet_need(en, p, registry);

	if (why) {
		r->res.evidence = json_object();
		probe_result_set(&r->res, PROBE_SKIP, "unmet_need", "%s", why);
		return 1;
	}
	if (now >= en->deadline_ms) {
		r->res.evidence = json_object();
		probe_result_set(&r->res, PROBE_ERROR, "run_deadline",
				 "not run: the run's deadline (--timeout %.1fs) had passed",
				 en->settings->timeout_s);
		return 1;
	}
	return 0;
}

static void fill_ctx(const struct engine *en, const struct probe *p, const char *registry,
		     const char *image, double t0, struct probe_ctx *ctx)
{
	double own = t0 + p->deadline_ms;

	ctx->settings = en->settings;
	ctx->registry = registry && *registry ? registry : NULL;
	ctx->image = image;
	ctx->deadline_ms = own < en->deadline_ms ? own : en->deadline_ms;
}

const struct probe_record *engine_run(struct engine *en, const struct probe *p,
				      const char *registry, const char *image)
{
	struct probe_record *r = new_record(en, p, registry);
	struct probe_ctx ctx;
	double t0;

	if (!r)
		return NULL;
	t0 = clock_now_ms();
	if (refuse(en, p, registry, t0, r))
		return r;
	fill_ctx(en, p, registry, image, t0, &ctx);
	p->run(&ctx, &r->res);
	r->res.ms = clock_now_ms() - t0;
	if (!r->res.evidence)
		r->res.evidence = json_object();
	return r;
}

int engine_run_batch(struct engine *en, const struct probe *p,
		     const char *const *registries, const char *const *images, size_t n)
{
	struct probe_record **recs = NULL;
	struct probe_result *res = NULL;
	struct probe_ctx *ctxs = NULL;
	size_t i, nrun = 0;
	double t0;
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
	for (i = 0; i < n; i++) {
		struct probe_record *r = new_record(en, p, registries[i]);

		if (!r)
			goto cleanup;
		/* An unmet need or a passed deadline is recorded now; the
		 * rest run together. */
		if (refuse(en, p, registries[i], t0, r))
			continue;
		recs[nrun] = r;
		fill_ctx(en, p, r->registry, images ? images[i] : NULL, t0, &ctxs[nrun]);
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

/* ---- engine_run_for: which probes run ---- */

static const struct probe *lookup(const struct engine *en, const char *name)
{
	size_t i;

	for (i = 0; name && en->table[i]; i++)
		if (strcmp(en->table[i]->name, name) == 0)
			return en->table[i];
	return NULL;
}

/* Does the target ask for p, and does p apply there? */
static int wanted(const struct engine *en, const struct engine_target *t,
		  const struct probe *p)
{
	struct probe_ctx ctx;
	size_t j;
	int asked = 0;

	for (j = 0; j < t->nprobes && !asked; j++)
		asked = lookup(en, t->probes[j]) == p;
	if (!asked || (t->local_only && (p->needs & NEEDS_NETWORK)))
		return 0;
	if (!p->applies)
		return 1;
	fill_ctx(en, p, t->registry, t->image, clock_now_ms(), &ctx);
	return p->applies(&ctx) != 0;
}

/* Was p asked for before position (i, j)? Then its batch has run. */
static int asked_before(const struct engine *en, const struct engine_target *t,
			size_t i, size_t j, const struct probe *p)
{
	size_t a, b;

	for (a = 0; a <= i; a++)
		for (b = 0; b < (a == i ? j : t[a].nprobes); b++)
			if (lookup(en, t[a].probes[b]) == p)
				return 1;
	return 0;
}

/* p, once, for every target from `from` on that wants it. */
static int run_batched(struct engine *en, const struct engine_target *t, size_t n,
		       size_t from, const struct probe *p)
{
	const char **regs = calloc(n, sizeof(*regs)), **images = calloc(n, sizeof(*images));
	size_t i, m = 0;
	int rc = -1;

	if (!regs || !images)
		goto cleanup;
	for (i = from; i < n; i++) {
		if (!wanted(en, &t[i], p))
			continue;
		regs[m] = t[i].registry;
		images[m] = t[i].image;
		m++;
	}
	rc = m ? engine_run_batch(en, p, regs, images, m) : 0;
cleanup:
	free(regs);
	free(images);
	return rc;
}

int engine_run_for(struct engine *en, const struct engine_target *t, size_t n,
		   struct err *e)
{
	const struct probe *p;
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < t[i].nprobes; j++)
			if (!lookup(en, t[i].probes[j]))
				return err_set(e, "unknown probe '%s' (asked for %s)",
					       t[i].probes[j] ? t[i].probes[j] : "(null)",
					       t[i].registry ? t[i].registry : "the machine");
	for (i = 0; i < n; i++) {
		for (j = 0; j < t[i].nprobes; j++) {
			p = lookup(en, t[i].probes[j]);
			if (p->run_batch || asked_before(en, &t[i], 0, j, p) || !wanted(en, &t[i], p))
				continue;
			if (!engine_run(en, p, t[i].registry, t[i].image))
				return err_set(e, "out of memory");
		}
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < t[i].nprobes; j++) {
			p = lookup(en, t[i].probes[j]);
			if (!p->run_batch || asked_before(en, t, i, j, p))
				continue;
			if (run_batched(en, t, n, i, p) < 0)
				return err_set(e, "out of memory");
		}
	}
	return 0;
}

/* ---- records ---- */

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
