#include "render/report.h"

#include <string.h>

#include "config.h"
#include "util/msg.h"

json_t *report_new(const char *command)
{
	json_t *doc = json_object();

	json_object_set_new(doc, "fixkb", json_string(FIXKB_VERSION));
	json_object_set_new(doc, "command", json_string(command));
	json_object_set_new(doc, "findings", json_array());
	json_object_set_new(doc, "probes", json_array());
	return doc;
}

int report_print_json(FILE *f, const json_t *doc)
{
	if (json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(6)) < 0)
		return -1;
	fputc('\n', f);
	return 0;
}

const char *report_status_mark(const struct settings *s, enum probe_status st)
{
	switch (st) {
	case PROBE_OK: return msg_mark(s, MARK_OK);
	case PROBE_WARN: return msg_mark(s, MARK_WARN);
	case PROBE_FAIL: return msg_mark(s, MARK_FAIL);
	case PROBE_ERROR: return msg_mark(s, MARK_FAIL);
	case PROBE_SKIP: return msg_mark(s, MARK_SKIP);
	}
	return msg_mark(s, MARK_INFO);
}

static void print_indented_json(FILE *f, const json_t *j, const char *indent)
{
	char *text = json_dumps(j, JSON_INDENT(2));
	char *line, *save = NULL;

	if (!text)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fprintf(f, "%s%s\n", indent, line);
	free(text);
}

void report_probe_text(FILE *f, const struct settings *s, const struct probe_record *r,
		       int show_registry)
{
	fprintf(f, "  %s %-18s ", report_status_mark(s, r->res.status), r->probe->name);
	if (show_registry && r->registry[0])
		fprintf(f, "%s  ", r->registry);
	fprintf(f, "%s", r->res.detail);
	if (r->res.code[0] && (r->res.status != PROBE_OK || s->verbose))
		fprintf(f, " (%s)", r->res.code);
	if (s->verbose)
		fprintf(f, " [%.1f ms]", r->res.ms);
	fputc('\n', f);
	if (s->verbose && r->res.evidence && json_object_size(r->res.evidence) > 0)
		print_indented_json(f, r->res.evidence, "      ");
}
