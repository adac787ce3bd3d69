#include "kb.h"

#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "actions.h"
#include "cause.h"
#include "checks/checks.h"
#include "config.h"
#include "util/fileio.h"
#include "util/jsonschema.h"
#include "kb_embedded.h"

#define KB_ORIGIN_MAX 1200
#define KB_PATH_MAX 1024
#define KB_FIELD_MAX 512
#define KB_PROBLEM_MAX 768

const struct kb_fact kb_context_facts[] = {
	{ "base_image_pull", "the failing request is a base-image pull (FROM, --image), not a step inside RUN" },
	{ "ci", "the build runs in a CI job" },
	{ "github_actions", "the build runs in GitHub Actions" },
	{ "gitlab_ci", "the build runs in GitLab CI" },
	{ "headless", "no graphical session: $DISPLAY and $WAYLAND_DISPLAY are unset" },
	{ "public_image", "the image is public and pulls anonymously" },
	{ NULL, NULL },
};

static const char *const placeholders[] = {
	"{registry}", "{helper}", "{image}", "{config}", NULL,
};

/* Every allocation of a kb is a block on this list, freed by kb_free. */
struct kb_block {
	struct kb_block *next;
	max_align_t data[];
};

struct kb {
	struct kb_block *blocks;
	json_t **docs;                 /* owned references, one per entry */
	struct kb_entry *entries;
	size_t n, cap;
	char origin[KB_ORIGIN_MAX];
};

/* Problem reporting for one file. */
struct kb_report {
	kb_problem_fn fn;
	void *ctx;
	const char *file;
	size_t count;
	struct err *first;   /* may be NULL */
};

__attribute__((format(printf, 3, 4)))
static void problem(struct kb_report *r, const char *field, const char *fmt, ...)
{
	char msg[KB_PROBLEM_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->count++;
	if (r->first)
		err_set(r->first, "%s: %s: %s", r->file, field, msg);
	if (r->fn)
		r->fn(r->ctx, r->file, field, msg);
}

static void schema_problem(void *ctx, const char *pointer, const char *message)
{
	problem(ctx, pointer[0] ? pointer : "/", "%s", message);
}

int kb_context_fact_known(const char *fact)
{
	size_t i;

	if (!fact)
		return 0;
	for (i = 0; kb_context_facts[i].name; i++)
		if (strcmp(kb_context_facts[i].name, fact) == 0)
			return 1;
	return 0;
}

/* ---- allocation ---- */

static void *kb_calloc(struct kb *kb, size_t n, size_t size)
{
	struct kb_block *b;

	if (n && size > (SIZE_MAX - sizeof(*b)) / n)
		return NULL;
	b = calloc(1, sizeof(*b) + n * size);
	if (!b)
		return NULL;
	b->next = kb->blocks;
	kb->blocks = b;
	return b->data;
}

static char *kb_strdup(struct kb *kb, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = kb_calloc(kb, n, 1);

	if (p)
		memcpy(p, s, n);
	return p;
}

void kb_free(struct kb *kb)
{
	struct kb_block *b, *next;
	size_t i;

	if (!kb)
		return;
	for (b = kb->blocks; b; b = next) {
		next = b->next;
		free(b);
	}
	for (i = 0; i < kb->n; i++)
		json_decref(kb->docs[i]);
	free(kb->docs);
	free(kb->entries);
	free(kb);
}

static struct kb *kb_new(void)
{
	return calloc(1, sizeof(struct kb));
}

/* ---- typed view of a validated document ---- */

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
	*out = kb_calloc(kb, *n ? *n : 1, sizeof(**out));
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
	w->conditions = kb_calloc(kb, w->n_conditions ? w->n_conditions : 1,
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
		k->effect = strcmp(str(c, "effect"), "not_applicable") == 0 ? KB_NOT_APPLICABLE
									  : KB_INDICATED;
		k->why = text(c, "why");
	}
	return 0;
}

