#include "fix/jsonedit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonerr.h"
#include "docker/dockercfg.h"
#include "fix/gojson.h"

/* The order docker declares (and so writes) its struct fields, lower-case
 * for dockercfg_field_eq. ConfigFile as docker CLI 28.2.2 writes it
 * (checked by writing every field and letting `docker logout` save). */
static const char *const config_fields[] = {
	"auths", "httpheaders", "psformat", "imagesformat", "networksformat",
	"pluginsformat", "volumesformat", "statsformat", "detachkeys", "credsstore",
	"credhelpers", "serviceinspectformat", "servicesformat", "tasksformat",
	"secretformat", "configformat", "nodesformat", "prunefilters", "proxies",
	"currentcontext", "clipluginsextradirs", "plugins", "aliases", "features",
	"experimental", NULL,
};
static const char *const auth_fields[] = {
	"username", "password", "auth", "email", "serveraddress", "identitytoken",
	"registrytoken", NULL,
};
static const char *const proxy_fields[] = {
	"httpproxy", "httpsproxy", "noproxy", "ftpproxy", "allproxy", NULL,
};
/* Top-level fields that are maps (Go writes their keys sorted). */
static const char *const map_fields[] = {
	"auths", "httpheaders", "credhelpers", "proxies", "plugins", "aliases", "features", NULL,
};

struct seg {
	char *name;    /* unescaped, as the path spells it (a new member's name) */
	char *lower;   /* a field's name lower-cased, for dockercfg_field_eq */
	int field;     /* bare word: a Go struct field */
};

struct path {
	char *buf;
	struct seg s[JSONEDIT_DEPTH_MAX];
	size_t n;
};

static int parse_quoted(const char **pp, char **w, const char *path, struct err *e)
{
	const char *p = *pp + 1;

	while (*p && *p != '"') {
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		*(*w)++ = *p++;
	}
	if (*p != '"')
		return err_set(e, "bad JSON path '%s': unterminated quote", path);
	*pp = p + 1;
	return 0;
}

static int parse_path(struct path *pa, const char *path, struct err *e)
{
	const char *p = path;
	char *w;

	pa->n = 0;
	pa->buf = malloc(2 * (strlen(path) + JSONEDIT_DEPTH_MAX + 1));
	if (!pa->buf)
		return err_set(e, "out of memory");
	w = pa->buf;
	for (;;) {
		if (pa->n == JSONEDIT_DEPTH_MAX)
			return err_set(e, "bad JSON path '%s': more than %d segments", path, JSONEDIT_DEPTH_MAX);
		pa->s[pa->n].name = w;
		pa->s[pa->n].field = *p != '"';
		if (*p == '"') {
			if (parse_quoted(&p, &w, path, e) < 0)
				return -1;
		} else {
			while (isalnum((unsigned char)*p) || *p == '_' || *p == '-')
				*w++ = *p++;
			if (w == pa->s[pa->n].name)
				return err_set(e, "bad JSON path '%s': empty segment", path);
		}
		*w++ = '\0';
		pa->s[pa->n].lower = w;
		for (const char *c = pa->s[pa->n].name; *c; c++)
			*w++ = (char)tolower((unsigned char)*c);
		*w++ = '\0';
		pa->n++;
		if (!*p)
			return 0;
		if (*p != '.')
			return err_set(e, "bad JSON path '%s': '.' expected at offset %zu", path,
				       (size_t)(p - path));
		p++;
	}
}

/* The key of obj that seg names, or NULL; -1 when a field is ambiguous. */
static int find_key(const char **key, json_t *obj, const struct seg *sg, struct err *e)
{
	const char *k;
	json_t *v;

	*key = NULL;
	if (!sg->field) {
		if (json_object_get(obj, sg->name))
			*key = json_object_iter_key(json_object_iter_at(obj, sg->name));
		return 0;
	}
	json_object_foreach(obj, k, v) {
		if (!dockercfg_field_eq(k, sg->lower))
			continue;
		if (*key)
			return err_set(e, "the file has both '%s' and '%s' (Go reads both as %s): "
				       "not editing it; keep one", *key, k, sg->name);
		*key = k;
	}
	return 0;
}

static const char *type_name(const json_t *v)
{
	static const char *const names[] = { "an object", "an array", "a string", "a number",
					     "a number", "true", "false", "null" };

	return names[json_typeof(v)];
}

/* ---- where a new member goes ---- */

