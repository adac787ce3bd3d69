#include "audit/stores.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "audit/safefs.h"
#include "docker/regname.h"

int stores_key_registry(const char *key, char *out, size_t n)
{
	char host[512];
	struct err e = ERR_INIT;

	regname_docker_hostname(key, host, sizeof(host));
	return regname_normalise(host, out, n, &e) < 0 ? -1 : 0;
}

/* The first quoted occurrence of needle in [t, end), or NULL; *line is
 * advanced over the newlines passed. */
static const char *find_quoted(const char *t, const char *end, const char *needle, int nocase,
			       int *line)
{
	char quoted[600];
	size_t ql;

	snprintf(quoted, sizeof(quoted), "\"%s\"", needle);
	ql = strlen(quoted);
	for (; t + ql <= end; t++) {
		if ((nocase ? strncasecmp(t, quoted, ql) : strncmp(t, quoted, ql)) == 0)
			return t;
		if (*t == '\n')
			(*line)++;
	}
	return NULL;
}

int stores_line_of(const struct hfile *f, const char *anchor, const char *needle, int nocase)
{
	const char *t = f->text.data, *end;
	int line = 1;

	if (!t || !needle || !*needle)
		return 0;
	end = t + f->text.len;
	if (anchor) {
		t = find_quoted(t, end, anchor, 1, &line);
		if (!t)
			return 0;
	}
	return find_quoted(t, end, needle, nocase, &line) ? line : 0;
}

static int add_file(struct home_stores *hs, const char *path, const char *root)
{
	size_t i;

	for (i = 0; i < hs->n; i++)
		if (strcmp(hs->f[i].path, path) == 0)
			return (int)i;
	if (hs->n >= STORES_FILES_MAX)
		return -1;
	i = hs->n++;
	memset(&hs->f[i], 0, sizeof(hs->f[i]));
	snprintf(hs->f[i].path, sizeof(hs->f[i].path), "%s", path);
	snprintf(hs->f[i].root, sizeof(hs->f[i].root), "%s", root);
	homes_display(hs->home, path, hs->f[i].display, sizeof(hs->f[i].display));
	hs->f[i].docker_format = strlen(path) >= 11 && strcmp(path + strlen(path) - 11, "config.json") == 0;
	hs->f[i].legacy = strlen(path) >= 10 && strcmp(path + strlen(path) - 10, ".dockercfg") == 0;
	hs->f[i].text = (struct buf)BUF_INIT(DOCKERCFG_FILE_MAX);
	hs->f[i].cfg = (struct dockercfg)DOCKERCFG_INIT;
	hs->f[i].af = (struct authfile)AUTHFILE_INIT;
	return (int)i;
}

static void chain_add(struct home_stores *hs, int idx, int legacy)
{
	if (idx < 0 || hs->nchain >= AUTHFILE_CHAIN_MAX)
		return;
	hs->f[idx].in_chain = 1;
	hs->f[idx].legacy |= legacy;
	if (legacy)
		hs->f[idx].docker_format = 0;
	hs->chain[hs->nchain++] = idx;
}

/* The default locations, read as stores on disk even when the
 * environment sends the clients elsewhere. */
static void defaults_current(struct home_stores *hs)
{
	const char *home = hs->home->env_home, *xr = getenv("XDG_RUNTIME_DIR");
	const char *xc = getenv("XDG_CONFIG_HOME");
	char path[PATH_MAX + 64];

	if (xr && *xr) {
		snprintf(path, sizeof(path), "%s/containers/auth.json", xr);
		add_file(hs, path, "/");
	}
	snprintf(path, sizeof(path), "%s/containers/auth.json", xc && *xc ? xc : home);
	if (!(xc && *xc))
		snprintf(path, sizeof(path), "%s/.config/containers/auth.json", home);
	add_file(hs, path, "/");
	snprintf(path, sizeof(path), "%s/.docker/config.json", home);
	add_file(hs, path, "/");
}

