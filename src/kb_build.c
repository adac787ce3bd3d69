/* kb_build.c — the typed view (kb.h's structs) of an entry that passed
 * the schema: every string borrowed from the document, every array from
 * the kb's memory. */
#include "kb_build.h"

#include <string.h>

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static struct kb_text text(const json_t *obj, const char *key)
{
	const json_t *t = json_object_get(obj, key);
	struct kb_text out = { str(t, "en"), str(t, "zh") };

	return out;
}

static int strings(struct kb *kb, const json_t *arr, const char ***out, size_t *n)
{
	size_t i;
	json_t *v;

	*n = json_array_size(arr);
	*out = kb_alloc(kb, *n ? *n : 1, sizeof(**out));
	if (!*out)
		return -1;
	json_array_foreach(arr, i, v)
		(*out)[i] = json_string_value(v);
	return 0;
}

static int lines(struct kb *kb, const json_t *obj, const char *key, struct kb_lines *out)
{
	const json_t *t = json_object_get(obj, key);

	if (strings(kb, json_object_get(t, "en"), &out->en, &out->n_en) < 0)
		return -1;
	return strings(kb, json_object_get(t, "zh"), &out->zh, &out->n_zh);
}

static int build_conditions(struct kb *kb, const json_t *arr, struct kb_workaround *w)
{
	size_t i;
	json_t *c;

	w->n_conditions = json_array_size(arr);
	w->conditions = kb_alloc(kb, w->n_conditions ? w->n_conditions : 1,
				  sizeof(*w->conditions));
	if (!w->conditions)
		return -1;
	json_array_foreach(arr, i, c) {
		struct kb_condition *k = &w->conditions[i];
		const json_t *when = json_object_get(c, "when");

		k->probe = str(when, "probe");
		k->status = str(when, "status");
		k->code = str(when, "code");
		k->evidence = json_object_get(when, "evidence");
		k->context = str(when, "context");
		k->env = str(when, "env");
		k->env_set = json_is_true(json_object_get(when, "set"));
		k->program = str(when, "program");
		k->on_path = json_is_true(json_object_get(when, "on_path"));
		k->effect = strcmp(str(c, "effect"), "not_applicable") == 0 ? KB_NOT_APPLICABLE
									  : KB_INDICATED;
		k->why = text(c, "why");
	}
	return 0;
}

static int build_versions(struct kb *kb, const json_t *arr, struct kb_entry *en)
{
	size_t i;
	json_t *v;

	en->n_versions = json_array_size(arr);
	en->versions = kb_alloc(kb, en->n_versions + 1, sizeof(*en->versions));
	if (!en->versions)
		return -1;
	json_array_foreach(arr, i, v) {
		en->versions[i].name = str(v, "name");
		en->versions[i].status = str(v, "status");
		en->versions[i].introduced = str(v, "introduced");
		en->versions[i].deprecated = str(v, "deprecated");
		en->versions[i].notes = str(v, "notes");
	}
	return 0;
}

/* A signature's source, prior and "also" (resolved to entries by kb_load.c
 * once every entry is in). */
static int build_causes(struct kb *kb, const json_t *v, struct kb_signature *s)
{
	const json_t *prior = json_object_get(v, "prior"), *also = json_object_get(v, "also");
	size_t j;
	json_t *a;

	s->source = str(v, "source");
	s->prior = prior ? json_number_value(prior) : -1;
	s->n_also = json_array_size(also);
	s->also = kb_alloc(kb, s->n_also + 1, sizeof(*s->also));
	if (!s->also)
		return -1;
	json_array_foreach(also, j, a) {
		s->also[j].id = str(a, "entry");
		s->also[j].prior = json_number_value(json_object_get(a, "prior"));
	}
	return 0;
}

