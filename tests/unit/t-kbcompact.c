/* t-kbcompact.c — the embedded KB's compiled typed view (kbgen,
 * kb_compact.c) against the one built from the same embedded JSON texts
 * at run time (kb_load_embedded_lint: parse, schema, checks, kb_build):
 * every field of every struct equal, NULLs where NULLs, evidence objects
 * equal, each entry's lazily parsed document equal to the parsed text. */
#include "kb.h"
#include "kb_embedded.h"
#include "tap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A field added to kb.h's structs must be written by src/kb_emit.c and
 * compared below; these sizes (LP64) make the build say so. */
_Static_assert(sizeof(void *) != 8 || sizeof(struct kb_entry) == 240,
	       "struct kb_entry changed: update src/kb_emit.c and this test");
_Static_assert(sizeof(void *) != 8 || sizeof(struct kb_workaround) == 176,
	       "struct kb_workaround changed: update src/kb_emit.c and this test");
_Static_assert(sizeof(void *) != 8 || sizeof(struct kb_condition) == 88,
	       "struct kb_condition changed: update src/kb_emit.c and this test");
_Static_assert(sizeof(void *) != 8 || sizeof(struct kb_signature) == 80,
	       "struct kb_signature changed: update src/kb_emit.c and this test");
_Static_assert(sizeof(void *) != 8 || sizeof(struct kb_dead_end) == 64,
	       "struct kb_dead_end changed: update src/kb_emit.c and this test");
_Static_assert(sizeof(void *) != 8 || sizeof(struct kb_version) == 40,
	       "struct kb_version changed: update src/kb_emit.c and this test");
_Static_assert(sizeof(void *) != 8 || sizeof(struct kb_also) == 24,
	       "struct kb_also changed: update src/kb_emit.c and this test");

static char where[256];   /* the first difference found */

