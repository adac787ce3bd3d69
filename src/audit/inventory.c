#include "audit/inventory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/crypto.h"

const char *inventory_store_name(enum inv_store s)
{
	switch (s) {
	case STORE_DOCKER_CONFIG: return "config.json auths";
	case STORE_AUTHFILE: return "auth.json auths";
	case STORE_LEGACY: return ".dockercfg";
	case STORE_HELPER: return "credential helper";
	case STORE_ENV: return "DOCKER_AUTH_CONFIG";
	}
	return "";
}

static void digest(char out[65], const char *user, const struct sensitive *secret)
{
	struct buf b = BUF_INIT(CREDENTIAL_USER_MAX + (1u << 20));

	if (buf_appends(&b, user) < 0 || buf_append(&b, "", 1) < 0 ||
	    buf_append(&b, secret->data ? secret->data : "", secret->len) < 0) {
		snprintf(out, 65, "(too large)");
		buf_release(&b);
		return;
	}
	sha256_hex(b.data, b.len, out);
	buf_release(&b);
}

/* Some stores hold the token in the username too ("auth" of
 * "<token>:<token>"): such a username is shown as what it is, never
 * itself. */
static void hide_secret_username(struct inv_cred *c, const struct sensitive *secret)
{
	struct sensitive u = { c->username, strlen(c->username) };

	if ((secret->len && u.len == secret->len && memcmp(u.data, secret->data, u.len) == 0))
		snprintf(c->username, sizeof(c->username), "(the secret itself)");
	else if (u.len && secretclass_prefix_class(&u))
		snprintf(c->username, sizeof(c->username), "(a token)");
}

int inventory_add(struct inventory *inv, struct inv_cred **out, const struct inv_cred *where,
		  const char *username, const struct sensitive *secret, enum secret_kind kind,
		  const struct sensitive *registry_token, long long now)
{
	const struct sensitive *s = secret;
	struct inv_cred *c, *nv;

	if (sensitive_is_empty(s) && registry_token && !sensitive_is_empty(registry_token)) {
		s = registry_token;
		kind = SECRET_REGISTRY_TOKEN;
	}
	if (inv->n == inv->cap) {
		size_t cap = inv->cap ? inv->cap * 2 : 8;

		nv = calloc(cap, sizeof(*nv));
		if (!nv)
			return -1;
		if (inv->n)
			memcpy(nv, inv->v, inv->n * sizeof(*nv));
		free(inv->v);   /* the moved creds' secrets now live in nv */
		inv->v = nv;
		inv->cap = cap;
	}
	c = &inv->v[inv->n];
	*c = *where;
	c->cred = (struct credential)CREDENTIAL_INIT;
	memset(c->used_by, 0, sizeof(c->used_by));
	memset(c->read_by, 0, sizeof(c->read_by));
	c->online[0] = '\0';
	snprintf(c->username, sizeof(c->username), "%s", username ? username : "");
	c->kind = kind;
	digest(c->digest, c->username, s);
	hide_secret_username(c, s);
	sensitive_fingerprint(s, c->fp);
	secretclass_judge(&c->verdict, c->registry, c->username, s, kind, now);
	if (inv->keep_secrets) {
		snprintf(c->cred.username, sizeof(c->cred.username), "%s",
			 kind == SECRET_IDENTITY_TOKEN ? "" : c->username);
		c->cred.identity_token = kind == SECRET_IDENTITY_TOKEN;
		if (sensitive_copy(kind == SECRET_REGISTRY_TOKEN ? &c->cred.registry_token
								 : &c->cred.secret, s) < 0)
			return -1;
	}
	inv->n++;
	if (out)
		*out = c;
	return 0;
}

int inventory_add_plan(struct inventory *inv, const char *registry, enum consumer cons,
		       const char *source, int yields)
{
	struct inv_plan *nv;

	if (inv->nplans == inv->capplans) {
		size_t cap = inv->capplans ? inv->capplans * 2 : 8;

		nv = realloc(inv->plans, cap * sizeof(*nv));
		if (!nv)
			return -1;
		inv->plans = nv;
		inv->capplans = cap;
	}
	nv = &inv->plans[inv->nplans++];
	snprintf(nv->registry, sizeof(nv->registry), "%s", registry);
	nv->consumer = cons;
	snprintf(nv->source, sizeof(nv->source), "%s", source);
	nv->yields = yields;
	return 0;
}

