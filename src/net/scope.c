#include "net/scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int scope_pull(char *out, size_t n, const char *path)
{
	int w = snprintf(out, n, "repository:%s:pull", path);

	return w < 0 || (size_t)w >= n ? -1 : 0;
}

int scope_push(char *out, size_t n, const char *path)
{
	int w = snprintf(out, n, "repository:%s:pull,push", path);

	return w < 0 || (size_t)w >= n ? -1 : 0;
}

static void add_action(struct scope_entry *e, const char *a, size_t len)
{
	size_t i, j;
	char act[32];

	if (!len || len >= sizeof(act))
		return;
	memcpy(act, a, len);
	act[len] = '\0';
	for (i = 0; i < e->nactions; i++)
		if (strcmp(e->actions[i], act) == 0)
			return;
	if (e->nactions == SCOPE_ACTIONS_MAX)
		return;
	/* Keep them sorted. */
	for (i = 0; i < e->nactions && strcmp(e->actions[i], act) < 0; i++)
		;
	for (j = e->nactions; j > i; j--)
		memcpy(e->actions[j], e->actions[j - 1], sizeof(e->actions[j]));
	memcpy(e->actions[i], act, len + 1);
	e->nactions++;
}

static void add_actions(struct scope_entry *e, const char *list)
{
	const char *p = list, *c;

	while (*p) {
		c = strchr(p, ',');
		if (!c)
			c = p + strlen(p);
		add_action(e, p, (size_t)(c - p));
		p = *c ? c + 1 : c;
	}
}

int scope_parse(struct scope_entry *out, const char *scope)
{
	const char *first = strchr(scope, ':'), *last = strrchr(scope, ':');
	size_t tl, nl;

	memset(out, 0, sizeof(*out));
	if (!first || first == last)
		return -1;
	tl = (size_t)(first - scope);
	nl = (size_t)(last - first - 1);
	if (tl >= sizeof(out->type) || nl >= sizeof(out->name))
		return -1;
	memcpy(out->type, scope, tl);
	memcpy(out->name, first + 1, nl);
	add_actions(out, last + 1);
	return 0;
}

static int add_one(struct scope_set *set, const char *s, size_t len)
{
	struct scope_entry e;
	char tmp[SCOPE_MAX + 128];
	size_t i, j;

	if (!len || len >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (scope_parse(&e, tmp) < 0) {
		memset(&e, 0, sizeof(e));
		if (len >= sizeof(e.name))
			return 0;
		/* Malformed: keep the text as the name, no type, no actions. */
		memcpy(e.name, tmp, len + 1);
	}
	for (i = 0; i < set->n; i++) {
		if (strcmp(set->e[i].type, e.type) == 0 && strcmp(set->e[i].name, e.name) == 0) {
			for (j = 0; j < e.nactions; j++)
				add_action(&set->e[i], e.actions[j], strlen(e.actions[j]));
			return 0;
		}
	}
	if (set->n == SCOPE_SET_MAX)
		return -1;
	set->e[set->n++] = e;
	return 0;
}

int scope_set_add(struct scope_set *set, const char *s)
{
	const char *p = s, *sp;
	int rc = 0;

	while (*p) {
		sp = strchr(p, ' ');
		if (!sp)
			sp = p + strlen(p);
		if (add_one(set, p, (size_t)(sp - p)) < 0)
			rc = -1;
		p = *sp ? sp + 1 : sp;
	}
	return rc;
}

static int entry_covers(const struct scope_entry *have, const struct scope_entry *want)
{
	size_t i, j;

	if (strcmp(have->type, want->type) != 0 || strcmp(have->name, want->name) != 0)
		return 0;
	for (i = 0; i < want->nactions; i++) {
		for (j = 0; j < have->nactions; j++)
			if (strcmp(have->actions[j], want->actions[i]) == 0)
				break;
		if (j == have->nactions)
			return 0;
	}
	return 1;
}

int scope_set_covers(const struct scope_set *set, const char *s)
{
	struct scope_set want = SCOPE_SET_INIT;
	size_t i, j;

	scope_set_add(&want, s);
	for (i = 0; i < want.n; i++) {
		for (j = 0; j < set->n; j++)
			if (entry_covers(&set->e[j], &want.e[i]))
				break;
		if (j == set->n)
			return 0;
	}
	return 1;
}

static void entry_string(const struct scope_entry *e, char *out, size_t n)
{
	size_t i, w;

	if (!e->type[0]) {
		snprintf(out, n, "%s", e->name);
		return;
	}
	w = (size_t)snprintf(out, n, "%s:%s:", e->type, e->name);
	for (i = 0; i < e->nactions && w < n; i++)
		w += (size_t)snprintf(out + w, n - w, "%s%s", i ? "," : "", e->actions[i]);
}

/* BuildKit sorts on "type:name" and appends the actions afterwards, which
 * differs from sorting the whole strings ('/' sorts before ':'). */
static int cmp_entry(const void *a, const void *b)
{
	const struct scope_entry *x = *(const struct scope_entry *const *)a;
	const struct scope_entry *y = *(const struct scope_entry *const *)b;
	char kx[SCOPE_MAX + 64], ky[SCOPE_MAX + 64];

	snprintf(kx, sizeof(kx), x->type[0] ? "%s:%s" : "%s%s", x->type, x->name);
	snprintf(ky, sizeof(ky), y->type[0] ? "%s:%s" : "%s%s", y->type, y->name);
	return strcmp(kx, ky);
}

size_t scope_set_strings(const struct scope_set *set, char out[][SCOPE_MAX], size_t max)
{
	const struct scope_entry *order[SCOPE_SET_MAX];
	size_t i, n = 0;

	for (i = 0; i < set->n; i++)
		order[i] = &set->e[i];
	qsort(order, set->n, sizeof(order[0]), cmp_entry);
	for (i = 0; i < set->n && n < max; i++)
		entry_string(order[i], out[n++], SCOPE_MAX);
	return n;
}

void scope_set_join(const struct scope_set *set, char *out, size_t n)
{
	char (*s)[SCOPE_MAX] = calloc(SCOPE_SET_MAX, SCOPE_MAX);
	size_t i, k, w = 0;

	if (!n)
		goto cleanup;
	out[0] = '\0';
	if (!s)
		goto cleanup;
	k = scope_set_strings(set, s, SCOPE_SET_MAX);
	for (i = 0; i < k && w < n; i++)
		w += (size_t)snprintf(out + w, n - w, "%s%s", i ? " " : "", s[i]);
cleanup:
	free(s);
}
