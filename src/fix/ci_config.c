/* ci_config.c — the job-scoped docker config: its directory, its
 * config.json, the ignore files of the build contexts it lies in, and
 * the links to the runner's plugins, builders and contexts. */
#include "fix/ci_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/crypto.h"
#include "util/fileio.h"
#include "docker/dockercfg.h"
#include "docker/regname.h"
#include "fix/atomicfile.h"
#include "fix/jsonedit.h"

/* How long a run waits for another fixkb run's lock on a file. */
#define CI_LOCK_MS 10000.0

static const char *const ci_linked[] = { "cli-plugins", "buildx", "contexts", NULL };

/* The job directory: made 0700 when missing; an existing one must be a
 * real directory owned by us (a shared /tmp is anyone's). */
static int prepare_dir(struct ci_config *c, struct err *e)
{
	struct stat st;

	if (lstat(c->dir, &st) < 0) {
		if (errno != ENOENT)
			return err_set(e, "'%s': %s", c->dir, strerror(errno));
		if (mkdir(c->dir, 0700) < 0)
			return err_set(e, "creating '%s': %s", c->dir, strerror(errno));
		c->dir_created = 1;
		if (lstat(c->dir, &st) < 0)
			return err_set(e, "'%s': %s", c->dir, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return err_set(e, "'%s' exists and is not a directory (a symlink?): not using it", c->dir);
	if (st.st_uid != geteuid())
		return err_set(e, "'%s' belongs to uid %lu, not to this user (%lu): not using it",
			       c->dir, (unsigned long)st.st_uid, (unsigned long)geteuid());
	if ((st.st_mode & 07777) != 0700 && chmod(c->dir, 0700) < 0)
		return err_set(e, "chmod 0700 '%s': %s", c->dir, strerror(errno));
	return 0;
}

/* "auths.\"<key>\"" (keys are host[:port] or Hub's URL: no quote in them). */
static void member(char *out, size_t n, const char *map, const char *key)
{
	snprintf(out, n, "%s.\"%s\"", map, key);
}

/* The value an entry writes: {"auth": base64(user:secret)}, that base64
 * kept as a mask; a secret without a user (an identity token: BuildKit
 * sends both as a refresh token) as {"identitytoken": secret}; a
 * registry token alone as {"registrytoken": token}. */
static json_t *auth_value(struct ci_config *c, const struct credential *cred, struct err *e)
{
	size_t ul = strlen(cred->username), n = ul + 1 + cred->secret.len;
	char *pair = NULL, *b64 = NULL;
	json_t *v = NULL;

	if (sensitive_is_empty(&cred->secret) && !sensitive_is_empty(&cred->registry_token)) {
		v = json_pack("{s:s}", "registrytoken", cred->registry_token.data);
		goto done;
	}
	if (cred->identity_token || !ul) {
		v = json_pack("{s:s}", "identitytoken", cred->secret.data ? cred->secret.data : "");
		goto done;
	}
	if (!(pair = malloc(n + 1)))
		goto done;
	memcpy(pair, cred->username, ul);
	pair[ul] = ':';
	if (cred->secret.len)
		memcpy(pair + ul + 1, cred->secret.data, cred->secret.len);
	pair[n] = '\0';
	if (!(b64 = b64_encode_std(pair, n)))
		goto done;
	if (c->nmasks < CI_CONFIG_MASKS_MAX &&
	    sensitive_set(&c->masks[c->nmasks++], b64, strlen(b64)) < 0)
		goto done;
	v = json_pack("{s:s}", "auth", b64);
done:
	if (pair) {
		explicit_bzero(pair, n);
		free(pair);
	}
	if (b64) {
		explicit_bzero(b64, strlen(b64));
		free(b64);
	}
	if (!v)
		err_set(e, "out of memory");
	return v;
}

/* Sets or clears one registry's entry in root. */
static int apply_entry(struct ci_config *c, json_t *root, const struct ci_entry *en,
		       struct err *e)
{
	const char *key = regname_auth_key(en->registry, REGNAME_BUILDKIT);
	char a[600], h[600];
	json_t *v;

	member(a, sizeof(a), "auths", key);
	member(h, sizeof(h), "credHelpers", key);
	if (en->helper) {
		if (jsonedit_delete(root, a, e) < 0 ||
		    jsonedit_set(root, h, json_string(en->helper), e) < 0)
			return -1;
		return 0;
	}
	if (jsonedit_delete(root, h, e) < 0)
		return -1;
	if (!en->cred)
		return jsonedit_delete(root, a, e) < 0 ? -1 : 0;
	if (!(v = auth_value(c, en->cred, e)))
		return -1;
	return jsonedit_set(root, a, v, e);
}

/* The starting point: the job config as it is, else the runner's config
 * less its credentials. */
static int base_root(struct ci_config *c, json_t **root, const struct settings *s,
		     struct err *e)
{
	const struct writeset_file *f = &c->ws.files[c->cfg_index];
	struct buf b = BUF_INIT(DOCKERCFG_FILE_MAX);
	char orig[PATH_MAX];
	int missing = 0, rc;

	if (f->existed)
		return jsonedit_parse(root, c->file, f->old.data ? f->old.data : "", f->old.len, e);
	*root = NULL;
	if (c->orig_dir[0] && dockercfg_default_path(orig, sizeof(orig), s, e) == 0 &&
	    fileio_read(&b, orig, DOCKERCFG_FILE_MAX, &missing, e) == 0 && !missing &&
	    jsonedit_parse(root, orig, b.data, b.len, e) == 0) {
		snprintf(c->base, sizeof(c->base), "%s", orig);
		rc = jsonedit_delete(*root, "auths", e) < 0 || jsonedit_delete(*root, "credsStore", e) < 0 ||
		     jsonedit_delete(*root, "credHelpers", e) < 0;
		buf_release(&b);
		return rc ? -1 : 0;
	}
	/* no runner config, or one docker cannot load: start empty */
	buf_release(&b);
	err_clear(e);
	json_decref(*root);
	*root = json_object();
	return *root ? 0 : err_set(e, "out of memory");
}

static int plan_config(struct ci_config *c, const struct settings *s,
		       const struct ci_entry *entries, size_t n, struct err *e)
{
	struct buf text = BUF_INIT(WRITESET_FILE_MAX);
	json_t *root = NULL;
	size_t i;
	int rc = -1;

	if (base_root(c, &root, s, e) < 0)
		goto cleanup;
	for (i = 0; i < n; i++)
		if (apply_entry(c, root, &entries[i], e) < 0)
			goto cleanup;
	if (jsonedit_dump(&text, root, e) < 0)
		goto cleanup;
	rc = writeset_replace(&c->ws, c->cfg_index, text.data, text.len, e);
cleanup:
	json_decref(root);
	buf_release(&text);
	return rc;
}

/* The job dir relative to context, when it lies inside it ("" not). */
static int inside(const char *context, const char *dir, char *rel, size_t n)
{
	char cr[PATH_MAX], dr[PATH_MAX], parent[PATH_MAX], base[PATH_MAX];
	size_t l;

	rel[0] = '\0';
	if (!realpath(context, cr) || atomicfile_split(dir, parent, sizeof(parent), base,
							sizeof(base)) < 0 || !realpath(parent, dr))
		return 0;
	l = strlen(cr);
	if (strcmp(cr, "/") == 0)
		l = 0;
	else if (strncmp(dr, cr, l) != 0 || (dr[l] != '/' && dr[l] != '\0'))
		return 0;
	snprintf(rel, n, "%s%s%s", dr[l] ? dr + l + 1 : "", dr[l] ? "/" : "", base);
	return 1;
}

/* Whether an ignore file's text already has a line naming rel. */
static int names_it(const char *text, size_t len, const char *rel)
{
	const char *p = text, *end = text + len, *nl;
	size_t rl = strlen(rel), ll;

	for (; p && p < end; p = nl ? nl + 1 : NULL) {
		nl = memchr(p, '\n', (size_t)(end - p));
		ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		while (ll && (p[ll - 1] == '\r' || p[ll - 1] == ' ' || p[ll - 1] == '/'))
			ll--;
		if (ll && *p == '/') {
			p++;
			ll--;
		}
		if (ll == rl && memcmp(p, rel, rl) == 0)
			return 1;
	}
	return 0;
}

static int plan_ignores(struct ci_config *c, const struct ci_needs *needs, struct err *e)
{
	char rel[PATH_MAX], file[PATH_MAX + 16];
	struct stat st;
	size_t i, j, idx;

	for (i = 0; i < needs->nfiles; i++) {
		const struct ci_dockerfile *df = &needs->files[i];

		if (!inside(df->context, c->dir, rel, sizeof(rel)))
			continue;
		snprintf(file, sizeof(file), "%s.dockerignore", df->path);
		if (stat(file, &st) < 0)
			snprintf(file, sizeof(file), "%s/.dockerignore", df->context);
		for (j = 0; j < json_array_size(c->ignores); j++)
			if (strcmp(json_string_value(json_object_get(json_array_get(c->ignores, j),
								     "file")), file) == 0)
				break;
		if (j < json_array_size(c->ignores))
			continue;
		if (writeset_add(&c->ws, file, 0, &idx, e) < 0)
			return -1;
		json_array_append_new(c->ignores, json_pack("{s:s, s:s, s:I}", "file", file,
							    "entry", rel, "index", (json_int_t)idx));
	}
	return 0;
}

static int fill_ignores(struct ci_config *c, struct err *e)
{
	json_t *v;
	size_t i;

	json_array_foreach(c->ignores, i, v) {
		size_t idx = (size_t)json_integer_value(json_object_get(v, "index"));
		const struct writeset_file *f = &c->ws.files[idx];
		const char *rel = json_string_value(json_object_get(v, "entry"));
		struct buf t = BUF_INIT(WRITESET_FILE_MAX);
		int rc;

		json_object_set_new(v, "present", json_boolean(names_it(f->old.data, f->old.len, rel)));
		if (json_is_true(json_object_get(v, "present")))
			continue;
		rc = buf_append(&t, f->old.data ? f->old.data : "", f->old.len) < 0 ||
		     buf_appendf(&t, "%s# fixkb fix --ci: the job's docker config (credentials)\n%s\n",
				 f->old.len && f->old.data[f->old.len - 1] != '\n' ? "\n" : "", rel) < 0;
		if (rc || writeset_replace(&c->ws, idx, t.data, t.len, e) < 0) {
			buf_release(&t);
			return rc ? err_set(e, "out of memory") : -1;
		}
		buf_release(&t);
	}
	return 0;
}

static void plan_links(struct ci_config *c)
{
	char from[PATH_MAX + 32], to[PATH_MAX + 32];
	struct stat st;
	size_t i;

	if (!c->orig_dir[0])
		return;
	for (i = 0; ci_linked[i]; i++) {
		snprintf(from, sizeof(from), "%s/%s", c->orig_dir, ci_linked[i]);
		snprintf(to, sizeof(to), "%s/%s", c->dir, ci_linked[i]);
		if (stat(from, &st) < 0 || !S_ISDIR(st.st_mode) || lstat(to, &st) == 0)
			continue;
		json_array_append_new(c->links, json_pack("{s:s, s:s, s:b}", "name", ci_linked[i],
							  "target", from, "made", 0));
	}
}

int ci_config_plan(struct ci_config *c, const struct ci_env *env, const struct settings *s,
		   const struct ci_entry *entries, size_t n, const struct ci_needs *needs,
		   int apply, struct err *e)
{
	char rd[PATH_MAX], rj[PATH_MAX];

	if (!(c->ignores = json_array()) || !(c->links = json_array()))
		return err_set(e, "out of memory");
	if (ci_job_dir(env, c->dir, sizeof(c->dir), &c->dir_from) < 0)
		return err_set(e, "the job's config directory path is too long");
	snprintf(c->file, sizeof(c->file), "%s/config.json", c->dir);
	if (dockercfg_dir(c->orig_dir, sizeof(c->orig_dir), s, e) < 0) {
		err_clear(e);
		c->orig_dir[0] = '\0';
	}
	if (c->orig_dir[0] && realpath(c->orig_dir, rd) && realpath(c->dir, rj) &&
	    strcmp(rd, rj) == 0)
		c->orig_dir[0] = '\0';
	if (apply && prepare_dir(c, e) < 0)
		return -1;
	if (writeset_add(&c->ws, c->file, WRITESET_JSON | WRITESET_SECRET, &c->cfg_index, e) < 0 ||
	    plan_ignores(c, needs, e) < 0 ||
	    writeset_read(&c->ws, apply ? CI_LOCK_MS : -1, e) < 0 ||
	    plan_config(c, s, entries, n, e) < 0 || fill_ignores(c, e) < 0)
		return -1;
	plan_links(c);
	return 0;
}

size_t ci_config_changes(const struct ci_config *c)
{
	return writeset_changes(&c->ws) + json_array_size(c->links);
}

int ci_config_diff(const struct ci_config *c, struct buf *out, struct err *e)
{
	return writeset_diff(&c->ws, out, e);
}

int ci_config_apply(struct ci_config *c, struct err *e)
{
	char to[PATH_MAX + 32];
	json_t *v;
	size_t i;

	if (writeset_apply(&c->ws, NULL, "apply", e) < 0)
		return -1;
	json_array_foreach(c->links, i, v) {
		snprintf(to, sizeof(to), "%s/%s", c->dir, json_string_value(json_object_get(v, "name")));
		if (symlink(json_string_value(json_object_get(v, "target")), to) < 0) {
			err_set(e, "linking '%s': %s", to, strerror(errno));
			ci_config_rollback(c, e);
			return -1;
		}
		json_object_set_new(v, "made", json_true());
	}
	return 0;
}

int ci_config_rollback(struct ci_config *c, struct err *e)
{
	char to[PATH_MAX + 32];
	json_t *v;
	size_t i;
	int rc = 0;

	json_array_foreach(c->links, i, v) {
		if (!json_is_true(json_object_get(v, "made")))
			continue;
		snprintf(to, sizeof(to), "%s/%s", c->dir, json_string_value(json_object_get(v, "name")));
		if (unlink(to) < 0)
			rc = err_set(e, "removing '%s': %s", to, strerror(errno));
		json_object_set_new(v, "made", json_false());
	}
	if (c->ws.has_applied && writeset_rollback(&c->ws, e) < 0)
		rc = -1;
	return rc;
}

void ci_config_release(struct ci_config *c)
{
	size_t i;

	if (!c)
		return;
	writeset_release(&c->ws);
	json_decref(c->ignores);
	json_decref(c->links);
	c->ignores = c->links = NULL;
	for (i = 0; i < c->nmasks; i++)
		sensitive_release(&c->masks[i]);
	c->nmasks = 0;
}
