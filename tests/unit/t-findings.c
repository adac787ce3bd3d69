/* t-findings.c — findings from engine records and the KB (DESIGN.md §3-5).
 *
 * 1. The real KB and real probe records (scratch config: credsStore
 *    "desktop" that is not installed, an auths entry it hides, a malformed
 *    DOCKER_AUTH_CONFIG; two registries): one finding per (registry,
 *    cause) of every warn/fail record with a cause code and none for
 *    ok/skip; fails before warns; severity the worst status for that
 *    cause; the KB entry for that cause; the evidence (trigger first, no
 *    skips, no raw evidence, no secret); workarounds ranked on that
 *    evidence with the commands filled in; every dead end; the §3 shape.
 * 2. Cause → entry with small KBs: the entry that ties the trigger probe
 *    wins over an earlier one; with none tying it, the first with that
 *    cause; with no entry for the cause, a finding without one.
 * 3. Context facts reach the ranking: a base-image pull, CI. */
#include "findings.h"

#include "t-lib-cfg.h"
#include "t-lib-kb.h"

#include "cause.h"

#define REG_A "ghcr.io"
#define REG_B "127.0.0.1:5000"

static const char *str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

/* An evidence item's probe: "probe" (DESIGN.md §3), else "name". */
static const char *probe_of(const json_t *it)
{
	return *str(it, "probe") ? str(it, "probe") : str(it, "name");
}

/* The worst status of the registry's records with this code, or -1. */
static int worst_for(const struct engine *en, const char *registry, const char *code)
{
	int worst = -1;
	size_t i;

	for (i = 0; i < en->n; i++) {
		const struct probe_record *r = en->records[i];
		int rank = r->res.status == PROBE_FAIL ? 2 : r->res.status == PROBE_WARN ? 1 : -1;

		if (strcmp(r->registry, registry) == 0 && strcmp(r->res.code, code) == 0 && rank > worst)
			worst = rank;
	}
	return worst;
}

static const json_t *find_finding(const json_t *arr, const char *registry, const char *cause,
				  size_t *count)
{
	const json_t *hit = NULL, *f;
	size_t i;

	*count = 0;
	json_array_foreach(arr, i, f) {
		if (strcmp(str(f, "registry"), registry) == 0 && strcmp(str(f, "cause"), cause) == 0) {
			(*count)++;
			hit = hit ? hit : f;
		}
	}
	return hit;
}

/* Every record that should make a finding makes exactly one, none other. */
static void check_coverage(const struct engine *en, const json_t *arr)
{
	size_t i, count, expected = 0;
	const json_t *f;

	for (i = 0; i < en->n; i++) {
		const struct probe_record *r = en->records[i];
		const char *sev;

		if ((r->res.status != PROBE_WARN && r->res.status != PROBE_FAIL) ||
		    !cause_is_valid(r->res.code) || worst_for(en, r->registry, r->res.code) !=
		    (r->res.status == PROBE_FAIL ? 2 : 1))
			continue;
		f = find_finding(arr, r->registry, r->res.code, &count);
		if (!ok(count == 1, "one finding for %s %s (from %s %s)", r->registry, r->res.code,
			r->probe->name, probe_status_name(r->res.status)))
			continue;
		sev = worst_for(en, r->registry, r->res.code) == 2 ? "fail" : "warn";
		is_str(str(f, "severity"), sev, "%s %s: severity is the worst status for that cause",
		       r->registry, r->res.code);
	}
	/* distinct (registry, cause) pairs */
	for (i = 0; i < en->n; i++) {
		const struct probe_record *r = en->records[i];
		size_t j, dup = 0;

		if ((r->res.status != PROBE_WARN && r->res.status != PROBE_FAIL) ||
		    !cause_is_valid(r->res.code))
			continue;
		for (j = 0; j < i; j++)
			dup |= strcmp(en->records[j]->registry, r->registry) == 0 &&
			       strcmp(en->records[j]->res.code, r->res.code) == 0 &&
			       (en->records[j]->res.status == PROBE_WARN ||
				en->records[j]->res.status == PROBE_FAIL);
		expected += !dup;
	}
	is_int(json_array_size(arr), expected, "no other finding (%zu problems)", expected);
	json_array_foreach(arr, i, f) {
		const json_t *prev = i ? json_array_get(arr, i - 1) : NULL;

		if (prev)
			ok(!(strcmp(str(prev, "severity"), "warn") == 0 &&
			     strcmp(str(f, "severity"), "fail") == 0),
			   "finding %zu: fails come before warns", i);
	}
}