static int paths_current(struct home_stores *hs, const struct settings *s, struct err *e)
{
	struct authfile_chain ch;
	char path[PATH_MAX];
	size_t i;

	if (dockercfg_default_path(path, sizeof(path), s, e) < 0)
		return -1;
	hs->docker = add_file(hs, path, "/");
	/* every file containers/image may read (skopeo's chain, and the files
	 * an older c/image reads after an authfile) */
	if (authfile_chain(&ch, s, AUTHFILE_SKOPEO, 0, e) < 0)
		return -1;
	for (i = 0; i < ch.n; i++)
		chain_add(hs, add_file(hs, ch.p[i].path, "/"), ch.p[i].legacy);
	if (snprintf(path, sizeof(path), "%s/.dockercfg", hs->home->env_home) < (int)sizeof(path))
		hs->legacy = add_file(hs, path, "/");
	defaults_current(hs);
	return 0;
}

static void paths_other(struct home_stores *hs)
{
	const struct audit_home *h = hs->home;
	char path[PATH_MAX + 64], run[64];
	int idx;

	snprintf(run, sizeof(run), "/run/user/%u", (unsigned)h->uid);
	snprintf(path, sizeof(path), "%s/containers/auth.json", run);
	chain_add(hs, add_file(hs, path, run), 0);
	snprintf(path, sizeof(path), "%s/.config/containers/auth.json", h->home);
	chain_add(hs, add_file(hs, path, h->home), 0);
	snprintf(path, sizeof(path), "%s/.docker/config.json", h->home);
	hs->docker = add_file(hs, path, h->home);
	chain_add(hs, hs->docker, 0);
	snprintf(path, sizeof(path), "%s/.dockercfg", h->home);
	idx = add_file(hs, path, h->home);
	chain_add(hs, idx, 1);
	hs->legacy = idx;
}


static int read_one(struct hfile *f, struct audit_report *r, struct err *e)
{
	struct err re = ERR_INIT;
	struct stat rootst;
	int missing = 0;

	if (stat(f->root, &rootst) < 0 && errno == ENOENT)
		return 0;
	if (safefs_read(&f->text, f->root, f->path, DOCKERCFG_FILE_MAX, &f->st, &missing, &re) < 0) {
		f->exists = f->unreadable = 1;
		audit_note(r, f->path, "%s", re.msg);
		return 0;
	}
	if (missing)
		return 0;
	f->exists = 1;
	if (f->docker_format) {
		if (dockercfg_load_text(&f->cfg, f->path, f->text.data, f->text.len, e) < 0)
			return -1;
		if (f->cfg.broken)
			audit_note(r, f->path, "docker cannot parse %s: %s", f->display, f->cfg.error);
	}
	if (f->in_chain || !f->docker_format) {
		if (authfile_load_text(&f->af, f->path, f->legacy, f->text.data, f->text.len, e) < 0)
			return -1;
		if (f->af.broken && !(f->docker_format && f->cfg.broken))
			audit_note(r, f->path, "containers/image cannot parse %s: %s", f->display,
				   f->af.error);
	}
	return 0;
}

int stores_load(struct home_stores *hs, const struct audit_home *h, const struct settings *s,
		struct audit_report *r, struct err *e)
{
	size_t i;

	memset(hs, 0, sizeof(*hs));
	hs->home = h;
	hs->docker = hs->legacy = -1;
	if (h->current) {
		if (paths_current(hs, s, e) < 0) {
			audit_note(r, NULL, "%s", e->msg);
			err_clear(e);
		}
	} else {
		paths_other(hs);
	}
	if (hs->docker >= 0) {
		hs->f[hs->docker].is_docker = 1;
		hs->f[hs->docker].docker_format = 1;
	}
	for (i = 0; i < hs->n; i++)
		if (read_one(&hs->f[i], r, e) < 0)
			return -1;
	return 0;
}

void stores_release(struct home_stores *hs)
{
	size_t i;

	for (i = 0; i < hs->n; i++) {
		buf_release(&hs->f[i].text);
		dockercfg_release(&hs->f[i].cfg);
		authfile_release(&hs->f[i].af);
	}
	hs->n = 0;
}

