#include "rank.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/paths.h"

static const struct kb_text neutral_why = {
	"no evidence for or against it here",
	"这里没有支持或排除它的证据",
};

const char *rank_verdict_name(enum rank_verdict v)
{
	switch (v) {
	case RANK_INDICATED: return "indicated";
	case RANK_NEUTRAL: return "neutral";
	case RANK_NOT_APPLICABLE: return "not_applicable";
	}
	return "neutral";
}

static int evidence_holds(const json_t *want, const json_t *have)
{
	const char *key;
	json_t *v, *got;

	json_object_foreach((json_t *)want, key, v) {
		got = json_object_get(have, key);
		if (!got || !json_equal(v, got))
			return 0;
	}
	return 1;
}

/* The fact "<prefix><value>" in facts, its value; NULL when absent. */
static const char *fact_value(const char *const *facts, size_t nfacts, const char *prefix)
{
	size_t i, l = strlen(prefix);

	for (i = 0; i < nfacts; i++)
		if (facts[i] && strncmp(facts[i], prefix, l) == 0)
			return facts[i] + l;
	return NULL;
}

/* An env or program condition: a fact about the machine fixkb runs on,
 * so it holds only when the evidence is from this machine. */
static int machine_holds(const struct kb_condition *c, const char *const *facts, size_t nfacts)
{
	char prog[256], found[4096];
	const char *v, *helper, *brace;

	if (!fact_value(facts, nfacts, RANK_FACT_THIS_MACHINE))
		return 0;
	if (c->env) {
		v = getenv(c->env);
		return (v && *v) == !!c->env_set;
	}
	helper = fact_value(facts, nfacts, RANK_FACT_HELPER);
	brace = strstr(c->program, "{helper}");
	if (brace && !(helper && *helper))
		return 0;   /* which helper is unknown: cannot tell */
	if (brace)
		snprintf(prog, sizeof(prog), "%.*s%s%s", (int)(brace - c->program), c->program,
			 helper, brace + 8);
	else
		snprintf(prog, sizeof(prog), "%s", c->program);
	return paths_find_on_path(prog, NULL, found, sizeof(found)) == !!c->on_path;
}

int rank_condition_holds(const struct kb_condition *c, const struct rank_evidence *ev,
			 size_t nev, const char *const *facts, size_t nfacts)
{
	size_t i;

	if (c->env || c->program)
		return machine_holds(c, facts, nfacts);
	if (c->context) {
		for (i = 0; i < nfacts; i++)
			if (facts[i] && strcmp(facts[i], c->context) == 0)
				return 1;
		return 0;
	}
	for (i = 0; i < nev; i++) {
		const struct probe_result *r = ev[i].result;

		if (!r || !ev[i].probe || strcmp(ev[i].probe, c->probe) != 0)
			continue;
		if (c->status && strcmp(probe_status_name(r->status), c->status) != 0)
			continue;
		if (c->code && strcmp(r->code, c->code) != 0)
			continue;
		if (c->evidence && !evidence_holds(c->evidence, r->evidence))
			continue;
		return 1;
	}
	return 0;
}

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked_workaround *x = a, *y = b;

	if (x->verdict != y->verdict)
		return x->verdict < y->verdict ? -1 : 1;
	if (x->w->success != y->w->success)
		return x->w->success > y->w->success ? -1 : 1;
	/* stable: the entry's order (w points into one array) */
	return x->w < y->w ? -1 : x->w > y->w;
}

int rank_workarounds(struct ranking *out, const struct kb_entry *entry,
		     const struct rank_evidence *ev, size_t nev,
		     const char *const *facts, size_t nfacts,
		     enum out_lang lang, struct err *e)
{
	size_t i, j;

	memset(out, 0, sizeof(*out));
	out->entry = entry;
	out->lang = lang;
	if (!entry || entry->n_workarounds == 0)
		return 0;
	out->items = calloc(entry->n_workarounds, sizeof(*out->items));
	if (!out->items)
		return err_set(e, "out of memory");
	for (i = 0; i < entry->n_workarounds; i++) {
		struct ranked_workaround *rw;
		const struct kb_workaround *w = &entry->workarounds[i];
		const struct kb_condition *ind = NULL, *na = NULL;

		if (w->history)
			continue;   /* the seed's text as history: never offered */
		rw = &out->items[out->n++];
		rw->w = w;
		for (j = 0; j < w->n_conditions; j++) {
			const struct kb_condition *c = &w->conditions[j];

			if (!rank_condition_holds(c, ev, nev, facts, nfacts))
				continue;
			if (c->effect == KB_NOT_APPLICABLE && !na)
				na = c;
			else if (c->effect == KB_INDICATED && !ind)
				ind = c;
		}
		rw->verdict = na ? RANK_NOT_APPLICABLE : ind ? RANK_INDICATED : RANK_NEUTRAL;
		rw->applicable = rw->verdict != RANK_NOT_APPLICABLE;
		rw->cause = na ? na : ind;
		rw->why = kb_text_get(rw->cause ? &rw->cause->why : &neutral_why, lang);
	}
	qsort(out->items, out->n, sizeof(*out->items), ranked_cmp);
	for (i = 0; i < out->n; i++)
		out->items[i].rank = (int)i + 1;
	return 0;
}

void ranking_release(struct ranking *r)
{
	if (!r)
		return;
	free(r->items);
	r->items = NULL;
	r->n = 0;
}

static json_t *lines_json(const struct kb_lines *l, enum out_lang lang)
{
	const char **v = lang == LANG_ZH && l->n_zh ? l->zh : l->en;
	size_t n = lang == LANG_ZH && l->n_zh ? l->n_zh : l->n_en, i;
	json_t *a = json_array();

	for (i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *opt_string(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *rank_workarounds_json(const struct ranking *r)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && i < r->n; i++) {
		const struct ranked_workaround *rw = &r->items[i];
		const struct kb_workaround *w = rw->w;
		json_t *o = json_object();

		json_object_set_new(o, "id", json_string(w->id));
		json_object_set_new(o, "title", json_string(kb_text_get(&w->title, r->lang)));
		json_object_set_new(o, "success", json_real(w->success));
		json_object_set_new(o, "rank", json_integer(rw->rank));
		json_object_set_new(o, "applicable", json_boolean(rw->applicable));
		json_object_set_new(o, "verdict", json_string(rank_verdict_name(rw->verdict)));
		json_object_set_new(o, "why", json_string(rw->why));
		json_object_set_new(o, "action", opt_string(w->action));
		json_object_set_new(o, "command", opt_string(w->command));
		json_object_set_new(o, "requires", lines_json(&w->requires, r->lang));
		json_object_set_new(o, "provenance", json_string(w->provenance));
		json_object_set_new(o, "success_source", json_string(w->success_source));
		json_object_set_new(o, "steps", lines_json(&w->steps, r->lang));
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *rank_dead_ends_json(const struct kb_entry *entry, enum out_lang lang)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && entry && i < entry->n_dead_ends; i++) {
		const struct kb_dead_end *d = &entry->dead_ends[i];

		json_t *o = json_pack("{s:s, s:f, s:s}", "what", kb_text_get(&d->what, lang),
				      "fail", d->fail, "why", kb_text_get(&d->why, lang));

		/* fixkb's review of the seed's dead end, beside its text */
		if (o && kb_text_get(&d->notes, lang))
			json_object_set_new(o, "review", json_string(kb_text_get(&d->notes, lang)));
		json_array_append_new(arr, o);
	}
	return arr;
}