/* The §3 shape and what each part must hold. */
static void check_finding(const struct kb *kb, const struct engine *en, const json_t *f)
{
	const char *reg = str(f, "registry"), *cause = str(f, "cause");
	const json_t *ev = json_object_get(f, "evidence"), *wa = json_object_get(f, "workarounds");
	const json_t *de = json_object_get(f, "dead_ends"), *it;
	const struct kb_entry *entry = kb_find(kb, str(f, "entry"));
	const json_t *first = json_array_get(ev, 0);
	size_t i, others = 0, named = 0;
	int tied = 0;
	char name[160];

	snprintf(name, sizeof(name), "%s %s", reg, cause);
	if (!ok(entry != NULL, "%s: names a KB entry (%s)", name, str(f, "entry")))
		return;
	is_str(entry->cause, cause, "%s: the entry is for that cause", name);
	is_str(str(f, "code"), entry->code, "%s: the entry's code", name);
	is_str(str(f, "title"), entry->title.en, "%s: the entry's title", name);
	is_str(str(f, "root_cause"), entry->root_cause.en, "%s: the entry's root cause", name);
	is_str(str(f, "summary"), cause_describe(cause), "%s: the cause's summary", name);
	ok(!json_leaks(f), "%s: no secret in the finding", name);

	/* evidence: the trigger first, then this registry's other non-skip records */
	ok(json_is_object(first) && strcmp(str(first, "code"), cause) == 0 &&
	   (strcmp(str(first, "status"), "fail") == 0 || strcmp(str(first, "status"), "warn") == 0),
	   "%s: the first evidence is the probe that found it", name);
	for (i = 0; i < kb_count(kb); i++)
		tied |= strcmp(kb_entry_at(kb, i)->cause, cause) == 0 &&
			kb_entry_has_probe(kb_entry_at(kb, i), probe_of(first));
	ok(!tied || kb_entry_has_probe(entry, probe_of(first)),
	   "%s: the entry ties the trigger probe (%s) when an entry for the cause does", name,
	   probe_of(first));
	for (i = 0; i < en->n; i++)
		others += strcmp(en->records[i]->registry, reg) == 0 &&
			  en->records[i]->res.status != PROBE_SKIP;
	is_int(json_array_size(ev), others, "%s: every non-skip record of the registry, once", name);
	json_array_foreach(ev, i, it) {
		ok(strcmp(str(it, "registry"), reg) == 0 && strcmp(str(it, "status"), "skip") != 0 &&
		   !json_object_get(it, "evidence") && *str(it, "detail") && probe_find(probe_of(it)),
		   "%s: evidence %zu is this registry's, a known probe, not skipped, without raw "
		   "evidence", name, i);
		named += json_is_string(json_object_get(it, "probe"));
	}
	/* DESIGN.md §3: {"probe", "status", "code", "detail"} */
	ok(named == json_array_size(ev), "%s: every evidence item names its probe as \"probe\" (§3)", name);

	/* workarounds: the entry's, in rank order, commands filled in */
	is_int(json_array_size(wa), entry->n_workarounds, "%s: every workaround of the entry", name);
	json_array_foreach(wa, i, it) {
		const char *cmd = str(it, "command");

		ok(json_integer_value(json_object_get(it, "rank")) == (json_int_t)i + 1 &&
		   *str(it, "id") && *str(it, "title") && *str(it, "why") &&
		   json_is_number(json_object_get(it, "success")) &&
		   json_is_boolean(json_object_get(it, "applicable")) && json_object_get(it, "action"),
		   "%s: workaround %zu has id, title, success, rank %zu, applicable, why, action",
		   name, i, i + 1);
		ok(!strstr(cmd, "{registry}") && !strstr(cmd, "{config}") && !strstr(cmd, "{image}") &&
		   !strstr(cmd, "{helper}"), "%s: %s's command has its placeholders filled (%s)",
		   name, str(it, "id"), cmd);
	}
	is_int(json_array_size(de), entry->n_dead_ends, "%s: every dead end", name);
	json_array_foreach(de, i, it)
		ok(*str(it, "what") && *str(it, "why") && json_is_number(json_object_get(it, "fail")),
		   "%s: dead end %zu has what, fail, why", name, i);
}