static int diff(const char *id, const char *field)
{
	if (!where[0])
		snprintf(where, sizeof(where), "%s: %s", id, field);
	return 1;
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int same_text(const struct kb_text *a, const struct kb_text *b)
{
	return same_str(a->en, b->en) && same_str(a->zh, b->zh);
}

static int same_strings(const char **a, size_t na, const char **b, size_t nb)
{
	size_t i;

	if (!a && !b && na == 0 && nb == 0)
		return 1;   /* an absent list (a workaround's "requires") */
	if (na != nb || !a || !b)
		return 0;
	for (i = 0; i < na; i++)
		if (!same_str(a[i], b[i]))
			return 0;
	return 1;
}

static int same_condition(const struct kb_condition *a, const struct kb_condition *b)
{
	return same_str(a->probe, b->probe) && same_str(a->status, b->status) &&
	       same_str(a->code, b->code) && same_str(a->context, b->context) &&
	       same_str(a->env, b->env) && a->env_set == b->env_set &&
	       same_str(a->program, b->program) && a->on_path == b->on_path &&
	       a->effect == b->effect && same_text(&a->why, &b->why) &&
	       (a->evidence == b->evidence ||
		(a->evidence && b->evidence && json_equal(a->evidence, b->evidence)));
}

static int same_workaround(const struct kb_workaround *a, const struct kb_workaround *b)
{
	size_t k;

	if (!same_str(a->id, b->id) || !same_str(a->provenance, b->provenance) ||
	    a->success != b->success || !same_str(a->success_source, b->success_source) ||
	    !same_text(&a->title, &b->title) || !same_str(a->command, b->command) ||
	    !same_str(a->action, b->action) || !same_text(&a->notes, &b->notes) ||
	    !same_strings(a->steps.en, a->steps.n_en, b->steps.en, b->steps.n_en) ||
	    !same_strings(a->steps.zh, a->steps.n_zh, b->steps.zh, b->steps.n_zh) ||
	    !same_strings(a->requires.en, a->requires.n_en, b->requires.en, b->requires.n_en) ||
	    !same_strings(a->requires.zh, a->requires.n_zh, b->requires.zh, b->requires.n_zh) ||
	    !same_str(a->history, b->history) || !same_str(a->superseded_by, b->superseded_by) ||
	    a->n_conditions != b->n_conditions)
		return 0;
	for (k = 0; k < a->n_conditions; k++)
		if (!same_condition(&a->conditions[k], &b->conditions[k]))
			return 0;
	return 1;
}

/* "also" entries are compared by id: each kb links its own. */
static int same_also(const struct kb_signature *a, const struct kb_signature *b)
{
	size_t k;

	if (a->n_also != b->n_also || !a->also || !b->also)
		return 0;
	for (k = 0; k < a->n_also; k++)
		if (!same_str(a->also[k].id, b->also[k].id) || a->also[k].prior != b->also[k].prior ||
		    !a->also[k].entry || !b->also[k].entry ||
		    !same_str(a->also[k].entry->id, b->also[k].entry->id))
			return 0;
	return 1;
}

static int same_signature(const struct kb_signature *a, const struct kb_signature *b)
{
	return same_str(a->literal, b->literal) && same_str(a->regex, b->regex) &&
	       a->cap_registry == b->cap_registry && a->cap_status == b->cap_status &&
	       a->cap_url == b->cap_url &&
	       same_strings(a->examples, a->n_examples, b->examples, b->n_examples) &&
	       same_str(a->source, b->source) && a->prior == b->prior && same_also(a, b);
}

static int same_version(const struct kb_version *a, const struct kb_version *b)
{
	return same_str(a->name, b->name) && same_str(a->status, b->status) &&
	       same_str(a->introduced, b->introduced) && same_str(a->deprecated, b->deprecated) &&
	       same_str(a->notes, b->notes);
}

static int same_dead_end(const struct kb_dead_end *a, const struct kb_dead_end *b)
{
	return same_text(&a->what, &b->what) && a->fail == b->fail &&
	       same_text(&a->why, &b->why) && same_str(a->provenance, b->provenance) &&
	       same_text(&a->notes, &b->notes);
}

static int same_scalars(const struct kb_entry *a, const struct kb_entry *b)
{
	return same_str(a->id, b->id) && same_str(a->path, b->path) &&
	       same_str(a->code, b->code) && same_text(&a->title, &b->title) &&
	       same_str(a->cause, b->cause) && same_str(a->provenance, b->provenance) &&
	       same_str(a->status, b->status) && a->fix_rate == b->fix_rate &&
	       a->confidence == b->confidence && a->evidence == b->evidence &&
	       same_str(a->first_seen, b->first_seen) &&
	       same_text(&a->root_cause, &b->root_cause) && same_text(&a->review, &b->review);
}

/* 1 when equal; else the first difference goes to where. */
static int same_entry(const struct kb_entry *a, const struct kb_entry *b)
{
	size_t i;

	if (!same_scalars(a, b))
		return !diff(b->id, "a scalar or text field");
	if (!same_strings(a->tags, a->n_tags, b->tags, b->n_tags) ||
	    !same_strings(a->docs, a->n_docs, b->docs, b->n_docs) ||
	    !same_strings(a->probes, a->n_probes, b->probes, b->n_probes))
		return !diff(b->id, "tags, docs or probes");
	if (a->n_versions != b->n_versions || a->n_signatures != b->n_signatures ||
	    a->n_workarounds != b->n_workarounds || a->n_dead_ends != b->n_dead_ends)
		return !diff(b->id, "an array's length");
	for (i = 0; i < a->n_versions; i++)
		if (!same_version(&a->versions[i], &b->versions[i]))
			return !diff(b->id, "versions");
	for (i = 0; i < a->n_signatures; i++)
		if (!same_signature(&a->signatures[i], &b->signatures[i]))
			return !diff(b->id, "signatures");
	for (i = 0; i < a->n_workarounds; i++)
		if (!same_workaround(&a->workarounds[i], &b->workarounds[i]))
			return !diff(b->id, "workarounds");
	for (i = 0; i < a->n_dead_ends; i++)
		if (!same_dead_end(&a->dead_ends[i], &b->dead_ends[i]))
			return !diff(b->id, "dead_ends");
	return 1;
}

static void test_same(const struct kb *compact, const struct kb *built)
{
	size_t i, n = kb_count(built), equal = 0, docs = 0, evidence = 0;
	char origin[64], dig_a[65] = "", dig_b[65] = "";

	ok(n > 0 && kb_count(compact) == n, "as many entries (%zu, %zu)", kb_count(compact), n);
	for (i = 0; i < n && i < kb_count(compact); i++) {
		const struct kb_entry *a = kb_entry_at(compact, i), *b = kb_entry_at(built, i);
		const json_t *da = kb_entry_json(compact, a), *db = kb_entry_json(built, b);
		size_t w, k;

		equal += same_entry(a, b);
		docs += da && db && da != db && json_equal(da, db);
		for (w = 0; w < a->n_workarounds; w++)
			for (k = 0; k < a->workarounds[w].n_conditions; k++)
				evidence += a->workarounds[w].conditions[k].evidence != NULL;
	}
	is_int(equal, n, "every entry's typed view equals the one built from its JSON%s%s",
	       where[0] ? "; first difference: " : "", where);
	is_int(docs, n, "every entry's document parses on demand and equals the built one");
	ok(evidence > 0, "condition evidence is attached (%zu objects)", evidence);
	ok(kb_entry_json(compact, kb_entry_at(built, 0)) == NULL,
	   "kb_entry_json refuses another kb's entry");
	ok(kb_entry_json(compact, kb_entry_at(compact, 0)) ==
	   kb_entry_json(compact, kb_entry_at(compact, 0)), "a document is parsed once");
	snprintf(origin, sizeof(origin), "embedded, %zu entries", n);
	is_str(kb_origin(compact), origin, "origin");
	ok(kb_digest(compact, dig_a) == 0 && kb_digest(built, dig_b) == 0 && strlen(dig_a) == 64,
	   "digest: %s", dig_a);
	is_str(dig_a, dig_b, "the build's digest is the one computed from the documents");
}

/* ---- a directory holding the embedded texts (an installed KB) ---- */

static char dir[] = "/tmp/fixkb-kbcompact-XXXXXX";

static void put(const char *rel, const char *data, size_t len)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0700);
	*slash = '/';
	f = fopen(path, "w");
	if (f) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
}

