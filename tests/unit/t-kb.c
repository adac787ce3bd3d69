/* t-kb.c — the KB loader, its checks (every problem names file and field),
 * the action table and the ranking. */
#include "actions.h"
#include "cause.h"
#include "checks/checks.h"
#include "util/clock.h"
#include "kb.h"
#include "rank.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEED "cicd/docker-buildkit-ssh-auth-fail"

struct problems {
	char file[512];
	char field[512];
	char problem[512];
	char all[4096];
	size_t n;
};

static void collect(void *ctx, const char *file, const char *field, const char *problem)
{
	struct problems *p = ctx;
	size_t len = strlen(p->all);

	if (p->n++ == 0) {
		snprintf(p->file, sizeof(p->file), "%s", file);
		snprintf(p->field, sizeof(p->field), "%s", field);
		snprintf(p->problem, sizeof(p->problem), "%s", problem);
	}
	snprintf(p->all + len, sizeof(p->all) - len, "%s: %s: %s\n", file, field, problem);
}

/* ---- the embedded KB ---- */

static void test_embedded(const struct kb *kb)
{
	const struct kb_entry *en = kb_find(kb, SEED);
	static const char *const offline_causes[] = {
		"helper_missing", "helper_failed", "config_malformed", "docker_auth_config_malformed",
		"plaintext_credentials", "shadowed_credentials", "no_credentials", NULL,
	};
	size_t i;

	ok(kb_count(kb) >= 8, "embedded kb has the seed and the offline-probe entries (%zu)",
	   kb_count(kb));
	ok(strncmp(kb_origin(kb), "embedded, ", 10) == 0, "origin: %s", kb_origin(kb));
	for (i = 1; i < kb_count(kb); i++)
		ok(strcmp(kb_entry_at(kb, i - 1)->id, kb_entry_at(kb, i)->id) < 0,
		   "entries sorted by id (%zu)", i);
	ok(kb_entry_at(kb, kb_count(kb)) == NULL, "kb_entry_at past the end is NULL");
	ok(kb_find(kb, "nope/nope") == NULL, "unknown id: NULL");

	if (!ok(en != NULL, "the seed entry is there"))
		return;
	is_str(en->code, "BUILDKIT_AUTH_FAIL", "seed code");
	is_str(en->cause, "oauth_token_rejected", "seed cause");
	is_str(en->provenance, "ai_generated", "seed provenance");
	is_str(en->status, "partial", "seed status");
	ok(en->fix_rate == 0.78 && en->confidence == 0.84 && en->evidence == 1,
	   "seed stats 0.78 / 0.84 / 1");
	is_str(en->first_seen, "2024-03-20", "seed first seen");
	is_int(en->n_versions, 4, "seed version table has 4 rows");
	is_str(en->versions[3].name, "Docker Desktop 4.25", "fourth version row");
	ok(en->versions[0].introduced == NULL, "\"—\" is null");
	ok(strstr(en->root_cause.zh, "SSH 代理转发或注册表凭据未在构建上下文中正确配置") != NULL,
	   "Chinese root cause as the seed gives it");
	is_str(en->docs[0], "https://docs.docker.com/build/ci/github-actions/#authentication",
	       "seed docs link");
	ok(en->n_workarounds >= 6, "three seed workarounds and fixkb's");
	ok(en->workarounds[0].success == 0.85 && en->workarounds[1].success == 0.80 &&
	   en->workarounds[2].success == 0.75, "seed workarounds 0.85 / 0.80 / 0.75");
	is_str(en->workarounds[0].success_source, "seed", "seed success source");
	ok(strcmp(en->workarounds[0].steps.zh[0], en->workarounds[0].steps.en[0]) == 0,
	   "the seed's zh steps are its English sentences, kept as given");
	is_int(en->n_dead_ends, 3, "three dead ends");
	ok(en->dead_ends[0].fail == 0.70 && en->dead_ends[1].fail == 0.75 &&
	   en->dead_ends[2].fail == 0.80, "dead ends 0.70 / 0.75 / 0.80");
	is_str(en->dead_ends[0].what.en, "docker builder prune", "first dead end");
	is_int(en->signatures[0].cap_registry, 3, "registry capture group");

	for (i = 0; offline_causes[i]; i++)
		ok(kb_find_by_cause(kb, offline_causes[i], NULL) != NULL,
		   "an entry names a fix for cause %s", offline_causes[i]);
	is_str(kb_find_by_cause(kb, "helper_missing", "cred_helper")->id,
	       "credentials/helper-missing", "find by cause and probe");
	is_str(kb_find_by_cause(kb, "no_credentials", "nonexistent_probe")->id,
	       "credentials/no-credentials", "find by cause falls back when the probe is not tied");
	ok(kb_find_by_cause(kb, "no_such_cause", NULL) == NULL, "no entry for an unknown cause");
	/* Vendor-specific entries (vendor/) sort after the generic ones, so a
	 * fallback lookup lands on the generic entry for the cause. */
	is_str(kb_find_by_cause(kb, "expired_token", NULL)->id,
	       "registry/token-expired", "generic entry first for expired_token");

	for (i = 0; i < kb_count(kb); i++) {
		const struct kb_entry *x = kb_entry_at(kb, i);

		ok(cause_is_valid(x->cause) && x->root_cause.zh && x->title.zh,
		   "%s: valid cause, zh texts", x->id);
	}
}

