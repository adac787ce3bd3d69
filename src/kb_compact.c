/* kb_compact.c — the embedded KB from the typed view compiled into the
 * binary (kb_compact.h: checked and built by kbgen at build time), and
 * kb_load, which picks where the KB comes from. A directory whose entry
 * files are byte for byte the embedded texts (an installed KB nobody
 * edited) gets the same view: validating it would find what the build
 * found. */
#include "kb_compact.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "kb_embedded.h"
#include "util/buf.h"
#include "util/fileio.h"

#define KB_ORIGIN_MAX 1200
#define KB_PATH_MAX 1024

/* Copies of src's signatures and their "also" lists in kb's memory: each
 * "also" points at an entry of this kb (link_also). */
/* A copy in kb's memory of the n elements of size bytes at src and the
 * terminating one after them; NULL when out of memory. */
static void *copy_array(struct kb *kb, const void *src, size_t n, size_t size)
{
	void *p = kb_alloc(kb, n + 1, size);

	if (p)
		memcpy(p, src, (n + 1) * size);
	return p;
}

static int copy_signatures(struct kb *kb, struct kb_entry *slot, const struct kb_entry *src)
{
	struct kb_signature *s;
	size_t j;

	s = copy_array(kb, src->signatures, src->n_signatures, sizeof(*s));
	if (!s)
		return -1;
	for (j = 0; j < src->n_signatures; j++) {
		s[j].also = copy_array(kb, s[j].also, s[j].n_also, sizeof(*s[j].also));
		if (!s[j].also)
			return -1;
	}
	slot->signatures = s;
	return 0;
}

/* Every "also" to its entry (kbgen's lint found each one). */
static void link_also(struct kb *kb)
{
	struct kb_entry *en;
	size_t i, j, k;

	for (i = 0; (en = kb_entry_mut(kb, i)) != NULL; i++)
		for (j = 0; j < en->n_signatures; j++)
			for (k = 0; k < en->signatures[j].n_also; k++)
				en->signatures[j].also[k].entry =
					kb_find(kb, en->signatures[j].also[k].id);
}

/* The slot becomes a copy of src whose workarounds and their conditions
 * (evidence is attached to them later) and signatures (their "also" is
 * linked later) live in kb's memory; everything else stays borrowed from
 * the constant data. */
static int fill_slot(struct kb *kb, struct kb_entry *slot, const struct kb_entry *src)
{
	struct kb_workaround *w;
	size_t j;

	*slot = *src;
	if (copy_signatures(kb, slot, src) < 0)
		return -1;
	w = copy_array(kb, src->workarounds, src->n_workarounds, sizeof(*w));
	if (!w)
		return -1;
	for (j = 0; j < src->n_workarounds; j++) {
		w[j].conditions = copy_array(kb, w[j].conditions, w[j].n_conditions,
					     sizeof(*w[j].conditions));
		if (!w[j].conditions)
			return -1;
	}
	slot->workarounds = w;
	return 0;
}

/* Every condition's evidence object, from one JSON array the kb keeps. */
static int attach_evidence(struct kb *kb, struct err *e)
{
	json_error_t je;
	json_t *all;
	size_t k;

	if (!kb_compact_evidence_count)
		return 0;
	all = json_loads(kb_compact_evidence_json, 0, &je);
	if (!all || json_array_size(all) != kb_compact_evidence_count ||
	    kb_keep_json(kb, all) < 0) {
		json_decref(all);
		return err_set(e, "embedded kb: condition evidence: %s",
			       all ? "out of memory" : je.text);
	}
	json_decref(all);   /* the kb holds it now */
	for (k = 0; k < kb_compact_evidence_count; k++) {
		const struct kb_compact_evidence *row = &kb_compact_evidence[k];
		const struct kb_entry *en = kb_entry_at(kb, row->entry);

		en->workarounds[row->workaround].conditions[row->condition].evidence =
			json_array_get(all, k);
	}
	return 0;
}

/* The compiled view; with dir, each entry's path is dir/<rel> as
 * kb_load_dir gives it, else "embedded:<rel>". */
