/* kb_load.c — a KB from JSON texts: a directory ($FIXKB_KB_DIR, the
 * installed one) or the texts embedded in the binary (kb lint, and kbgen
 * at build time); each entry checked (kb_check.c), given its typed view
 * (kb_build.c) and added. The *_lint loaders also check every signature
 * as explain runs it. kb_load and kb_load_embedded (the embedded typed
 * view, no parsing) are kb_compact.c. */
#include "kb.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kb_build.h"
#include "kb_check.h"
#include "kb_embedded.h"
#include "util/fileio.h"

#define KB_PATH_MAX 1024
#define KB_ORIGIN_MAX 1200

/* Checks one entry's text and, when it is valid and kb is not NULL, adds
 * it. Returns the number of problems, reported through r. */
static size_t load_text(struct kb *kb, const struct jsonschema *schema, const char *rel,
			const char *text, size_t len, unsigned checks, struct kb_report *r)
{
	size_t before = r->count;
	struct kb_entry *slot;
	json_t *doc = kb_check_parse(schema, rel, text, len, checks, r);

	if (!doc || !kb)
		goto cleanup;
	slot = kb_entry_slot(kb);
	if (!slot || kb_build_entry(kb, doc, r->file, slot) < 0)
		kb_report_problem(r, "/", "out of memory");
	else
		kb_entry_commit(kb, doc);
cleanup:
	json_decref(doc);
	return r->count - before;
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
		      const char *rel, unsigned checks, struct kb_report *r)
{
	char path[KB_PATH_MAX];
	struct err fe = ERR_INIT;
	struct buf b = BUF_INIT(KB_FILE_MAX);

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	r->file = path;
	if (fileio_read(&b, path, KB_FILE_MAX, NULL, &fe) < 0)
		kb_report_problem(r, "/", "%s", fe.msg);
	else
		load_text(kb, schema, rel, b.data, b.len, checks, r);
	buf_release(&b);
	r->file = NULL;
}

/* The entries of dir/cat; a nested directory is a problem. */
static int load_category(struct kb *kb, const struct jsonschema *schema, const char *dir,
			 const char *cat, unsigned checks, struct kb_report *r, struct err *e)
{
	char sub[KB_PATH_MAX], rel[KB_PATH_MAX];
	struct err le = ERR_INIT;
	char **files = NULL;
	size_t nfiles = 0, j;

	snprintf(sub, sizeof(sub), "%s/%s", dir, cat);
	if (list_dir(sub, &files, &nfiles, &le) < 0)
		return err_set(e, "reading kb directory '%s': %s", sub, le.msg);
	for (j = 0; j < nfiles; j++) {
		snprintf(rel, sizeof(rel), "%s/%s", cat, files[j]);
		if (has_suffix(files[j], ".json")) {
			load_path(kb, schema, dir, rel, checks, r);
			continue;
		}
		snprintf(sub, sizeof(sub), "%s/%s", dir, rel);
		if (is_dir(sub)) {
			r->file = sub;
			kb_report_problem(r, "/", "nested directory: entries live at "
					  "<category>/<slug>.json");
			r->file = NULL;
		}
	}
	free_names(files, nfiles);
	return 0;
}

/* Resolves every signature's "also" to its entry; an unknown id, or an
 * entry of the same cause, is a problem of the entry that names it. */
static void link_also(struct kb *kb, struct kb_report *r)
{
	char field[128];
	struct kb_entry *en;
	size_t i, j, k;

	for (i = 0; (en = kb_entry_mut(kb, i)) != NULL; i++) {
		r->file = en->path;
		for (j = 0; j < en->n_signatures; j++) {
			for (k = 0; k < en->signatures[j].n_also; k++) {
				struct kb_also *a = &en->signatures[j].also[k];

				snprintf(field, sizeof(field), "/signatures/%zu/also/%zu/entry", j, k);
				a->entry = kb_find(kb, a->id);
				if (!a->entry)
					kb_report_problem(r, field, "no entry \"%s\" in the knowledge base",
							  a->id);
				else if (strcmp(a->entry->cause, en->cause) == 0)
					kb_report_problem(r, field, "\"%s\" has the entry's own cause %s",
							  a->id, en->cause);
			}
		}
	}
	r->file = NULL;
}

static int load_dir(struct kb **out, const char *dir, unsigned checks, kb_problem_fn fn,
		    void *ctx, struct err *e)
{
	struct jsonschema *schema = NULL;
	struct kb_report r = { fn, ctx, NULL, 0, e };
	struct kb *kb = NULL;
	char **cats = NULL, sub[KB_PATH_MAX];
	size_t ncats = 0, i;
	struct err le = ERR_INIT;
	int rc = -1;

	*out = NULL;
	if (kb_check_schema(&schema, e) < 0)
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
		if (is_dir(sub)) {
			if (load_category(kb, schema, dir, cats[i], checks, &r, e) < 0)
				goto cleanup;
		} else if (has_suffix(cats[i], ".json") && strcmp(cats[i], "schema.json") != 0) {
			r.file = sub;
			kb_report_problem(&r, "/id", "an entry must live at <category>/<slug>.json");
			r.file = NULL;
		}
	}
	kb_sort(kb);
	link_also(kb, &r);
	kb_set_origin(kb, "%s", dir);
	*out = kb;
	kb = NULL;
	rc = r.count ? -1 : 0;
cleanup:
	free_names(cats, ncats);
	kb_free(kb);
	jsonschema_free(schema);
	return rc;
}

static int load_embedded_texts(struct kb **out, unsigned checks, kb_problem_fn fn, void *ctx,
			       struct err *e)
{
	struct jsonschema *schema = NULL;
	struct kb_report r = { fn, ctx, NULL, 0, e };
	struct kb *kb = NULL;
	char path[KB_PATH_MAX];
	size_t i;
	int rc = -1;

	*out = NULL;
	if (kb_check_schema(&schema, e) < 0)
		goto cleanup;
	kb = kb_new();
	if (!kb) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < kb_embedded_count; i++) {
		snprintf(path, sizeof(path), "embedded:%s", kb_embedded_files[i].path);
		r.file = path;
		load_text(kb, schema, kb_embedded_files[i].path, kb_embedded_files[i].data,
			  kb_embedded_files[i].len, checks, &r);
		/* Without a problem callback the first problem is enough. */
		if (r.count && !fn)
			goto cleanup;
	}
	kb_sort(kb);
	link_also(kb, &r);
	kb_set_origin(kb, "embedded, %zu entries", kb_count(kb));
	rc = r.count ? -1 : 0;
	if (rc == 0 || fn) {
		*out = kb;
		kb = NULL;
	}
cleanup:
	kb_free(kb);
	jsonschema_free(schema);
	return rc;
}

int kb_load_dir(struct kb **out, const char *dir, kb_problem_fn fn, void *ctx, struct err *e)
{
	return load_dir(out, dir, 0, fn, ctx, e);
}

int kb_load_dir_lint(struct kb **out, const char *dir, kb_problem_fn fn, void *ctx,
		     struct err *e)
{
	return load_dir(out, dir, KB_CHECK_SIGNATURES, fn, ctx, e);
}

int kb_load_embedded_lint(struct kb **out, kb_problem_fn fn, void *ctx, struct err *e)
{
	return load_embedded_texts(out, KB_CHECK_SIGNATURES, fn, ctx, e);
}