static int build_entry(struct kb *kb, const json_t *doc, const char *path, struct kb_entry *en)
{
	const json_t *stats = json_object_get(doc, "stats"), *arr, *v;
	size_t i;

	memset(en, 0, sizeof(*en));
	en->json = doc;
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

	arr = json_object_get(doc, "versions");
	en->n_versions = json_array_size(arr);
	en->versions = kb_calloc(kb, en->n_versions + 1, sizeof(*en->versions));
	if (!en->versions)
		return -1;
	json_array_foreach(arr, i, v) {
		en->versions[i].name = str(v, "name");
		en->versions[i].status = str(v, "status");
		en->versions[i].introduced = str(v, "introduced");
		en->versions[i].deprecated = str(v, "deprecated");
		en->versions[i].notes = str(v, "notes");
	}

	arr = json_object_get(doc, "signatures");
	en->n_signatures = json_array_size(arr);
	en->signatures = kb_calloc(kb, en->n_signatures + 1, sizeof(*en->signatures));
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
		if (strings(kb, json_object_get(v, "examples"), &s->examples, &s->n_examples) < 0)
			return -1;
	}

	arr = json_object_get(doc, "workarounds");
	en->n_workarounds = json_array_size(arr);
	en->workarounds = kb_calloc(kb, en->n_workarounds + 1, sizeof(*en->workarounds));
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
		if (lines(kb, v, "steps", &w->steps) < 0 ||
		    build_conditions(kb, json_object_get(v, "conditions"), w) < 0)
			return -1;
	}

	arr = json_object_get(doc, "dead_ends");
	en->n_dead_ends = json_array_size(arr);
	en->dead_ends = kb_calloc(kb, en->n_dead_ends + 1, sizeof(*en->dead_ends));
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

/* ---- semantic checks (after the schema passed) ---- */

static int in_strings(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

static void check_signatures(struct kb_report *r, const json_t *doc)
{
	char field[KB_FIELD_MAX], msg[256];
	const char *caps[] = { "registry", "status", "url" };
	size_t i, j, k;
	json_t *sig, *ex;

	json_array_foreach(json_object_get(doc, "signatures"), i, sig) {
		const char *lit = str(sig, "literal"), *rx = str(sig, "regex");
		regex_t re;
		int rc;

		snprintf(field, sizeof(field), "/signatures/%zu/regex", i);
		rc = regcomp(&re, rx, REG_EXTENDED);
		if (rc != 0) {
			regerror(rc, &re, msg, sizeof(msg));
			problem(r, field, "does not compile as a POSIX extended regex: %s", msg);
			regfree(&re);
			continue;
		}
		for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
			json_t *c = json_object_get(json_object_get(sig, "captures"), caps[k]);

			if (c && (size_t)json_integer_value(c) > re.re_nsub) {
				snprintf(field, sizeof(field), "/signatures/%zu/captures/%s", i, caps[k]);
				problem(r, field, "group %lld does not exist (the regex has %zu)",
					(long long)json_integer_value(c), re.re_nsub);
			}
		}
		json_array_foreach(json_object_get(sig, "examples"), j, ex) {
			const char *line = json_string_value(ex);

			snprintf(field, sizeof(field), "/signatures/%zu/examples/%zu", i, j);
			if (!strstr(line, lit))
				problem(r, field, "does not contain the literal \"%s\"", lit);
			if (regexec(&re, line, 0, NULL, 0) != 0)
				problem(r, field, "is not matched by the regex");
		}
		regfree(&re);
	}
}

static void check_command(struct kb_report *r, const char *field, const char *cmd)
{
	const char *p = cmd, *close;
	size_t i, n;

	while ((p = strchr(p, '{')) != NULL) {
		close = strchr(p, '}');
		n = close ? (size_t)(close - p) + 1 : 0;
		/* Only {word} is a placeholder; shell and YAML braces pass. */
		if (n > 2 && strspn(p + 1, "abcdefghijklmnopqrstuvwxyz_") == n - 2) {
			for (i = 0; placeholders[i]; i++)
				if (strlen(placeholders[i]) == n && strncmp(p, placeholders[i], n) == 0)
					break;
			if (!placeholders[i])
				problem(r, field, "unknown placeholder %.*s (known: {registry} {helper} "
					"{image} {config})", (int)n, p);
		}
		p++;
	}
}