static void test_lang(const struct kb *kb)
{
	const struct kb_entry *en = kb_find(kb, SEED);
	json_t *zh, *e;

	if (!en)
		return;
	is_str(kb_text_get(&en->root_cause, LANG_ZH), en->root_cause.zh, "kb_text_get zh");
	is_str(kb_text_get(&en->root_cause, LANG_EN), en->root_cause.en, "kb_text_get en");
	zh = kb_json_resolve_lang(kb_entry_json(kb, en), LANG_ZH);
	is_str(json_string_value(json_object_get(zh, "root_cause")), en->root_cause.zh,
	       "resolve_lang replaces {en, zh} by the zh string");
	e = json_array_get(json_object_get(zh, "workarounds"), 3);
	ok(json_is_array(json_object_get(e, "steps")), "steps resolve to the zh list");
	is_str(json_string_value(json_object_get(zh, "id")), SEED, "other fields untouched");
	json_decref(zh);
}

/* ---- kb_check_text: every problem names the file and the field ---- */

struct mutation {
	const char *name;
	const char *path;        /* dotted path of the member to change ("a.0.b") */
	const char *value;       /* JSON to put there, or NULL to delete it */
	const char *rel;         /* the file name to check it as (NULL: the seed's) */
	const char *field;       /* expected field */
	const char *problem_has; /* expected substring of the problem */
};