static int rank_in(const char *const *table, const char *key)
{
	int i;

	for (i = 0; table[i]; i++)
		if (dockercfg_field_eq(key, table[i]))
			return i;
	return -1;
}

enum order { ORDER_APPEND, ORDER_SORTED, ORDER_FIELDS };

/* How docker orders the members of the object at depth d, whose parents'
 * keys are keys[0..d). */
static enum order order_at(const char *const **table, const char **keys, size_t d)
{
	*table = NULL;
	if (d == 0) {
		*table = config_fields;
		return ORDER_FIELDS;
	}
	if (d == 1)
		return rank_in(map_fields, keys[0]) >= 0 ? ORDER_SORTED : ORDER_APPEND;
	if (d == 2 && dockercfg_field_eq(keys[0], "auths"))
		*table = auth_fields;
	else if (d == 2 && dockercfg_field_eq(keys[0], "proxies"))
		*table = proxy_fields;
	else if (d == 2 && dockercfg_field_eq(keys[0], "plugins"))
		return ORDER_SORTED;
	return *table ? ORDER_FIELDS : ORDER_APPEND;
}

/* Index before which key goes among obj's members (size: append). */
static size_t insert_at(json_t *obj, const char *key, enum order ord, const char *const *table)
{
	const char *k, *prev = NULL;
	json_t *v;
	size_t i = 0, at = (size_t)-1;
	int r, prevr = -1, want = table ? rank_in(table, key) : -1;

	if (ord == ORDER_APPEND || (ord == ORDER_FIELDS && want < 0))
		return json_object_size(obj);
	json_object_foreach(obj, k, v) {
		if (ord == ORDER_SORTED) {
			if (prev && strcmp(prev, k) > 0)
				return json_object_size(obj);   /* not sorted: append */
			if (at == (size_t)-1 && strcmp(k, key) > 0)
				at = i;
			prev = k;
		} else if ((r = rank_in(table, k)) >= 0) {
			if (r < prevr)
				return json_object_size(obj);   /* not in docker's order */
			if (at == (size_t)-1 && r > want)
				at = i;
			prevr = r;
		}
		i++;
	}
	return at == (size_t)-1 ? json_object_size(obj) : at;
}

/* obj[key] = value (stolen) as member number at. */
static int insert_member(json_t *obj, const char *key, json_t *value, size_t at, struct err *e)
{
	size_t n = json_object_size(obj), i = 0, j;
	const char **ks = NULL;
	json_t **vs = NULL, *v;
	const char *k;
	char **owned = NULL;
	int rc = -1;

	if (at >= n)
		return json_object_set_new(obj, key, value) < 0 ? err_set(e, "out of memory") : 0;
	ks = calloc(n, sizeof(*ks));
	vs = calloc(n, sizeof(*vs));
	owned = calloc(n, sizeof(*owned));
	if (!ks || !vs || !owned) {
		json_decref(value);
		err_set(e, "out of memory");
		goto cleanup;
	}
	json_object_foreach(obj, k, v) {
		owned[i] = strdup(k);
		vs[i] = json_incref(v);
		ks[i] = owned[i];
		i++;
	}
	json_object_clear(obj);
	rc = 0;
	for (j = 0; j < n; j++) {
		if (j == at && json_object_set_new(obj, key, value) < 0)
			rc = -1;
		if (!ks[j] || json_object_set_new(obj, ks[j], vs[j]) < 0)
			rc = -1;
	}
	if (rc < 0)
		err_set(e, "out of memory");
cleanup:
	for (j = 0; owned && j < n; j++)
		free(owned[j]);
	free(owned);
	free(ks);
	free(vs);
	return rc;
}

/* Adds a new member for seg at depth d of obj. */
static int add_member(json_t *obj, const char **keys, size_t d, const char *name, json_t *value,
		      struct err *e)
{
	const char *const *table;
	enum order ord = order_at(&table, keys, d);

	return insert_member(obj, name, value, insert_at(obj, name, ord, table), e);
}

/* ---- walking a path ---- */

/* Walks to the object that holds the last segment: *parent (NULL when a
 * level is missing and create is not set), keys[d] the key of level d. */
