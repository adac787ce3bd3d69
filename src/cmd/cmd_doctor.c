/* cmd_doctor.c — `fixkb doctor`: before a build, check every registry the
 * build will talk to. For each registry: where each consumer takes its
 * credential from, what is wrong, and the best workaround from the KB.
 * Exit 0 when nothing fails, 1 when a probe fails, 2 on usage errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "util/clock.h"
#include "cmd/cmd.h"
#include "docker/credplan.h"
#include "engine.h"
#include "findings.h"
#include "docker/regname.h"
#include "kb.h"
#include "util/msg.h"
#include "cmd/opt.h"
#include "render/render_ci.h"
#include "render/report.h"
#include "targets.h"

struct doctor_opts {
	struct strlist registries;
	struct strlist images;
	const char *context;
};

static void doctor_help(const struct opt *opts)
{
	printf("usage: fixkb doctor [--registry HOST]... [--image REF]... [--context DIR]\n"
	       "                    [--offline] [--format text|json] [--lang en|zh]\n\n"
	       "Checks, before a build, every registry it will talk to: the --registry and\n"
	       "--image arguments, the FROM lines of DIR/Dockerfile (default ./Dockerfile) and\n"
	       "every registry named in docker's config.json, DOCKER_AUTH_CONFIG and the\n"
	       "podman/buildah auth files. For each: where docker/BuildKit and containers/image\n"
	       "take the credential from, what is wrong, and the best fix from the knowledge base.\n\n"
	       "options:\n");
	opt_print_help(stdout, opts);
	printf("\nexit status: 0 nothing wrong, 1 a probe failed or could not tell, 2 usage error\n");
}

/* Does either consumer's plan for this registry use the secretservice helper? */
static int uses_secretservice(const struct settings *s, const char *registry)
{
	struct cred_plan plan = CRED_PLAN_INIT;
	struct err e = ERR_INIT;
	int yes = 0, c;

	for (c = 0; c < CONSUMER_COUNT && !yes; c++) {
		if (credplan_resolve(&plan, s, registry, (enum consumer)c, &e) == 0)
			yes = strcmp(plan.helper, "secretservice") == 0;
		cred_plan_release(&plan);
	}
	return yes;
}

static int gather_targets(struct targets *t, const struct doctor_opts *o,
			  const struct settings *s, struct err *e)
{
	char path[4096], reg[TARGET_REGISTRY_MAX];
	int i;

	for (i = 0; i < o->registries.n; i++) {
		if (regname_normalise(o->registries.items[i], reg, sizeof(reg), e) < 0)
			return err_prefix(e, "--registry '%s'", o->registries.items[i]);
		if (targets_add(t, reg, NULL, "--registry", 0) < 0)
			return err_set(e, "out of memory");
	}
	for (i = 0; i < o->images.n; i++)
		if (targets_add_image(t, o->images.items[i], "--image", e) < 0)
			return -1;
	if (o->context) {
		snprintf(path, sizeof(path), "%s/Dockerfile", o->context);
		if (targets_add_dockerfile(t, path, 0, e) < 0)
			return -1;
	} else if (targets_add_dockerfile(t, "Dockerfile", 1, e) < 0) {
		return -1;
	}
	if (targets_add_configured(t, s) < 0)
		return err_set(e, "out of memory");
	/* Nothing named anywhere: check Docker Hub, where every unqualified
	 * image goes, so a broken config.json or helper still shows. Only
	 * offline probes: the user asked about no registry. */
	if (t->n == 0) {
		if (targets_add(t, REGNAME_HUB, NULL,
				"Docker Hub, the default registry: no other registry found", 0) < 0)
			return err_set(e, "out of memory");
		t->items[0].implicit = 1;
	}
	return 0;
}

static void run_target(struct engine *en, const struct settings *s, const struct target *t)
{
	const char *image = t->image[0] ? t->image : NULL;

	engine_run(en, &probe_config_auth, t->registry, image);
	if (getenv("DOCKER_AUTH_CONFIG"))
		engine_run(en, &probe_docker_auth_config, t->registry, image);
	engine_run(en, &probe_cred_helper, t->registry, image);
	if (uses_secretservice(s, t->registry))
		engine_run(en, &probe_keyring, t->registry, image);
}

/* The token endpoint of every registry at once, under the run's one
 * deadline (skipped, with the reason, under --offline). */
static int run_network_probes(struct engine *en, const struct targets *t)
{
	const struct probe *p = probe_find("token_endpoint");
	const char **regs, **images;
	size_t i, n;
	int rc;

	if (!p || t->n == 0)
		return 0;
	regs = calloc(t->n, sizeof(*regs));
	images = calloc(t->n, sizeof(*images));
	if (!regs || !images) {
		free(regs);
		free(images);
		return -1;
	}
	for (i = 0, n = 0; i < t->n; i++) {
		if (t->items[i].implicit)
			continue;
		regs[n] = t->items[i].registry;
		images[n] = t->items[i].image[0] ? t->items[i].image : NULL;
		n++;
	}
	rc = n ? engine_run_batch(en, p, regs, images, n) : 0;
	free(regs);
	free(images);
	return rc;
}

static int worst_status(const struct engine *en)
{
	int fail = 0;
	size_t i;

	for (i = 0; i < en->n; i++)
		if (en->records[i]->res.status == PROBE_FAIL ||
		    en->records[i]->res.status == PROBE_ERROR)
			fail = 1;
	return fail;
}

