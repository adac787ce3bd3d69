/* cmd_explain.c — `fixkb explain [LOG | -]`: after a failed build, find
 * every known failure in its log, name the cause and the fix that works.
 *
 * The log is streamed through the matcher in constant memory; matches are
 * grouped by (entry, registry) keeping the first line and a count, so a
 * log repeating one error a million times costs one finding. Unless
 * --offline, the probes tied to each finding run for the registry the
 * line names and their evidence ranks the workarounds and reorders
 * ambiguous findings. Exit 1 when something matched, 0 when nothing did,
 * 2 when the log cannot be read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "checks/checks.h"
#include "cmd/cmd.h"
#include "engine.h"
#include "findings.h"
#include "kb.h"
#include "matcher.h"
#include "util/msg.h"
#include "cmd/opt.h"
#include "util/jsontext.h"
#include "util/redact.h"
#include "render/render_ci.h"
#include "render/report.h"
#include "sigcompile.h"

#define EXPLAIN_MAX_FINDINGS 64
#define EXPLAIN_LINE_SHOWN 400

struct hit {
	const struct kb_entry *entry;
	char registry[ENGINE_REGISTRY_MAX];
	char status[8];
	char method[8];
	char url[512];
	char line_text[EXPLAIN_LINE_SHOWN];   /* redacted */
	unsigned long line;
	unsigned long count;
	int base_image;
	int agrees;                            /* a probe reported this cause */
};

/* BuildKit's "[internal] load metadata for <image>" step: a token error
 * for that registry is a base-image pull, which no RUN-step fix reaches. */
static const struct matcher_pattern metadata_pattern = {
	0, "load metadata for ", "load metadata for (?<registry>[^ ]+)"
};

#define EXPLAIN_MAX_PULLED 64

struct scan {
	const struct sig_set *sigs;
	char pulled[EXPLAIN_MAX_PULLED][ENGINE_REGISTRY_MAX];   /* registries with a metadata load */
	size_t npulled;
	struct hit hits[EXPLAIN_MAX_FINDINGS];
	size_t n;
	unsigned long dropped;
};

/* Messages that say the failing request pulls a base image. */
static int is_base_image_pull(const char *msg, size_t len)
{
	static const char *const marks[] = {
		"resolve source metadata", "load metadata for", "pull access denied",
		"failed to pull image", "error pulling image", "reading manifest",
		"Error response from daemon: Get", "initializing source", NULL,
	};
	size_t i;

	for (i = 0; marks[i]; i++)
		if (memmem(msg, len, marks[i], strlen(marks[i])))
			return 1;
	return 0;
}

static int on_match(const struct matcher_match *mm, void *arg)
{
	struct scan *sc = arg;
	const struct sig_ref *ref = &sc->sigs->refs[mm->pattern];
	char registry[ENGINE_REGISTRY_MAX] = "";
	struct hit *h;
	size_t i;

	if (matcher_match_registry(mm, registry, sizeof(registry)) < 0)
		registry[0] = '\0';
	if (!ref->entry) {
		for (i = 0; i < sc->npulled; i++)
			if (strcmp(sc->pulled[i], registry) == 0)
				return 0;
		if (registry[0] && sc->npulled < EXPLAIN_MAX_PULLED)
			snprintf(sc->pulled[sc->npulled++], ENGINE_REGISTRY_MAX, "%s", registry);
		return 0;
	}
	for (i = 0; i < sc->n; i++) {
		h = &sc->hits[i];
		if (h->entry == ref->entry && strcmp(h->registry, registry) == 0) {
			h->count++;
			h->base_image |= is_base_image_pull(mm->msg, mm->msg_len);
			return 0;
		}
	}
	if (sc->n == EXPLAIN_MAX_FINDINGS) {
		sc->dropped++;
		return 0;
	}
	h = &sc->hits[sc->n++];
	memset(h, 0, sizeof(*h));
	h->entry = ref->entry;
	snprintf(h->registry, sizeof(h->registry), "%s", registry);
	matcher_match_copy(mm, &mm->cap[MATCHER_CAP_STATUS], h->status, sizeof(h->status));
	matcher_match_copy(mm, &mm->cap[MATCHER_CAP_METHOD], h->method, sizeof(h->method));
	if (mm->cap[MATCHER_CAP_URL].set) {
		char raw[sizeof(h->url)];

		matcher_match_copy(mm, &mm->cap[MATCHER_CAP_URL], raw, sizeof(raw));
		redact_text(raw, strlen(raw), h->url, sizeof(h->url));
	}
	redact_text(mm->msg, mm->msg_len, h->line_text, sizeof(h->line_text));
	h->line = mm->line;
	h->count = 1;
	h->base_image = is_base_image_pull(mm->msg, mm->msg_len);
	return 0;
}

