/* cmd_doctor.c — `fixkb doctor`: before a build, check every registry the
 * build will talk to. For each registry: where each consumer takes its
 * credential from, what is wrong, and the best workaround from the KB.
 * Exit 0 when nothing fails, 1 when a probe fails, 2 on usage errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/fixadvice.h"
#include "cmd/opt.h"
#include "doctor.h"
#include "engine.h"
#include "findings.h"
#include "kb.h"
#include "render/render_doctor.h"
#include "targets.h"
#include "util/msg.h"

struct doctor_opts {
	struct strlist registries;
	struct strlist images;
	const char *context;
	int push;
};

/* The options that make `fixkb fix` look at the same registries. */
static void fix_args(char *out, size_t n, const struct doctor_opts *o)
{
	size_t len = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < o->registries.n && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s--registry %s", len ? " " : "",
					o->registries.items[i]);
	for (i = 0; i < o->images.n && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s--image %s", len ? " " : "",
					o->images.items[i]);
	if (o->context && len < n)
		snprintf(out + len, n - len, "%s--context %s", len ? " " : "", o->context);
}

static void doctor_help(const struct opt *opts)
{
	printf("usage: fixkb doctor [--registry HOST]... [--image REF]... [--context DIR] [--push]\n"
	       "                    [--offline] [--format text|json] [--lang en|zh]\n\n"
	       "Checks, before a build, every registry it will talk to: the --registry and\n"
	       "--image arguments, the FROM lines of DIR/Dockerfile (default ./Dockerfile) and\n"
	       "every registry named in docker's config.json, DOCKER_AUTH_CONFIG and the\n"
	       "podman/buildah auth files. For each: where docker/BuildKit and containers/image\n"
	       "take the credential from, what is wrong, and the best fix from the knowledge base.\n\n"
	       "--push: the build pushes the --image references: their token is asked for\n"
	       "pull,push as BuildKit asks for a push, and the verdict says whether pull or push\n"
	       "is refused. A token whose access claim names the repository decides it; else\n"
	       "fixkb sends a push's first write (POST /v2/<repo>/blobs/uploads/) and cancels\n"
	       "the upload it starts at once: nothing is uploaded.\n\n"
	       "options:\n");
	opt_print_help(stdout, opts);
	printf("\nexit status: 0 nothing wrong, 1 a probe failed or could not tell, 2 usage error\n");
}

int cmd_doctor(int argc, char **argv, const struct settings *s)
{
	struct doctor_opts o;
	struct settings run;
	struct doctor_request rq;
	struct doctor_report rep;
	struct targets t = TARGETS_INIT;
	struct findings f = FINDINGS_INIT;
	struct kb *kb = NULL;
	struct engine en;
	struct err e = ERR_INIT;
	const char *pos[1];
	char dockerfile[4096], args[2048];
	json_t *plan = NULL;
	int npos, rc = EXIT_USAGE;
	size_t i;
	const struct opt opts[] = {
		{ "registry", 0, OPT_LIST, &o.registries, "HOST", "check this registry" },
		{ "image", 0, OPT_LIST, &o.images, "REF", "check the registry of this image" },
		{ "context", 0, OPT_STRING, &o.context, "DIR", "build context whose Dockerfile to read" },
		{ "push", 0, OPT_FLAG, &o.push, NULL, "the build pushes the --image references: check push access too" },
		OPT_TABLE_END,
	};

	memset(&o, 0, sizeof(o));
	if (cmd_wants_help(argc, argv)) {
		doctor_help(opts);
		return EXIT_OK;
	}
	if (opt_parse(opts, argc, argv, pos, 0, &npos, &e) < 0)
		return msg_usage("doctor: %s", e.msg);
	if (o.push && o.images.n == 0)
		return msg_usage("doctor: --push needs --image REF (the image the build pushes)");
	run = *s;
	run.push_images = o.push ? &o.images : NULL;
	s = &run;
	snprintf(dockerfile, sizeof(dockerfile), "%s/Dockerfile", o.context ? o.context : ".");
	if (kb_load(&kb, &e) < 0)
		return msg_error("loading the knowledge base: %s", e.msg);
	rq.registries = &o.registries;
	rq.images = &o.images;
	rq.context = o.context;
	if (doctor_gather(&t, &rq, s, &e) < 0) {
		rc = msg_usage("doctor: %s", e.msg);
		goto cleanup;
	}
	for (i = 0; i < json_array_size(t.warnings); i++)
		msg_warn("%s", json_string_value(json_array_get(t.warnings, i)));
	engine_init(&en, s);
	if (doctor_run_probes(&en, &t, &e) < 0 || findings_build(&f, kb, &en, &t, s) < 0) {
		rc = msg_error("%s", e.msg[0] ? e.msg : "out of memory");
		goto cleanup_engine;
	}
	rep.targets = &t;
	rep.en = &en;
	rep.findings = &f;
	rep.kb = kb;
	rep.dockerfile = o.context ? dockerfile : NULL;
	/* the advice is the fix plan's: what fixkb fix would do */
	if (fixadvice_annotate(f.json, kb, &en, &t, s, &plan, &e) < 0)
		msg_warn("planning the fix: %s", e.msg);
	fix_args(args, sizeof(args), &o);
	rep.plan = plan;
	rep.fix_args = args;
	render_doctor(stdout, s, &rep);
	json_decref(plan);
	rc = doctor_failed(&en) ? EXIT_PROBLEMS : EXIT_OK;
cleanup_engine:
	engine_release(&en);
cleanup:
	findings_release(&f);
	targets_release(&t);
	kb_free(kb);
	return rc;
}