/* ---- the file rules ---- */

static size_t credentials_in(const struct hfile *f)
{
	size_t i, n = 0;

	if (f->docker_format) {
		for (i = 0; i < f->cfg.nauths; i++)
			n += dockercfg_entry_has_credential(&f->cfg.auths[i]);
		return n;
	}
	for (i = 0; i < f->af.nauths; i++)
		n += !sensitive_is_empty(&f->af.auths[i].auth) ||
		     !sensitive_is_empty(&f->af.auths[i].identity_token);
	return n;
}

static int check_mode(const struct home_stores *hs, const struct hfile *f,
		      struct audit_report *r)
{
	const struct audit_home *h = hs->home;
	uid_t want = h->current ? geteuid() : h->uid;
	mode_t m = f->st.st_mode & 07777;
	size_t held = credentials_in(f);
	char why[512] = "";
	struct audit_loc loc = { h->user, f->path, f->display, NULL, 0, NULL, "permissions" };
	size_t w = 0;

	if (held && (m & 0044))
		w += (size_t)snprintf(why + w, sizeof(why) - w, "%sreadable by %s", w ? ", " : "",
				      (m & 0044) == 0044 ? "group and others" :
				      (m & 0040) ? "its group" : "every user");
	if ((m & 0022) && w < sizeof(why))
		w += (size_t)snprintf(why + w, sizeof(why) - w, "%swritable by %s", w ? ", " : "",
				      (m & 0022) == 0022 ? "group and others" :
				      (m & 0020) ? "its group" : "every user");
	if (f->st.st_uid != want && w < sizeof(why))
		snprintf(why + w, sizeof(why) - w, "%sowned by uid %u, not %s", w ? ", " : "",
			 (unsigned)f->st.st_uid, h->user);
	if (!why[0])
		return 0;
	return audit_add(r, RULE_CREDENTIAL_FILE_PERMISSIONS, &loc, NULL,
			 "%s holds %zu credential%s and is %s (mode %04o); run chmod 600 %s%s",
			 f->display, held, held == 1 ? "" : "s", why, (unsigned)m, f->display,
			 f->st.st_uid != want ? " and check who owns it" : "");
}

static int plaintext(struct audit_report *r, const struct home_stores *hs, const struct hfile *f,
		     const char *key, const char *registry, const char *user, const char *what,
		     const char *fp, int line)
{
	struct audit_loc loc = { hs->home->user, f->path, f->display, NULL, line, registry, key };

	return audit_add(r, RULE_PLAINTEXT_CREDENTIALS, &loc, NULL,
			 "%s: %s%s%s stored in plain text in %s under '%s' (%s): anyone who can "
			 "read the file has it; use a credential helper", registry, user,
			 *user ? "'s " : "", what, f->display, key, fp);
}

static int hub_key(struct audit_report *r, const struct home_stores *hs, const struct hfile *f,
		   const char *key, int line)
{
	struct audit_loc loc = { hs->home->user, f->path, f->display, NULL, line, REGNAME_HUB, key };

	if (strcmp(key, REGNAME_HUB_AUTH_KEY) == 0)
		return 0;
	return audit_add(r, RULE_HUB_KEY_UNREAD, &loc, NULL,
			 "Docker Hub credentials under '%s' in %s: docker and BuildKit read Hub "
			 "credentials only under '%s' (podman and buildah do read this one)",
			 key, f->display, REGNAME_HUB_AUTH_KEY);
}

static void cred_where(struct inv_cred *w, const struct hfile *f, enum inv_store store,
		       const char *key, const char *registry, int line)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->registry, sizeof(w->registry), "%s", registry);
	snprintf(w->key, sizeof(w->key), "%s", key);
	w->store = store;
	snprintf(w->file, sizeof(w->file), "%s", f->path);
	snprintf(w->display, sizeof(w->display), "%s", f->display);
	w->line = line;
}