static const struct mutation mutations[] = {
	{ "bad cause", "cause", "\"token_bad\"", NULL, "/cause", "unknown cause" },
	{ "unknown probe", "probes.0", "\"no_such_probe\"", NULL, "/probes/0", "unknown probe" },
	{ "unknown action", "workarounds.0.action", "\"reboot_machine\"", NULL,
	  "/workarounds/0/action", "unknown action" },
	{ "missing zh", "title.zh", NULL, NULL, "/title/zh", "required field is missing" },
	{ "empty zh", "root_cause.zh", "\"\"", NULL, "/root_cause/zh", "must not be empty" },
	{ "bad regex", "signatures.0.regex", "\"failed to fetch oauth token: (\"", NULL,
	  "/signatures/0/regex", "does not compile" },
	{ "id/path mismatch", NULL, NULL, "cicd/other-name.json", "/id", "does not match the file's path" },
	{ "success above 1", "workarounds.2.success", "1.5", NULL, "/workarounds/2/success",
	  "1.5 is above maximum 1" },
	{ "unknown field", "colour", "\"red\"", NULL, "/colour", "unknown field" },
	{ "bad cause type", "cause", "3", NULL, "/cause", "expected string" },
	{ "duplicate workaround id", "workarounds.1.id", "\"buildkit-secret\"", NULL,
	  "/workarounds/1/id", "duplicate workaround id" },
	{ "unknown context fact", "workarounds.0.conditions.0.when.context", "\"full_moon\"", NULL,
	  "/workarounds/0/conditions/0/when/context", "unknown context fact" },
	{ "probe and context", "workarounds.0.conditions.0.when.probe", "\"config_auth\"", NULL,
	  "/workarounds/0/conditions/0/when", "exactly one" },
	{ "condition probe not tied", "workarounds.3.conditions.0.when.probe", "\"keyring\"", NULL,
	  "/workarounds/3/conditions/0/when/probe", "not in the entry's probes" },
	{ "bad effect", "workarounds.0.conditions.0.effect", "\"maybe\"", NULL,
	  "/workarounds/0/conditions/0/effect", "is not one of" },
	{ "example not matched", "signatures.0.examples.0", "\"failed to fetch oauth token: nope\"", NULL,
	  "/signatures/0/examples/0", "not matched" },
	{ "literal not in example", "signatures.0.literal", "\"oauth tokens\"", NULL,
	  "/signatures/0/examples/0", "does not contain the literal" },
	{ "capture group out of range", "signatures.0.captures.status", "9", NULL,
	  "/signatures/0/captures/status", "does not exist" },
	/* kb lint compiles and runs signatures as explain does: what POSIX
	 * regcomp accepted is not enough. */
	{ "POSIX accepts, PCRE2 rejects", "signatures.0.regex",
	  "\"failed to fetch oauth token**: unexpected status from (POST|GET) request to "
	  "(https?://([^/ ]+)[^ ]*): (401|403) (Unauthorized|Forbidden)\"", NULL,
	  "/signatures/0/regex", "does not compile as explain compiles it (PCRE2, captures named: "
	  "failed to fetch oauth token**: unexpected status from (POST|GET) request to "
	  "(?<url>https?://(?<registry>[^/ ]+)[^ ]*): (?<status>401|403) (Unauthorized|Forbidden)): "
	  "regex: quantifier does not follow a repeatable item" },
	{ "regex matches the empty string", "signatures.1.regex", "\"(denied|unauthorized)?\"", NULL,
	  "/signatures/1/regex", "matches an empty string" },
	{ "literal not required by the regex", "signatures.0.literal", "\"from POST request\"", NULL,
	  "/signatures/0/examples/1", "the regex matches it, so the literal is not required by the regex" },
	{ "literal only before the line reader", "signatures.1",
	  "{\"literal\": \"0.123 ERROR\", \"regex\": \"failed to fetch oauth token: denied\", "
	  "\"examples\": [\"#5 0.123 ERROR: failed to solve: failed to fetch oauth token: denied\"], "
	  "\"source\": \"a test signature\"}",
	  NULL, "/signatures/1/examples/0", "does not contain the literal \"0.123 ERROR\"" },
	{ "own named group renumbers", "signatures.1",
	  "{\"literal\": \"failed to fetch oauth token: \", \"regex\": "
	  "\"failed to fetch oauth token: (?<why>denied|unauthorized)(: |$)\", \"captures\": "
	  "{\"status\": 1}, \"examples\": [\"failed to fetch oauth token: denied: denied\"], "
	  "\"source\": \"a test signature\"}",
	  NULL, "/signatures/1/captures/status", "names group 1, but PCRE2 numbers that group 2" },
	{ "unknown placeholder", "workarounds.0.command", "\"docker build -t {imgae} .\"", NULL,
	  "/workarounds/0/command", "unknown placeholder {imgae}" },
	{ "bad success source", "workarounds.3.success_source", "\"vibes\"", NULL,
	  "/workarounds/3/success_source", "does not match" },
	{ "bad date", "stats.first_seen", "\"2024-13-01\"", NULL, "/stats/first_seen", "does not match" },
	{ "no workarounds", "workarounds", "[]", NULL, "/workarounds", "needs at least 1" },
	{ "http docs", "docs.0", "\"http://example.com\"", NULL, "/docs/0", "does not match" },
	{ "literal with a quote", "signatures.0.literal", "\"\\\"failed to\"", NULL,
	  "/signatures/0/literal", "does not match" },
	{ "also lists the entry itself", "signatures.0.also",
	  "[{\"entry\": \"" SEED "\", \"prior\": 0.1}]", NULL, "/signatures/0/also/0/entry",
	  "lists the entry itself" },
	{ "also lists an entry twice", "signatures.0.also",
	  "[{\"entry\": \"a/b\", \"prior\": 0.1}, {\"entry\": \"a/b\", \"prior\": 0.1}]", NULL,
	  "/signatures/0/also/1/entry", "listed twice" },
	{ "priors above 1", "signatures.0.also",
	  "[{\"entry\": \"a/b\", \"prior\": 0.6}, {\"entry\": \"a/c\", \"prior\": 0.6}]", NULL,
	  "/signatures/0/also", "add up to" },
	{ "prior above 1", "signatures.0.prior", "1.2", NULL, "/signatures/0/prior", "above maximum" },
	{ "also without a prior", "signatures.0.also", "[{\"entry\": \"a/b\"}]", NULL,
	  "/signatures/0/also/0/prior", "required field is missing" },
};