static void check_condition(struct kb_report *r, const json_t *doc, const json_t *c,
			    const char *base)
{
	const json_t *when = json_object_get(c, "when");
	const char *probe = str(when, "probe"), *ctx = str(when, "context");
	char field[KB_FIELD_MAX];

	snprintf(field, sizeof(field), "%s/when", base);
	if (!!probe == !!ctx) {
		problem(r, field, "needs exactly one of \"probe\" or \"context\"");
		return;
	}
	if (ctx) {
		if (json_object_get(when, "status") || json_object_get(when, "code") ||
		    json_object_get(when, "evidence"))
			problem(r, field, "status, code and evidence go with a probe, not a context");
		snprintf(field, sizeof(field), "%s/when/context", base);
		if (!kb_context_fact_known(ctx))
			problem(r, field, "unknown context fact \"%s\" (see kb_context_facts)", ctx);
		return;
	}
	snprintf(field, sizeof(field), "%s/when/probe", base);
	if (!probe_find(probe))
		problem(r, field, "unknown probe \"%s\"", probe);
	else if (!in_strings(json_object_get(doc, "probes"), probe))
		problem(r, field, "probe \"%s\" is not in the entry's probes", probe);
}

static void check_semantics(struct kb_report *r, const json_t *doc, const char *rel)
{
	char field[KB_FIELD_MAX], id[KB_PATH_MAX];
	const char *s;
	size_t i, j, n;
	json_t *v, *w, *c;

	n = strlen(rel);
	snprintf(id, sizeof(id), "%.*s", n > 5 ? (int)(n - 5) : 0, rel);
	if (strcmp(str(doc, "id"), id) != 0)
		problem(r, "/id", "\"%s\" does not match the file's path (want \"%s\")",
			str(doc, "id"), id);
	if (!cause_is_valid(str(doc, "cause")))
		problem(r, "/cause", "unknown cause \"%s\" (see src/cause.h)", str(doc, "cause"));

	json_array_foreach(json_object_get(doc, "probes"), i, v) {
		snprintf(field, sizeof(field), "/probes/%zu", i);
		if (!probe_find(json_string_value(v)))
			problem(r, field, "unknown probe \"%s\"", json_string_value(v));
		for (j = 0; j < i; j++)
			if (strcmp(json_string_value(json_array_get(json_object_get(doc, "probes"), j)),
				   json_string_value(v)) == 0)
				problem(r, field, "probe \"%s\" listed twice", json_string_value(v));
	}
	check_signatures(r, doc);

	json_array_foreach(json_object_get(doc, "workarounds"), i, w) {
		const char *wid = str(w, "id");

		for (j = 0; j < i; j++) {
			if (strcmp(str(json_array_get(json_object_get(doc, "workarounds"), j), "id"),
				   wid) == 0) {
				snprintf(field, sizeof(field), "/workarounds/%zu/id", i);
				problem(r, field, "duplicate workaround id \"%s\"", wid);
			}
		}
		s = str(w, "action");
		if (s && !action_find(s)) {
			snprintf(field, sizeof(field), "/workarounds/%zu/action", i);
			problem(r, field, "unknown action \"%s\" (see src/actions.c)", s);
		}
		s = str(w, "command");
		if (s) {
			snprintf(field, sizeof(field), "/workarounds/%zu/command", i);
			check_command(r, field, s);
		}
		json_array_foreach(json_object_get(w, "conditions"), j, c) {
			snprintf(field, sizeof(field), "/workarounds/%zu/conditions/%zu", i, j);
			check_condition(r, doc, c, field);
		}
	}
}

/* ---- loading ---- */