static void real_kb_run(const struct settings *s)
{
	struct kb *kb = kbt_real();
	struct engine en;
	struct targets t = TARGETS_INIT;
	struct findings f = FINDINGS_INIT;
	struct err e = ERR_INIT;
	const json_t *hm, *w;
	char cfg[512], config_path[700];
	size_t i, count;

	snprintf(cfg, sizeof(cfg), "{\"auths\":{\"%s\":{\"auth\":\"%s\"}},\"credsStore\":\"desktop\"}",
		 REG_A, canary_auth("alice"));
	put("docker/config.json", cfg);
	snprintf(config_path, sizeof(config_path), "%s", spath("docker/config.json"));
	setenv("DOCKER_AUTH_CONFIG", "{\"auths\": ", 1);

	ok(targets_add_image(&t, REG_A "/owner/app:1", "--image", &e) == 0, "target " REG_A);
	ok(targets_add(&t, REG_B, NULL, "--registry", 0) == 0, "target " REG_B);
	engine_init(&en, s);
	for (i = 0; i < t.n; i++) {
		const char *img = t.items[i].image[0] ? t.items[i].image : NULL;

		/* as doctor runs them */
		engine_run(&en, &probe_config_auth, t.items[i].registry, img);
		engine_run(&en, &probe_docker_auth_config, t.items[i].registry, img);
		engine_run(&en, &probe_cred_helper, t.items[i].registry, img);
		engine_run(&en, &probe_keyring, t.items[i].registry, img);
	}
	for (i = 0; i < en.n; i++)
		printf("# record %s %s: %s/%s\n", en.records[i]->registry, en.records[i]->probe->name,
		       probe_status_name(en.records[i]->res.status), en.records[i]->res.code);
	ok(findings_build(&f, kb, &en, &t, s) == 0, "findings_build");
	ok(json_is_array(f.json) && json_array_size(f.json) >= 4, "findings made (%zu)",
	   json_array_size(f.json));
	check_coverage(&en, f.json);
	json_array_foreach(f.json, i, w)
		check_finding(kb, &en, w);

	/* The anchor: the missing "desktop" helper, on the base image's registry. */
	hm = find_finding(f.json, REG_A, "helper_missing", &count);
	w = json_array_get(json_object_get(hm, "workarounds"), 0);
	is_str(str(hm, "entry"), "credentials/helper-missing", "helper_missing: the helper-missing entry");
	is_str(str(hm, "image"), REG_A "/owner/app:1", "the finding names the target's image");
	is_str(probe_of(json_array_get(json_object_get(hm, "evidence"), 0)), "cred_helper",
	       "helper_missing was found by cred_helper");
	is_str(str(w, "id"), "drop-creds-store", "best workaround: drop the credsStore");
	is_str(str(w, "verdict"), "indicated", "... indicated by the evidence");
	ok(strstr(str(w, "why"), "docker-credential-desktop") != NULL,
	   "... because the helper is \"desktop\" (%s)", str(w, "why"));
	ok(strstr(str(w, "command"), config_path) != NULL, "... its command edits this config.json (%s)",
	   str(w, "command"));

	findings_release(&f);
	ok(f.json == NULL, "findings_release");
	findings_release(&f);
	engine_release(&en);
	targets_release(&t);
	unsetenv("DOCKER_AUTH_CONFIG");
	rm_rel("docker/config.json");
	kb_free(kb);
}

/* ---- 2 and 3: small KBs ---- */

static json_t *one_workaround(const char *id, json_t *conds)
{
	return json_pack("[o]", kbt_workaround(id, 0.5, "echo {registry} {image} {helper} {config}", conds));
}

