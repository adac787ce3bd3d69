#include "render/render_fix.h"

#include <string.h>

#include "util/jsontext.h"
#include "util/msg.h"
#include "util/paths.h"

static const char *kind_label(const char *kind, int zh)
{
	if (strcmp(kind, "write") == 0)
		return zh ? "fixkb 执行" : "fixkb does";
	if (strcmp(kind, "yours") == 0)
		return zh ? "由你执行" : "you run";
	if (strcmp(kind, "blocked") == 0)
		return zh ? "缺少输入" : "needs input";
	return zh ? "手动" : "by hand";
}

static enum mark kind_mark(const char *kind)
{
	if (strcmp(kind, "write") == 0)
		return MARK_OK;
	if (strcmp(kind, "blocked") == 0)
		return MARK_FAIL;
	return MARK_WARN;
}

static void print_list(FILE *out, const char *label, const json_t *a, const char *prefix)
{
	size_t i;

	for (i = 0; i < json_array_size(a); i++)
		fprintf(out, "     %-7s%s%s\n", i == 0 ? label : "", prefix,
			json_string_value(json_array_get(a, i)));
}

/* "success 85%, observed 3 of 3" */
static void print_rates(FILE *out, const json_t *st)
{
	const json_t *obs = json_object_get(st, "observed");

	if (!json_is_number(json_object_get(st, "success")))
		return;
	fprintf(out, "  (success %.0f%%", json_number_value(json_object_get(st, "success")) * 100);
	if (json_is_object(obs))
		fprintf(out, ", observed here %lld of %lld",
			(long long)json_integer_value(json_object_get(obs, "ok")),
			(long long)json_integer_value(json_object_get(obs, "runs")));
	fprintf(out, ")");
}

static void print_step(FILE *out, const struct settings *s, const json_t *st)
{
	const char *kind = jsontext_member(st, "kind");
	int zh = s->lang == LANG_ZH;

	fprintf(out, "%s %lld. [%s] %s", msg_mark(s, kind_mark(kind)),
		(long long)json_integer_value(json_object_get(st, "number")), kind_label(kind, zh),
		msg_bold(s, *jsontext_member(st, "title") ? jsontext_member(st, "title") : jsontext_member(st, "action")));
	if (*jsontext_member(st, "registry"))
		fprintf(out, "  %s", jsontext_member(st, "registry"));
	print_rates(out, st);
	fputc('\n', out);
	if (*jsontext_member(st, "workaround"))
		fprintf(out, "     %-7s%s · %s%s%s\n", "kb:", jsontext_member(st, "entry"), jsontext_member(st, "workaround"),
			*jsontext_member(st, "action") ? " · action " : "", jsontext_member(st, "action"));
	if (*jsontext_member(st, "why"))
		fprintf(out, "     %-7s%s\n", zh ? "原因:" : "why:", jsontext_member(st, "why"));
	if (*jsontext_member(st, "what"))
		fprintf(out, "     %-7s%s\n", zh ? "做法:" : "does:", jsontext_member(st, "what"));
	if (*jsontext_member(st, "needs"))
		fprintf(out, "     %-7s%s\n", zh ? "需要:" : "needs:", jsontext_member(st, "needs"));
	print_list(out, zh ? "运行:" : "run:", json_object_get(st, "lines"), "$ ");
	print_list(out, zh ? "文件:" : "files:", json_object_get(st, "files"), "");
	print_list(out, zh ? "备注:" : "note:", json_object_get(st, "notes"), "");
}

static size_t warnings(const json_t *doc)
{
	const json_t *f;
	size_t i, n = 0;

	json_array_foreach(json_object_get(doc, "findings"), i, f)
		n += strcmp(jsontext_member(f, "severity"), "warn") == 0;
	return n;
}

void render_fix_plan(FILE *out, const struct settings *s, const json_t *doc)
{
	const json_t *plan = json_object_get(doc, "plan"), *steps = json_object_get(plan, "steps");
	const json_t *dropped = json_object_get(plan, "dropped"), *notes = json_object_get(plan, "notes");
	size_t i, n = json_array_size(steps);
	int dry = strcmp(jsontext_member(doc, "mode"), "dry-run") == 0;

	if (n == 0) {
		size_t nf = json_array_size(json_object_get(doc, "findings")), nw = warnings(doc);

		if (!nf)
			fprintf(out, "%s nothing to fix: no problem found\n", msg_mark(s, MARK_OK));
		else if (nw == nf)
			fprintf(out, "%s nothing to fix; %zu warning%s fixkb has no step for (see fixkb "
				"doctor)\n", msg_mark(s, MARK_OK), nw, nw == 1 ? "" : "s");
		else
			fprintf(out, "%s no step fixkb can plan for the problems found (see fixkb "
				"doctor)\n", msg_mark(s, MARK_FAIL));
		print_list(out, "note:", notes, "");
		return;
	}
	fprintf(out, "%s: %zu step%s%s\n\n", msg_bold(s, "plan"), n, n == 1 ? "" : "s",
		dry ? " (dry run: nothing is written without --apply)" : "");
	for (i = 0; i < n; i++)
		print_step(out, s, json_array_get(steps, i));
	if (*jsontext_member(plan, "diff"))
		fprintf(out, "\n%s\n%s", msg_bold(s, "files it changes (secrets as fingerprints):"),
			jsontext_member(plan, "diff"));
	if (json_array_size(dropped)) {
		fprintf(out, "\n%s\n", msg_bold(s, "not taken:"));
		for (i = 0; i < json_array_size(dropped); i++) {
			const json_t *d = json_array_get(dropped, i);

			fprintf(out, "  - %s%s%s: %s\n", jsontext_member(d, "workaround"), *jsontext_member(d, "registry") ? " for " : "",
				jsontext_member(d, "registry"), jsontext_member(d, "why"));
		}
	}
	if (json_array_size(notes)) {
		fputc('\n', out);
		print_list(out, "note:", notes, "");
	}
}