/* Sets (or deletes) the member at a dotted path. */
static int mutate(json_t *doc, const char *path, const char *value)
{
	char buf[256], *tok, *next, *save = NULL;
	json_t *cur = doc, *parent = NULL, *v;
	const char *last = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok; tok = next) {
		next = strtok_r(NULL, ".", &save);
		parent = cur;
		last = tok;
		if (!next)
			break;
		cur = json_is_array(cur) ? json_array_get(cur, (size_t)atoi(tok))
					 : json_object_get(cur, tok);
		if (!cur)
			return -1;
	}
	if (!value)
		return json_object_del(parent, last);
	v = json_loads(value, JSON_DECODE_ANY, NULL);
	if (json_is_array(parent))
		return json_array_set_new(parent, (size_t)atoi(last), v);
	return json_object_set_new(parent, last, v);
}

static void test_checks(const struct kb *kb)
{
	const struct kb_entry *seed = kb_find(kb, SEED);
	struct problems p;
	size_t i;
	char *text;

	if (!seed)
		return;
	text = json_dumps(kb_entry_json(kb, seed), 0);
	memset(&p, 0, sizeof(p));
	is_int(kb_check_text(SEED ".json", text, strlen(text), collect, &p), 0,
	       "the seed as text is valid");
	free(text);

	for (i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
		const struct mutation *m = &mutations[i];
		json_t *doc = json_deep_copy(kb_entry_json(kb, seed));
		const char *rel = m->rel ? m->rel : SEED ".json";

		if (m->path && mutate(doc, m->path, m->value) < 0) {
			ok(0, "%s: mutation applies", m->name);
			json_decref(doc);
			continue;
		}
		text = json_dumps(doc, 0);
		memset(&p, 0, sizeof(p));
		ok(kb_check_text(rel, text, strlen(text), collect, &p) >= 1, "%s: rejected", m->name);
		is_str(p.file, rel, "%s: names the file", m->name);
		ok(strstr(p.all, m->field) != NULL, "%s: names the field %s", m->name, m->field);
		if (!ok(strstr(p.all, m->problem_has) != NULL, "%s: says '%s'", m->name, m->problem_has))
			printf("#   got: %s", p.all);
		free(text);
		json_decref(doc);
	}

	memset(&p, 0, sizeof(p));
	ok(kb_check_text("cicd/x.json", "{\"id\": 1,", 10, collect, &p) == 1 &&
	   strncmp(p.field, "line 1", 6) == 0, "invalid JSON names the line: %s: %s", p.field, p.problem);
	memset(&p, 0, sizeof(p));
	text = "{\"id\": \"a/b\", \"id\": \"a/b\"}";
	ok(kb_check_text("a/b.json", text, strlen(text), collect, &p) == 1 &&
	   strstr(p.problem, "duplicate") != NULL, "duplicate keys rejected: %s", p.problem);
}

