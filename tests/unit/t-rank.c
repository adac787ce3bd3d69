/* t-rank.c — ranking workarounds on probe evidence (DESIGN.md §5,
 * docs/kb-format.md "Conditions and ranking").
 *
 * 1. A fixture entry (the real credentials/helper-missing with its
 *    workarounds replaced) whose right order follows from the rules:
 *    indicated, then neutral, then not applicable; by success within a
 *    group, ties in file order; not_applicable wins over indicated; a
 *    condition holds on status, code and every top-level evidence key;
 *    context facts; the deciding condition's why, in the language asked.
 * 2. Every entry of the real KB, with evidence made to satisfy each of its
 *    conditions in turn (and with every context fact, and none): the order
 *    is always grouped and sorted, ranks are 1..n, and each verdict is the
 *    one the entry's JSON conditions give on that evidence.
 * 3. The JSON arrays: workarounds in rank order with their fields, every
 *    dead end. */
#include "rank.h"

#include <unistd.h>

#include "t-lib-kb.h"

static char dir[64];

/* ---- 1. the fixture ---- */

static json_t *fixture_workarounds(void)
{
	json_t *a = json_array();

	/* 0: no conditions: neutral */
	json_array_append_new(a, kbt_workaround("neutral-high", 0.9, NULL, NULL));
	/* 1: indicated on helper "desktop"; a second indicated condition after it */
	json_array_append_new(a, kbt_workaround("ind-low", 0.4, NULL, json_pack("[o, o]",
		kbt_probe_cond("indicated", "cred_helper", NULL, "helper_missing",
			       json_pack("{s:s}", "helper", "desktop"), "why desktop"),
		kbt_context_cond("indicated", "ci", "why ci for ind-low"))));
	/* 2: best success, but not applicable when config_auth is ok; also
	 *    indicated in CI: not_applicable wins */
	json_array_append_new(a, kbt_workaround("na-top", 0.99, NULL, json_pack("[o, o]",
		kbt_context_cond("indicated", "ci", "why ci for na-top"),
		kbt_probe_cond("not_applicable", "config_auth", "ok", NULL, NULL, "why na config ok"))));
	/* 3 and 4: same success, both indicated on a base-image pull: file order */
	json_array_append_new(a, kbt_workaround("ind-mid", 0.6, NULL, json_pack("[o]",
		kbt_context_cond("indicated", "base_image_pull", "why base mid"))));
	json_array_append_new(a, kbt_workaround("ind-tie", 0.6, NULL, json_pack("[o]",
		kbt_context_cond("indicated", "base_image_pull", "why base tie"))));
	/* 5: indicated on helper "pass" only: neutral with helper "desktop" */
	json_array_append_new(a, kbt_workaround("evidence-mismatch", 0.95, NULL, json_pack("[o]",
		kbt_probe_cond("indicated", "cred_helper", NULL, NULL,
			       json_pack("{s:s, s:s}", "helper", "desktop", "outcome", "found"),
			       "why found"))));
	/* 6: not applicable when cred_helper is ok: neutral when it fails */
	json_array_append_new(a, kbt_workaround("status-mismatch", 0.8, NULL, json_pack("[o]",
		kbt_probe_cond("not_applicable", "cred_helper", "ok", NULL, NULL, "why helper ok"))));
	/* 7: a condition on another probe's code: neutral */
	json_array_append_new(a, kbt_workaround("other-probe", 0.7, NULL, json_pack("[o]",
		kbt_probe_cond("indicated", "config_auth", NULL, "helper_missing", NULL,
			       "why config_auth helper_missing"))));
	return a;
}

struct want {
	const char *id;
	enum rank_verdict verdict;
	const char *why;   /* en; NULL: the neutral reason */
};

