#include "render/audit_text.h"

#include <string.h>

#include "util/jsontext.h"
#include "util/msg.h"

static const char *const sev_order[] = { "critical", "high", "medium", "low" };

static json_int_t ji(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *rule_title(const json_t *doc, const char *id)
{
	const json_t *rules = json_object_get(doc, "rules");
	size_t i;

	for (i = 0; i < json_array_size(rules); i++)
		if (strcmp(jsontext_member(json_array_get(rules, i), "id"), id) == 0)
			return jsontext_member(json_array_get(rules, i), "title");
	return "";
}

static void heading(FILE *f, const struct settings *s, const json_t *doc)
{
	const json_t *users = json_object_get(json_object_get(doc, "scope"), "users");
	const json_t *walk = json_object_get(doc, "walk");
	size_t i;

	fprintf(f, "fixkb audit: ");
	for (i = 0; i < json_array_size(users); i++)
		fprintf(f, "%s%s", i ? ", " : "", jsontext_member(json_array_get(users, i), "user"));
	fprintf(f, " (%zu home%s); %lld build context%s, %lld Dockerfile%s in %lld director%s "
		"(%lld files, %.0f ms)\n", json_array_size(users),
		json_array_size(users) == 1 ? "" : "s", (long long)ji(walk, "build_contexts"),
		ji(walk, "build_contexts") == 1 ? "" : "s", (long long)ji(walk, "dockerfiles"),
		ji(walk, "dockerfiles") == 1 ? "" : "s", (long long)ji(walk, "directories"),
		ji(walk, "directories") == 1 ? "y" : "ies", (long long)ji(walk, "files"),
		json_real_value(json_object_get(walk, "ms")) +
		(double)json_integer_value(json_object_get(walk, "ms")));
	(void)s;
}

static void finding_line(FILE *f, const struct settings *s, const json_t *doc, const json_t *it)
{
	const char *sev = jsontext_member(it, "severity");
	int bad = strcmp(sev, "critical") == 0 || strcmp(sev, "high") == 0;

	fprintf(f, "  %s %-30s", msg_mark(s, bad ? MARK_FAIL : MARK_WARN), jsontext_member(it, "rule"));
	if (*jsontext_member(it, "file")) {
		fprintf(f, " %s", jsontext_member(it, "file"));
		if (ji(it, "line") > 0)
			fprintf(f, ":%lld", (long long)ji(it, "line"));
	} else if (*jsontext_member(it, "registry")) {
		fprintf(f, " %s", jsontext_member(it, "registry"));
	}
	if (s->verbose && *jsontext_member(it, "user"))
		fprintf(f, "  [%s]", jsontext_member(it, "user"));
	fprintf(f, "\n      %s\n", jsontext_member(it, "message"));
	if (s->verbose)
		fprintf(f, "      (%s; id %s)\n", rule_title(doc, jsontext_member(it, "rule")), jsontext_member(it, "id"));
}

static void inventory(FILE *f, const json_t *doc)
{
	const json_t *creds = json_object_get(doc, "credentials");
	const json_t *c, *used;
	size_t i, j;

	if (json_array_size(creds) == 0)
		return;
	fprintf(f, "stored credentials (%zu):\n", json_array_size(creds));
	for (i = 0; i < json_array_size(creds); i++) {
		c = json_array_get(creds, i);
		used = json_object_get(c, "used_by");
		fprintf(f, "  %s  %s '%s'  %s %s (%s)", jsontext_member(c, "registry"), jsontext_member(c, "where"),
			jsontext_member(c, "key"), jsontext_member(c, "username"), jsontext_member(c, "fingerprint"), jsontext_member(c, "kind"));
		fprintf(f, ", sent by ");
		for (j = 0; j < json_array_size(used); j++)
			fprintf(f, "%s%s", j ? " and " : "", json_string_value(json_array_get(used, j)));
		if (json_array_size(used) == 0)
			fprintf(f, "no client");
		if (*jsontext_member(c, "online"))
			fprintf(f, "; online: %s", jsontext_member(c, "online"));
		fputc('\n', f);
	}
	fputc('\n', f);
}

static void notes(FILE *f, const json_t *doc)
{
	const json_t *n = json_object_get(doc, "notes");
	size_t i;

	if (json_array_size(n) == 0)
		return;
	fprintf(f, "notes (what the audit could not look at):\n");
	for (i = 0; i < json_array_size(n); i++)
		fprintf(f, "  - %s\n", jsontext_member(json_array_get(n, i), "what"));
	if (ji(doc, "notes_dropped") > 0)
		fprintf(f, "  ... and %lld more\n", (long long)ji(doc, "notes_dropped"));
	fputc('\n', f);
}

void audit_render_text(FILE *f, const json_t *doc, const struct settings *s)
{
	const json_t *findings = json_object_get(doc, "findings");
	const json_t *sum = json_object_get(doc, "summary");
	char head[64];
	size_t i, k, n;

	heading(f, s, doc);
	fputc('\n', f);
	for (k = 0; k < sizeof(sev_order) / sizeof(sev_order[0]); k++) {
		n = (size_t)ji(sum, sev_order[k]);
		if (n == 0)
			continue;
		snprintf(head, sizeof(head), "%s (%zu)", sev_order[k], n);
		for (i = 0; head[i] && head[i] != ' '; i++)
			head[i] = (char)(head[i] - 'a' + 'A');
		fprintf(f, "%s\n", msg_bold(s, head));
		for (i = 0; i < json_array_size(findings); i++)
			if (strcmp(jsontext_member(json_array_get(findings, i), "severity"), sev_order[k]) == 0)
				finding_line(f, s, doc, json_array_get(findings, i));
		fputc('\n', f);
	}
	if (s->verbose)
		inventory(f, doc);
	notes(f, doc);
	fprintf(f, "%lld finding%s: %lld critical, %lld high, %lld medium, %lld low",
		(long long)ji(sum, "total"), ji(sum, "total") == 1 ? "" : "s",
		(long long)ji(sum, "critical"), (long long)ji(sum, "high"),
		(long long)ji(sum, "medium"), (long long)ji(sum, "low"));
	if (ji(sum, "suppressed") > 0)
		fprintf(f, "; %lld suppressed by the baseline", (long long)ji(sum, "suppressed"));
	if (ji(sum, "dropped") > 0)
		fprintf(f, "; %lld more not listed", (long long)ji(sum, "dropped"));
	fprintf(f, " (--fail-on %s: %s)\n", jsontext_member(sum, "fail_on"),
		json_is_true(json_object_get(sum, "failed")) ? "exit 1" : "exit 0");
}

void audit_render_summary_text(FILE *f, const json_t *sm, const struct settings *s)
{
	const json_t *rules = json_object_get(sm, "rules"), *hosts = json_object_get(sm, "hosts");
	const json_t *r, *h;
	size_t i;

	fprintf(f, "fixkb audit summary: %lld report%s\n\n", (long long)ji(sm, "reports"),
		ji(sm, "reports") == 1 ? "" : "s");
	fprintf(f, "%s\n", msg_bold(s, "per rule"));
	fprintf(f, "  %-30s %-9s %6s %8s  %s\n", "rule", "severity", "hosts", "findings", "title");
	for (i = 0; i < json_array_size(rules); i++) {
		r = json_array_get(rules, i);
		fprintf(f, "  %-30s %-9s %6zu %8lld  %s\n", jsontext_member(r, "rule"), jsontext_member(r, "severity"),
			json_array_size(json_object_get(r, "hosts")), (long long)ji(r, "findings"),
			jsontext_member(r, "title"));
	}
	if (json_array_size(rules) == 0)
		fprintf(f, "  (no findings)\n");
	fprintf(f, "\n%s\n", msg_bold(s, "per host"));
	fprintf(f, "  %-32s %8s %5s %6s %4s %6s\n", "host", "critical", "high", "medium", "low",
		"total");
	for (i = 0; i < json_array_size(hosts); i++) {
		h = json_array_get(hosts, i);
		fprintf(f, "  %-32s %8lld %5lld %6lld %4lld %6lld%s\n", jsontext_member(h, "host"),
			(long long)ji(h, "critical"), (long long)ji(h, "high"),
			(long long)ji(h, "medium"), (long long)ji(h, "low"), (long long)ji(h, "total"),
			json_is_true(json_object_get(h, "failed")) ? "  !" : "");
	}
	fprintf(f, "\n%s hosts at or above --fail-on %s are marked '!'\n",
		json_is_true(json_object_get(sm, "failed")) ? "some" : "no", jsontext_member(sm, "fail_on"));
}
