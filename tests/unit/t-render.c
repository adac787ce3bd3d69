/* t-render.c — the renderers (src/render/): GitHub workflow commands,
 * SARIF 2.1.0, the JSON report document, probe lines.
 *
 * GitHub: every line is parsed the way the Actions runner parses a
 * workflow command ("::name k=v,k=v::data"; properties escape % CR LF : ,
 * and data % CR LF, as GitHub documents and actions/toolkit does), then
 * unescaped: the file, line and title properties and the message must
 * come back exactly, and nothing may break a line or add a property.
 * SARIF: validated against the parts of the SARIF 2.1.0 schema that
 * make a log valid (required fields, level enum, startLine >= 1, uri a
 * URI reference), one rule per KB entry, each result's ruleId a rule,
 * locations with the line. Findings come from the real KB (finding_new)
 * and from hand-made §3 objects full of characters that need escaping. */
#include "render/render_ci.h"
#include "render/report.h"

#include "config.h"
#include "findings.h"
#include "util/jsonschema.h"

#include "t-lib-cfg.h"
#include "t-lib-kb.h"

static const char *str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

/* ---- GitHub ---- */

/* The runner's unescaping (ActionCommand.cs: UnescapeProperty/UnescapeData). */
static void unescape(char *s, int property)
{
	static const struct { const char *from; char to; int prop_only; } map[] = {
		{ "%0D", '\r', 0 }, { "%0A", '\n', 0 }, { "%3A", ':', 1 }, { "%2C", ',', 1 },
		{ "%25", '%', 0 },
	};
	char *r = s, *w = s;
	size_t k;

	while (*r) {
		for (k = 0; k < sizeof(map) / sizeof(map[0]); k++)
			if ((property || !map[k].prop_only) && strncmp(r, map[k].from, 3) == 0)
				break;
		if (k < sizeof(map) / sizeof(map[0])) {
			*w++ = map[k].to;
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

struct ghcmd {
	char name[32];
	char keys[8][32];
	char vals[8][1024];
	int nprops;
	char data[4096];
};

/* Parses one line "::name props::data" (no newline). 0 or -1. */
static int gh_parse(const char *line, struct ghcmd *c)
{
	const char *end, *sp, *p;
	char props[4096];

	memset(c, 0, sizeof(*c));
	if (strncmp(line, "::", 2) != 0 || !(end = strstr(line + 2, "::")))
		return -1;
	snprintf(c->data, sizeof(c->data), "%s", end + 2);
	unescape(c->data, 0);
	sp = memchr(line + 2, ' ', (size_t)(end - line - 2));
	snprintf(c->name, sizeof(c->name), "%.*s", (int)((sp ? sp : end) - line - 2), line + 2);
	if (!sp)
		return 0;
	snprintf(props, sizeof(props), "%.*s", (int)(end - sp - 1), sp + 1);
	for (p = props; *p && c->nprops < 8;) {
		const char *comma = strchr(p, ','), *eq = strchr(p, '=');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (!eq || eq > p + len)
			return -1;
		snprintf(c->keys[c->nprops], sizeof(c->keys[0]), "%.*s", (int)(eq - p), p);
		snprintf(c->vals[c->nprops], sizeof(c->vals[0]), "%.*s", (int)(p + len - eq - 1), eq + 1);
		unescape(c->vals[c->nprops], 1);
		c->nprops++;
		p += len + (comma ? 1 : 0);
	}
	return 0;
}

static const char *prop(const struct ghcmd *c, const char *key)
{
	int i;

	for (i = 0; i < c->nprops; i++)
		if (strcmp(c->keys[i], key) == 0)
			return c->vals[i];
	return NULL;
}

/* Renders findings, returns the output (malloc'd). */
static char *github_out(const json_t *findings, const char *file)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	render_github(f, findings, file);
	fclose(f);
	return buf;
}

static const char *nasty_summary = "50% of pulls fail\r\nwith 401, then: retry";
static const char *nasty_command = "printf '%s\\n' user,pass:x | docker login --password-stdin %0A";
static const char *nasty_file = "/tmp/ctx,one::two/Docker%20file\nx";

static json_t *nasty_findings(void)
{
	return json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:[{s:s, s:s}]},"
			 " {s:n, s:n, s:s, s:n, s:s, s:s, s:[]}]",
		"entry", "credentials/x,y", "code", "CODE:ONE,%", "cause", "helper_failed",
		"registry", "ghcr.io", "severity", "fail", "summary", nasty_summary, "line", (json_int_t)12,
		"workarounds", "title", "Fix: it, now 100%", "command", nasty_command,
		"entry", "code", "cause", "rate_limited", "registry", "severity", "warn",
		"summary", "too many requests", "workarounds");
}