/* Log lines are arbitrary bytes; JSON strings must be UTF-8. */
static json_t *utf8_or_note(const char *text)
{
	json_t *j = json_string(text);

	return j ? j : json_string("(line is not valid UTF-8)");
}

static void explain_help(const struct opt *opts)
{
	printf("usage: fixkb explain [LOG | -] [--offline] [--format text|json|github] [--lang en|zh]\n\n"
	       "Reads a failed build's log (a file, or - / nothing for standard input), finds\n"
	       "every known registry-access failure in it with its line number, runs the probes\n"
	       "tied to it for the registry the line names (unless --offline), and prints the\n"
	       "cause, the best workaround with its command, the others, and the dead ends.\n"
	       "Lines that are not about registry access produce no finding.\n\noptions:\n");
	opt_print_help(stdout, opts);
	printf("\nexit status: 0 nothing found, 1 a known failure was found, 2 unreadable log or usage error\n");
}

/* One line matched by a specific entry (docker-credential-pass failing)
 * and a generic one of the same cause (any helper failing): keep the
 * most confident, which the KB makes the specific one. */
static void drop_generic_duplicates(struct scan *sc)
{
	size_t i, j, o = 0;

	for (i = 0; i < sc->n; i++) {
		const struct hit *h = &sc->hits[i];
		int weaker = 0;

		for (j = 0; j < sc->n && !weaker; j++) {
			const struct hit *g = &sc->hits[j];

			if (j == i || g->line != h->line || strcmp(g->registry, h->registry) != 0 ||
			    strcmp(g->entry->cause, h->entry->cause) != 0)
				continue;
			weaker = g->entry->confidence > h->entry->confidence ||
				 (g->entry->confidence == h->entry->confidence && j < i);
		}
		if (!weaker)
			sc->hits[o++] = *h;
	}
	sc->n = o;
}

/* Runs the tied probes for every registry a hit names (deduplicated). */
static void run_probes(struct engine *en, const struct scan *sc)
{
	const struct probe *netprobe = probe_find("token_endpoint");
	const char *regs[EXPLAIN_MAX_FINDINGS];
	size_t i, j, nregs = 0;

	for (i = 0; i < sc->n; i++) {
		int seen = 0;

		if (!sc->hits[i].registry[0])
			continue;
		for (j = 0; j < nregs; j++)
			seen |= strcmp(regs[j], sc->hits[i].registry) == 0;
		if (!seen)
			regs[nregs++] = sc->hits[i].registry;
	}
	for (i = 0; i < nregs; i++) {
		engine_run(en, &probe_config_auth, regs[i], NULL);
		engine_run(en, &probe_cred_helper, regs[i], NULL);
		if (getenv("DOCKER_AUTH_CONFIG"))
			engine_run(en, &probe_docker_auth_config, regs[i], NULL);
	}
	if (netprobe && nregs)
		engine_run_batch(en, netprobe, regs, NULL, nregs);
}

/* Does any probe for this registry report the entry's cause? */
static int evidence_agrees(const struct engine *en, const struct hit *h)
{
	size_t i;

	for (i = 0; i < en->n; i++) {
		const struct probe_record *r = en->records[i];

		if (strcmp(r->registry, h->registry) == 0 &&
		    (r->res.status == PROBE_FAIL || r->res.status == PROBE_WARN) &&
		    strcmp(r->res.code, h->entry->cause) == 0)
			return 1;
	}
	return 0;
}

/* Best first: evidence agreement, then the line (an earlier error is the
 * root more often than a later one), then the entry's confidence. */
static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->agrees != y->agrees)
		return y->agrees - x->agrees;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->entry->confidence != y->entry->confidence)
		return x->entry->confidence > y->entry->confidence ? -1 : 1;
	return strcmp(x->entry->id, y->entry->id);
}