static void check_order(const char *name, const struct ranking *rk, const struct want *w,
			size_t n, enum out_lang lang, const char *neutral_why)
{
	size_t i;
	char buf[200];

	if (!ok(rk->n == n, "%s: %zu workarounds ranked", name, n))
		return;
	for (i = 0; i < n; i++) {
		const struct ranked_workaround *it = &rk->items[i];
		const char *want_why = w[i].why;

		if (!ok(strcmp(it->w->id, w[i].id) == 0 && it->verdict == w[i].verdict,
			"%s: rank %zu is %s (%s)", name, i + 1, w[i].id, rank_verdict_name(w[i].verdict)))
			printf("#   got %s (%s)\n", it->w->id, rank_verdict_name(it->verdict));
		is_int(it->rank, i + 1, "%s: %s has rank %zu", name, it->w->id, i + 1);
		is_int(it->applicable, w[i].verdict != RANK_NOT_APPLICABLE, "%s: %s applicable flag",
		       name, it->w->id);
		if (want_why && lang == LANG_ZH) {
			snprintf(buf, sizeof(buf), "中文:%s", want_why);
			want_why = buf;
		}
		if (want_why)
			is_str(it->why, want_why, "%s: %s says why", name, it->w->id);
		else
			is_str(it->why, neutral_why, "%s: %s gives the neutral reason", name, it->w->id);
		ok((it->cause == NULL) == (w[i].verdict == RANK_NEUTRAL),
		   "%s: %s has a deciding condition unless neutral", name, it->w->id);
	}
}

/* The fixture's order on a missing "desktop" helper, config_auth ok, in
 * CI, for a base-image pull (in en and zh alike). */
static const struct want on_evidence[] = {
	{ "ind-mid", RANK_INDICATED, "why base mid" },
	{ "ind-tie", RANK_INDICATED, "why base tie" },
	{ "ind-low", RANK_INDICATED, "why desktop" },
	{ "evidence-mismatch", RANK_NEUTRAL, NULL },
	{ "neutral-high", RANK_NEUTRAL, NULL },
	{ "status-mismatch", RANK_NEUTRAL, NULL },
	{ "other-probe", RANK_NEUTRAL, NULL },
	{ "na-top", RANK_NOT_APPLICABLE, "why na config ok" },
};

