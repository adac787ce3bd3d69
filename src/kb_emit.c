/* kb_emit.c — the typed view as C initialisers (see kb_emit.h). Every
 * array gets one zeroed element past its count, as kb_build.c allocates
 * them; names are e<entry>_<field>[_<index>...]. */
#include "kb_emit.h"

#include <string.h>

#include "kb_embedded.h"

#define NAME_MAX_LEN 64

/* A C string literal (or NULL): '"', '\\', '?' (no trigraphs) and every
 * byte outside printable ASCII escaped in three-digit octal; a new
 * literal after each newline so long texts stay readable. */
static void put_str(FILE *f, const char *s)
{
	const unsigned char *p;

	if (!s) {
		fputs("NULL", f);
		return;
	}
	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\' || *p == '?')
			fprintf(f, "\\%c", *p);
		else if (*p >= 0x20 && *p < 0x7f)
			fputc(*p, f);
		else
			fprintf(f, "\\%03o", *p);
		if (*p == '\n' && p[1])
			fputs("\"\n\t\"", f);
	}
	fputc('"', f);
}

/* text, then s as a C string literal: one field of an initialiser. */
static void put_field(FILE *f, const char *text, const char *s)
{
	fputs(text, f);
	put_str(f, s);
}

static void put_text(FILE *f, const struct kb_text *t)
{
	put_field(f, "{ ", t->en);
	put_field(f, ", ", t->zh);
	fputs(" }", f);
}

/* static const char *NAME[] = { ..., NULL }; */
static void put_strings(FILE *f, const char *name, const char *const *v, size_t n)
{
	size_t i;

	fprintf(f, "static const char *%s[] = {", name);
	for (i = 0; i < n; i++) {
		put_field(f, "\n\t", v[i]);
		fputc(',', f);
	}
	fputs("\n\tNULL,\n};\n", f);
}

static void put_versions(FILE *f, size_t i, const struct kb_entry *en)
{
	size_t j;

	fprintf(f, "static struct kb_version e%zu_versions[] = {\n", i);
	for (j = 0; j < en->n_versions; j++) {
		const struct kb_version *v = &en->versions[j];

		put_field(f, "\t{ .name = ", v->name);
		put_field(f, ", .status = ", v->status);
		put_field(f, ", .introduced = ", v->introduced);
		put_field(f, ", .deprecated = ", v->deprecated);
		put_field(f, ", .notes = ", v->notes);
		fputs(" },\n", f);
	}
	fputs("\t{ .name = NULL },\n};\n", f);
}

/* A signature's "also": ids and priors; entry stays NULL (kb_compact.c
 * resolves it in the kb that loads the view). */
static void put_also(FILE *f, size_t i, size_t j, const struct kb_signature *s)
{
	size_t k;

	fprintf(f, "static struct kb_also e%zu_s%zu_also[] = {\n", i, j);
	for (k = 0; k < s->n_also; k++) {
		put_field(f, "\t{ .id = ", s->also[k].id);
		fprintf(f, ", .entry = NULL, .prior = %.17g },\n", s->also[k].prior);
	}
	fputs("\t{ .id = NULL },\n};\n", f);
}

static void put_signatures(FILE *f, size_t i, const struct kb_entry *en)
{
	char name[NAME_MAX_LEN];
	size_t j;

	for (j = 0; j < en->n_signatures; j++) {
		snprintf(name, sizeof(name), "e%zu_s%zu_examples", i, j);
		put_strings(f, name, en->signatures[j].examples, en->signatures[j].n_examples);
		put_also(f, i, j, &en->signatures[j]);
	}
	fprintf(f, "static struct kb_signature e%zu_signatures[] = {\n", i);
	for (j = 0; j < en->n_signatures; j++) {
		const struct kb_signature *s = &en->signatures[j];

		put_field(f, "\t{ .literal = ", s->literal);
		put_field(f, ",\n\t  .regex = ", s->regex);
		fprintf(f, ",\n\t  .cap_registry = %d, .cap_status = %d, .cap_url = %d,\n"
			"\t  .examples = e%zu_s%zu_examples, .n_examples = %zu,\n\t  .source = ",
			s->cap_registry, s->cap_status, s->cap_url, i, j, s->n_examples);
		put_str(f, s->source);
		fprintf(f, ", .prior = %.17g, .also = e%zu_s%zu_also, .n_also = %zu },\n",
			s->prior, i, j, s->n_also);
	}
	fputs("\t{ .literal = NULL },\n};\n", f);
}