static int load_compact(struct kb **out, const char *dir, struct err *e)
{
	struct kb *kb = kb_new();
	struct kb_entry *slot;
	char path[KB_PATH_MAX];
	size_t i;

	*out = NULL;
	if (!kb)
		return err_set(e, "out of memory");
	/* In the generated order (by id), so the evidence rows' entry
	 * indexes are the kb's. */
	for (i = 0; i < kb_compact_count; i++) {
		const struct kb_embedded_file *f = &kb_embedded_files[kb_compact_file[i]];

		slot = kb_entry_slot(kb);
		if (!slot || fill_slot(kb, slot, &kb_compact_entries[i]) < 0)
			goto oom;
		if (dir) {
			snprintf(path, sizeof(path), "%s/%s", dir, f->path);
			slot->path = kb_strdup(kb, path);
			if (!slot->path)
				goto oom;
		}
		kb_entry_commit_text(kb, f->data, f->len);
	}
	if (attach_evidence(kb, e) < 0) {
		kb_free(kb);
		return -1;
	}
	link_also(kb);
	kb_set_digest(kb, kb_compact_digest);   /* the same documents: the same digest */
	kb_set_origin(kb, "embedded, %zu entries", kb_count(kb));
	*out = kb;
	return 0;
oom:
	kb_free(kb);
	return err_set(e, "out of memory");
}

int kb_load_embedded(struct kb **out, struct err *e)
{
	return load_compact(out, NULL, e);
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int file_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct kb_embedded_file *)elem)->path);
}

/* Is dir/rel exactly the embedded text of that name? */
static int same_as_embedded(const char *dir, const char *rel)
{
	const struct kb_embedded_file *f;
	struct buf b = BUF_INIT(KB_FILE_MAX);
	char path[KB_PATH_MAX];
	int same;

	f = bsearch(rel, kb_embedded_files, kb_embedded_count, sizeof(*f), file_cmp);
	if (!f)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	same = fileio_read(&b, path, KB_FILE_MAX, NULL, NULL) == 0 && b.len == f->len &&
	       memcmp(b.data, f->data, f->len) == 0;
	buf_release(&b);
	return same;
}

/* The entries of dir/cat that are the embedded ones, counted into *n;
 * 0 at the first thing kb_load_dir would load differently or report. */
static int category_is_embedded(const char *dir, const char *cat, size_t *n)
{
	char rel[KB_PATH_MAX], sub[KB_PATH_MAX];
	struct dirent *de;
	DIR *d;
	int ok = 1;

	snprintf(sub, sizeof(sub), "%s/%s", dir, cat);
	d = opendir(sub);
	if (!d)
		return 0;
	while (ok && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "%s/%s", cat, de->d_name);
		snprintf(sub, sizeof(sub), "%s/%s", dir, rel);
		if (has_suffix(de->d_name, ".json")) {
			ok = same_as_embedded(dir, rel);
			*n += (size_t)ok;
		} else if (is_dir(sub)) {
			ok = 0;   /* a nested directory: a problem to report */
		}
	}
	closedir(d);
	return ok;
}

int kb_dir_is_embedded(const char *dir)
{
	char sub[KB_PATH_MAX];
	struct dirent *de;
	size_t n = 0;
	DIR *d = opendir(dir);
	int ok = 1;

	if (!d)
		return 0;
	while (ok && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		if (is_dir(sub))
			ok = category_is_embedded(dir, de->d_name, &n);
		else if (has_suffix(de->d_name, ".json") && strcmp(de->d_name, "schema.json") != 0)
			ok = 0;   /* an entry outside a category */
	}
	closedir(d);
	return ok && n == kb_embedded_count;
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
	if (kb_dir_is_embedded(dir)) {
		if (load_compact(out, dir, e) < 0)
			return err_prefix(e, "%s", origin);
		kb_set_origin(*out, "%s", origin);
		return 0;
	}
	if (kb_load_dir(out, dir, NULL, NULL, e) < 0) {
		kb_free(*out);
		*out = NULL;
		return err_prefix(e, "%s", origin);
	}
	kb_set_origin(*out, "%s", origin);
	return 0;
}