static int compile_schema(struct jsonschema **out, struct err *e)
{
	if (jsonschema_compile_text(out, kb_embedded_schema, kb_embedded_schema_len, e) < 0)
		return err_prefix(e, "embedded kb/schema.json");
	return 0;
}

static int kb_push(struct kb *kb, json_t *doc, const char *path)
{
	struct kb_entry *ne;
	json_t **nd;

	if (kb->n == kb->cap) {
		size_t ncap = kb->cap ? kb->cap * 2 : 16;

		ne = realloc(kb->entries, ncap * sizeof(*ne));
		if (!ne)
			return -1;
		kb->entries = ne;
		nd = realloc(kb->docs, ncap * sizeof(*nd));
		if (!nd)
			return -1;
		kb->docs = nd;
		kb->cap = ncap;
	}
	if (build_entry(kb, doc, path, &kb->entries[kb->n]) < 0)
		return -1;
	kb->docs[kb->n++] = json_incref(doc);
	return 0;
}

/* Parses, validates and (when kb is not NULL and the entry is valid) adds
 * one entry. Returns the number of problems, reported through r. */
static size_t load_text(struct kb *kb, const struct jsonschema *schema, const char *rel,
			const char *text_, size_t len, struct kb_report *r)
{
	json_error_t je;
	json_t *doc = NULL;
	size_t before = r->count;
	char where[64];

	if (len > KB_FILE_MAX) {
		problem(r, "/", "file is larger than %d bytes", KB_FILE_MAX);
		goto cleanup;
	}
	doc = json_loadb(text_, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		snprintf(where, sizeof(where), "line %d column %d", je.line, je.column);
		problem(r, where, "invalid JSON: %s", je.text);
		goto cleanup;
	}
	if (jsonschema_validate(schema, doc, schema_problem, r) > 0)
		goto cleanup;   /* the semantic checks rely on the schema's types */
	check_semantics(r, doc, rel);
	if (r->count == before && kb && kb_push(kb, doc, r->file) < 0)
		problem(r, "/", "out of memory");
cleanup:
	json_decref(doc);
	return r->count - before;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct kb_entry *x = a, *y = b;

	return strcmp(x->id, y->id);
}

static void kb_sort(struct kb *kb)
{
	size_t i, j;

	/* Entries and docs move together: sort a permutation by insertion
	 * (tens of entries), keeping doc i with entry i. */
	for (i = 1; i < kb->n; i++) {
		struct kb_entry en = kb->entries[i];
		json_t *doc = kb->docs[i];

		for (j = i; j > 0 && entry_cmp(&kb->entries[j - 1], &en) > 0; j--) {
			kb->entries[j] = kb->entries[j - 1];
			kb->docs[j] = kb->docs[j - 1];
		}
		kb->entries[j] = en;
		kb->docs[j] = doc;
	}
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir, without "." entries; *out and each name are owned. */
static int list_dir(const char *dir, char ***out, size_t *n, struct err *e)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, **grown;
	size_t cap = 0, i;
	int rc = -1;

	*out = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d)
		return err_set(e, "%s", strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown) {
				err_set(e, "out of memory");
				goto cleanup;
			}
			names = grown;
		}
		names[*n] = strdup(de->d_name);
		if (!names[*n]) {
			err_set(e, "out of memory");
			goto cleanup;
		}
		(*n)++;
	}
	qsort(names, *n, sizeof(*names), name_cmp);
	*out = names;
	names = NULL;
	rc = 0;
cleanup:
	if (names) {
		for (i = 0; i < *n; i++)
			free(names[i]);
		free(names);
		*n = 0;
	}
	closedir(d);
	return rc;
}

