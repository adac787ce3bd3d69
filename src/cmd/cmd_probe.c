/* cmd_probe.c — `fixkb probe NAME [--registry HOST] [--image REF]`: run one
 * probe and show its result and evidence. Exit 0 when it is ok, warn or
 * skip; 1 when it fails or could not tell (error); 2 on usage errors. */
#include <stdio.h>
#include <string.h>

#include "checks/checks.h"
#include "cmd/cmd.h"
#include "engine.h"
#include "docker/imageref.h"
#include "docker/regname.h"
#include "util/msg.h"
#include "cmd/opt.h"
#include "render/report.h"

static void probe_help(const struct opt *opts)
{
	size_t i;

	printf("usage: fixkb probe NAME [--registry HOST] [--image REF] [--format text|json]\n\n"
	       "Runs one probe and prints its status, code, detail and (with -v or json) its\n"
	       "evidence. Probes only observe: they never change the machine.\n\nprobes:\n");
	for (i = 0; probe_table[i]; i++)
		printf("  %-20s %s\n", probe_table[i]->name, probe_table[i]->summary);
	printf("\noptions:\n");
	opt_print_help(stdout, opts);
	printf("\nexit status: 0 ok/warn/skip, 1 fail or error, 2 usage error\n");
}

int cmd_probe(int argc, char **argv, const struct settings *s)
{
	const char *registry_arg = NULL, *image_arg = NULL, *pos[1];
	char registry[ENGINE_REGISTRY_MAX] = "";
	const struct probe_record *r;
	const struct probe *p;
	struct engine en;
	struct err e = ERR_INIT;
	struct image_ref ref;
	int npos = 0, rc;
	const struct opt opts[] = {
		{ "registry", 0, OPT_STRING, &registry_arg, "HOST", "the registry (host[:port])" },
		{ "image", 0, OPT_STRING, &image_arg, "REF", "an image on that registry" },
		OPT_TABLE_END,
	};

	if (cmd_wants_help(argc, argv)) {
		probe_help(opts);
		return EXIT_OK;
	}
	if (opt_parse(opts, argc, argv, pos, 1, &npos, &e) < 0)
		return msg_usage("probe: %s", e.msg);
	if (npos != 1)
		return msg_usage("probe: which probe? (fixkb probe --help lists them)");
	p = probe_find(pos[0]);
	if (!p)
		return msg_usage("probe: unknown probe '%s' (fixkb probe --help lists them)", pos[0]);
	if (image_arg) {
		if (image_ref_parse(&ref, image_arg, &e) < 0)
			return msg_usage("probe: --image '%s': %s", image_arg, e.msg);
		snprintf(registry, sizeof(registry), "%s", ref.registry);
	}
	if (registry_arg && regname_normalise(registry_arg, registry, sizeof(registry), &e) < 0)
		return msg_usage("probe: --registry '%s': %s", registry_arg, e.msg);
	if ((p->needs & NEEDS_REGISTRY) && !registry[0])
		return msg_usage("probe: '%s' needs --registry HOST or --image REF", p->name);

	engine_init(&en, s);
	r = engine_run(&en, p, registry[0] ? registry : NULL, image_arg);
	if (!r) {
		engine_release(&en);
		return msg_error("out of memory");
	}
	if (s->format == FORMAT_JSON) {
		json_t *doc = report_new("probe");

		json_array_append_new(json_object_get(doc, "probes"), probe_record_json(r));
		report_print_json(stdout, doc);
		json_decref(doc);
	} else {
		report_probe_text(stdout, s, r, 1);
	}
	rc = r->res.status == PROBE_FAIL || r->res.status == PROBE_ERROR ? EXIT_PROBLEMS : EXIT_OK;
	engine_release(&en);
	return rc;
}