static void fixture_tests(const struct kb *real)
{
	const char *probes[] = { "config_auth", "cred_helper", NULL };
	json_t *entries[] = {
		kbt_entry(real, "credentials/helper-missing", "test/rank", NULL, probes,
			  fixture_workarounds()),
		NULL,
	};
	char kbdir[128];
	struct kb *kb;
	const struct kb_entry *en;
	struct ranking rk = RANKING_INIT;
	struct probe_result helper = { PROBE_FAIL, "helper_missing", "d", NULL, 0 };
	struct probe_result config = { PROBE_OK, "helper_configured", "d", NULL, 0 };
	struct probe_result desktop_ok = { PROBE_OK, "credential_found", "d", NULL, 0 };
	struct rank_evidence ev[3];
	const char *facts[] = { "ci", "base_image_pull" };
	struct err e = ERR_INIT;
	const char *neutral_en, *neutral_zh;

	snprintf(kbdir, sizeof(kbdir), "%s/kb", dir);
	kb = kbt_load(kbdir, entries);
	en = kb_find(kb, "test/rank");
	helper.evidence = json_pack("{s:s, s:s, s:n}", "helper", "desktop", "outcome", "missing",
				    "exit_code");
	config.evidence = json_object();
	desktop_ok.evidence = json_pack("{s:s, s:s}", "helper", "desktop", "outcome", "found");

	/* No evidence, no facts: all neutral, by success; ties in file order. */
	ok(rank_workarounds(&rk, en, NULL, 0, NULL, 0, LANG_EN, &e) == 0, "rank with no evidence");
	neutral_en = rk.n ? rk.items[0].why : "";
	ok(neutral_en && *neutral_en, "the neutral reason is a text (%s)", neutral_en);
	{
		const struct want w[] = {
			{ "na-top", RANK_NEUTRAL, NULL }, { "evidence-mismatch", RANK_NEUTRAL, NULL },
			{ "neutral-high", RANK_NEUTRAL, NULL }, { "status-mismatch", RANK_NEUTRAL, NULL },
			{ "other-probe", RANK_NEUTRAL, NULL }, { "ind-mid", RANK_NEUTRAL, NULL },
			{ "ind-tie", RANK_NEUTRAL, NULL }, { "ind-low", RANK_NEUTRAL, NULL },
		};
		check_order("no evidence", &rk, w, 8, LANG_EN, neutral_en);
	}
	ranking_release(&rk);

	/* The helper is missing ("desktop"), config_auth ok, in CI, base image. */
	ev[0] = (struct rank_evidence){ "cred_helper", &helper };
	ev[1] = (struct rank_evidence){ "config_auth", &config };
	ok(rank_workarounds(&rk, en, ev, 2, facts, 2, LANG_EN, &e) == 0, "rank on evidence");
	check_order("evidence, ci, base image", &rk, on_evidence, 8, LANG_EN, neutral_en);
	ranking_release(&rk);

	/* The same in Chinese: the zh texts. */
	ok(rank_workarounds(&rk, en, ev, 2, facts, 2, LANG_ZH, &e) == 0, "rank in zh");
	neutral_zh = rk.n > 3 ? rk.items[3].why : "";
	ok(neutral_zh && strcmp(neutral_zh, neutral_en) != 0, "the neutral reason in zh differs (%s)",
	   neutral_zh);
	check_order("zh", &rk, on_evidence, 8, LANG_ZH, neutral_zh);
	ranking_release(&rk);

	/* Only CI: ind-low is decided by its second condition, na-top is
	 * indicated (nothing makes it not applicable); the helper answered
	 * (found), so status-mismatch is not applicable and evidence-mismatch
	 * (every key equal) indicated. A NULL result is ignored. */
	ev[0] = (struct rank_evidence){ "cred_helper", &desktop_ok };
	ev[1] = (struct rank_evidence){ "config_auth", NULL };
	ok(rank_workarounds(&rk, en, ev, 2, facts, 1, LANG_EN, &e) == 0, "rank in CI only");
	{
		const struct want w[] = {
			{ "na-top", RANK_INDICATED, "why ci for na-top" },
			{ "evidence-mismatch", RANK_INDICATED, "why found" },
			{ "ind-low", RANK_INDICATED, "why ci for ind-low" },
			{ "neutral-high", RANK_NEUTRAL, NULL },
			{ "other-probe", RANK_NEUTRAL, NULL },
			{ "ind-mid", RANK_NEUTRAL, NULL },
			{ "ind-tie", RANK_NEUTRAL, NULL },
			{ "status-mismatch", RANK_NOT_APPLICABLE, "why helper ok" },
		};
		check_order("ci only, helper found", &rk, w, 8, LANG_EN, neutral_en);
	}

	/* 3. JSON of that ranking. */
	{
		json_t *wa = rank_workarounds_json(&rk), *de = rank_dead_ends_json(en, LANG_ZH);
		const json_t *src_de = json_object_get(kb_entry_json(kb, en), "dead_ends");
		size_t i;

		is_int(json_array_size(wa), 8, "json: every workaround");
		for (i = 0; i < json_array_size(wa) && i < rk.n; i++) {
			const json_t *o = json_array_get(wa, i);

			if (!ok(json_is_object(o) && strcmp(json_string_value(json_object_get(o, "id")),
							      rk.items[i].w->id) == 0,
				"json: item %zu is %s", i, rk.items[i].w->id))
				continue;
			is_int(json_integer_value(json_object_get(o, "rank")), i + 1, "json: %zu rank", i);
			ok(json_real_value(json_object_get(o, "success")) == rk.items[i].w->success,
			   "json: %zu success", i);
			is_str(json_string_value(json_object_get(o, "verdict")),
			       rank_verdict_name(rk.items[i].verdict), "json: %zu verdict", i);
			ok(json_is_boolean(json_object_get(o, "applicable")) &&
			   json_is_true(json_object_get(o, "applicable")) == rk.items[i].applicable,
			   "json: %zu applicable", i);
			is_str(json_string_value(json_object_get(o, "why")), rk.items[i].why, "json: %zu why", i);
			ok(strncmp(json_string_value(json_object_get(o, "title")), "Title of ", 9) == 0,
			   "json: %zu title in en", i);
			ok(json_array_size(json_object_get(o, "steps")) == 1, "json: %zu steps", i);
			ok(json_object_get(o, "action") && json_object_get(o, "command"),
			   "json: %zu has action and command (null when absent)", i);
		}
		is_int(json_array_size(de), json_array_size(src_de), "json: every dead end");
		for (i = 0; i < json_array_size(de); i++) {
			const json_t *d = json_array_get(de, i), *s = json_array_get(src_de, i);

			is_str(json_string_value(json_object_get(d, "what")),
			       json_string_value(json_object_get(json_object_get(s, "what"), "zh")),
			       "dead end %zu: what, in zh", i);
			ok(json_real_value(json_object_get(d, "fail")) ==
			   json_number_value(json_object_get(s, "fail")), "dead end %zu: fail rate", i);
			ok(json_string_value(json_object_get(d, "why")) != NULL, "dead end %zu: why", i);
		}
		json_decref(wa);
		json_decref(de);
	}
	ranking_release(&rk);
	ok(rk.items == NULL && rk.n == 0, "ranking_release empties the ranking");
	ranking_release(&rk);

	json_decref(helper.evidence);
	json_decref(config.evidence);
	json_decref(desktop_ok.evidence);
	kb_free(kb);
}

