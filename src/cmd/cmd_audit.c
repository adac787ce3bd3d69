/* cmd_audit.c — `fixkb audit`: the registry-credential hygiene of this
 * machine (its users' credential stores and the build contexts under
 * --context), and `fixkb audit --summarize DIR` for a fleet's reports.
 * Exit 0 when nothing reaches --fail-on, 1 when something does, 2 on a
 * usage error or unreadable input. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/rules.h"
#include "audit/summarize.h"
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "render/audit_github.h"
#include "render/audit_sarif.h"
#include "render/audit_text.h"
#include "render/report.h"
#include "util/msg.h"

struct audit_cli {
	struct strlist contexts;
	int all_users;
	int online;
	const char *baseline;
	const char *fail_on;
	const char *summarize;
};

static void audit_help(const struct opt *opts)
{
	int i;

	printf("usage: fixkb audit [--context DIR]... [--all-users] [--online] [--baseline FILE]\n"
	       "                   [--fail-on low|medium|high|critical] [--format text|json|sarif|github]\n"
	       "       fixkb audit --summarize DIR [--format text|json]\n\n"
	       "Audits the registry credentials of this machine without changing anything: the\n"
	       "credential stores of the current user (docker config.json, the containers auth\n"
	       "files, credential helpers, DOCKER_AUTH_CONFIG, shell start-up files) or, with\n"
	       "--all-users as root, of every user, read-only and without leaving their homes;\n"
	       "and every build context (a directory with a Dockerfile) under each --context DIR\n"
	       "(default: the current directory; with --all-users: every home). --online also\n"
	       "checks each stored credential at its registry. Secrets are never shown: only\n"
	       "fingerprints. --summarize merges the JSON reports in DIR (one per host, as\n"
	       "contrib/ansible/ collects them) into one table per rule and per host.\n\n"
	       "options:\n");
	opt_print_help(stdout, opts);
	printf("\nrules (docs/audit/<rule>.md):\n");
	for (i = 0; i < RULE_COUNT; i++) {
		const struct audit_rule *r = audit_rule_get((enum audit_rule_id)i);

		printf("  %-30s %-9s %s\n", r->id, audit_severity_name(r->severity), r->title);
	}
	printf("\nexit status: 0 nothing at or above --fail-on (default low), 1 something is,\n"
	       "2 usage error or unreadable input\n");
}

static int print_doc(const json_t *doc, const struct settings *s)
{
	json_t *sarif;

	switch (s->format) {
	case FORMAT_JSON:
		return report_print_json(stdout, doc);
	case FORMAT_SARIF:
		sarif = audit_render_sarif(doc);
		if (!sarif)
			return -1;
		report_print_json(stdout, sarif);
		json_decref(sarif);
		return 0;
	case FORMAT_GITHUB:
		audit_render_github(stdout, doc);
		return 0;
	case FORMAT_TEXT:
		audit_render_text(stdout, doc, s);
		return 0;
	}
	return 0;
}

static int summarize(const struct audit_cli *c, enum audit_severity fail_on,
		     const struct settings *s)
{
	struct err e = ERR_INIT;
	json_t *sm = NULL;
	int failed = 0;

	if (c->contexts.n || c->all_users || c->online || c->baseline)
		return msg_usage("audit: --summarize reads reports; it takes no --context, "
				 "--all-users, --online or --baseline");
	if (s->format == FORMAT_SARIF || s->format == FORMAT_GITHUB)
		return msg_usage("audit: --summarize prints text or json");
	if (audit_summarize(&sm, &failed, c->summarize, fail_on, &e) < 0)
		return msg_error("audit: %s", e.msg);
	if (s->format == FORMAT_JSON)
		report_print_json(stdout, sm);
	else
		audit_render_summary_text(stdout, sm, s);
	json_decref(sm);
	return failed ? EXIT_PROBLEMS : EXIT_OK;
}

int cmd_audit(int argc, char **argv, const struct settings *s)
{
	struct audit_cli c;
	struct audit_opts ao;
	struct err e = ERR_INIT;
	const char *pos[1];
	json_t *doc = NULL;
	int npos, failed = 0, sev;
	const struct opt opts[] = {
		{ "context", 0, OPT_LIST, &c.contexts, "DIR", "walk DIR for build contexts (default .)" },
		{ "all-users", 0, OPT_FLAG, &c.all_users, NULL, "every user's stores and home (root only)" },
		{ "online", 0, OPT_FLAG, &c.online, NULL, "check each stored credential at its registry" },
		{ "baseline", 0, OPT_STRING, &c.baseline, "FILE", "suppress the findings of an earlier --format json report" },
		{ "fail-on", 0, OPT_STRING, &c.fail_on, "SEV", "exit 1 from this severity up (default low)" },
		{ "summarize", 0, OPT_STRING, &c.summarize, "DIR", "merge the reports in DIR" },
		OPT_TABLE_END,
	};

	memset(&c, 0, sizeof(c));
	if (cmd_wants_help(argc, argv)) {
		audit_help(opts);
		return EXIT_OK;
	}
	if (opt_parse(opts, argc, argv, pos, 0, &npos, &e) < 0)
		return msg_usage("audit: %s", e.msg);
	sev = c.fail_on ? audit_severity_parse(c.fail_on) : SEV_LOW;
	if (sev < 0)
		return msg_usage("audit: unknown --fail-on '%s' (low, medium, high, critical)", c.fail_on);
	if (c.summarize)
		return summarize(&c, (enum audit_severity)sev, s);
	if (c.online && s->offline)
		return msg_usage("audit: --online and --offline contradict each other");
	memset(&ao, 0, sizeof(ao));
	ao.contexts = &c.contexts;
	ao.all_users = c.all_users;
	ao.online = c.online;
	ao.baseline = c.baseline;
	ao.fail_on = (enum audit_severity)sev;
	if (audit_run(&doc, &failed, &ao, s, &e) < 0)
		return msg_error("audit: %s", e.msg);
	if (print_doc(doc, s) < 0) {
		json_decref(doc);
		return msg_error("audit: out of memory");
	}
	json_decref(doc);
	return failed ? EXIT_PROBLEMS : EXIT_OK;
}
