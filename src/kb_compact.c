/* kb_compact.c — the embedded KB from the typed view compiled into the
 * binary (kb_compact.h: checked and built by kbgen at build time), and
 * kb_load, which picks where the KB comes from. */
#include "kb_compact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "kb_embedded.h"

#define KB_ORIGIN_MAX 1200

/* Copies of src's signatures and their "also" lists in kb's memory: each
 * "also" points at an entry of this kb (link_also). */
static int copy_signatures(struct kb *kb, struct kb_entry *slot, const struct kb_entry *src)
{
	struct kb_signature *s;
	struct kb_also *a;
	size_t j;

	s = kb_alloc(kb, src->n_signatures + 1, sizeof(*s));
	if (!s)
		return -1;
	memcpy(s, src->signatures, (src->n_signatures + 1) * sizeof(*s));
	for (j = 0; j < src->n_signatures; j++) {
		a = kb_alloc(kb, s[j].n_also + 1, sizeof(*a));
		if (!a)
			return -1;
		memcpy(a, s[j].also, (s[j].n_also + 1) * sizeof(*a));
		s[j].also = a;
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
	struct kb_condition *c;
	size_t j;

	*slot = *src;
	if (copy_signatures(kb, slot, src) < 0)
		return -1;
	w = kb_alloc(kb, src->n_workarounds + 1, sizeof(*w));
	if (!w)
		return -1;
	memcpy(w, src->workarounds, (src->n_workarounds + 1) * sizeof(*w));
	for (j = 0; j < src->n_workarounds; j++) {
		c = kb_alloc(kb, w[j].n_conditions + 1, sizeof(*c));
		if (!c)
			return -1;
		memcpy(c, w[j].conditions, (w[j].n_conditions + 1) * sizeof(*c));
		w[j].conditions = c;
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

int kb_load_embedded(struct kb **out, struct err *e)
{
	struct kb *kb = kb_new();
	struct kb_entry *slot;
	size_t i;

	*out = NULL;
	if (!kb)
		return err_set(e, "out of memory");
	/* In the generated order (by id), so the evidence rows' entry
	 * indexes are the kb's. */
	for (i = 0; i < kb_compact_count; i++) {
		const struct kb_embedded_file *f = &kb_embedded_files[kb_compact_file[i]];

		slot = kb_entry_slot(kb);
		if (!slot || fill_slot(kb, slot, &kb_compact_entries[i]) < 0) {
			kb_free(kb);
			return err_set(e, "out of memory");
		}
		kb_entry_commit_text(kb, f->data, f->len);
	}
	if (attach_evidence(kb, e) < 0) {
		kb_free(kb);
		return -1;
	}
	link_also(kb);
	kb_set_origin(kb, "embedded, %zu entries", kb_count(kb));
	*out = kb;
	return 0;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
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
	kb_set_origin(*out, "%s", origin);
	return 0;
}
