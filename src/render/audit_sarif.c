#include "render/audit_sarif.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "util/jsontext.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define FIXKB_URI "https://github.com/fixkb/fixkb"

static const char *level_of(const char *severity)
{
	if (strcmp(severity, "critical") == 0 || strcmp(severity, "high") == 0)
		return "error";
	return strcmp(severity, "medium") == 0 ? "warning" : "note";
}

/* GitHub code scanning: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium. */
static const char *security_severity(const char *severity)
{
	if (strcmp(severity, "critical") == 0)
		return "9.5";
	if (strcmp(severity, "high") == 0)
		return "8.0";
	return strcmp(severity, "medium") == 0 ? "5.5" : "3.0";
}

static json_t *rule_json(const json_t *r)
{
	char md[4096];

	snprintf(md, sizeof(md), "%s\n\n[%s](%s)", jsontext_member(r, "help"), jsontext_member(r, "id"), jsontext_member(r, "doc"));
	return json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s}, s:s, s:{s:s}, "
			 "s:{s:s, s:[s, s, s], s:s, s:s}}",
			 "id", jsontext_member(r, "id"), "name", jsontext_member(r, "name"),
			 "shortDescription", "text", jsontext_member(r, "title"),
			 "fullDescription", "text", jsontext_member(r, "help"),
			 "help", "text", jsontext_member(r, "help"), "markdown", md,
			 "helpUri", jsontext_member(r, "doc"),
			 "defaultConfiguration", "level", level_of(jsontext_member(r, "severity")),
			 "properties", "security-severity", security_severity(jsontext_member(r, "severity")),
			 "tags", "security", "credentials", jsontext_member(r, "severity"),
			 "precision", "high", "cause", jsontext_member(r, "cause"));
}

static int rule_index(const json_t *rules, const char *id)
{
	size_t i;

	for (i = 0; i < json_array_size(rules); i++)
		if (strcmp(jsontext_member(json_array_get(rules, i), "id"), id) == 0)
			return (int)i;
	return -1;
}

static json_t *location_json(const json_t *f)
{
	const char *uri = jsontext_member(f, "uri");
	json_t *art, *phys;
	json_int_t line = json_integer_value(json_object_get(f, "line"));

	if (!*uri)
		return NULL;
	art = json_pack("{s:s}", "uri", uri);
	if (strncmp(uri, "file://", 7) != 0)
		json_object_set_new(art, "uriBaseId", json_string("%SRCROOT%"));
	phys = json_pack("{s:o}", "artifactLocation", art);
	if (line > 0)
		json_object_set_new(phys, "region", json_pack("{s:I}", "startLine", line));
	return json_pack("[{s:o}]", "physicalLocation", phys);
}

static json_t *result_json(const json_t *f, const json_t *rules)
{
	json_t *res, *loc, *props;
	int idx = rule_index(rules, jsontext_member(f, "rule"));

	props = json_pack("{s:s}", "severity", jsontext_member(f, "severity"));
	if (*jsontext_member(f, "registry"))
		json_object_set_new(props, "registry", json_string(jsontext_member(f, "registry")));
	if (*jsontext_member(f, "user"))
		json_object_set_new(props, "user", json_string(jsontext_member(f, "user")));
	res = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:o}", "ruleId", jsontext_member(f, "rule"),
			"level", level_of(jsontext_member(f, "severity")), "message", "text", jsontext_member(f, "message"),
			"partialFingerprints", "fixkbFindingId/v1", jsontext_member(f, "id"), "properties", props);
	if (!res)
		return NULL;
	if (idx >= 0)
		json_object_set_new(res, "ruleIndex", json_integer(idx));
	loc = location_json(f);
	if (loc)
		json_object_set_new(res, "locations", loc);
	return res;
}

static json_t *notifications(const json_t *doc)
{
	const json_t *notes = json_object_get(doc, "notes");
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < json_array_size(notes); i++)
		json_array_append_new(arr, json_pack("{s:{s:s}, s:s}", "message", "text",
						     jsontext_member(json_array_get(notes, i), "what"),
						     "level", "note"));
	return arr;
}

json_t *audit_render_sarif(const json_t *doc)
{
	const json_t *rules = json_object_get(doc, "rules");
	const json_t *findings = json_object_get(doc, "findings");
	json_t *srules = json_array(), *results = json_array(), *run;
	size_t i;

	for (i = 0; i < json_array_size(rules); i++)
		json_array_append_new(srules, rule_json(json_array_get(rules, i)));
	for (i = 0; i < json_array_size(findings); i++)
		json_array_append_new(results, result_json(json_array_get(findings, i), rules));
	run = json_pack("{s:{s:{s:s, s:s, s:s, s:o}}, s:{s:{s:s}}, s:o, "
			"s:[{s:b, s:o}], s:{s:O?}}",
			"tool", "driver", "name", "fixkb", "version", FIXKB_VERSION,
			"informationUri", FIXKB_URI, "rules", srules,
			"originalUriBaseIds", "%SRCROOT%", "uri", jsontext_member(doc, "base_uri"),
			"results", results,
			"invocations", "executionSuccessful", 1,
			"toolExecutionNotifications", notifications(doc),
			"properties", "summary", json_object_get(doc, "summary"));
	return json_pack("{s:s, s:s, s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0",
			 "runs", run);
}