static const char *jstr(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static void print_text(const struct settings *s, const json_t *findings,
		       unsigned long dropped, const char *logname, int partial)
{
	size_t i;
	int zh = s->lang == LANG_ZH;

	if (json_array_size(findings) == 0 && partial) {
		printf("%s %s: %s\n", msg_mark(s, MARK_WARN), logname,
		       zh ? "在读取的部分中未发现已知的镜像仓库访问故障（日志未读完）"
			  : "no known registry-access failure in the part read (the log was not read to its end)");
		return;
	}
	if (json_array_size(findings) == 0) {
		printf("%s %s: %s\n", msg_mark(s, MARK_OK), logname,
		       zh ? "未发现已知的镜像仓库访问故障" : "no known registry-access failure found");
		return;
	}
	for (i = 0; i < json_array_size(findings); i++) {
		const json_t *f = json_array_get(findings, i);
		long long count = json_integer_value(json_object_get(f, "occurrences"));

		printf("%s %s:%lld  %s", msg_mark(s, MARK_FAIL), logname,
		       (long long)json_integer_value(json_object_get(f, "line")),
		       msg_bold(s, jstr(f, "title")));
		if (*jstr(f, "registry"))
			printf("  (%s)", jstr(f, "registry"));
		printf("\n    %s %s\n", zh ? "日志:" : "line: ", jstr(f, "matched"));
		if (count > 1)
			printf("    %s %lld\n", zh ? "出现次数:" : "seen:  ", count);
		finding_print_text(stdout, s, f);
		if (i + 1 < json_array_size(findings))
			printf("\n");
	}
	if (dropped)
		printf("\n(%lu more matches beyond the first %d findings were not shown)\n",
		       dropped, EXPLAIN_MAX_FINDINGS);
}

int cmd_explain(int argc, char **argv, const struct settings *s)
{
	struct sig_set sigs = SIG_SET_INIT;
	struct scan *sc = NULL;
	struct kb *kb = NULL;
	struct engine en;
	struct err e = ERR_INIT;
	struct matcher_stats st;
	json_t *findings = NULL, *warnings = NULL;
	char warning[512];
	const char *pos[1], *logname;
	FILE *fp = NULL;
	int npos = 0, rc = EXIT_USAGE, engine_up = 0, scan_rc, partial, interactive;
	size_t i;
	const struct opt opts[] = { OPT_TABLE_END };

	if (cmd_wants_help(argc, argv)) {
		explain_help(opts);
		return EXIT_OK;
	}
	if (opt_parse(opts, argc, argv, pos, 1, &npos, &e) < 0)
		return msg_usage("explain: %s", e.msg);
	logname = npos == 1 ? pos[0] : "-";
	if (strcmp(logname, "-") == 0) {
		fp = stdin;
		logname = "<stdin>";
	} else {
		struct stat sb;

		fp = fopen(logname, "r");
		if (!fp)
			return msg_error("reading log '%s': %s", logname, strerror(errno));
		if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
			fclose(fp);
			return msg_error("reading log '%s': is a directory", logname);
		}
	}
	/* The --timeout deadline covers the whole run: reading the log (which
	 * may never end: a pipe, /dev/zero) and then the probes. */
	engine_init(&en, s);
	engine_up = 1;
	if (kb_load(&kb, &e) < 0) {
		rc = msg_error("loading the knowledge base: %s", e.msg);
		goto cleanup;
	}
	msg_verbose(s, "knowledge base: %s", kb_origin(kb));
	if (sig_set_compile(&sigs, kb, &metadata_pattern, 1, &e) < 0) {
		rc = msg_error("compiling the knowledge base's signatures: %s", e.msg);
		goto cleanup;
	}
	msg_verbose(s, "matcher: %s, %zu signatures", matcher_backend(), sigs.n);
	sc = calloc(1, sizeof(*sc));
	if (!sc) {
		rc = msg_error("out of memory");
		goto cleanup;
	}
	sc->sigs = &sigs;
	memset(&st, 0, sizeof(st));
	/* Someone typing or pasting a log is not held to --timeout: they end
	 * it with Ctrl-D (or Ctrl-C), and the probes' deadline starts then. */
	interactive = isatty(fileno(fp));
	if (interactive)
		msg_note("reading the build log from the terminal: paste it, then press Ctrl-D "
			 "(or give a file: fixkb explain LOG)");
	scan_rc = matcher_scan_stream_until(sigs.m, NULL, fp, interactive ? 0 : en.deadline_ms,
					    on_match, sc, &st, &e);
	if (interactive)
		engine_init(&en, s);
	if (scan_rc < 0) {
		rc = msg_error("reading log '%s': %s", logname, e.msg);
		goto cleanup;
	}
	msg_verbose(s, "scanned %llu bytes, %lu lines, %lu candidate lines, %lu matches",
		    st.bytes, st.lines, st.candidates, st.matches);
	warnings = json_array();
	partial = scan_rc == MATCHER_DEADLINE;
	if (partial) {
		snprintf(warning, sizeof(warning),
			 "stopped reading '%s' at the --timeout deadline (%g s) after %llu bytes "
			 "(%lu lines): the findings cover only that part; a larger --timeout reads more",
			 logname, s->timeout_s, st.bytes, st.lines);
		msg_warn("%s", warning);
		/* a path is bytes: never lose the warning to invalid UTF-8 */
		json_array_append_new(warnings, jsontext_string(warning, strlen(warning), sizeof(warning)));
	}

	drop_generic_duplicates(sc);
	for (i = 0; i < sc->n; i++)
		for (size_t k = 0; k < sc->npulled; k++)
			if (strcmp(sc->hits[i].registry, sc->pulled[k]) == 0)
				sc->hits[i].base_image = 1;
	if (!s->offline)
		run_probes(&en, sc);
	for (i = 0; i < sc->n; i++)
		sc->hits[i].agrees = evidence_agrees(&en, &sc->hits[i]);
	qsort(sc->hits, sc->n, sizeof(sc->hits[0]), hit_cmp);

	findings = json_array();
	for (i = 0; i < sc->n; i++) {
		const struct hit *h = &sc->hits[i];
		struct finding_spec sp;
		json_t *f;

		memset(&sp, 0, sizeof(sp));
		sp.entry = h->entry;
		sp.cause = h->entry->cause;
		sp.severity = strcmp(h->entry->cause, "plaintext_credentials") == 0 ? "warn" : "fail";
		sp.registry = h->registry[0] ? h->registry : NULL;
		sp.base_image = h->base_image;
		f = finding_new(&sp, &en, s, &e);
		if (!f) {
			rc = msg_error("%s", e.msg);
			goto cleanup;
		}
		json_object_set_new(f, "line", json_integer((json_int_t)h->line));
		json_object_set_new(f, "matched", utf8_or_note(h->line_text));
		json_object_set_new(f, "occurrences", json_integer((json_int_t)h->count));
		json_object_set_new(f, "status", h->status[0] ? json_string(h->status) : json_null());
		json_object_set_new(f, "method", h->method[0] ? json_string(h->method) : json_null());
		json_object_set_new(f, "url", h->url[0] ? json_string(h->url) : json_null());
		json_object_set_new(f, "evidence_agrees", json_boolean(h->agrees));
		json_array_append_new(findings, f);
	}

	if (s->format == FORMAT_JSON) {
		json_t *doc = report_new("explain");

		json_object_set_new(doc, "log", jsontext_string(logname, strlen(logname), 4096));
		json_object_set_new(doc, "kb", json_string(kb_origin(kb)));
		json_object_set(doc, "findings", findings);
		json_object_set_new(doc, "probes", engine_probes_json(&en));
		json_object_set_new(doc, "scanned", json_pack("{s:I, s:I, s:b}", "bytes",
				    (json_int_t)st.bytes, "lines", (json_int_t)st.lines,
				    "complete", !partial));
		json_object_set(doc, "warnings", warnings);
		report_print_json(stdout, doc);
		json_decref(doc);
	} else if (s->format == FORMAT_GITHUB) {
		render_github(stdout, findings, logname);
	} else if (s->format == FORMAT_SARIF) {
		json_t *sarif = render_sarif(findings, logname);

		report_print_json(stdout, sarif);
		json_decref(sarif);
	} else {
		print_text(s, findings, sc->dropped, logname, partial);
	}
	/* Nothing found in part of a log is not "nothing wrong": 2, as for a
	 * log that cannot be read. */
	if (json_array_size(findings))
		rc = EXIT_PROBLEMS;
	else
		rc = partial ? EXIT_USAGE : EXIT_OK;
cleanup:
	if (engine_up)
		engine_release(&en);
	json_decref(findings);
	json_decref(warnings);
	free(sc);
	sig_set_release(&sigs);
	kb_free(kb);
	if (fp && fp != stdin)
		fclose(fp);
	return rc;
}