static int build_signatures(struct kb *kb, const json_t *arr, struct kb_entry *en)
{
	size_t i;
	json_t *v;

	en->n_signatures = json_array_size(arr);
	en->signatures = kb_alloc(kb, en->n_signatures + 1, sizeof(*en->signatures));
	if (!en->signatures)
		return -1;
	json_array_foreach(arr, i, v) {
		struct kb_signature *s = &en->signatures[i];
		const json_t *caps = json_object_get(v, "captures");

		s->literal = str(v, "literal");
		s->regex = str(v, "regex");
		s->cap_registry = (int)json_integer_value(json_object_get(caps, "registry"));
		s->cap_status = (int)json_integer_value(json_object_get(caps, "status"));
		s->cap_url = (int)json_integer_value(json_object_get(caps, "url"));
		if (strings(kb, json_object_get(v, "examples"), &s->examples, &s->n_examples) < 0 ||
		    build_causes(kb, v, s) < 0)
			return -1;
	}
	return 0;
}

static int build_workarounds(struct kb *kb, const json_t *arr, struct kb_entry *en)
{
	size_t i;
	json_t *v;

	en->n_workarounds = json_array_size(arr);
	en->workarounds = kb_alloc(kb, en->n_workarounds + 1, sizeof(*en->workarounds));
	if (!en->workarounds)
		return -1;
	json_array_foreach(arr, i, v) {
		struct kb_workaround *w = &en->workarounds[i];

		w->id = str(v, "id");
		w->provenance = str(v, "provenance");
		w->success = json_number_value(json_object_get(v, "success"));
		w->success_source = str(v, "success_source");
		w->title = text(v, "title");
		w->command = str(v, "command");
		w->action = str(v, "action");
		w->notes = text(v, "notes");
		w->history = str(json_object_get(v, "history"), "review");
		w->superseded_by = str(json_object_get(v, "history"), "superseded_by");
		if ((json_object_get(v, "requires") && lines(kb, v, "requires", &w->requires) < 0) ||
		    lines(kb, v, "steps", &w->steps) < 0 ||
		    build_conditions(kb, json_object_get(v, "conditions"), w) < 0)
			return -1;
	}
	return 0;
}

static int build_dead_ends(struct kb *kb, const json_t *arr, struct kb_entry *en)
{
	size_t i;
	json_t *v;

	en->n_dead_ends = json_array_size(arr);
	en->dead_ends = kb_alloc(kb, en->n_dead_ends + 1, sizeof(*en->dead_ends));
	if (!en->dead_ends)
		return -1;
	json_array_foreach(arr, i, v) {
		en->dead_ends[i].what = text(v, "what");
		en->dead_ends[i].fail = json_number_value(json_object_get(v, "fail"));
		en->dead_ends[i].why = text(v, "why");
		en->dead_ends[i].provenance = str(v, "provenance");
		en->dead_ends[i].notes = text(v, "notes");
	}
	return 0;
}

int kb_build_entry(struct kb *kb, const json_t *doc, const char *path, struct kb_entry *en)
{
	const json_t *stats = json_object_get(doc, "stats");

	memset(en, 0, sizeof(*en));
	en->path = kb_strdup(kb, path);
	en->id = str(doc, "id");
	en->code = str(doc, "code");
	en->title = text(doc, "title");
	en->cause = str(doc, "cause");
	en->provenance = str(doc, "provenance");
	en->status = str(doc, "status");
	en->fix_rate = json_number_value(json_object_get(stats, "fix_rate"));
	en->confidence = json_number_value(json_object_get(stats, "confidence"));
	en->evidence = (long long)json_number_value(json_object_get(stats, "evidence"));
	en->first_seen = str(stats, "first_seen");
	en->root_cause = text(doc, "root_cause");
	en->review = text(doc, "review");
	if (!en->path || strings(kb, json_object_get(doc, "tags"), &en->tags, &en->n_tags) < 0 ||
	    strings(kb, json_object_get(doc, "docs"), &en->docs, &en->n_docs) < 0 ||
	    strings(kb, json_object_get(doc, "probes"), &en->probes, &en->n_probes) < 0)
		return -1;
	if (build_versions(kb, json_object_get(doc, "versions"), en) < 0 ||
	    build_signatures(kb, json_object_get(doc, "signatures"), en) < 0 ||
	    build_workarounds(kb, json_object_get(doc, "workarounds"), en) < 0 ||
	    build_dead_ends(kb, json_object_get(doc, "dead_ends"), en) < 0)
		return -1;
	return 0;
}
