#include "findings.h"

#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "cause.h"
#include "util/jsontext.h"
#include "util/msg.h"

static int seen_cause(const json_t *arr, const char *registry, const char *cause)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *f = json_array_get(arr, i);
		const char *reg = json_string_value(json_object_get(f, "registry"));

		if (reg && strcmp(reg, registry) == 0 &&
		    strcmp(json_string_value(json_object_get(f, "cause")), cause) == 0)
			return 1;
	}
	return 0;
}

/* What the finding is: entry, cause, where, severity, the entry's text and
 * fixkb's review of it. */
static void finding_head(json_t *f, const struct finding_spec *sp, const struct settings *s)
{
	const struct kb_entry *entry = sp->entry;
	const char *registry = sp->registry ? sp->registry : "";

	json_object_set_new(f, "entry", entry ? json_string(entry->id) : json_null());
	json_object_set_new(f, "code", entry ? json_string(entry->code) : json_null());
	json_object_set_new(f, "cause", json_string(sp->cause));
	json_object_set_new(f, "registry", *registry ? json_string(registry) : json_null());
	json_object_set_new(f, "image", sp->image && *sp->image ? json_string(sp->image) : json_null());
	json_object_set_new(f, "severity", json_string(sp->severity ?
			    severity_name(severity_from_name(sp->severity)) :
			    severity_name(cause_severity(sp->cause))));
	json_object_set_new(f, "summary", json_string(cause_describe(sp->cause)));
	if (!entry)
		return;
	json_object_set_new(f, "title", json_string(kb_text_get(&entry->title, s->lang)));
	json_object_set_new(f, "root_cause", json_string(kb_text_get(&entry->root_cause, s->lang)));
	/* fixkb's review of the entry (where the seed's root cause or dead
	 * ends are wrong), shown beside the text it corrects */
	json_object_set_new(f, "review", entry->review.en
			    ? json_string(kb_text_get(&entry->review, s->lang)) : json_null());
}

/* The evidence: the triggering probe first, then the rest of this
 * registry's records (no skips), each without its evidence object. */
static json_t *finding_evidence(const struct finding_spec *sp, const struct engine *en)
{
	const char *registry = sp->registry ? sp->registry : "";
	json_t *evid = json_array();
	size_t i;

	if (!evid)
		return NULL;
	if (sp->trigger)
		json_array_append_new(evid, probe_record_json(sp->trigger));
	for (i = 0; en && *registry && i < en->n; i++) {
		const struct probe_record *r = en->records[i];

		if (strcmp(r->registry, registry) == 0 && r != sp->trigger &&
		    r->res.status != PROBE_SKIP)
			json_array_append_new(evid, probe_record_json(r));
	}
	/* DESIGN.md §3 names the probe of an evidence item "probe"; "name"
	 * (the probes array's member) stays for readers of earlier output. */
	for (i = 0; i < json_array_size(evid); i++) {
		json_t *item = json_array_get(evid, i);

		json_object_del(item, "evidence");
		json_object_set(item, "probe", json_object_get(item, "name"));
	}
	return evid;
}

json_t *finding_new(const struct finding_spec *sp, const struct engine *en,
		    const struct settings *s, struct err *e)
{
	struct advice_spec as;
	json_t *f = json_object(), *evid = finding_evidence(sp, en);

	if (!f || !evid) {
		json_decref(f);
		json_decref(evid);
		err_set(e, "out of memory");
		return NULL;
	}
	finding_head(f, sp, s);
	json_object_set_new(f, "evidence", evid);
	if (!sp->entry) {
		json_object_set_new(f, "workarounds", json_array());
		json_object_set_new(f, "dead_ends", json_array());
		return f;
	}
	memset(&as, 0, sizeof(as));
	as.entry = sp->entry;
	as.registry = sp->registry ? sp->registry : "";
	as.image = sp->image;
	as.url = sp->url;
	as.base_image = sp->base_image;
	as.this_machine = !sp->elsewhere;
	as.origin = sp->origin;
	if (advice_add(f, &as, en, s, e) < 0) {
		json_decref(f);
		return NULL;
	}
	return f;
}

/* The record that speaks for (registry, cause): the first that fails,
 * else the first that warns, so a cause one probe warns about and another
 * fails on is a failure. */
static const struct probe_record *worst_record(const struct engine *en, const char *registry,
					       const char *cause)
{
	const struct probe_record *warn = NULL;
	size_t i;

	for (i = 0; i < en->n; i++) {
		const struct probe_record *r = en->records[i];

		if (strcmp(r->registry, registry) != 0 || strcmp(r->res.code, cause) != 0)
			continue;
		if (r->res.status == PROBE_FAIL)
			return r;
		if (r->res.status == PROBE_WARN && !warn)
			warn = r;
	}
	return warn;
}