static void github_tests(void)
{
	json_t *fs = nasty_findings();
	char *out = github_out(fs, nasty_file), *line, *save = NULL, want[1024];
	struct ghcmd c;
	int n = 0;

	ok(out && out[strlen(out) - 1] == '\n', "github: output ends with a newline");
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		ok(!strchr(line, '\r'), "github: line %d has no raw CR", n);
		ok(strchr(line + 2, ' ') && strstr(line + 2, "::") &&
		   !memchr(strchr(line + 2, ' '), ':', (size_t)(strstr(line + 2, "::") - strchr(line + 2, ' '))),
		   "github: line %d has no raw ':' among its properties", n);
		if (!ok(gh_parse(line, &c) == 0, "github: line %d is a workflow command (%s)", n, line))
			continue;
		if (n == 0) {
			is_str(c.name, "error", "a fail finding is an error annotation");
			is_int(c.nprops, 3, "three properties: file, line, title");
			is_str(prop(&c, "file"), nasty_file, "file= comes back exactly (%%, ',', ':' and LF)");
			is_str(prop(&c, "line"), "12", "line= is the finding's line");
			ok(prop(&c, "title") && strstr(prop(&c, "title"), "CODE:ONE,%") &&
			   strstr(prop(&c, "title"), "helper_failed"),
			   "title= names the code and cause exactly (%s)", prop(&c, "title"));
			snprintf(want, sizeof(want), "ghcr.io: %s", nasty_summary);
			ok(strncmp(c.data, want, strlen(want)) == 0,
			   "the message starts with the registry and the summary, CR LF kept");
			ok(strstr(c.data, "Fix: it, now 100%") != NULL, "the message has the fix's title");
			ok(strstr(c.data, nasty_command) != NULL, "the message has the exact command");
		} else {
			is_str(c.name, "warning", "a warn finding is a warning annotation");
			is_int(c.nprops, 2, "no line: two properties");
			is_str(prop(&c, "line"), NULL, "no line= without a line");
			is_str(c.data, "too many requests", "no registry, no workaround: the summary alone");
			ok(prop(&c, "title") && strstr(prop(&c, "title"), "rate_limited"),
			   "title= falls back to the cause (%s)", prop(&c, "title"));
		}
	}
	is_int(n, 2, "one line per finding");
	free(out);

	out = github_out(fs, NULL);
	ok(gh_parse(strtok_r(out, "\n", &save), &c) == 0 && c.nprops == 1 && prop(&c, "title") &&
	   !prop(&c, "line") && !prop(&c, "file"), "no file: only title= (a line alone means nothing)");
	free(out);
	out = github_out(json_array_get(fs, 5), NULL);
	is_str(out, "", "no findings: no output");
	free(out);
	json_decref(fs);
}

/* ---- SARIF ---- */

/* The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) that
 * every log must meet, in the subset util/jsonschema.h supports. */
static const char sarif_schema[] =
"{\"type\":\"object\",\"required\":[\"version\",\"runs\"],\"properties\":{"
"  \"$schema\":{\"type\":\"string\"},\"version\":{\"const\":\"2.1.0\"},"
"  \"runs\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/run\"}}},"
"\"$defs\":{"
"  \"message\":{\"type\":\"object\",\"required\":[\"text\"],\"properties\":{\"text\":{\"type\":\"string\",\"minLength\":1}}},"
"  \"run\":{\"type\":\"object\",\"required\":[\"tool\"],\"properties\":{"
"    \"tool\":{\"type\":\"object\",\"required\":[\"driver\"],\"properties\":{\"driver\":{\"$ref\":\"#/$defs/driver\"}}},"
"    \"results\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/result\"}}}},"
"  \"driver\":{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{"
"    \"name\":{\"type\":\"string\",\"minLength\":1},\"version\":{\"type\":\"string\"},"
"    \"rules\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/rule\"}}}},"
"  \"rule\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{\"id\":{\"type\":\"string\",\"minLength\":1},"
"    \"name\":{\"type\":\"string\"},\"shortDescription\":{\"$ref\":\"#/$defs/message\"}}},"
"  \"result\":{\"type\":\"object\",\"required\":[\"message\"],\"properties\":{"
"    \"ruleId\":{\"type\":\"string\"},\"message\":{\"$ref\":\"#/$defs/message\"},"
"    \"level\":{\"enum\":[\"none\",\"note\",\"warning\",\"error\"]},"
"    \"locations\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
"      \"physicalLocation\":{\"type\":\"object\",\"properties\":{"
"        \"artifactLocation\":{\"type\":\"object\",\"properties\":{\"uri\":{\"type\":\"string\","
"          \"pattern\":\"^([][A-Za-z0-9._~:/?#@!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*$\"}}},"
"        \"region\":{\"type\":\"object\",\"properties\":{\"startLine\":{\"type\":\"integer\",\"minimum\":1}}}}}}}}}}"
"}}";