/* ---- 2. the real KB ---- */

/* Does a condition's "when" (JSON, as written) hold? kb-format.md. */
static int when_holds(const json_t *when, const struct rank_evidence *ev, size_t nev,
		      const char *const *facts, size_t nfacts)
{
	const char *ctx = json_string_value(json_object_get(when, "context"));
	const char *probe = json_string_value(json_object_get(when, "probe"));
	const char *status = json_string_value(json_object_get(when, "status"));
	const char *code = json_string_value(json_object_get(when, "code"));
	const json_t *want = json_object_get(when, "evidence");
	size_t i;

	if (ctx) {
		for (i = 0; i < nfacts; i++)
			if (strcmp(facts[i], ctx) == 0)
				return 1;
		return 0;
	}
	/* a machine condition (env, program) holds only with rank.h's
	 * "this_machine" fact, which these rankings never pass */
	if (!probe)
		return 0;
	for (i = 0; i < nev; i++) {
		const struct probe_result *r = ev[i].result;
		const char *key;
		json_t *v;
		int all = 1;

		if (strcmp(ev[i].probe, probe) != 0 ||
		    (status && strcmp(status, probe_status_name(r->status)) != 0) ||
		    (code && strcmp(code, r->code) != 0))
			continue;
		json_object_foreach((json_t *)want, key, v)
			all = all && json_equal(v, json_object_get(r->evidence, key));
		if (all)
			return 1;
	}
	return 0;
}

static enum rank_verdict expected_verdict(const json_t *w, const struct rank_evidence *ev,
					  size_t nev, const char *const *facts, size_t nfacts)
{
	const json_t *c;
	size_t i;
	int ind = 0, na = 0;

	json_array_foreach(json_object_get(w, "conditions"), i, c) {
		if (!when_holds(json_object_get(c, "when"), ev, nev, facts, nfacts))
			continue;
		if (strcmp(json_string_value(json_object_get(c, "effect")), "not_applicable") == 0)
			na = 1;
		else
			ind = 1;
	}
	return na ? RANK_NOT_APPLICABLE : ind ? RANK_INDICATED : RANK_NEUTRAL;
}

static size_t index_of(const struct kb_entry *en, const struct kb_workaround *w)
{
	return (size_t)(w - en->workarounds);
}

/* Returns 1 when the ranking obeys every rule on this evidence. */
static int ranking_is_right(const struct kb *kb, const struct kb_entry *en,
			    const struct ranking *rk, const struct rank_evidence *ev, size_t nev,
			    const char *const *facts, size_t nfacts, char *why, size_t whylen)
{
	const json_t *ws = json_object_get(kb_entry_json(kb, en), "workarounds");
	size_t i, offered = 0;

	/* every workaround but those kept as history (never offered) */
	for (i = 0; i < en->n_workarounds; i++)
		offered += !en->workarounds[i].history;
	if (rk->n != offered)
		return snprintf(why, whylen, "%zu of %zu ranked", rk->n, offered), 0;
	for (i = 0; i < rk->n; i++) {
		const struct ranked_workaround *a = &rk->items[i], *b = i ? &rk->items[i - 1] : NULL;
		enum rank_verdict want = expected_verdict(json_array_get(ws, index_of(en, a->w)),
							  ev, nev, facts, nfacts);

		if (a->verdict != want)
			return snprintf(why, whylen, "%s is %s, its conditions say %s", a->w->id,
					rank_verdict_name(a->verdict), rank_verdict_name(want)), 0;
		if (a->rank != (int)i + 1 || !a->why || !*a->why)
			return snprintf(why, whylen, "%s: rank %d at %zu, or no why", a->w->id,
					a->rank, i), 0;
		if (!b)
			continue;
		if (b->verdict > a->verdict ||
		    (b->verdict == a->verdict && b->w->success < a->w->success) ||
		    (b->verdict == a->verdict && b->w->success == a->w->success &&
		     index_of(en, b->w) > index_of(en, a->w)))
			return snprintf(why, whylen, "%s (%s, %.2f) before %s (%s, %.2f)", b->w->id,
					rank_verdict_name(b->verdict), b->w->success, a->w->id,
					rank_verdict_name(a->verdict), a->w->success), 0;
	}
	return 1;
}