/* Conditions of workaround j; those with evidence become rows of ev
 * ({entry, workaround, condition} and the object, in order). */
static int put_conditions(FILE *f, size_t i, size_t j, const struct kb_workaround *w,
			  json_t *rows, json_t *objs)
{
	size_t k;

	fprintf(f, "static struct kb_condition e%zu_w%zu_conditions[] = {\n", i, j);
	for (k = 0; k < w->n_conditions; k++) {
		const struct kb_condition *c = &w->conditions[k];

		put_field(f, "\t{ .probe = ", c->probe);
		put_field(f, ", .status = ", c->status);
		put_field(f, ", .code = ", c->code);
		put_field(f, ", .evidence = NULL, .context = ", c->context);
		put_field(f, ",\n\t  .env = ", c->env);
		fprintf(f, ", .env_set = %d, .program = ", c->env_set);
		put_str(f, c->program);
		fprintf(f, ", .on_path = %d,\n\t  .effect = %s,\n\t  .why = ", c->on_path,
			c->effect == KB_NOT_APPLICABLE ? "KB_NOT_APPLICABLE" : "KB_INDICATED");
		put_text(f, &c->why);
		fputs(" },\n", f);
		if (c->evidence &&
		    (json_array_append_new(rows, json_pack("[I, I, I]", (json_int_t)i,
							  (json_int_t)j, (json_int_t)k)) < 0 ||
		     json_array_append(objs, (json_t *)c->evidence) < 0))
			return -1;
	}
	fputs("\t{ .probe = NULL },\n};\n", f);
	return 0;
}

static void put_workaround(FILE *f, size_t i, size_t j, const struct kb_workaround *w)
{
	put_field(f, "\t{ .id = ", w->id);
	put_field(f, ", .provenance = ", w->provenance);
	fprintf(f, ",\n\t  .success = %.17g, .success_source = ", w->success);
	put_str(f, w->success_source);
	fputs(",\n\t  .title = ", f);
	put_text(f, &w->title);
	fprintf(f, ",\n\t  .steps = { e%zu_w%zu_steps_en, %zu, e%zu_w%zu_steps_zh, %zu },\n"
		"\t  .command = ", i, j, w->steps.n_en, i, j, w->steps.n_zh);
	put_str(f, w->command);
	if (w->requires.en)
		fprintf(f, ",\n\t  .requires = { e%zu_w%zu_requires_en, %zu, e%zu_w%zu_requires_zh, %zu }",
			i, j, w->requires.n_en, i, j, w->requires.n_zh);
	else
		fputs(",\n\t  .requires = { NULL, 0, NULL, 0 }", f);
	put_field(f, ",\n\t  .history = ", w->history);
	put_field(f, ", .superseded_by = ", w->superseded_by);
	put_field(f, ", .action = ", w->action);
	fputs(",\n\t  .notes = ", f);
	put_text(f, &w->notes);
	fprintf(f, ",\n\t  .conditions = e%zu_w%zu_conditions, .n_conditions = %zu },\n",
		i, j, w->n_conditions);
}