static void report_problem(void *ctx, const char *pointer, const char *message)
{
	(void)ctx;
	printf("#   sarif %s: %s\n", pointer, message);
}

static void sarif_tests(const struct kb *kb)
{
	struct jsonschema *schema = NULL;
	struct settings s = SETTINGS_INIT;
	struct err e = ERR_INIT;
	json_t *fs = json_array(), *log, *run, *rules, *results;
	const char *ids[] = { "credentials/helper-missing", "credentials/helper-missing",
			      "config/plaintext-credentials" };
	const char *regs[] = { "ghcr.io", "127.0.0.1:5000", "ghcr.io" };
	size_t i, j, problems;

	if (!ok(jsonschema_compile_text(&schema, sarif_schema, strlen(sarif_schema), &e) == 0,
		"the SARIF subset schema compiles (%s)", e.msg))
		return;
	/* real findings: two with the same entry, one with another; lines on two */
	for (i = 0; i < 3; i++) {
		struct finding_spec sp;
		json_t *f;

		memset(&sp, 0, sizeof(sp));
		sp.entry = kb_find(kb, ids[i]);
		sp.cause = sp.entry ? sp.entry->cause : "helper_missing";
		sp.severity = i == 2 ? "warn" : "fail";
		sp.registry = regs[i];
		f = finding_new(&sp, NULL, &s, &e);
		if (i < 2)
			json_object_set_new(f, "line", json_integer((json_int_t)(7 + i)));
		json_array_append_new(fs, f);
	}
	log = render_sarif(fs, "ctx/Dockerfile");
	problems = jsonschema_validate(schema, log, report_problem, NULL);
	is_int(problems, 0, "sarif: a valid SARIF 2.1.0 log");
	is_str(str(log, "version"), "2.1.0", "sarif: version 2.1.0");
	run = json_array_get(json_object_get(log, "runs"), 0);
	is_int(json_array_size(json_object_get(log, "runs")), 1, "sarif: one run");
	is_str(str(json_object_get(json_object_get(run, "tool"), "driver"), "name"), "fixkb", "sarif: tool fixkb");
	is_str(str(json_object_get(json_object_get(run, "tool"), "driver"), "version"), FIXKB_VERSION,
	       "sarif: tool version");
	rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	results = json_object_get(run, "results");
	is_int(json_array_size(rules), 2, "sarif: one rule per KB entry met");
	is_int(json_array_size(results), 3, "sarif: one result per finding");
	for (i = 0; i < json_array_size(results); i++) {
		const json_t *r = json_array_get(results, i), *f = json_array_get(fs, i), *rule = NULL;
		const json_t *phys = json_object_get(json_array_get(json_object_get(r, "locations"), 0),
						     "physicalLocation");
		const json_t *region = json_object_get(phys, "region");

		for (j = 0; j < json_array_size(rules); j++)
			if (strcmp(str(json_array_get(rules, j), "id"), str(r, "ruleId")) == 0)
				rule = json_array_get(rules, j);
		ok(rule != NULL, "sarif: result %zu's ruleId %s is a rule", i, str(r, "ruleId"));
		is_str(str(r, "ruleId"), ids[i], "sarif: result %zu's rule is its KB entry", i);
		is_str(str(json_object_get(rule, "shortDescription"), "text"), str(f, "title"),
		       "sarif: the rule describes the entry by its title");
		is_str(str(r, "level"), i == 2 ? "warning" : "error", "sarif: result %zu level", i);
		ok(strstr(str(json_object_get(r, "message"), "text"), regs[i]) &&
		   strstr(str(json_object_get(r, "message"), "text"), str(f, "summary")),
		   "sarif: result %zu's message names the registry and the cause", i);
		is_str(str(json_object_get(phys, "artifactLocation"), "uri"), "ctx/Dockerfile",
		       "sarif: result %zu is located in the file", i);
		if (i < 2)
			is_int(json_integer_value(json_object_get(region, "startLine")), 7 + i,
			       "sarif: result %zu at its line", i);
		else
			ok(region == NULL, "sarif: no line, no region");
	}
	json_decref(log);

	/* no file: no locations; an odd file name must still be a URI */
	log = render_sarif(fs, NULL);
	results = json_object_get(json_array_get(json_object_get(log, "runs"), 0), "results");
	ok(!json_object_get(json_array_get(results, 0), "locations"), "sarif: no file, no locations");
	json_decref(log);
	log = render_sarif(fs, "my context/Dockerfile");
	is_int(jsonschema_validate(schema, log, report_problem, NULL), 0,
	       "sarif: a path with a space is percent-encoded in uri");
	json_decref(log);
	log = render_sarif(json_array_get(fs, 9), NULL);
	is_int(jsonschema_validate(schema, log, report_problem, NULL), 0, "sarif: no findings: still a valid log");
	json_decref(log);
	json_decref(fs);
	jsonschema_free(schema);
}

