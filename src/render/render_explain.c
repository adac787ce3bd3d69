#include "render/render_explain.h"

#include "findings.h"
#include "render/render_ci.h"
#include "render/report.h"
#include "util/msg.h"

static const char *jstr(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
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
	for (i = 0; i < n; i++) {
		const json_t *f = json_array_get(findings, i);
		long long count = json_integer_value(json_object_get(f, "occurrences"));

		fprintf(out, "%s %s:%lld  %s", msg_mark(s, MARK_FAIL), r->logname,
			(long long)json_integer_value(json_object_get(f, "line")),
			msg_bold(s, jstr(f, "title")));
		if (*jstr(f, "registry"))
			fprintf(out, "  (%s)", jstr(f, "registry"));
		fprintf(out, "\n    %s %s\n", zh ? "日志:" : "line: ", jstr(f, "matched"));
		if (count > 1)
			fprintf(out, "    %s %lld\n", zh ? "出现次数:" : "seen:  ", count);
		finding_print_text(out, s, f);
		if (i + 1 < n)
			fprintf(out, "\n");
	}
	if (r->x->dropped)
		fprintf(out, "\n(%lu more matches beyond the first %d findings were not shown)\n",
			r->x->dropped, EXPLAIN_MAX_FINDINGS);
}

static json_t *explain_json(const struct explain_report *r)
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
	doc = explain_json(r);
	report_print_json(out, doc);
	json_decref(doc);
}