static void free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void load_path(struct kb *kb, const struct jsonschema *schema, const char *dir,
		      const char *rel, struct kb_report *r)
{
	char path[KB_PATH_MAX];
	struct err fe = ERR_INIT;
	struct buf b = BUF_INIT(KB_FILE_MAX);

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	r->file = path;
	if (fileio_read(&b, path, KB_FILE_MAX, NULL, &fe) < 0)
		problem(r, "/", "%s", fe.msg);
	else
		load_text(kb, schema, rel, b.data, b.len, r);
	buf_release(&b);
	r->file = NULL;
}

int kb_load_dir(struct kb **out, const char *dir, kb_problem_fn fn, void *ctx, struct err *e)
{
	struct jsonschema *schema = NULL;
	struct kb_report r = { fn, ctx, NULL, 0, e };
	struct kb *kb = NULL;
	char **cats = NULL, **files = NULL;
	size_t ncats = 0, nfiles = 0, i, j;
	char sub[KB_PATH_MAX], rel[KB_PATH_MAX];
	struct err le = ERR_INIT;
	int rc = -1;

	*out = NULL;
	if (compile_schema(&schema, e) < 0)
		goto cleanup;
	if (list_dir(dir, &cats, &ncats, &le) < 0) {
		err_set(e, "reading kb directory '%s': %s", dir, le.msg);
		goto cleanup;
	}
	kb = kb_new();
	if (!kb) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < ncats; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, cats[i]);
		if (!is_dir(sub)) {
			if (has_suffix(cats[i], ".json") && strcmp(cats[i], "schema.json") != 0) {
				r.file = sub;
				problem(&r, "/id", "an entry must live at <category>/<slug>.json");
				r.file = NULL;
			}
			continue;
		}
		if (list_dir(sub, &files, &nfiles, &le) < 0) {
			err_set(e, "reading kb directory '%s': %s", sub, le.msg);
			goto cleanup;
		}
		for (j = 0; j < nfiles; j++) {
			snprintf(rel, sizeof(rel), "%s/%s", cats[i], files[j]);
			if (has_suffix(files[j], ".json")) {
				load_path(kb, schema, dir, rel, &r);
			} else {
				snprintf(sub, sizeof(sub), "%s/%s", dir, rel);
				if (is_dir(sub)) {
					r.file = sub;
					problem(&r, "/", "nested directory: entries live at "
						"<category>/<slug>.json");
					r.file = NULL;
				}
			}
		}
		free_names(files, nfiles);
		files = NULL;
		nfiles = 0;
	}
	kb_sort(kb);
	snprintf(kb->origin, sizeof(kb->origin), "%s", dir);
	*out = kb;
	kb = NULL;
	rc = r.count ? -1 : 0;
cleanup:
	free_names(files, nfiles);
	free_names(cats, ncats);
	kb_free(kb);
	jsonschema_free(schema);
	return rc;
}

int kb_load_embedded(struct kb **out, struct err *e)
{
	struct jsonschema *schema = NULL;
	struct kb_report r = { NULL, NULL, NULL, 0, e };
	struct kb *kb = NULL;
	char path[KB_PATH_MAX];
	size_t i;
	int rc = -1;

	*out = NULL;
	if (compile_schema(&schema, e) < 0)
		goto cleanup;
	kb = kb_new();
	if (!kb) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < kb_embedded_count; i++) {
		snprintf(path, sizeof(path), "embedded:%s", kb_embedded_files[i].path);
		r.file = path;
		if (load_text(kb, schema, kb_embedded_files[i].path, kb_embedded_files[i].data,
			      kb_embedded_files[i].len, &r) > 0)
			goto cleanup;
	}
	kb_sort(kb);
	snprintf(kb->origin, sizeof(kb->origin), "embedded, %zu entries", kb->n);
	*out = kb;
	kb = NULL;
	rc = 0;
cleanup:
	kb_free(kb);
	jsonschema_free(schema);
	return rc;
}

