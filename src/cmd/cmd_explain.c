/* cmd_explain.c — `fixkb explain [LOG | -]`: after a failed build, find
 * every known failure in its log, name the cause and the fix that works.
 *
 * This file opens the log and holds the run together; the scan, the
 * probes tied to what matched and the ranking are src/explain.c, the
 * report render/render_explain.c. Unless --offline, the probes tied to
 * each finding's KB entries run for the registry its line names. Exit 1
 * when something matched, 0 when nothing did, 2 when the log cannot be
 * read (or was read only in part and nothing matched). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "engine.h"
#include "explain.h"
#include "kb.h"
#include "cmd/fixadvice.h"
#include "render/render_explain.h"
#include "util/jsontext.h"
#include "util/msg.h"

static void explain_help(const struct opt *opts)
{
	printf("usage: fixkb explain [LOG | -] [--offline] [--probe-here] [--format text|json|github]\n"
	       "                     [--lang en|zh]\n\n"
	       "Reads a failed build's log (a file, or - / nothing for standard input), finds\n"
	       "every known registry-access failure in it with its line number, runs the probes\n"
	       "tied to it for the registry the line names (unless --offline), and prints the\n"
	       "cause, the best workaround with its command, the others, and the dead ends.\n"
	       "Lines that are not about registry access produce no finding.\n\n"
	       "Where the evidence comes from: the probes check the machine explain runs on. A\n"
	       "log written by a CI runner (GitHub Actions or GitLab timestamps, markers such as\n"
	       "##[group] or \"Running with gitlab-runner\") did not happen here, so explain then\n"
	       "runs no probe and judges the log alone, and says so; --probe-here probes this\n"
	       "machine anyway (when it is the runner, or shares its credentials).\n\noptions:\n");
	opt_print_help(stdout, opts);
	printf("\nexit status: 0 nothing found, 1 a known failure was found, 2 unreadable log or usage error\n");
}

/* Opens the log: a file, or stdin for "-". Returns 0, or the exit status
 * after saying what is wrong. */