static int put_workarounds(FILE *f, size_t i, const struct kb_entry *en, json_t *rows,
			   json_t *objs)
{
	char name[NAME_MAX_LEN];
	size_t j;

	for (j = 0; j < en->n_workarounds; j++) {
		const struct kb_workaround *w = &en->workarounds[j];

		snprintf(name, sizeof(name), "e%zu_w%zu_steps_en", i, j);
		put_strings(f, name, w->steps.en, w->steps.n_en);
		snprintf(name, sizeof(name), "e%zu_w%zu_steps_zh", i, j);
		put_strings(f, name, w->steps.zh, w->steps.n_zh);
		if (w->requires.en) {   /* absent "requires": NULL, as kb_build.c leaves it */
			snprintf(name, sizeof(name), "e%zu_w%zu_requires_en", i, j);
			put_strings(f, name, w->requires.en, w->requires.n_en);
			snprintf(name, sizeof(name), "e%zu_w%zu_requires_zh", i, j);
			put_strings(f, name, w->requires.zh, w->requires.n_zh);
		}
		if (put_conditions(f, i, j, w, rows, objs) < 0)
			return -1;
	}
	fprintf(f, "static struct kb_workaround e%zu_workarounds[] = {\n", i);
	for (j = 0; j < en->n_workarounds; j++)
		put_workaround(f, i, j, &en->workarounds[j]);
	fputs("\t{ .id = NULL },\n};\n", f);
	return 0;
}

static void put_dead_ends(FILE *f, size_t i, const struct kb_entry *en)
{
	size_t j;

	fprintf(f, "static struct kb_dead_end e%zu_dead_ends[] = {\n", i);
	for (j = 0; j < en->n_dead_ends; j++) {
		const struct kb_dead_end *d = &en->dead_ends[j];

		fputs("\t{ .what = ", f);
		put_text(f, &d->what);
		fprintf(f, ",\n\t  .fail = %.17g, .why = ", d->fail);
		put_text(f, &d->why);
		put_field(f, ",\n\t  .provenance = ", d->provenance);
		fputs(", .notes = ", f);
		put_text(f, &d->notes);
		fputs(" },\n", f);
	}
	fputs("\t{ .fail = 0 },\n};\n", f);
}

/* Every array entry i points to. */
static int put_arrays(FILE *f, size_t i, const struct kb_entry *en, json_t *rows, json_t *objs)
{
	char name[NAME_MAX_LEN];

	fprintf(f, "\n/* %s */\n", en->id);
	snprintf(name, sizeof(name), "e%zu_tags", i);
	put_strings(f, name, en->tags, en->n_tags);
	snprintf(name, sizeof(name), "e%zu_docs", i);
	put_strings(f, name, en->docs, en->n_docs);
	snprintf(name, sizeof(name), "e%zu_probes", i);
	put_strings(f, name, en->probes, en->n_probes);
	put_versions(f, i, en);
	put_signatures(f, i, en);
	put_dead_ends(f, i, en);
	return put_workarounds(f, i, en, rows, objs);
}

static void put_entry(FILE *f, size_t i, const struct kb_entry *en)
{
	put_field(f, "\t{ .id = ", en->id);
	put_field(f, ", .path = ", en->path);
	put_field(f, ", .code = ", en->code);
	fputs(",\n\t  .title = ", f);
	put_text(f, &en->title);
	put_field(f, ",\n\t  .cause = ", en->cause);
	put_field(f, ", .provenance = ", en->provenance);
	put_field(f, ", .status = ", en->status);
	fprintf(f, ",\n\t  .fix_rate = %.17g, .confidence = %.17g, .evidence = %lldLL,"
		" .first_seen = ", en->fix_rate, en->confidence, en->evidence);
	put_str(f, en->first_seen);
	fputs(",\n\t  .root_cause = ", f);
	put_text(f, &en->root_cause);
	fputs(",\n\t  .review = ", f);
	put_text(f, &en->review);
	fprintf(f, ",\n\t  .tags = e%zu_tags, .n_tags = %zu, .docs = e%zu_docs, .n_docs = %zu,"
		" .probes = e%zu_probes, .n_probes = %zu,\n", i, en->n_tags, i, en->n_docs,
		i, en->n_probes);
	fprintf(f, "\t  .versions = e%zu_versions, .n_versions = %zu,"
		" .signatures = e%zu_signatures, .n_signatures = %zu,\n", i, en->n_versions,
		i, en->n_signatures);
	fprintf(f, "\t  .workarounds = e%zu_workarounds, .n_workarounds = %zu,"
		" .dead_ends = e%zu_dead_ends, .n_dead_ends = %zu },\n", i, en->n_workarounds,
		i, en->n_dead_ends);
}