/* ---- kb_load_dir / kb_load ---- */

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fwrite(text, 1, len, f);
		fclose(f);
	}
}

/* The seed's document with signature 0's "also" set to also_json, every
 * "also" dropped when NULL (alone in a dir, the entries they name are
 * missing), and id when not NULL; written to dir/<id>.json. */
static void write_seed(const json_t *seed, const char *dir, const char *also_json,
		       const char *id)
{
	json_t *doc = json_deep_copy(seed), *sig;
	char path[512], *text;
	size_t i;

	json_array_foreach(json_object_get(doc, "signatures"), i, sig)
		json_object_del(sig, "also");
	if (also_json)
		json_object_set_new(json_array_get(json_object_get(doc, "signatures"), 0), "also",
				    json_loads(also_json, 0, NULL));
	if (id)
		json_object_set_new(doc, "id", json_string(id));
	text = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	snprintf(path, sizeof(path), "%s/%s.json", dir, id ? id : SEED);
	if (text)
		write_file(path, text, strlen(text));
	free(text);
}

static void test_dir(const struct kb *kb)
{
	char dir[] = "/tmp/fixkb-t-kb.XXXXXX", path[512];
	const struct kb_entry *seed = kb_find(kb, SEED);
	struct problems p;
	struct err e = ERR_INIT;
	struct kb *k2 = NULL;
	json_t *bad;
	char *text = NULL, *big;
	double t0;

	if (!seed || !mkdtemp(dir)) {
		ok(0, "temp dir");
		return;
	}
	snprintf(path, sizeof(path), "%s/cicd", dir);
	mkdir(path, 0700);
	write_seed(kb_entry_json(kb, seed), dir, NULL, NULL);
	snprintf(path, sizeof(path), "%s/schema.json", dir);
	write_file(path, "{}", 2);   /* a dir's schema.json is not an entry, nor used */

	memset(&p, 0, sizeof(p));
	ok(kb_load_dir(&k2, dir, collect, &p, &e) == 0 && kb_count(k2) == 1,
	   "a dir with the seed loads (%s)", e.msg);
	kb_free(k2);
	k2 = NULL;

	setenv("FIXKB_KB_DIR", dir, 1);
	err_clear(&e);
	ok(kb_load(&k2, &e) == 0, "kb_load honours FIXKB_KB_DIR (%s)", e.msg);
	ok(k2 && strncmp(kb_origin(k2), "FIXKB_KB_DIR ", 13) == 0 && strstr(kb_origin(k2), dir),
	   "origin names FIXKB_KB_DIR: %s", kb_origin(k2));
	kb_free(k2);
	k2 = NULL;

	/* "also" must name an entry of the kb, of another cause */
	write_seed(kb_entry_json(kb, seed), dir, "[{\"entry\": \"nope/nope\", \"prior\": 0.1}]", NULL);
	memset(&p, 0, sizeof(p));
	ok(kb_load_dir(&k2, dir, collect, &p, &e) < 0 && strstr(p.all, "/signatures/0/also/0/entry") &&
	   strstr(p.all, "no entry \"nope/nope\""), "also: an unknown entry is a problem (%s)", p.problem);
	kb_free(k2);
	k2 = NULL;
	write_seed(kb_entry_json(kb, seed), dir, "[{\"entry\": \"" SEED "2\", \"prior\": 0.1}]", NULL);
	write_seed(kb_entry_json(kb, seed), dir, NULL, SEED "2");
	memset(&p, 0, sizeof(p));
	ok(kb_load_dir(&k2, dir, collect, &p, &e) < 0 && strstr(p.all, "has the entry's own cause"),
	   "also: an entry of the same cause is a problem (%s)", p.problem);
	kb_free(k2);
	k2 = NULL;
	snprintf(path, sizeof(path), "%s/%s2.json", dir, SEED);
	unlink(path);
	write_seed(kb_entry_json(kb, seed), dir, NULL, NULL);

	/* a broken entry next to it */
	bad = json_deep_copy(kb_entry_json(kb, seed));
	json_object_set_new(bad, "cause", json_string("bogus"));
	free(text);
	text = json_dumps(bad, 0);
	json_decref(bad);
	snprintf(path, sizeof(path), "%s/cicd/broken.json", dir);
	write_file(path, text, strlen(text));
	memset(&p, 0, sizeof(p));
	err_clear(&e);
	ok(kb_load_dir(&k2, dir, collect, &p, &e) < 0, "a dir with a broken entry fails");
	ok(k2 && kb_count(k2) == 1, "the valid entries are still counted");
	if (!ok(strstr(p.all, "/cicd/broken.json: /id:") && strstr(p.all, "/cicd/broken.json: /cause:"),
		"both problems name the file and field"))
		printf("#   got: %s", p.all);
	ok(strstr(e.msg, "broken.json: ") != NULL, "e holds the first problem: %s", e.msg);
	kb_free(k2);
	k2 = NULL;
	err_clear(&e);
	ok(kb_load(&k2, &e) < 0 && k2 == NULL, "kb_load fails on an invalid FIXKB_KB_DIR");
	ok(strstr(e.msg, "FIXKB_KB_DIR") && strstr(e.msg, "broken.json"),
	   "and says where: %s", e.msg);
	unlink(path);

	/* over 1 MiB */
	big = malloc(KB_FILE_MAX + 2);
	memset(big, ' ', KB_FILE_MAX + 1);
	big[0] = '{';
	big[KB_FILE_MAX] = '}';
	snprintf(path, sizeof(path), "%s/cicd/huge.json", dir);
	write_file(path, big, KB_FILE_MAX + 1);
	free(big);
	memset(&p, 0, sizeof(p));
	ok(kb_load_dir(&k2, dir, collect, &p, &e) < 0 && strstr(p.all, "huge.json: /: ") &&
	   strstr(p.all, "too large (more than 1048576 bytes)"), "a file over 1 MiB is rejected");
	kb_free(k2);
	k2 = NULL;
	unlink(path);

	/* an entry outside a category directory */
	snprintf(path, sizeof(path), "%s/stray.json", dir);
	write_file(path, "{}", 2);
	memset(&p, 0, sizeof(p));
	ok(kb_load_dir(&k2, dir, collect, &p, &e) < 0 && strstr(p.all, "stray.json: /id: "),
	   "an entry outside a category is rejected");
	kb_free(k2);
	k2 = NULL;
	unlink(path);

	err_clear(&e);
	ok(kb_load_dir(&k2, "/nonexistent/fixkb", NULL, NULL, &e) < 0 && k2 == NULL &&
	   strstr(e.msg, "/nonexistent/fixkb"), "a missing dir: %s", e.msg);

	unsetenv("FIXKB_KB_DIR");
	t0 = clock_now_ms();
	for (int i = 0; i < 10; i++) {
		err_clear(&e);
		kb_load_embedded(&k2, &e);
		kb_free(k2);
		k2 = NULL;
	}
	t0 = (clock_now_ms() - t0) / 10;
	/* Reported, not asserted: speed targets live in bench/, not in tests. */
	printf("# the embedded kb (its compiled typed view) loads in %.2f ms\n", t0);
	ok(k2 == NULL, "ten embedded loads and frees");

	snprintf(path, sizeof(path), "%s/%s.json", dir, SEED);
	unlink(path);
	snprintf(path, sizeof(path), "%s/cicd", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/schema.json", dir);
	unlink(path);
	rmdir(dir);
	free(text);
}

/* ---- actions ---- */

static void test_actions(void)
{
	size_t i;

	for (i = 1; action_table[i].name; i++)
		ok(strcmp(action_table[i - 1].name, action_table[i].name) < 0,
		   "action table sorted: %s", action_table[i].name);
	ok(action_find("drop_missing_creds_store") != NULL, "action_find finds a row");
	ok(action_find("nope") == NULL && action_find(NULL) == NULL, "action_find: unknown is NULL");
	ok(probe_find("config_auth") && probe_find("cred_helper") && probe_find("docker_auth_config") &&
	   probe_find("keyring"), "the four offline probes exist");
}

/* ---- ranking ---- */

static int index_of(const struct ranking *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->items[i].w->id, id) == 0)
			return (int)i;
	return -1;
}

