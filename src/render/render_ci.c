#include "render/render_ci.h"

#include <string.h>

#include "cause.h"
#include "config.h"
#include "render/report.h"
#include "util/ghcmd.h"
#include "util/jsontext.h"
#include "util/uri.h"

void render_github_escape(FILE *f, const char *s, int property)
{
	struct buf b = BUF_INIT(1u << 20);

	(void)ghcmd_escape(&b, s, property);
	if (b.data)
		fputs(b.data, f);
	buf_release(&b);
}

static void finding_message(char *msg, size_t n, const json_t *f)
{
	const json_t *w = json_array_get(json_object_get(f, "workarounds"), 0);

	snprintf(msg, n, "%s%s%s%s%s%s%s", *jsontext_member(f, "registry") ? jsontext_member(f, "registry") : "",
		 *jsontext_member(f, "registry") ? ": " : "", jsontext_member(f, "summary"),
		 w ? ". Fix: " : "", w ? jsontext_member(w, "title") : "",
		 w && *jsontext_member(w, "command") ? " — $ " : "", w ? jsontext_member(w, "command") : "");
}

void render_github(FILE *out, const json_t *findings, const char *file)
{
	char title[256], msg[2048];
	size_t i;

	for (i = 0; i < json_array_size(findings); i++) {
		const json_t *f = json_array_get(findings, i);
		json_int_t line = json_integer_value(json_object_get(f, "line"));
		const char *code = *jsontext_member(f, "code") ? jsontext_member(f, "code") : jsontext_member(f, "cause");

		snprintf(title, sizeof(title), "fixkb: %s (%s)", code, jsontext_member(f, "cause"));
		finding_message(msg, sizeof(msg), f);
		fprintf(out, "::%s ", severity_ci_level(severity_from_name(jsontext_member(f, "severity"))));
		if (file) {
			fputs("file=", out);
			render_github_escape(out, file, 1);
			if (line > 0)
				fprintf(out, ",line=%lld", (long long)line);
			fputc(',', out);
		}
		fputs("title=", out);
		render_github_escape(out, title, 1);
		fputs("::", out);
		render_github_escape(out, msg, 0);
		fputc('\n', out);
	}
}

json_t *render_sarif(const json_t *findings, const char *file)
{
	json_t *rules = json_array(), *results = json_array(), *seen = json_object();
	char msg[2048], uri[4096 * 3];
	size_t i;

	for (i = 0; i < json_array_size(findings); i++) {
		const json_t *f = json_array_get(findings, i);
		const char *rule = *jsontext_member(f, "entry") ? jsontext_member(f, "entry") : jsontext_member(f, "cause");
		json_int_t line = json_integer_value(json_object_get(f, "line"));
		json_t *res;

		if (!json_object_get(seen, rule)) {
			json_object_set_new(seen, rule, json_true());
			json_array_append_new(rules, json_pack("{s:s, s:s, s:{s:s}, s:{s:s}}",
				"id", rule, "name", *jsontext_member(f, "code") ? jsontext_member(f, "code") : jsontext_member(f, "cause"),
				"shortDescription", "text",
				*jsontext_member(f, "title") ? jsontext_member(f, "title") : jsontext_member(f, "summary"),
				"properties", "cause", jsontext_member(f, "cause")));
		}
		finding_message(msg, sizeof(msg), f);
		res = json_pack("{s:s, s:s, s:{s:s}}", "ruleId", rule,
				"level", severity_ci_level(severity_from_name(jsontext_member(f, "severity"))),
				"message", "text", msg);
		if (file) {
			json_t *region = line > 0 ? json_pack("{s:I}", "startLine", line) : NULL;
			json_t *phys;

			uri_from_path(uri, sizeof(uri), file, NULL);
			phys = json_pack("{s:{s:s}}", "artifactLocation", "uri", uri);

			if (region)
				json_object_set_new(phys, "region", region);
			json_object_set_new(res, "locations",
					    json_pack("[{s:o}]", "physicalLocation", phys));
		}
		json_array_append_new(results, res);
	}
	json_decref(seen);
	return json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o}]}",
			 "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
			 "version", "2.1.0", "runs", "tool", "driver", "name", "fixkb",
			 "version", FIXKB_VERSION, "rules", rules, "results", results);
}

int render_ci(FILE *out, enum out_format format, const json_t *findings, const char *file)
{
	json_t *sarif;

	if (format == FORMAT_GITHUB) {
		render_github(out, findings, file);
		return 1;
	}
	if (format != FORMAT_SARIF)
		return 0;
	sarif = render_sarif(findings, file);
	report_print_json(out, sarif);
	json_decref(sarif);
	return 1;
}