static int severity_order(const json_t *f)
{
	return severity_from_name(json_string_value(json_object_get(f, "severity"))) == SEVERITY_WARN;
}

int findings_build(struct findings *f, const struct kb *kb, const struct engine *en,
		   const struct targets *t, const struct settings *s)
{
	struct err e = ERR_INIT;
	json_t *fails, *warns;
	size_t i, j;
	int rc = -1;

	f->json = json_array();
	fails = json_array();
	warns = json_array();
	if (!f->json || !fails || !warns)
		goto cleanup;
	for (i = 0; i < t->n; i++) {
		const struct target *it = &t->items[i];

		for (j = 0; j < en->n; j++) {
			const struct probe_record *r = en->records[j];
			struct finding_spec sp;
			json_t *one;

			if (strcmp(r->registry, it->registry) != 0 ||
			    (r->res.status != PROBE_WARN && r->res.status != PROBE_FAIL) ||
			    !cause_is_valid(r->res.code) ||
			    seen_cause(fails, it->registry, r->res.code) ||
			    seen_cause(warns, it->registry, r->res.code))
				continue;
			r = worst_record(en, it->registry, r->res.code);
			memset(&sp, 0, sizeof(sp));
			sp.entry = kb_find_by_cause(kb, r->res.code, r->probe->name);
			sp.cause = r->res.code;
			sp.severity = probe_status_name(r->res.status);
			sp.registry = it->registry;
			sp.image = it->image;
			sp.trigger = r;
			sp.base_image = it->base_image;
			one = finding_new(&sp, en, s, &e);
			if (!one)
				goto cleanup;
			json_array_append_new(severity_order(one) ? warns : fails, one);
		}
	}
	json_array_extend(f->json, fails);
	json_array_extend(f->json, warns);
	rc = 0;
cleanup:
	json_decref(fails);
	json_decref(warns);
	return rc;
}

void findings_release(struct findings *f)
{
	json_decref(f->json);
	f->json = NULL;
}

/* A workaround's lines under its title: why (for the best one), what must
 * hold first, and the command, which only an applicable workaround has. */
static void print_workaround_body(FILE *out, const struct settings *s, const json_t *w,
				  int best)
{
	const json_t *req = json_object_get(w, "requires");
	const char *cmd = jsontext_member(w, "command");
	int zh = s->lang == LANG_ZH;
	size_t i;

	if (!json_is_true(json_object_get(w, "applicable"))) {
		if (best || s->verbose)
			fprintf(out, "           %s %s\n", zh ? "不适用:" : "not applicable here:",
				jsontext_member(w, "why"));
		return;
	}
	if (best && *jsontext_member(w, "why"))
		fprintf(out, "           %s\n", jsontext_member(w, "why"));
	if (!best && !s->verbose)
		return;
	for (i = 0; i < json_array_size(req); i++)
		fprintf(out, "           %s %s\n", zh ? "前提:" : "first:",
			json_string_value(json_array_get(req, i)));
	if (*cmd)
		fprintf(out, "           $ %s\n", cmd);
}

static void print_dead_ends(FILE *out, const struct settings *s, const json_t *de)
{
	int zh = s->lang == LANG_ZH;
	size_t i;

	for (i = 0; i < json_array_size(de); i++) {
		const json_t *d = json_array_get(de, i);

		if (!s->verbose && i >= 2)
			break;
		fprintf(out, "    %s %s", zh ? "无效:" : "don't bother:", jsontext_member(d, "what"));
		if (s->verbose)
			fprintf(out, " — %s", jsontext_member(d, "why"));
		fputc('\n', out);
		if (s->verbose && *jsontext_member(d, "review"))
			fprintf(out, "           %s %s\n", zh ? "审阅:" : "review:", jsontext_member(d, "review"));
	}
}

/* The finding's workaround called id, or NULL. */
static const json_t *workaround_by_id(const json_t *wa, const char *id)
{
	const json_t *w;
	size_t i;

	json_array_foreach(wa, i, w)
		if (strcmp(jsontext_member(w, "id"), id) == 0)
			return w;
	return NULL;
}

/* The plan step that resolves the finding (fix/plan.h fixplan_annotate
 * puts it in "plan") as its fix: what fix would do or needs, then the
 * workaround's own lines (why, what must hold, the command to run by
 * hand), which the step's lines do not repeat. */