static const struct kb_embedded_file *seed_file(void)
{
	size_t i;

	for (i = 0; i < kb_embedded_count; i++)
		if (strcmp(kb_embedded_files[i].path, "registry/token-expired.json") == 0)
			return &kb_embedded_files[i];
	return &kb_embedded_files[0];
}

/* An entry file no signature's "also" names: removing it leaves a valid KB. */
static const struct kb_embedded_file *unreferenced_file(const struct kb *built)
{
	char rel[300];
	size_t i, j, k, n;

	for (n = 0; n < kb_count(built); n++) {
		const char *id = kb_entry_at(built, n)->id;
		int named = 0;

		for (i = 0; i < kb_count(built); i++) {
			const struct kb_entry *en = kb_entry_at(built, i);

			for (j = 0; j < en->n_signatures; j++)
				for (k = 0; k < en->signatures[j].n_also; k++)
					named |= strcmp(en->signatures[j].also[k].id, id) == 0;
		}
		if (named)
			continue;
		snprintf(rel, sizeof(rel), "%s.json", id);
		for (i = 0; i < kb_embedded_count; i++)
			if (strcmp(kb_embedded_files[i].path, rel) == 0)
				return &kb_embedded_files[i];
	}
	return NULL;
}

/* Loads dir through kb_load (FIXKB_KB_DIR); the count, or -1. */
static long load_count(struct kb **kb, struct err *e)
{
	err_clear(e);
	setenv("FIXKB_KB_DIR", dir, 1);
	if (kb_load(kb, e) < 0)
		return -1;
	return (long)kb_count(*kb);
}