void render_fix_checks(FILE *out, const struct settings *s, const json_t *checks)
{
	size_t i;

	for (i = 0; i < json_array_size(checks); i++) {
		const json_t *c = json_array_get(checks, i);
		int ok = json_is_true(json_object_get(c, "ok"));

		fprintf(out, "%s verify before writing (step %lld): %s: %s\n",
			msg_mark(s, ok ? MARK_OK : MARK_FAIL),
			(long long)json_integer_value(json_object_get(c, "step")), jsontext_member(c, "what"),
			ok ? "accepted" : jsontext_member(c, "detail"));
	}
}

static void print_problems(FILE *out, const char *label, const json_t *a)
{
	size_t i;

	for (i = 0; i < json_array_size(a); i++) {
		const json_t *p = json_array_get(a, i);

		fprintf(out, "    %s %s %s: %s\n", label, jsontext_member(p, "registry"), jsontext_member(p, "cause"),
			jsontext_member(p, "detail"));
	}
}

void render_fix_result(FILE *out, const struct settings *s, const json_t *r)
{
	const json_t *applied = json_object_get(r, "applied");

	if (*jsontext_member(r, "error"))
		fprintf(out, "%s %s\n", msg_mark(s, MARK_FAIL), jsontext_member(r, "error"));
	if (json_is_true(applied)) {
		char shown[4096];

		paths_display(shown, sizeof(shown), jsontext_member(r, "backup"));
		fprintf(out, "%s applied%s%s (fixkb fix --undo puts it back)\n", msg_mark(s, MARK_OK),
			*jsontext_member(r, "backup") ? "; backups in " : "", shown);
	}
	if (json_is_true(json_object_get(r, "verified"))) {
		fprintf(out, "%s verified: the probes no longer find the problems the plan fixes\n",
			msg_mark(s, MARK_OK));
	} else if (json_object_get(r, "verified") && json_is_false(json_object_get(r, "verified"))) {
		fprintf(out, "%s not verified:\n", msg_mark(s, MARK_FAIL));
		print_problems(out, "still there:", json_object_get(r, "remaining"));
		print_problems(out, "new:", json_object_get(r, "appeared"));
	}
	if (json_is_true(json_object_get(r, "rolled_back")))
		fprintf(out, "%s rolled back: every file and credential helper entry is as it was\n",
			msg_mark(s, MARK_WARN));
	if (*jsontext_member(r, "summary"))
		fprintf(out, "%s\n", jsontext_member(r, "summary"));
}

void render_fix_undo(FILE *out, const struct settings *s, const json_t *u)
{
	const json_t *files = json_object_get(u, "files");
	size_t i;

	if (json_is_true(json_object_get(u, "nothing"))) {
		fprintf(out, "%s nothing to undo: %s\n", msg_mark(s, MARK_OK), jsontext_member(u, "why"));
		return;
	}
	fprintf(out, "%s undid the fix of %s (%s)\n", msg_mark(s, MARK_OK), jsontext_member(u, "created"),
		jsontext_member(u, "id"));
	for (i = 0; i < json_array_size(files); i++) {
		char shown[4096];

		paths_display(shown, sizeof(shown), jsontext_member(json_array_get(files, i), "path"));
		fprintf(out, "  %s: %s\n", shown, jsontext_member(json_array_get(files, i), "what"));
	}
	if (json_is_true(json_object_get(u, "helpers")))
		fprintf(out, "  credential helper entries: put back\n");
	if (*jsontext_member(u, "saved")) {
		char shown[4096];

		paths_display(shown, sizeof(shown), jsontext_member(u, "saved"));
		fprintf(out, "  the texts it replaced are kept in %s\n", shown);
	}
}

void render_fix_hint(FILE *out, const struct settings *s, const json_t *plan,
		     const char *command)
{
	long long writes = json_integer_value(json_object_get(plan, "writes"));
	long long blocked = json_integer_value(json_object_get(plan, "blocked"));
	long long yours = json_integer_value(json_object_get(plan, "yours"));

	(void)s;
	if (!writes && !blocked && !yours)
		return;
	fprintf(out, "\nthe plan: 'fixkb fix%s%s' shows it whole (diffs included)%s\n",
		*command ? " " : "", command, writes || blocked ? "; with --apply it carries it out, "
		"verified before and after" : "");
}