void inventory_release(struct inventory *inv)
{
	size_t i;

	for (i = 0; i < inv->n; i++)
		credential_release(&inv->v[i].cred);
	if (inv->v)
		explicit_bzero(inv->v, inv->cap * sizeof(*inv->v));
	free(inv->v);
	free(inv->plans);
	inv->v = NULL;
	inv->plans = NULL;
	inv->n = inv->cap = inv->nplans = inv->capplans = 0;
}

struct inv_cred *inventory_find(struct inventory *inv, enum inv_store store, const char *file,
				const char *helper, const char *key)
{
	size_t i;

	for (i = 0; i < inv->n; i++) {
		struct inv_cred *c = &inv->v[i];

		if (c->store != store || strcmp(c->key, key) != 0)
			continue;
		if (store == STORE_HELPER ? strcmp(c->helper, helper) == 0
					  : strcmp(c->file, file ? file : "") == 0)
			return c;
	}
	return NULL;
}

/* "secretservice (credential helper)" or "~/.docker/config.json". */
static void where(char *out, size_t n, const struct inv_cred *c)
{
	if (c->store == STORE_HELPER)
		snprintf(out, n, "docker-credential-%s", c->helper);
	else
		snprintf(out, n, "%s", c->display);
}

json_t *inventory_cred_json(const struct inv_cred *c, const char *user)
{
	char shown[PATH_MAX + 64];
	json_t *o, *used = json_array();
	int i;

	for (i = 0; i < CONSUMER_COUNT; i++)
		if (c->used_by[i])
			json_array_append_new(used, json_string(consumer_name((enum consumer)i)));
	where(shown, sizeof(shown), c);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "registry", c->registry,
		      "store", inventory_store_name(c->store), "where", shown, "key", c->key,
		      "kind", secret_kind_name(c->kind), "fingerprint", c->fp,
		      "class", c->verdict.what, "used_by", used);
	if (!o)
		return NULL;
	json_object_set_new(o, "username", json_string(c->username));
	if (user && *user)
		json_object_set_new(o, "user", json_string(user));
	if (c->verdict.exp)
		json_object_set_new(o, "expires", json_integer(c->verdict.exp));
	if (c->online[0])
		json_object_set_new(o, "online", json_string(c->online));
	return o;
}

void inventory_cred_loc(struct audit_loc *loc, const struct inv_cred *c, const char *user,
		     char *subject, size_t n)
{
	memset(loc, 0, sizeof(*loc));
	loc->user = user;
	loc->registry = c->registry;
	if (c->store == STORE_HELPER) {
		loc->path = c->cfgfile;
		loc->display = c->cfgdisplay;
		snprintf(subject, n, "helper %s: %s", c->helper, c->key);
	} else if (c->store != STORE_ENV) {
		loc->path = c->file;
		loc->display = c->display;
		snprintf(subject, n, "%s: %s", inventory_store_name(c->store), c->key);
	} else {
		snprintf(subject, n, "DOCKER_AUTH_CONFIG: %s", c->key);
	}
	loc->line = c->line;
	loc->subject = subject;
}

static int verdict_findings(struct audit_report *r, const struct inventory *inv, const char *user)
{
	char subject[800], shown[PATH_MAX + 64];
	struct audit_loc loc;
	size_t i;

	for (i = 0; i < inv->n; i++) {
		const struct inv_cred *c = &inv->v[i];

		if (c->verdict.rule == RULE_COUNT)
			continue;
		inventory_cred_loc(&loc, c, user, subject, sizeof(subject));
		where(shown, sizeof(shown), c);
		if (audit_add(r, c->verdict.rule, &loc, NULL, "%s: %s (%s%s%s, %s in %s)",
			      c->registry, c->verdict.why, c->username, c->username[0] ? ", " : "",
			      c->fp, secret_kind_name(c->kind), shown) < 0)
			return -1;
	}
	return 0;
}