static void print_text(const struct settings *s, const struct engine *en,
		       const struct targets *t, const struct findings *f, const struct kb *kb)
{
	size_t i, j, nfail = 0, nwarn = 0;

	msg_verbose(s, "knowledge base: %s", kb_origin(kb));
	if (t->n == 1 && t->items[0].implicit)
		printf("No registry named by --registry/--image, ./Dockerfile or the credential\n"
		       "configuration; checking Docker Hub's credentials offline. Try also:\n"
		       "fixkb doctor --image ghcr.io/OWNER/IMAGE:TAG\n\n");
	for (i = 0; i < t->n; i++) {
		const struct target *it = &t->items[i];

		printf("%s", msg_bold(s, it->registry));
		if (it->image[0])
			printf("  (%s, %s)\n", it->image, it->origin);
		else
			printf("  (%s)\n", it->origin);
		for (j = 0; j < en->n; j++) {
			const struct probe_record *r = en->records[j];

			if (strcmp(r->registry, it->registry) != 0)
				continue;
			if (r->res.status == PROBE_SKIP && !s->verbose)
				continue;
			report_probe_text(stdout, s, r, 0);
			nfail += r->res.status == PROBE_FAIL || r->res.status == PROBE_ERROR;
			nwarn += r->res.status == PROBE_WARN;
		}
		findings_print_text(stdout, s, f, it->registry);
		printf("\n");
	}
	printf("%zu registr%s checked: %zu problem%s, %zu warning%s (%.0f ms)\n",
	       t->n, t->n == 1 ? "y" : "ies", nfail, nfail == 1 ? "" : "s",
	       nwarn, nwarn == 1 ? "" : "s", clock_now_ms() - en->start_ms);
}

int cmd_doctor(int argc, char **argv, const struct settings *s)
{
	struct doctor_opts o;
	struct targets t = TARGETS_INIT;
	struct findings f = FINDINGS_INIT;
	struct kb *kb = NULL;
	struct engine en;
	struct err e = ERR_INIT;
	const char *pos[1];
	char dockerfile[4096];
	int npos, rc = EXIT_USAGE;
	size_t i;
	const struct opt opts[] = {
		{ "registry", 0, OPT_LIST, &o.registries, "HOST", "check this registry" },
		{ "image", 0, OPT_LIST, &o.images, "REF", "check the registry of this image" },
		{ "context", 0, OPT_STRING, &o.context, "DIR", "build context whose Dockerfile to read" },
		OPT_TABLE_END,
	};

	memset(&o, 0, sizeof(o));
	if (cmd_wants_help(argc, argv)) {
		doctor_help(opts);
		return EXIT_OK;
	}
	if (opt_parse(opts, argc, argv, pos, 0, &npos, &e) < 0)
		return msg_usage("doctor: %s", e.msg);
	snprintf(dockerfile, sizeof(dockerfile), "%s/Dockerfile", o.context ? o.context : ".");
	if (kb_load(&kb, &e) < 0)
		return msg_error("loading the knowledge base: %s", e.msg);
	if (gather_targets(&t, &o, s, &e) < 0) {
		rc = msg_usage("doctor: %s", e.msg);
		goto cleanup;
	}
	for (i = 0; i < json_array_size(t.warnings); i++)
		msg_warn("%s", json_string_value(json_array_get(t.warnings, i)));
	engine_init(&en, s);
	for (i = 0; i < t.n; i++)
		run_target(&en, s, &t.items[i]);
	if (run_network_probes(&en, &t) < 0) {
		rc = msg_error("out of memory");
		goto cleanup_engine;
	}
	if (findings_build(&f, kb, &en, &t, s) < 0) {
		rc = msg_error("out of memory");
		goto cleanup_engine;
	}
	if (s->format == FORMAT_JSON) {
		json_t *doc = report_new("doctor");
		json_t *regs = json_array();

		for (i = 0; i < t.n; i++) {
			json_t *r = json_object();

			json_object_set_new(r, "registry", json_string(t.items[i].registry));
			json_object_set_new(r, "image", t.items[i].image[0] ?
					    json_string(t.items[i].image) : json_null());
			json_object_set_new(r, "origin", json_string(t.items[i].origin));
			json_array_append_new(regs, r);
		}
		json_object_set_new(doc, "registries", regs);
		json_object_set_new(doc, "warnings", t.warnings ? json_incref(t.warnings) : json_array());
		json_object_set_new(doc, "kb", json_string(kb_origin(kb)));
		json_object_set(doc, "findings", f.json);
		json_object_set_new(doc, "probes", engine_probes_json(&en));
		report_print_json(stdout, doc);
		json_decref(doc);
	} else if (s->format == FORMAT_GITHUB) {
		render_github(stdout, f.json, NULL);
	} else if (s->format == FORMAT_SARIF) {
		json_t *sarif = render_sarif(f.json, o.context ? dockerfile : NULL);

		report_print_json(stdout, sarif);
		json_decref(sarif);
	} else {
		print_text(s, &en, &t, &f, kb);
	}
	rc = worst_status(&en) ? EXIT_PROBLEMS : EXIT_OK;
cleanup_engine:
	engine_release(&en);
cleanup:
	findings_release(&f);
	targets_release(&t);
	kb_free(kb);
	return rc;
}