/* The row of kb_embedded_files entry en was loaded from. */
static int file_index(const struct kb_entry *en, size_t *out, struct err *e)
{
	const char *prefix = "embedded:";
	size_t k;

	if (!en->path || strncmp(en->path, prefix, strlen(prefix)) != 0)
		return err_set(e, "%s: not loaded from the embedded texts", en->id);
	for (k = 0; k < kb_embedded_count; k++) {
		if (strcmp(kb_embedded_files[k].path, en->path + strlen(prefix)) == 0) {
			*out = k;
			return 0;
		}
	}
	return err_set(e, "%s: no embedded file %s", en->id, en->path);
}

static int put_tables(FILE *f, const struct kb *kb, json_t *rows, json_t *objs, struct err *e)
{
	size_t i, k = 0, n = kb_count(kb);
	char *text, digest[65];

	fputs("\nconst struct kb_entry kb_compact_entries[] = {\n", f);
	for (i = 0; i < n; i++)
		put_entry(f, i, kb_entry_at(kb, i));
	fprintf(f, "\t{ .id = NULL },\n};\nconst size_t kb_compact_count = %zu;\n\n"
		"const size_t kb_compact_file[] = {", n);
	for (i = 0; i < n; i++) {
		if (file_index(kb_entry_at(kb, i), &k, e) < 0)
			return -1;
		fprintf(f, "%s%zu,", i % 16 ? " " : "\n\t", k);
	}
	fputs("\n\t0,\n};\n\nconst struct kb_compact_evidence kb_compact_evidence[] = {\n", f);
	for (i = 0; i < json_array_size(rows); i++) {
		const json_t *r = json_array_get(rows, i);

		fprintf(f, "\t{ %lld, %lld, %lld },\n",
			(long long)json_integer_value(json_array_get(r, 0)),
			(long long)json_integer_value(json_array_get(r, 1)),
			(long long)json_integer_value(json_array_get(r, 2)));
	}
	if (kb_digest(kb, digest) < 0)
		return err_set(e, "out of memory");
	fprintf(f, "\t{ 0, 0, 0 },\n};\nconst char kb_compact_digest[] = \"%s\";\n", digest);
	text = json_dumps(objs, JSON_COMPACT);
	if (!text)
		return err_set(e, "out of memory");
	fprintf(f, "const size_t kb_compact_evidence_count = %zu;\n"
		"const char kb_compact_evidence_json[] = ", json_array_size(rows));
	put_str(f, text);
	fputs(";\n", f);
	free(text);
	return 0;
}

int kb_emit_c(FILE *f, const struct kb *kb, struct err *e)
{
	json_t *rows = json_array(), *objs = json_array();
	size_t i;
	int rc = -1;

	if (!rows || !objs) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	fputs("/* Generated by kbgen (src/kbgen.c, src/kb_emit.c) from the embedded kb/ at\n"
	      " * build time, after kb lint's checks passed on it: do not edit. */\n"
	      "#include \"kb_compact.h\"\n", f);
	for (i = 0; i < kb_count(kb); i++) {
		if (put_arrays(f, i, kb_entry_at(kb, i), rows, objs) < 0) {
			err_set(e, "out of memory");
			goto cleanup;
		}
	}
	if (put_tables(f, kb, rows, objs, e) < 0)
		goto cleanup;
	if (ferror(f)) {
		err_set(e, "write error");
		goto cleanup;
	}
	rc = 0;
cleanup:
	json_decref(rows);
	json_decref(objs);
	return rc;
}