static void lookup_and_context(const struct settings *s)
{
	struct kb *real = kbt_real(), *kb1, *kb2;
	const char *config_only[] = { "config_auth", NULL };
	const char *both[] = { "config_auth", "cred_helper", NULL };
	char d1[700], d2[700];
	json_t *set1[] = {
		kbt_entry(real, "credentials/helper-missing", "test/a-config", "helper_missing",
			  config_only, one_workaround("a", NULL)),
		kbt_entry(real, "credentials/helper-missing", "test/b-helper", "helper_missing", both,
			  one_workaround("b", json_pack("[o, o]",
				kbt_context_cond("indicated", "base_image_pull", "why base"),
				kbt_context_cond("not_applicable", "ci", "why ci")))),
		NULL,
	};
	json_t *set2[] = {
		kbt_entry(real, "credentials/helper-missing", "test/a-config", "helper_missing",
			  config_only, one_workaround("a", NULL)),
		NULL,
	};
	struct engine en;
	struct finding_spec sp;
	struct err e = ERR_INIT;
	struct targets t = TARGETS_INIT;
	struct findings f = FINDINGS_INIT;
	const struct probe_record *r;
	json_t *one;
	const json_t *w;
	char want[1200];

	snprintf(d1, sizeof(d1), "%s/kb1", scratch);
	snprintf(d2, sizeof(d2), "%s/kb2", scratch);
	kb1 = kbt_load(d1, set1);
	kb2 = kbt_load(d2, set2);
	put("docker/config.json", "{\"credsStore\":\"desktop\"}");
	engine_init(&en, s);
	r = engine_run(&en, &probe_cred_helper, REG_B, NULL);
	is_str(r->res.code, "helper_missing", "a real helper_missing record");
	targets_add(&t, REG_B, NULL, "--registry", 0);

	ok(findings_build(&f, kb1, &en, &t, s) == 0, "findings on a KB with two entries for the cause");
	is_str(str(json_array_get(f.json, 0), "entry"), "test/b-helper",
	       "the entry that ties cred_helper wins over an earlier one");
	findings_release(&f);
	ok(findings_build(&f, kb2, &en, &t, s) == 0, "findings on a KB whose entry ties another probe");
	is_str(str(json_array_get(f.json, 0), "entry"), "test/a-config",
	       "none ties the probe: the entry for the cause");
	findings_release(&f);

	/* finding_new: no entry */
	memset(&sp, 0, sizeof(sp));
	sp.cause = "rate_limited";
	sp.severity = "warn";
	sp.registry = REG_B;
	sp.trigger = r;
	one = finding_new(&sp, &en, s, &e);
	ok(one && json_is_null(json_object_get(one, "entry")) && json_is_null(json_object_get(one, "code")),
	   "no entry: entry and code null");
	ok(json_array_size(json_object_get(one, "workarounds")) == 0 &&
	   json_array_size(json_object_get(one, "dead_ends")) == 0, "no entry: no workarounds, no dead ends");
	is_str(str(one, "severity"), "warn", "the severity given");
	is_str(str(one, "summary"), cause_describe("rate_limited"), "the cause's summary");
	json_decref(one);

	/* context facts: neither, a base-image pull, CI (not applicable wins) */
	sp.entry = kb_find(kb1, "test/b-helper");
	sp.cause = "helper_missing";
	sp.severity = "fail";
	sp.image = REG_B "/x/y:1";
	unsetenv("CI");
	one = finding_new(&sp, &en, s, &e);
	w = json_array_get(json_object_get(one, "workarounds"), 0);
	is_str(str(w, "verdict"), "neutral", "no context: neutral");
	snprintf(want, sizeof(want), "echo %s %s/x/y:1 desktop %s", REG_B, REG_B, spath("docker/config.json"));
	is_str(str(w, "command"), want, "command: registry, image, helper (from cred_helper), config filled");
	json_decref(one);
	sp.base_image = 1;
	one = finding_new(&sp, &en, s, &e);
	w = json_array_get(json_object_get(one, "workarounds"), 0);
	is_str(str(w, "why"), "why base", "a base-image pull: indicated by base_image_pull");
	json_decref(one);
	setenv("CI", "true", 1);
	one = finding_new(&sp, &en, s, &e);
	w = json_array_get(json_object_get(one, "workarounds"), 0);
	is_str(str(w, "verdict"), "not_applicable", "in CI: the ci condition holds (not applicable wins)");
	json_decref(one);
	setenv("CI", "false", 1);
	one = finding_new(&sp, &en, s, &e);
	w = json_array_get(json_object_get(one, "workarounds"), 0);
	is_str(str(w, "verdict"), "indicated", "CI=false is not CI");
	json_decref(one);
	unsetenv("CI");

	targets_release(&t);
	engine_release(&en);
	kb_free(kb1);
	kb_free(kb2);
	kb_free(real);
	rm_rel("docker/config.json");
}

int main(void)
{
	struct settings s = SETTINGS_INIT;

	scratch_init();
	setenv("DOCKER_CONFIG", spath("docker"), 1);
	mkdir(spath("docker"), 0700);
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
	unsetenv("DISPLAY");
	unsetenv("CI");
	unsetenv("GITHUB_ACTIONS");
	unsetenv("GITLAB_CI");
	s.offline = 1;
	real_kb_run(&s);
	lookup_and_context(&s);
	scratch_done();
	return tap_done();
}