/* ---- report.h ---- */

static char *capture_probe_line(const struct settings *s, const struct probe_record *r, int reg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_probe_text(f, s, r, reg);
	fclose(f);
	return buf;
}

static void report_tests(void)
{
	json_t *doc = report_new("explain"), *back;
	struct settings s = SETTINGS_INIT;
	struct probe_record r;
	json_error_t jerr;
	char *buf = NULL, *text;
	size_t len = 0, i;
	FILE *f;

	ok(json_object_size(doc) == 4, "report: four members");
	is_str(str(doc, "fixkb"), FIXKB_VERSION, "report: fixkb is the version");
	is_str(str(doc, "command"), "explain", "report: the command");
	ok(json_is_array(json_object_get(doc, "findings")) && !json_array_size(json_object_get(doc, "findings")),
	   "report: findings, empty");
	ok(json_is_array(json_object_get(doc, "probes")) && !json_array_size(json_object_get(doc, "probes")),
	   "report: probes, empty");
	json_object_set_new(doc, "note", json_string("中文 ✓"));
	json_object_set_new(doc, "ms", json_real(0.1234567));
	f = open_memstream(&buf, &len);
	ok(report_print_json(f, doc) == 0, "report_print_json");
	fclose(f);
	ok(len > 0 && buf[len - 1] == '\n' && (len < 2 || buf[len - 2] != '\n'), "one newline at the end");
	ok(strstr(buf, "中文 ✓") != NULL, "UTF-8 as UTF-8, not \\u escapes");
	ok(strstr(buf, "\n  \"command\"") != NULL, "indented by two");
	back = json_loads(buf, 0, &jerr);
	ok(back && strcmp(str(back, "command"), "explain") == 0 &&
	   json_real_value(json_object_get(back, "ms")) > 0.1234 &&
	   json_real_value(json_object_get(back, "ms")) < 0.1235, "parses back, numbers kept");
	json_decref(back);
	free(buf);
	json_decref(doc);

	/* probe lines */
	memset(&r, 0, sizeof(r));
	r.probe = &probe_cred_helper;
	snprintf(r.registry, sizeof(r.registry), "ghcr.io");
	probe_result_set(&r.res, PROBE_FAIL, "helper_missing", "docker-credential-desktop is not installed");
	r.res.evidence = json_pack("{s:s, s:i}", "helper", "desktop", "exit_code", 127);
	r.res.ms = 1.26;
	text = capture_probe_line(&s, &r, 1);
	ok(strchr(text, '\n') == text + strlen(text) - 1, "a probe is one line");
	ok(strstr(text, report_status_mark(&s, PROBE_FAIL)) && strstr(text, "cred_helper") &&
	   strstr(text, "ghcr.io") && strstr(text, "docker-credential-desktop is not installed") &&
	   strstr(text, "(helper_missing)"), "mark, name, registry, detail and code");
	free(text);
	text = capture_probe_line(&s, &r, 0);
	ok(!strstr(text, "ghcr.io"), "the registry only when asked");
	free(text);
	s.verbose = 1;
	text = capture_probe_line(&s, &r, 1);
	ok(strstr(text, "[1.3 ms]") != NULL, "-v: the time");
	ok(strstr(text, "\n      {\n        \"helper\": \"desktop\",\n") != NULL,
	   "-v: the evidence as JSON, indented under the line");
	free(text);
	s.verbose = 0;
	probe_result_set(&r.res, PROBE_OK, "credential_found", "fine");
	text = capture_probe_line(&s, &r, 1);
	ok(!strstr(text, "credential_found") && strstr(text, report_status_mark(&s, PROBE_OK)),
	   "ok: no code without -v");
	free(text);
	probe_result_release(&r.res);
	{
		const char *marks[5];
		enum probe_status st[5] = { PROBE_OK, PROBE_WARN, PROBE_FAIL, PROBE_SKIP, PROBE_ERROR };
		int distinct = 1;

		for (i = 0; i < 5; i++)
			marks[i] = report_status_mark(&s, st[i]);
		for (i = 0; i < 4; i++)
			distinct &= strcmp(marks[i], marks[(i + 1) % 4]) != 0;
		ok(distinct && strcmp(marks[4], marks[2]) == 0, "ok, warn, fail, skip marks differ; error shows as fail");
		ok(!strchr(marks[0], '\033'), "no colour unless asked");
		s.color = 1;
		ok(strchr(report_status_mark(&s, PROBE_OK), '\033') != NULL, "colour when asked");
	}
}

int main(void)
{
	struct kb *kb = kbt_real();

	scratch_init();
	github_tests();
	sarif_tests(kb);
	report_tests();
	kb_free(kb);
	scratch_done();
	return tap_done();
}