/* One line per store holding registry reg, and who reads it. */
static void shadow_story(struct buf *b, const struct inventory *inv, const char *reg,
			 const struct inv_cred **unused)
{
	char shown[PATH_MAX + 64];
	size_t i;
	int k, any;

	*unused = NULL;
	for (i = 0; i < inv->n; i++) {
		const struct inv_cred *c = &inv->v[i];

		if (strcmp(c->registry, reg) != 0)
			continue;
		where(shown, sizeof(shown), c);
		buf_appendf(b, "; %s '%s' (%s%s%s) ", shown, c->key, c->username,
			    c->username[0] ? ", " : "", c->fp);
		for (k = 0, any = 0; k < CONSUMER_COUNT; k++) {
			if (!c->used_by[k])
				continue;
			buf_appendf(b, "%s%s", any ? " and " : "is sent by ", consumer_name((enum consumer)k));
			any = 1;
		}
		if (!any) {
			buf_appends(b, "is sent by no client");
			if (!*unused)
				*unused = c;
		}
	}
	for (i = 0; i < inv->nplans; i++)
		if (strcmp(inv->plans[i].registry, reg) == 0)
			buf_appendf(b, "; %s asks %s%s", consumer_name(inv->plans[i].consumer),
				    inv->plans[i].source, inv->plans[i].yields ? "" :
				    ", which has nothing for it");
}

static int shadow_one(struct audit_report *r, const struct inventory *inv, const char *reg,
		      const char *user)
{
	struct buf story = BUF_INIT(AUDIT_MSG_MAX * 4);
	const struct inv_cred *unused = NULL, *first = NULL;
	char subject[800];
	struct audit_loc loc;
	size_t i, j, n = 0, distinct = 0;
	int rc, empty_plan = 0;

	/* a client whose helper has nothing, while a store it reads holds one */
	for (i = 0; i < inv->nplans; i++) {
		const struct inv_plan *p = &inv->plans[i];

		for (j = 0; !p->yields && strcmp(p->registry, reg) == 0 && j < inv->n; j++)
			empty_plan |= strcmp(inv->v[j].registry, reg) == 0 &&
				      inv->v[j].read_by[p->consumer] && !inv->v[j].used_by[p->consumer];
	}
	for (i = 0; i < inv->n; i++) {
		if (strcmp(inv->v[i].registry, reg) != 0)
			continue;
		if (!first || (first->store != STORE_DOCKER_CONFIG &&
			       inv->v[i].store == STORE_DOCKER_CONFIG))
			first = &inv->v[i];   /* point at docker's config when no store is idle */
		n++;
		for (j = 0; j < i; j++)
			if (strcmp(inv->v[j].registry, reg) == 0 &&
			    strcmp(inv->v[j].digest, inv->v[i].digest) == 0)
				break;
		distinct += j == i;
	}
	/* different secrets, or a helper hiding a store (it replaces auths
	 * even when it has nothing) */
	if (!(distinct >= 2 || empty_plan))
		return 0;
	shadow_story(&story, inv, reg, &unused);
	inventory_cred_loc(&loc, unused ? unused : first, user, subject, sizeof(subject));
	loc.subject = reg;
	rc = audit_add(r, RULE_SHADOWED_CREDENTIALS, &loc, NULL,
		       distinct >= 2 ? "%s has %zu different credentials in %zu stores, so a login in "
		       "one does not reach the others%s" : "%s: %zu credential in %zu store(s) is hidden "
		       "by a credential helper that has nothing for it%s", reg, distinct, n, story.data ? story.data : "");
	buf_release(&story);
	return rc;
}

int inventory_findings(struct audit_report *r, const struct inventory *inv, const char *user)
{
	size_t i, j;

	if (verdict_findings(r, inv, user) < 0)
		return -1;
	for (i = 0; i < inv->n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(inv->v[j].registry, inv->v[i].registry) == 0)
				break;
		if (j == i && shadow_one(r, inv, inv->v[i].registry, user) < 0)
			return -1;
	}
	return 0;
}
