/* t-lib-kb.h — small knowledge bases for the pipeline tests, made from the
 * real one: an entry of the embedded KB is copied, given the workarounds
 * (or cause, probes, id) a test needs, written as <dir>/<id>.json and
 * loaded with kb_load_dir, so the fixture passes the same schema and
 * semantic checks as kb/ itself (kb lint). */
#ifndef FIXKB_TESTS_T_LIB_KB_H
#define FIXKB_TESTS_T_LIB_KB_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kb.h"
#include "tap.h"

/* A bilingual text: en as given, zh marked so a test can tell them apart. */
__attribute__((unused))
static json_t *kbt_text(const char *en)
{
	return json_pack("{s:s, s:s+}", "en", en, "zh", "中文:", en);
}

/* A probe condition; status, code, evidence (stolen) may be NULL. */
__attribute__((unused))
static json_t *kbt_probe_cond(const char *effect, const char *probe, const char *status,
			      const char *code, json_t *evidence, const char *why)
{
	json_t *when = json_pack("{s:s}", "probe", probe);

	if (status)
		json_object_set_new(when, "status", json_string(status));
	if (code)
		json_object_set_new(when, "code", json_string(code));
	if (evidence)
		json_object_set_new(when, "evidence", evidence);
	return json_pack("{s:o, s:s, s:o}", "when", when, "effect", effect, "why", kbt_text(why));
}

__attribute__((unused))
static json_t *kbt_context_cond(const char *effect, const char *fact, const char *why)
{
	return json_pack("{s:{s:s}, s:s, s:o}", "when", "context", fact, "effect", effect,
			 "why", kbt_text(why));
}

/* A workaround; conditions (stolen) may be NULL; command may be NULL. */
__attribute__((unused))
static json_t *kbt_workaround(const char *id, double success, const char *command,
			      json_t *conditions)
{
	char title[128], step[160];
	json_t *w;

	snprintf(title, sizeof(title), "Title of %s", id);
	snprintf(step, sizeof(step), "Step of %s", id);
	w = json_pack("{s:s, s:s, s:f, s:s, s:o, s:{s:[s], s:[s+]}}", "id", id,
		      "provenance", "fixkb", "success", success, "success_source", "estimate",
		      "title", kbt_text(title), "steps", "en", step, "zh", "中文:", step);
	if (command)
		json_object_set_new(w, "command", json_string(command));
	if (conditions)
		json_object_set_new(w, "conditions", conditions);
	return w;
}

/* A copy of the real entry `from` (embedded KB) renamed to id, with
 * cause, probes (a NULL-terminated list) and workarounds replaced when
 * given (workarounds stolen). New reference. */
__attribute__((unused))
static json_t *kbt_entry(const struct kb *real, const char *from, const char *id,
			 const char *cause, const char *const *probes, json_t *workarounds)
{
	const struct kb_entry *en = kb_find(real, from);
	json_t *j;

	if (!en) {
		printf("Bail out! the embedded KB has no entry %s\n", from);
		exit(1);
	}
	j = json_deep_copy(kb_entry_json(real, en));
	json_object_set_new(j, "id", json_string(id));
	if (cause)
		json_object_set_new(j, "cause", json_string(cause));
	if (probes) {
		json_t *a = json_array();

		for (; *probes; probes++)
			json_array_append_new(a, json_string(*probes));
		json_object_set_new(j, "probes", a);
	}
	if (workarounds)
		json_object_set_new(j, "workarounds", workarounds);
	return j;
}

static void kbt_problem(void *ctx, const char *file, const char *field, const char *problem)
{
	(void)ctx;
	printf("#   kb fixture: %s %s: %s\n", file, field, problem);
}

/* Writes each entry (a NULL-terminated array, references stolen) to
 * dir/<id>.json and loads dir. Bails out when the fixture is invalid. */
__attribute__((unused))
static struct kb *kbt_load(const char *dir, json_t **entries)
{
	struct err e = ERR_INIT;
	struct kb *kb = NULL;
	char path[1024], cat[1024];

	mkdir(dir, 0700);
	for (; *entries; entries++) {
		const char *id = json_string_value(json_object_get(*entries, "id"));

		snprintf(cat, sizeof(cat), "%s/%.*s", dir, (int)(strchr(id, '/') - id), id);
		mkdir(cat, 0700);
		snprintf(path, sizeof(path), "%s/%s.json", dir, id);
		if (json_dump_file(*entries, path, JSON_INDENT(1)) < 0) {
			printf("Bail out! cannot write %s\n", path);
			exit(1);
		}
		json_decref(*entries);
	}
	if (kb_load_dir(&kb, dir, kbt_problem, NULL, &e) < 0) {
		printf("Bail out! the KB fixture in %s is invalid: %s\n", dir, e.msg);
		exit(1);
	}
	return kb;
}

/* The embedded KB (the real kb/ compiled in). */
__attribute__((unused))
static struct kb *kbt_real(void)
{
	struct err e = ERR_INIT;
	struct kb *kb = NULL;

	if (kb_load_embedded(&kb, &e) < 0) {
		printf("Bail out! the embedded KB does not load: %s\n", e.msg);
		exit(1);
	}
	return kb;
}

#endif