static void test_dir(const struct kb *built)
{
	const struct kb_embedded_file *f = seed_file();
	struct kb *kb = NULL;
	struct err e = ERR_INIT;
	char path[512], want[600], *edited;
	size_t i, same = 0;

	if (!ok(mkdtemp(dir) != NULL, "temp dir"))
		return;
	for (i = 0; i < kb_embedded_count; i++)
		put(kb_embedded_files[i].path, kb_embedded_files[i].data, kb_embedded_files[i].len);
	put("schema.json", "{}", 2);            /* documentation only: ignored */
	put("build/README.txt", "notes", 5);    /* not an entry: ignored */
	ok(kb_dir_is_embedded(dir), "a copy of the embedded texts is recognised");
	is_int(load_count(&kb, &e), (long)kb_count(built), "and loads (%s)", e.msg);
	for (i = 0; kb && i < kb_count(kb) && i < kb_count(built); i++) {
		const struct kb_entry *a = kb_entry_at(kb, i), *b = kb_entry_at(built, i);

		snprintf(want, sizeof(want), "%s/%s.json", dir, b->id);
		same += strcmp(a->path, want) == 0 && strcmp(a->id, b->id) == 0 &&
			json_equal(kb_entry_json(kb, a), kb_entry_json(built, b));
	}
	is_int(same, kb_count(built), "each entry with the directory's path and the same document");
	snprintf(want, sizeof(want), "FIXKB_KB_DIR %s", dir);
	is_str(kb_origin(kb), want, "origin names the directory");
	kb_free(kb);
	kb = NULL;

	/* an edit that stays valid is read, not the embedded text */
	edited = malloc(f->len + 1);
	memcpy(edited, f->data, f->len);
	edited[f->len] = '\0';
	memcpy(strstr(edited, "\"en\": \"") + 7, "Edited", 6);
	put(f->path, edited, f->len);
	ok(!kb_dir_is_embedded(dir), "one edited byte: not the embedded KB");
	is_int(load_count(&kb, &e), (long)kb_count(built), "the edited directory loads (%s)", e.msg);
	ok(kb && strncmp(kb_find(kb, "registry/token-expired")->title.en, "Edited", 6) == 0,
	   "with the edit: %s", kb ? kb_find(kb, "registry/token-expired")->title.en : "");
	kb_free(kb);
	kb = NULL;

	/* an edit that is still JSON but names no cause is checked and refused */
	memcpy(strstr(edited, "\"cause\": \"") + 10, "bogus_", 6);
	put(f->path, edited, f->len);
	ok(load_count(&kb, &e) < 0 && strstr(e.msg, "registry/token-expired.json"),
	   "an invalid edit fails the load: %s", e.msg);
	kb_free(kb);
	kb = NULL;
	put(f->path, f->data, f->len);
	free(edited);

	/* a nested directory is reported, as kb_load_dir reports it */
	snprintf(path, sizeof(path), "%s/build/nested", dir);
	mkdir(path, 0700);
	ok(!kb_dir_is_embedded(dir) && load_count(&kb, &e) < 0 && strstr(e.msg, "nested"),
	   "a nested directory: validated and refused: %s", e.msg);
	kb_free(kb);
	kb = NULL;
	rmdir(path);

	/* a missing entry (one no "also" names): the rest loads */
	f = unreferenced_file(built);
	if (!ok(f != NULL, "an entry no other names"))
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, f->path);
	unlink(path);
	ok(!kb_dir_is_embedded(dir), "one entry missing: not the embedded KB");
	is_int(load_count(&kb, &e), (long)kb_count(built) - 1, "the others load (%s)", e.msg);
	kb_free(kb);
	unsetenv("FIXKB_KB_DIR");
	for (i = 0; i < kb_embedded_count; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, kb_embedded_files[i].path);
		unlink(path);
		*strrchr(path, '/') = '\0';
		rmdir(path);
	}
	snprintf(path, sizeof(path), "%s/schema.json", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/build/README.txt", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/build", dir);
	rmdir(path);
	ok(rmdir(dir) == 0, "temp dir removed");
}

int main(void)
{
	struct kb *compact = NULL, *built = NULL;
	struct err e = ERR_INIT;

	if (!ok(kb_load_embedded(&compact, &e) == 0, "compact embedded kb loads (%s)", e.msg))
		return tap_done();
	if (ok(kb_load_embedded_lint(&built, NULL, NULL, &e) == 0,
	       "the embedded texts load with lint's checks (%s)", e.msg)) {
		test_same(compact, built);
		test_dir(built);
	}
	kb_free(compact);
	kb_free(built);
	return tap_done();
}