static void test_rank(const struct kb *kb)
{
	const struct kb_entry *seed = kb_find(kb, SEED);
	struct ranking r = RANKING_INIT;
	struct probe_result cfg = { PROBE_WARN, "no_credentials", "", NULL, 0 };
	struct probe_result dac = { PROBE_WARN, "docker_auth_config_malformed", "", NULL, 0 };
	struct rank_evidence ev[2] = { { "config_auth", &cfg }, { "docker_auth_config", &dac } };
	const char *facts[] = { "base_image_pull", "ci", "public_image" };
	struct err e = ERR_INIT;
	size_t i;
	int a, b, c;

	if (!seed)
		return;
	/* No evidence: the prior, success rate descending, ties in file order. */
	ok(rank_workarounds(&r, seed, NULL, 0, NULL, 0, LANG_EN, &e) == 0, "rank without evidence");
	for (i = 0; i < r.n; i++) {
		is_int(r.items[i].rank, (long long)i + 1, "rank %zu is 1-based", i);
		ok(r.items[i].verdict == RANK_NEUTRAL && r.items[i].applicable,
		   "%s neutral without evidence", r.items[i].w->id);
		if (i)
			ok(r.items[i - 1].w->success >= r.items[i].w->success,
			   "sorted by success at %zu", i);
	}
	/* The seed's three workarounds are history (wrong as written): kept
	 * in the entry, never offered; each has its correction. */
	ok(index_of(&r, "buildkit-secret") < 0 && index_of(&r, "docker-auth-config") < 0 &&
	   index_of(&r, "config-json-in-context") < 0, "the seed's workarounds are never ranked");
	ok(index_of(&r, "run-step-secret") >= 0 && index_of(&r, "docker-auth-config-raw-json") >= 0,
	   "their corrections are");
	is_int((long long)r.n, (long long)seed->n_workarounds - 3, "every other workaround is");
	is_str(r.items[0].w->id, "login-read-token", "best prior first (0.80)");
	ok(index_of(&r, "login-read-token") < index_of(&r, "github-actions-token"),
	   "ties (0.80) keep the file order");
	ranking_release(&r);

	/* no credentials + a base-image pull in CI */
	dac.evidence = json_pack("{s:s}", "form", "base64");
	ok(rank_workarounds(&r, seed, ev, 2, facts, 3, LANG_EN, &e) == 0, "rank with evidence");
	is_str(r.items[0].w->id, "login-read-token", "docker login is indicated and first");
	is_str(rank_verdict_name(r.items[0].verdict), "indicated", "verdict name");
	is_str(r.items[0].why, "no credentials are configured for this registry", "with its why");
	a = index_of(&r, "run-step-secret");
	b = index_of(&r, "docker-auth-config-raw-json");
	c = index_of(&r, "logout-public-image");
	ok(a >= 0 && !r.items[a].applicable && r.items[a].verdict == RANK_NOT_APPLICABLE,
	   "--secret not applicable for a base-image pull");
	ok(b >= 0 && r.items[b].verdict == RANK_INDICATED,
	   "a base64 DOCKER_AUTH_CONFIG indicates its raw-JSON rewrite");
	ok(c >= 0 && r.items[c].verdict == RANK_NOT_APPLICABLE,
	   "not_applicable (no credentials) wins over indicated (public image)");
	ok(index_of(&r, "logout-public-image") >= 0 &&
	   !r.items[index_of(&r, "logout-public-image")].applicable,
	   "nothing to log out without credentials");
	for (i = 1; i < r.n; i++) {
		ok(r.items[i - 1].verdict <= r.items[i].verdict, "groups ordered at %zu", i);
		if (r.items[i - 1].verdict == r.items[i].verdict)
			ok(r.items[i - 1].w->success >= r.items[i].w->success,
			   "success within the group at %zu", i);
	}
	is_str(r.items[r.n - 1].w->id, "run-step-secret",
	       "the lowest success rate of the not-applicable group is last");
	ranking_release(&r);

	ok(rank_workarounds(&r, seed, ev, 2, facts, 2, LANG_ZH, &e) == 0, "rank in zh");
	is_str(r.items[0].why, "该仓库没有配置任何凭据", "why in Chinese");
	{
		json_t *w = rank_workarounds_json(&r), *d = rank_dead_ends_json(seed, LANG_ZH);

		is_int(json_array_size(w), r.n, "workarounds JSON has every workaround");
		is_int(json_integer_value(json_object_get(json_array_get(w, 0), "rank")), 1,
		       "JSON rank 1 first");
		ok(json_is_false(json_object_get(json_array_get(w, (size_t)r.n - 1), "applicable")),
		   "JSON applicable flag");
		is_int(json_array_size(d), 3, "dead ends always listed");
		ok(json_real_value(json_object_get(json_array_get(d, 0), "fail")) == 0.70,
		   "dead end fail rate");
		json_decref(w);
		json_decref(d);
	}
	ranking_release(&r);

	/* status and evidence must match too */
	cfg.status = PROBE_OK;
	{
		struct kb_condition k = { .probe = "config_auth", .status = "warn",
					  .code = "no_credentials", .effect = KB_INDICATED,
					  .why = { "x", "x" } };

		ok(!rank_condition_holds(&k, ev, 2, NULL, 0), "status mismatch: no match");
		k.status = NULL;
		ok(rank_condition_holds(&k, ev, 2, NULL, 0), "no status: matches on code");
		k.probe = "docker_auth_config";
		k.code = NULL;
		k.evidence = json_pack("{s:s}", "form", "raw");
		ok(!rank_condition_holds(&k, ev, 2, NULL, 0), "evidence mismatch: no match");
		json_decref((json_t *)k.evidence);
		k.evidence = dac.evidence;
		ok(rank_condition_holds(&k, ev, 2, NULL, 0), "evidence match");
		k.probe = NULL;
		k.evidence = NULL;
		k.context = "github_actions";
		ok(!rank_condition_holds(&k, ev, 2, facts, 2), "absent fact: no match");
		k.context = "ci";
		ok(rank_condition_holds(&k, ev, 2, facts, 2), "present fact: match");
	}
	json_decref(dac.evidence);
}

int main(void)
{
	struct kb *kb = NULL;
	struct err e = ERR_INIT;

	if (!ok(kb_load_embedded(&kb, &e) == 0, "embedded kb loads (%s)", e.msg))
		return tap_done();
	test_embedded(kb);
	test_lang(kb);
	test_checks(kb);
	test_dir(kb);
	test_actions();
	test_rank(kb);
	kb_free(kb);
	return tap_done();
}
