#include "render/render_doctor.h"

#include <string.h>

#include "render/render_ci.h"
#include "render/render_fix.h"
#include "render/report.h"
#include "util/clock.h"
#include "util/msg.h"

static void print_text(FILE *out, const struct settings *s, const struct doctor_report *r)
{
	const struct targets *t = r->targets;
	const struct engine *en = r->en;
	size_t i, j, nfail = 0, nwarn = 0;

	msg_verbose(s, "knowledge base: %s", kb_origin(r->kb));
	if (t->n == 1 && t->items[0].implicit)
		fprintf(out, "No registry named by --registry/--image, ./Dockerfile or the credential\n"
			"configuration; checking Docker Hub's credentials offline. Try also:\n"
			"fixkb doctor --image ghcr.io/OWNER/IMAGE:TAG\n\n");
	for (i = 0; i < t->n; i++) {
		const struct target *it = &t->items[i];

		fprintf(out, "%s", msg_bold(s, it->registry));
		if (it->image[0])
			fprintf(out, "  (%s, %s)\n", it->image, it->origin);
		else
			fprintf(out, "  (%s)\n", it->origin);
		for (j = 0; j < en->n; j++) {
			const struct probe_record *pr = en->records[j];

			if (strcmp(pr->registry, it->registry) != 0)
				continue;
			if (pr->res.status == PROBE_SKIP && !s->verbose)
				continue;
			report_probe_text(out, s, pr, 0);
			nfail += pr->res.status == PROBE_FAIL || pr->res.status == PROBE_ERROR;
			nwarn += pr->res.status == PROBE_WARN;
		}
		findings_print_text(out, s, r->findings, it->registry);
		fprintf(out, "\n");
	}
	fprintf(out, "%zu registr%s checked: %zu problem%s, %zu warning%s (%.0f ms)\n",
		t->n, t->n == 1 ? "y" : "ies", nfail, nfail == 1 ? "" : "s",
		nwarn, nwarn == 1 ? "" : "s", clock_now_ms() - en->start_ms);
	if (r->plan)
		render_fix_hint(out, s, r->plan, r->fix_args ? r->fix_args : "");
}

static json_t *doctor_json(const struct doctor_report *r)
{
	const struct targets *t = r->targets;
	json_t *doc = report_new("doctor"), *regs = json_array();
	size_t i;

	for (i = 0; i < t->n; i++) {
		json_t *one = json_object();

		json_object_set_new(one, "registry", json_string(t->items[i].registry));
		json_object_set_new(one, "image", t->items[i].image[0] ?
				    json_string(t->items[i].image) : json_null());
		json_object_set_new(one, "origin", json_string(t->items[i].origin));
		json_array_append_new(regs, one);
	}
	json_object_set_new(doc, "registries", regs);
	json_object_set_new(doc, "warnings", t->warnings ? json_incref(t->warnings) : json_array());
	json_object_set_new(doc, "kb", json_string(kb_origin(r->kb)));
	json_object_set(doc, "findings", r->findings->json);
	json_object_set_new(doc, "probes", engine_probes_json(r->en));
	if (r->plan)
		json_object_set(doc, "plan", (json_t *)r->plan);
	return doc;
}

void render_doctor(FILE *out, const struct settings *s, const struct doctor_report *r)
{
	json_t *doc;

	/* SARIF results sit in the --context Dockerfile; GitHub annotations
	 * name no file (a finding is about a registry, not a line). */
	if (render_ci(out, s->format, r->findings->json,
		      s->format == FORMAT_SARIF ? r->dockerfile : NULL))
		return;
	if (s->format != FORMAT_JSON) {
		print_text(out, s, r);
		return;
	}
	doc = doctor_json(r);
	report_print_json(out, doc);
	json_decref(doc);
}