static int walk(json_t **parent, const char **keys, json_t *root, const struct path *pa,
		int create, struct err *e)
{
	json_t *cur = root, *next;
	const char *k;
	size_t d;

	*parent = NULL;
	for (d = 0; d + 1 < pa->n; d++) {
		if (find_key(&k, cur, &pa->s[d], e) < 0)
			return -1;
		if (!k) {
			if (!create)
				return 0;
			next = json_object();
			if (!next || add_member(cur, keys, d, pa->s[d].name, next, e) < 0)
				return next ? -1 : err_set(e, "out of memory");
			if (find_key(&k, cur, &pa->s[d], e) < 0 || !k)
				return err_set(e, "out of memory");
		}
		next = json_object_get(cur, k);
		if (!json_is_object(next))
			return err_set(e, "'%s' is %s, not an object", k, type_name(next));
		keys[d] = k;
		cur = next;
	}
	*parent = cur;
	return 0;
}

/* Where a path leads: its parent object (NULL: a level is missing and
 * create was not set), the member's key there (NULL: absent), and the
 * keys of the levels above. */
struct spot {
	struct path pa;
	const char *keys[JSONEDIT_DEPTH_MAX];
	json_t *parent;
	const char *key;
};

static int locate(struct spot *sp, json_t *root, const char *path, int create, struct err *e)
{
	sp->key = NULL;
	sp->parent = NULL;
	sp->pa.buf = NULL;
	if (parse_path(&sp->pa, path, e) < 0 || walk(&sp->parent, sp->keys, root, &sp->pa, create, e) < 0)
		return -1;
	if (!sp->parent)
		return 0;
	return find_key(&sp->key, sp->parent, &sp->pa.s[sp->pa.n - 1], e);
}

int jsonedit_get(json_t **out, json_t *root, const char *path, struct err *e)
{
	struct spot sp;
	int rc = locate(&sp, root, path, 0, e);

	*out = rc == 0 && sp.key ? json_object_get(sp.parent, sp.key) : NULL;
	free(sp.pa.buf);
	return rc < 0 ? -1 : *out != NULL;
}

int jsonedit_set(json_t *root, const char *path, json_t *value, struct err *e)
{
	struct spot sp;
	int rc = locate(&sp, root, path, 1, e);

	if (rc < 0)
		json_decref(value);
	else if (sp.key)
		rc = json_object_set_new(sp.parent, sp.key, value) < 0 ? err_set(e, "out of memory") : 0;
	else
		rc = add_member(sp.parent, sp.keys, sp.pa.n - 1, sp.pa.s[sp.pa.n - 1].name, value, e);
	free(sp.pa.buf);
	return rc;
}

/* A top-level map docker writes with omitempty, now empty: docker's next
 * save drops it, so does this. */
static void prune_empty(json_t *root, const char *top)
{
	json_t *v = json_object_get(root, top);

	if (json_is_object(v) && json_object_size(v) == 0 &&
	    rank_in(map_fields, top) > 0)   /* not auths (index 0), which docker always writes */
		json_object_del(root, top);
}

int jsonedit_delete(json_t *root, const char *path, struct err *e)
{
	struct spot sp;
	int rc = locate(&sp, root, path, 0, e);

	if (rc == 0 && sp.key) {
		json_object_del(sp.parent, sp.key);
		if (sp.pa.n == 2)
			prune_empty(root, sp.keys[0]);
		rc = 1;
	}
	free(sp.pa.buf);
	return rc;
}

static int all_space(const char *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i] != ' ' && t[i] != '\t' && t[i] != '\n' && t[i] != '\r')
			return 0;
	return 1;
}

int jsonedit_parse(json_t **root, const char *name, const char *text, size_t len,
		   struct err *e)
{
	char why[ERR_MSG_MAX];
	json_error_t je;
	json_t *v;

	*root = NULL;
	if (!text || all_space(text, len)) {
		*root = json_object();
		return *root ? 0 : err_set(e, "out of memory");
	}
	/* Go's json.Decoder reads the first value and ignores what follows. */
	v = json_loadb(text, len, JSON_ALLOW_NUL | JSON_DISABLE_EOF_CHECK, &je);
	if (!v) {
		jsonerr_format(why, sizeof(why), &je);
		return err_set(e, "'%s': %s", name, why);
	}
	if (!json_is_object(v)) {
		err_set(e, "'%s': not a JSON object (%s)", name, type_name(v));
		json_decref(v);
		return -1;
	}
	*root = v;
	return 0;
}

int jsonedit_dump(struct buf *out, const json_t *root, struct err *e)
{
	return gojson_dump(out, root, e);
}