int kb_load(struct kb **out, struct err *e)
{
	const char *dir = getenv("FIXKB_KB_DIR");
	char origin[KB_ORIGIN_MAX];

	*out = NULL;
	if (dir && dir[0]) {
		snprintf(origin, sizeof(origin), "FIXKB_KB_DIR %s", dir);
	} else if (is_dir(FIXKB_INSTALLED_KB_DIR)) {
		dir = FIXKB_INSTALLED_KB_DIR;
		snprintf(origin, sizeof(origin), "installed %s", dir);
	} else {
		return kb_load_embedded(out, e);
	}
	if (kb_load_dir(out, dir, NULL, NULL, e) < 0) {
		kb_free(*out);
		*out = NULL;
		return err_prefix(e, "%s", origin);
	}
	snprintf((*out)->origin, sizeof((*out)->origin), "%s", origin);
	return 0;
}

size_t kb_check_text(const char *rel, const char *text_, size_t len, kb_problem_fn fn,
		     void *ctx)
{
	struct jsonschema *schema = NULL;
	struct kb_report r = { fn, ctx, rel, 0, NULL };
	struct err e = ERR_INIT;
	size_t n;

	if (compile_schema(&schema, &e) < 0) {
		problem(&r, "/", "%s", e.msg);
		return r.count;
	}
	n = load_text(NULL, schema, rel, text_, len, &r);
	jsonschema_free(schema);
	return n;
}

/* ---- access ---- */

const char *kb_origin(const struct kb *kb)
{
	return kb ? kb->origin : "none";
}

size_t kb_count(const struct kb *kb)
{
	return kb ? kb->n : 0;
}

const struct kb_entry *kb_entry_at(const struct kb *kb, size_t i)
{
	return kb && i < kb->n ? &kb->entries[i] : NULL;
}

const struct kb_entry *kb_find(const struct kb *kb, const char *id)
{
	size_t i;

	if (!kb || !id)
		return NULL;
	for (i = 0; i < kb->n; i++)
		if (strcmp(kb->entries[i].id, id) == 0)
			return &kb->entries[i];
	return NULL;
}

int kb_entry_has_probe(const struct kb_entry *en, const char *probe)
{
	size_t i;

	if (!en || !probe)
		return 0;
	for (i = 0; i < en->n_probes; i++)
		if (strcmp(en->probes[i], probe) == 0)
			return 1;
	return 0;
}

const struct kb_entry *kb_find_by_cause(const struct kb *kb, const char *cause,
					const char *probe)
{
	const struct kb_entry *any = NULL;
	size_t i;

	if (!kb || !cause)
		return NULL;
	for (i = 0; i < kb->n; i++) {
		if (strcmp(kb->entries[i].cause, cause) != 0)
			continue;
		if (!probe || kb_entry_has_probe(&kb->entries[i], probe))
			return &kb->entries[i];
		if (!any)
			any = &kb->entries[i];
	}
	return any;
}

const char *kb_text_get(const struct kb_text *t, enum out_lang lang)
{
	if (!t)
		return NULL;
	if (lang == LANG_ZH && t->zh && t->zh[0])
		return t->zh;
	return t->en;
}

static int is_bilingual(const json_t *v)
{
	return json_is_object(v) && json_object_size(v) == 2 && json_object_get(v, "en") &&
	       json_object_get(v, "zh");
}

json_t *kb_json_resolve_lang(const json_t *json, enum out_lang lang)
{
	const char *key;
	json_t *v, *out, *sub;
	size_t i;

	if (is_bilingual(json))
		return json_deep_copy(json_object_get(json, lang == LANG_ZH ? "zh" : "en"));
	if (json_is_object(json)) {
		out = json_object();
		json_object_foreach((json_t *)json, key, v) {
			sub = out ? kb_json_resolve_lang(v, lang) : NULL;
			/* set_new consumes sub even when it fails */
			if (!sub || json_object_set_new(out, key, sub) < 0) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	}
	if (json_is_array(json)) {
		out = json_array();
		json_array_foreach(json, i, v) {
			sub = out ? kb_json_resolve_lang(v, lang) : NULL;
			if (!sub || json_array_append_new(out, sub) < 0) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	}
	return json_deep_copy(json);
}
