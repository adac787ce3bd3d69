#include "render/render_explain.h"

#include "findings.h"
#include "render/render_ci.h"
#include "render/render_fix.h"
#include "render/report.h"
#include "util/jsontext.h"
#include "util/msg.h"

/* Where the evidence comes from, in one sentence (text and JSON). */
static void origin_sentence(char *out, size_t n, const struct settings *s,
			    const struct explain_report *r)
{
	const struct explain_origin *o = &r->x->origin;
	const char *ci = explain_ci_name(o->ci);
	char from[400] = "";

	if (ci)
		snprintf(from, sizeof(from), "the log comes from a %s runner (line %lu, %s); ", ci,
			 o->line, o->marker);
	if (r->probed && ci)
		snprintf(out, n, "%sthe probes ran here on %s, as --probe-here asked: they show this "
			 "machine, not the runner", from, r->host);
	else if (r->probed)
		snprintf(out, n, "the log and probes run here on %s (the log shows no CI runner, so "
			 "it is taken to be from this machine)", r->host);
	else if (ci && !s->offline)
		snprintf(out, n, "%sthe log alone: this machine (%s) is not where the build ran, so "
			 "it was not probed (--probe-here probes it anyway)", from, r->host);
	else
		snprintf(out, n, "%sthe log alone (--offline: nothing was probed)", from);
}

static void print_nothing(FILE *out, const struct settings *s, const struct explain_report *r)
{
	int zh = s->lang == LANG_ZH;

	if (r->x->partial)
		fprintf(out, "%s %s: %s\n", msg_mark(s, MARK_WARN), r->logname,
			zh ? "在读取的部分中未发现已知的镜像仓库访问故障（日志未读完）"
			   : "no known registry-access failure in the part read (the log was not read to its end)");
	else
		fprintf(out, "%s %s: %s\n", msg_mark(s, MARK_OK), r->logname,
			zh ? "未发现已知的镜像仓库访问故障" : "no known registry-access failure found");
}

static void print_text(FILE *out, const struct settings *s, const struct explain_report *r)
{
	const json_t *findings = r->findings;
	size_t i, n = json_array_size(findings);
	int zh = s->lang == LANG_ZH;

	if (n == 0) {
		print_nothing(out, s, r);
		return;
	}
	{
		char origin[1024];

		origin_sentence(origin, sizeof(origin), s, r);
		fprintf(out, "%s %s\n\n", zh ? "证据来源:" : "evidence:", origin);
	}
	for (i = 0; i < n; i++) {
		const json_t *f = json_array_get(findings, i);
		long long count = json_integer_value(json_object_get(f, "occurrences"));

		fprintf(out, "%s %s:%lld  %s", msg_mark(s, MARK_FAIL), r->logname,
			(long long)json_integer_value(json_object_get(f, "line")),
			msg_bold(s, jsontext_member(f, "title")));
		if (*jsontext_member(f, "registry"))
			fprintf(out, "  (%s)", jsontext_member(f, "registry"));
		fprintf(out, "\n    %s %s\n", zh ? "日志:" : "line: ", jsontext_member(f, "matched"));
		if (count > 1)
			fprintf(out, "    %s %lld\n", zh ? "出现次数:" : "seen:  ", count);
		finding_print_text(out, s, f);
		if (i + 1 < n)
			fprintf(out, "\n");
	}
	if (r->x->dropped)
		fprintf(out, "\n(%lu more matches beyond the first %d findings were not shown)\n",
			r->x->dropped, EXPLAIN_MAX_FINDINGS);
	if (r->plan)
		render_fix_hint(out, s, r->plan, "--registry REGISTRY");
}

static json_t *origin_json(const struct settings *s, const struct explain_report *r)
{
	const struct explain_origin *o = &r->x->origin;
	char sentence[1024];
	json_t *j = json_object();

	origin_sentence(sentence, sizeof(sentence), s, r);
	json_object_set_new(j, "log_from", o->ci ? json_string(explain_ci_fact(o->ci)) : json_null());
	json_object_set_new(j, "line", o->ci ? json_integer((json_int_t)o->line) : json_null());
	json_object_set_new(j, "marker", o->ci ? jsontext_string(o->marker, strlen(o->marker),
								   sizeof(o->marker)) : json_null());
	json_object_set_new(j, "probed", json_string(r->probed ? "this_machine" : "nothing"));
	json_object_set_new(j, "probe_here", json_boolean(r->probe_here));
	json_object_set_new(j, "host", jsontext_string(r->host, strlen(r->host), 256));
	json_object_set_new(j, "text", jsontext_string(sentence, strlen(sentence), sizeof(sentence)));
	return j;
}

static json_t *explain_json(const struct settings *s, const struct explain_report *r)
{
	json_t *doc = report_new("explain");

	json_object_set(doc, "log", r->log);
	json_object_set_new(doc, "kb", json_string(kb_origin(r->kb)));
	json_object_set(doc, "findings", r->findings);
	json_object_set_new(doc, "probes", engine_probes_json(r->en));
	json_object_set_new(doc, "scanned", json_pack("{s:I, s:I, s:b}", "bytes",
			    (json_int_t)r->x->st.bytes, "lines", (json_int_t)r->x->st.lines,
			    "complete", !r->x->partial));
	json_object_set(doc, "warnings", r->warnings);
	json_object_set_new(doc, "evidence_origin", origin_json(s, r));
	if (r->plan)
		json_object_set(doc, "plan", (json_t *)r->plan);
	return doc;
}

void render_explain(FILE *out, const struct settings *s, const struct explain_report *r)
{
	json_t *doc;

	if (render_ci(out, s->format, r->findings, r->logname))
		return;
	if (s->format != FORMAT_JSON) {
		print_text(out, s, r);
		return;
	}
	doc = explain_json(s, r);
	report_print_json(out, doc);
	json_decref(doc);
}