static int open_log(const char *arg, FILE **fp, const char **logname)
{
	struct stat sb;

	*fp = NULL;
	*logname = arg;
	if (strcmp(arg, "-") == 0) {
		*fp = stdin;
		*logname = "<stdin>";
		return 0;
	}
	*fp = fopen(arg, "r");
	if (!*fp)
		return msg_error("reading log '%s': %s", arg, strerror(errno));
	if (fstat(fileno(*fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(*fp);
		*fp = NULL;
		return msg_error("reading log '%s': is a directory", arg);
	}
	return 0;
}

/* The warnings of the run (shown now, and kept for the JSON report). */
static json_t *scan_warnings(const struct explain *x, const char *logname,
			     const struct settings *s)
{
	json_t *warnings = json_array();
	char warning[512];

	if (x->partial) {
		snprintf(warning, sizeof(warning),
			 "stopped reading '%s' at the --timeout deadline (%g s) after %llu bytes "
			 "(%lu lines): the findings cover only that part; a larger --timeout reads more",
			 logname, s->timeout_s, x->st.bytes, x->st.lines);
		msg_warn("%s", warning);
		/* a path is bytes: never lose the warning to invalid UTF-8 */
		json_array_append_new(warnings, jsontext_string(warning, strlen(warning), sizeof(warning)));
	}
	return warnings;
}

/* Scans the log under the run's deadline. Someone typing or pasting a log
 * is not held to --timeout: they end it with Ctrl-D (or Ctrl-C), and the
 * probes' deadline starts then. */
static int scan_log(struct explain *x, FILE *fp, struct engine *en, const struct settings *s,
		    struct err *e)
{
	int interactive = isatty(fileno(fp)), rc;

	if (interactive)
		msg_note("reading the build log from the terminal: paste it, then press Ctrl-D "
			 "(or give a file: fixkb explain LOG)");
	rc = explain_scan(x, fp, interactive ? 0 : en->deadline_ms, e);
	if (interactive)
		engine_init(en, s);
	return rc;
}

/* The advice is the fix plan's, what fixkb fix would do here: only for a
 * log from this machine (a CI runner's log is about the runner). The
 * plan's JSON, or NULL. */
static json_t *advise(json_t *findings, const struct kb *kb, const struct engine *en,
		      const struct explain *x, const struct settings *s)
{
	struct err e = ERR_INIT;
	json_t *plan = NULL;

	if (x->elsewhere)
		return NULL;
	if (fixadvice_annotate(findings, kb, en, NULL, s, &plan, &e) < 0)
		msg_warn("planning the fix: %s", e.msg);
	return plan;
}

int cmd_explain(int argc, char **argv, const struct settings *s)
{
	struct explain_report rep;
	struct explain *x = NULL;
	struct kb *kb = NULL;
	struct engine en;
	struct err e = ERR_INIT;
	json_t *findings = NULL, *warnings = NULL, *log = NULL, *plan = NULL;
	const char *pos[1], *logname;
	FILE *fp = NULL;
	int npos = 0, rc, probe_here = 0;
	char host[256] = "";
	const struct opt opts[] = {
		{ "probe-here", 0, OPT_FLAG, &probe_here, NULL,
		  "run the probes on this machine even for a log from a CI runner" },
		OPT_TABLE_END,
	};

	if (cmd_wants_help(argc, argv)) {
		explain_help(opts);
		return EXIT_OK;
	}
	if (opt_parse(opts, argc, argv, pos, 1, &npos, &e) < 0)
		return msg_usage("explain: %s", e.msg);
	rc = open_log(npos == 1 ? pos[0] : "-", &fp, &logname);
	if (rc)
		return rc;
	/* The --timeout deadline covers the whole run: reading the log (which
	 * may never end: a pipe, /dev/zero) and then the probes. */
	engine_init(&en, s);
	if (kb_load(&kb, &e) < 0) {
		rc = msg_error("loading the knowledge base: %s", e.msg);
		goto cleanup;
	}
	msg_verbose(s, "knowledge base: %s", kb_origin(kb));
	if (explain_new(&x, kb, &e) < 0) {
		rc = msg_error("compiling the knowledge base's signatures: %s", e.msg);
		goto cleanup;
	}
	msg_verbose(s, "matcher: %s, %zu signatures", matcher_backend(), x->sigs.n);
	if (scan_log(x, fp, &en, s, &e) < 0) {
		rc = msg_error("reading log '%s': %s", logname, e.msg);
		goto cleanup;
	}
	msg_verbose(s, "scanned %llu bytes, %lu lines, %lu candidate lines, %lu matches",
		    x->st.bytes, x->st.lines, x->st.candidates, x->st.matches);
	warnings = scan_warnings(x, logname, s);
	/* A log from a CI runner did not happen here: probing this machine
	 * would show its state as the reason (issue 10). */
	x->elsewhere = x->origin.ci != EXPLAIN_CI_NONE && !probe_here;
	if (x->elsewhere)
		msg_verbose(s, "the log comes from a %s runner (line %lu: %s): no probe runs here",
			    explain_ci_name(x->origin.ci), x->origin.line, x->origin.marker);
	if ((!s->offline && !x->elsewhere && explain_run_probes(x, &en, &e) < 0) ||
	    !(findings = explain_findings(x, &en, s, &e))) {
		rc = msg_error("%s", e.msg);
		goto cleanup;
	}
	if (gethostname(host, sizeof(host) - 1) < 0)
		snprintf(host, sizeof(host), "this machine");
	log = jsontext_string(logname, strlen(logname), 4096);
	plan = advise(findings, kb, &en, x, s);
	rep = (struct explain_report){ logname, log, kb, x, findings, &en, warnings,
				       !s->offline && !x->elsewhere, probe_here, host, plan };
	render_explain(stdout, s, &rep);
	json_decref(plan);
	/* Nothing found in part of a log is not "nothing wrong": 2, as for a
	 * log that cannot be read. */
	rc = json_array_size(findings) ? EXIT_PROBLEMS : x->partial ? EXIT_USAGE : EXIT_OK;
cleanup:
	engine_release(&en);
	json_decref(findings);
	json_decref(warnings);
	json_decref(log);
	explain_free(x);
	kb_free(kb);
	if (fp && fp != stdin)
		fclose(fp);
	return rc;
}
