/* kb.c — the struct kb: its memory, its entries, and the typed access
 * everybody uses. Loading is kb_load.c, building an entry's typed view
 * kb_build.c, the checks an entry must pass kb_check.c. */
#include "kb.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/crypto.h"

#define KB_ORIGIN_MAX 1200
/* kb_digest hashes every entry's JSON; a kb this big is refused. */
#define KB_DIGEST_MAX ((size_t)64 << 20)

const struct kb_fact kb_context_facts[] = {
	{ "base_image_pull", "the failing request is a base-image pull (FROM, --image), not a step inside RUN" },
	{ "ci", "the build runs in a CI job" },
	{ "github_actions", "the build runs in GitHub Actions" },
	{ "gitlab_ci", "the build runs in GitLab CI" },
	{ "headless", "no graphical session: $DISPLAY and $WAYLAND_DISPLAY are unset" },
	{ "public_image", "the image is public and pulls anonymously" },
	{ NULL, NULL },
};

/* Every allocation of a kb is a block on this list, freed by kb_free. */
struct kb_block {
	struct kb_block *next;
	max_align_t data[];
};

/* An entry's JSON text (static data), parsed on demand. */
struct kb_text_src {
	const char *data;
	size_t len;
};

struct kb {
	struct kb_block *blocks;
	/* One per entry: an owned reference, or NULL until kb_entry_json
	 * parses texts[i] (entries committed as text). */
	json_t **docs;
	struct kb_text_src *texts;
	struct kb_entry *entries;
	size_t n, cap;
	json_t *kept;                  /* array of kb_keep_json's documents, or NULL */
	const char *digest;            /* kb_set_digest's, or NULL: compute */
	char origin[KB_ORIGIN_MAX];
};

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

/* ---- building (for the loaders) ---- */

struct kb *kb_new(void)
{
	return calloc(1, sizeof(struct kb));
}

void *kb_alloc(struct kb *kb, size_t n, size_t size)
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

char *kb_strdup(struct kb *kb, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = kb_alloc(kb, n, 1);

	if (p)
		memcpy(p, s, n);
	return p;
}

struct kb_entry *kb_entry_slot(struct kb *kb)
{
	struct kb_entry *ne;
	struct kb_text_src *nt;
	json_t **nd;

	if (kb->n == kb->cap) {
		size_t ncap = kb->cap ? kb->cap * 2 : 16;

		ne = realloc(kb->entries, ncap * sizeof(*ne));
		if (!ne)
			return NULL;
		kb->entries = ne;
		nd = realloc(kb->docs, ncap * sizeof(*nd));
		if (!nd)
			return NULL;
		kb->docs = nd;
		nt = realloc(kb->texts, ncap * sizeof(*nt));
		if (!nt)
			return NULL;
		kb->texts = nt;
		kb->cap = ncap;
	}
	memset(&kb->entries[kb->n], 0, sizeof(kb->entries[kb->n]));
	return &kb->entries[kb->n];
}

void kb_entry_commit(struct kb *kb, json_t *doc)
{
	kb->texts[kb->n].data = NULL;
	kb->texts[kb->n].len = 0;
	kb->docs[kb->n++] = json_incref(doc);
}

void kb_entry_commit_text(struct kb *kb, const char *text, size_t len)
{
	kb->texts[kb->n].data = text;
	kb->texts[kb->n].len = len;
	kb->docs[kb->n++] = NULL;
}

int kb_keep_json(struct kb *kb, json_t *doc)
{
	if (!kb->kept)
		kb->kept = json_array();
	return kb->kept ? json_array_append(kb->kept, doc) : -1;
}

static int entry_cmp(const struct kb_entry *x, const struct kb_entry *y)
{
	return strcmp(x->id, y->id);
}

void kb_sort(struct kb *kb)
{
	size_t i, j;

	/* Entries, docs and texts move together: sort a permutation by insertion
	 * (tens of entries), keeping doc i with entry i. */
	for (i = 1; i < kb->n; i++) {
		struct kb_entry en = kb->entries[i];
		json_t *doc = kb->docs[i];
		struct kb_text_src text = kb->texts[i];

		for (j = i; j > 0 && entry_cmp(&kb->entries[j - 1], &en) > 0; j--) {
			kb->entries[j] = kb->entries[j - 1];
			kb->docs[j] = kb->docs[j - 1];
			kb->texts[j] = kb->texts[j - 1];
		}
		kb->entries[j] = en;
		kb->docs[j] = doc;
		kb->texts[j] = text;
	}
}

void kb_set_origin(struct kb *kb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(kb->origin, sizeof(kb->origin), fmt, ap);
	va_end(ap);
}

void kb_set_digest(struct kb *kb, const char *hex)
{
	kb->digest = hex;
}

int kb_digest(const struct kb *kb, char out[65])
{
	struct buf b = BUF_INIT(KB_DIGEST_MAX);
	const struct kb_entry *en;
	char *text;
	size_t i;
	int rc = -1;

	if (kb && kb->digest) {
		snprintf(out, 65, "%s", kb->digest);
		return 0;
	}
	for (i = 0; i < kb_count(kb); i++) {
		en = kb_entry_at(kb, i);
		text = json_dumps(kb_entry_json(kb, en), JSON_COMPACT | JSON_SORT_KEYS);
		if (!text)
			goto cleanup;
		if (buf_appendf(&b, "%s\n%s\n", en->id, text) < 0) {
			free(text);
			goto cleanup;
		}
		free(text);
	}
	sha256_hex(b.data ? b.data : "", b.len, out);
	rc = 0;
cleanup:
	buf_release(&b);
	return rc;
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
	json_decref(kb->kept);
	free(kb->docs);
	free(kb->texts);
	free(kb->entries);
	free(kb);
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

struct kb_entry *kb_entry_mut(struct kb *kb, size_t i)
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

const json_t *kb_entry_json(const struct kb *kb, const struct kb_entry *en)
{
	json_error_t je;
	size_t i;

	if (!kb || !en)
		return NULL;
	for (i = 0; i < kb->n; i++)
		if (&kb->entries[i] == en)
			break;
	if (i == kb->n)
		return NULL;
	/* The cache: kb is const to its readers, the parsed text is not. */
	if (!kb->docs[i] && kb->texts[i].data)
		kb->docs[i] = json_loadb(kb->texts[i].data, kb->texts[i].len,
					 JSON_REJECT_DUPLICATES, &je);
	return kb->docs[i];
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