static int docker_entries(struct audit_report *r, const struct home_stores *hs,
			  const struct hfile *f, struct inventory *inv, long long now)
{
	struct inv_cred w, *c;
	char reg[256];
	size_t i;
	int line, id;

	for (i = 0; i < f->cfg.nauths; i++) {
		const struct dockercfg_entry *en = &f->cfg.auths[i];

		if (!dockercfg_entry_has_credential(en) || stores_key_registry(en->key, reg, sizeof(reg)) < 0)
			continue;
		line = stores_line_of(f, "auths", en->key, 0);
		id = !sensitive_is_empty(&en->identity_token);
		cred_where(&w, f, STORE_DOCKER_CONFIG, en->key, reg, line);
		if (inventory_add(inv, &c, &w, en->username, id ? &en->identity_token : &en->password,
				  id ? SECRET_IDENTITY_TOKEN : SECRET_PASSWORD, &en->registry_token, now) < 0)
			return -1;
		if (plaintext(r, hs, f, en->key, reg, c->username,
			      c->kind == SECRET_IDENTITY_TOKEN ? "identity token" :
			      c->kind == SECRET_REGISTRY_TOKEN ? "registry token" :
			      en->has_auth ? "password (base64 in \"auth\")" : "password", c->fp, line) < 0)
			return -1;
		if (strcmp(reg, REGNAME_HUB) == 0 && hub_key(r, hs, f, en->key, line) < 0)
			return -1;
	}
	return 0;
}

static int authfile_entries(struct audit_report *r, const struct home_stores *hs,
			    const struct hfile *f, struct inventory *inv, long long now)
{
	struct authfile_match m = AUTHFILE_MATCH_INIT;
	struct err e = ERR_INIT;
	struct inv_cred w, *c;
	char reg[256];
	size_t i;
	int line, id, rc = 0;

	for (i = 0; i < f->af.nauths && rc == 0; i++) {
		const char *key = f->af.auths[i].key;

		if (stores_key_registry(key, reg, sizeof(reg)) < 0)
			continue;
		if (authfile_lookup_key(&m, &f->af, key, &e) < 0) {
			rc = -1;
			break;
		}
		if (m.hit != AUTHFILE_AUTH)
			continue;
		line = stores_line_of(f, f->legacy ? NULL : "auths", key, 0);
		id = !sensitive_is_empty(&m.identity_token);
		cred_where(&w, f, f->legacy ? STORE_LEGACY : STORE_AUTHFILE, key, reg, line);
		rc = inventory_add(inv, &c, &w, m.username, id ? &m.identity_token : &m.password,
				   id ? SECRET_IDENTITY_TOKEN : SECRET_PASSWORD, NULL, now);
		if (rc == 0)
			rc = plaintext(r, hs, f, key, reg, c->username,
				       id ? "identity token" : "password (base64 in \"auth\")", c->fp,
				       line);
	}
	authfile_match_release(&m);
	return rc;
}

static int legacy_rule(struct audit_report *r, const struct home_stores *hs, const struct hfile *f)
{
	struct audit_loc loc = { hs->home->user, f->path, f->display, NULL, 0, NULL, "legacy" };
	size_t held = credentials_in(f);

	return audit_add(r, RULE_LEGACY_DOCKERCFG, &loc, NULL,
			 "%s exists (%zu credential%s): docker no longer reads it, but podman, buildah "
			 "and skopeo still do, last in their chain; move what you need into a "
			 "credential helper and delete it", f->display, held, held == 1 ? "" : "s");
}

int stores_check(struct home_stores *hs, struct inventory *inv, struct audit_report *r,
		 long long now)
{
	size_t i;

	for (i = 0; i < hs->n; i++) {
		const struct hfile *f = &hs->f[i];

		if (!f->exists || f->unreadable)
			continue;
		if (check_mode(hs, f, r) < 0)
			return -1;
		if (f->docker_format) {
			if (docker_entries(r, hs, f, inv, now) < 0)
				return -1;
		} else if (authfile_entries(r, hs, f, inv, now) < 0) {
			return -1;
		}
		if ((int)i == hs->legacy && legacy_rule(r, hs, f) < 0)
			return -1;
	}
	return 0;
}