static void print_plan_step(FILE *out, const struct settings *s, const json_t *p,
			    const json_t *w)
{
	static const char *const kinds[][2] = {
		{ "write", "fixkb fix --apply does it" }, { "yours", "you run it" },
		{ "blocked", "fixkb fix needs input" }, { "manual", "by hand" },
	};
	const char *kind = jsontext_member(p, "kind"), *label = kind, *line;
	int zh = s->lang == LANG_ZH;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i][0], kind) == 0)
			label = kinds[i][1];
	fprintf(out, "    %s %s", zh ? "修复:" : "fix:  ", *jsontext_member(p, "title") ? jsontext_member(p, "title")
								  : jsontext_member(p, "action"));
	if (json_is_number(json_object_get(p, "success")))
		fprintf(out, " (%.0f%%)", json_number_value(json_object_get(p, "success")) * 100);
	fprintf(out, "  [plan step %lld of %lld: %s]\n",
		(long long)json_integer_value(json_object_get(p, "step")),
		(long long)json_integer_value(json_object_get(p, "of")), label);
	if (*jsontext_member(p, "what") && strcmp(kind, "manual") != 0)
		fprintf(out, "           %s\n", jsontext_member(p, "what"));
	if (*jsontext_member(p, "needs"))
		fprintf(out, "           %s %s\n", zh ? "需要:" : "needs:", jsontext_member(p, "needs"));
	for (i = 0; i < json_array_size(json_object_get(p, "lines")); i++) {
		line = json_string_value(json_array_get(json_object_get(p, "lines"), i));
		if (!w || strcmp(line, jsontext_member(w, "command")) != 0)
			fprintf(out, "           $ %s\n", line);
	}
	if (w)
		print_workaround_body(out, s, w, 1);
}

/* ", not applicable here", ", not here" (the fix plan found its action
 * cannot act here), or "". */
static const char *also_mark(const json_t *w, int zh)
{
	if (!json_is_true(json_object_get(w, "applicable")))
		return zh ? ", 不适用" : ", not applicable here";
	if (*jsontext_member(w, "not_here"))
		return zh ? ", 此处不可行" : ", not here";
	return "";
}

void finding_print_text(FILE *out, const struct settings *s, const json_t *f)
{
	const json_t *wa = json_object_get(f, "workarounds"), *plan = json_object_get(f, "plan");
	int zh = s->lang == LANG_ZH;
	size_t i, shown;

	fprintf(out, "    %s %s", zh ? "原因:" : "cause:", jsontext_member(f, "summary"));
	if (json_is_string(json_object_get(f, "entry")))
		fprintf(out, "  [kb: %s]", jsontext_member(f, "entry"));
	fputc('\n', out);
	if (s->verbose && *jsontext_member(f, "root_cause"))
		fprintf(out, "           %s\n", jsontext_member(f, "root_cause"));
	/* fixkb's review beside the text it corrects (the seed's root cause) */
	if (s->verbose && *jsontext_member(f, "review"))
		fprintf(out, "           %s %s\n", zh ? "审阅:" : "review:", jsontext_member(f, "review"));
	if (json_is_object(plan))
		print_plan_step(out, s, plan, workaround_by_id(wa, jsontext_member(plan, "workaround")));
	for (i = 0, shown = 0; i < json_array_size(wa); i++) {
		const json_t *w = json_array_get(wa, i);
		int applicable = json_is_true(json_object_get(w, "applicable"));

		/* with a plan, its step is the fix and every workaround an "also" */
		if (json_is_object(plan)) {
			if (strcmp(jsontext_member(w, "id"), jsontext_member(plan, "workaround")) == 0)
				continue;
		} else if (i == 0 && applicable) {
			fprintf(out, "    %s %s (%.0f%%)\n", zh ? "修复:" : "fix:  ", jsontext_member(w, "title"),
				json_real_value(json_object_get(w, "success")) * 100);
			print_workaround_body(out, s, w, 1);
			continue;
		}
		if (i == 0 && !json_is_object(plan))
			fprintf(out, "    %s %s\n", zh ? "修复:" : "fix:  ",
				zh ? "这里没有适用的解决方法" : "no workaround applies here");
		if (!s->verbose && shown >= 2)
			break;
		fprintf(out, "    %s %d. %s (%.0f%%%s)\n", zh ? "其他:" : "also: ",
			(int)json_integer_value(json_object_get(w, "rank")), jsontext_member(w, "title"),
			json_real_value(json_object_get(w, "success")) * 100, also_mark(w, zh));
		if (s->verbose && *jsontext_member(w, "not_here"))
			fprintf(out, "           %s\n", jsontext_member(w, "not_here"));
		print_workaround_body(out, s, w, 0);
		shown++;
	}
	print_dead_ends(out, s, json_object_get(f, "dead_ends"));
}

void findings_print_text(FILE *out, const struct settings *s, const struct findings *f,
			 const char *registry)
{
	size_t i;

	for (i = 0; i < json_array_size(f->json); i++) {
		const json_t *one = json_array_get(f->json, i);

		if (strcmp(jsontext_member(one, "registry"), registry) == 0)
			finding_print_text(out, s, one);
	}
}