static void real_kb_tests(const struct kb *real)
{
	const char *all_facts[32];
	size_t nfacts = 0, i, j, k, checked = 0, bad = 0, nonneutral = 0;
	struct err e = ERR_INIT;

	for (i = 0; kb_context_facts[i].name && nfacts < 32; i++)
		all_facts[nfacts++] = kb_context_facts[i].name;
	ok(nfacts >= 6, "the context facts (%zu)", nfacts);
	for (i = 0; i < kb_count(real); i++) {
		const struct kb_entry *en = kb_entry_at(real, i);
		const json_t *ws = json_object_get(kb_entry_json(real, en), "workarounds"), *w, *c;

		json_array_foreach(ws, j, w) {
			json_array_foreach(json_object_get(w, "conditions"), k, c) {
				const json_t *when = json_object_get(c, "when");
				const char *probe = json_string_value(json_object_get(when, "probe"));
				const char *status = json_string_value(json_object_get(when, "status"));
				const char *code = json_string_value(json_object_get(when, "code"));
				struct probe_result r = { PROBE_FAIL, "", "detail", NULL, 0 };
				struct rank_evidence ev = { probe, &r };
				struct ranking rk = RANKING_INIT;
				char why[300];
				int pass = 1, f;

				if (!probe)
					continue;
				if (status)
					r.status = strcmp(status, "ok") == 0 ? PROBE_OK :
						   strcmp(status, "warn") == 0 ? PROBE_WARN :
						   strcmp(status, "skip") == 0 ? PROBE_SKIP :
						   strcmp(status, "error") == 0 ? PROBE_ERROR : PROBE_FAIL;
				snprintf(r.code, sizeof(r.code), "%s", code ? code : en->cause);
				r.evidence = json_object_get(when, "evidence") ?
					     json_deep_copy(json_object_get(when, "evidence")) : json_object();
				/* with no facts, and with every fact */
				for (f = 0; f < 2 && pass; f++) {
					if (rank_workarounds(&rk, en, &ev, 1, all_facts, f ? nfacts : 0,
							     LANG_EN, &e) < 0 ||
					    !ranking_is_right(real, en, &rk, &ev, 1, all_facts, f ? nfacts : 0,
							      why, sizeof(why))) {
						pass = 0;
						printf("#   %s, evidence for /workarounds/%zu/conditions/%zu%s: %s\n",
						       en->id, j, k, f ? ", every fact" : "", why);
					}
					for (size_t m = 0; pass && m < rk.n; m++)
						nonneutral += rk.items[m].verdict != RANK_NEUTRAL;
					ranking_release(&rk);
				}
				bad += !pass;
				checked++;
				json_decref(r.evidence);
			}
		}
	}
	ok(checked > 20, "evidence made for every probe condition in the KB (%zu)", checked);
	ok(nonneutral > checked, "that evidence decided verdicts (%zu)", nonneutral);
	is_int(bad, 0, "every ranking of the real KB obeys the rules");
}

int main(void)
{
	struct kb *real;

	snprintf(dir, sizeof(dir), "/tmp/fxk-rank.XXXXXX");
	if (!mkdtemp(dir))
		return 99;
	real = kbt_real();
	fixture_tests(real);
	real_kb_tests(real);
	kb_free(real);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "/bin/rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove the scratch dir");
	}
	return tap_done();
}
