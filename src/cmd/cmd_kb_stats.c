/* cmd_kb_stats.c — see cmd_kb_stats.h. */
#include "cmd/cmd_kb_stats.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "fix/outcomes.h"
#include "render/report.h"
#include "util/msg.h"
#include "util/paths.h"

static json_t *row(const char *entry, const struct kb_workaround *w, const char *id,
		   const struct outcomes_stat *os)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:I, s:I, s:o}", "entry", entry, "workaround", id,
			 "action", w && w->action ? json_string(w->action) : json_null(),
			 "success", w ? json_real(w->success) : json_null(),
			 "runs", (json_int_t)(os ? os->runs : 0), "ok", (json_int_t)(os ? os->ok : 0),
			 "observed", os && os->runs ? json_real((double)os->ok / (double)os->runs)
						    : json_null());
}

/* Every workaround with an action, then applied ones the KB no longer has. */
static json_t *rows(const struct kb *kb, const struct outcomes *oc)
{
	json_t *a = json_array();
	size_t i, j;

	for (i = 0; a && i < kb_count(kb); i++) {
		const struct kb_entry *en = kb_entry_at(kb, i);

		for (j = 0; j < en->n_workarounds; j++) {
			const struct kb_workaround *w = &en->workarounds[j];
			const struct outcomes_stat *os = outcomes_find(oc, en->id, w->id);

			if (w->action || os)
				json_array_append_new(a, row(en->id, w, w->id, os));
		}
	}
	for (i = 0; a && i < oc->n; i++) {
		const struct kb_entry *en = kb_find(kb, oc->v[i].entry);
		size_t k = en ? en->n_workarounds : 0;

		for (j = 0; en && j < en->n_workarounds; j++)
			if (strcmp(en->workarounds[j].id, oc->v[i].workaround) == 0)
				k = j;
		if (!en || k == en->n_workarounds)
			json_array_append_new(a, row(oc->v[i].entry, NULL, oc->v[i].workaround, &oc->v[i]));
	}
	return a;
}

static void print_text(const json_t *a, const struct outcomes *oc, const char *path)
{
	char shown[4096];
	json_t *r;
	size_t i;

	printf("%-44s %-28s %7s  %s\n", "entry", "workaround", "stated", "observed here");
	json_array_foreach(a, i, r) {
		long long runs = json_integer_value(json_object_get(r, "runs"));
		long long ok = json_integer_value(json_object_get(r, "ok"));

		printf("%-44s %-28s ", json_string_value(json_object_get(r, "entry")),
		       json_string_value(json_object_get(r, "workaround")));
		if (json_is_number(json_object_get(r, "success")))
			printf("%6.0f%%  ", json_number_value(json_object_get(r, "success")) * 100);
		else
			printf("%7s  ", "-");
		if (runs)
			printf("%lld of %lld (%.0f%%)\n", ok, runs, 100.0 * (double)ok / (double)runs);
		else
			printf("-\n");
	}
	paths_display(shown, sizeof(shown), path);
	printf("%lu applied fix%s recorded in %s", oc->lines - oc->skipped,
	       oc->lines - oc->skipped == 1 ? "" : "es", shown);
	if (oc->skipped)
		printf(" (%lu unusable line%s skipped)", oc->skipped, oc->skipped == 1 ? "" : "s");
	printf("\n");
}

int cmd_kb_stats(const struct settings *s, const struct kb *kb)
{
	struct outcomes oc = OUTCOMES_INIT;
	struct err e = ERR_INIT;
	char path[4096];
	json_t *a, *doc;
	int rc = EXIT_OK;

	if (outcomes_path(path, sizeof(path), &e) < 0 || outcomes_read(&oc, NULL, &e) < 0) {
		outcomes_release(&oc);
		return msg_error("kb stats: %s", e.msg);
	}
	a = rows(kb, &oc);
	if (!a) {
		rc = msg_error("out of memory");
	} else if (s->format == FORMAT_JSON) {
		doc = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:O}", "fixkb", FIXKB_VERSION,
				"command", "kb stats", "kb", kb_origin(kb), "outcomes", path,
				"lines", (json_int_t)oc.lines, "skipped", (json_int_t)oc.skipped,
				"stats", a);
		if (!doc || report_print_json(stdout, doc) < 0)
			rc = msg_error("out of memory");
		json_decref(doc);
	} else {
		print_text(a, &oc, path);
	}
	json_decref(a);
	outcomes_release(&oc);
	return rc;
}
