#include "docker/authfile.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/crypto.h"
#include "util/fileio.h"
#include "util/jsonerr.h"
#include "util/jsonmemo.h"
#include "util/paths.h"
#include "docker/dockercfg.h"
#include "docker/regname.h"

/* c->p[c->n] = dir "/" file (or dir alone when file is ""). */
static int add_path(struct authfile_chain *c, int legacy, const char *why, struct err *e,
		    const char *dir, const char *file)
{
	struct authfile_path *p = &c->p[c->n];
	int w = snprintf(p->path, sizeof(p->path), "%s%s%s", dir, *file ? "/" : "", file);

	if (w < 0 || (size_t)w >= sizeof(p->path))
		return err_set(e, "auth file path too long (%s)", why);
	p->legacy = legacy;
	p->why = why;
	c->n++;
	return 0;
}

/* getPathToAuthWithOS without a given path: the runtime-dir file. */
static int add_runtime_file(struct authfile_chain *c, struct err *e)
{
	const char *xr = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	char uid[64];

	if (!xr || !*xr) {
		snprintf(uid, sizeof(uid), "/run/containers/%u", (unsigned)getuid());
		return add_path(c, 0, "/run/containers/<uid>", e, uid, "auth.json");
	}
	if (stat(xr, &st) != 0 && errno == ENOENT) {
		snprintf(c->note, sizeof(c->note),
			 "\"%s\" directory set by $XDG_RUNTIME_DIR does not exist: containers/image "
			 "skips %s/containers/auth.json (and warns)", xr, xr);
		return 0;
	}
	return add_path(c, 0, "XDG_RUNTIME_DIR", e, xr, "containers/auth.json");
}

/* getAuthFilePaths after the first file. */
static int add_default_tail(struct authfile_chain *c, const char *dc, struct err *e)
{
	const char *xc = getenv("XDG_CONFIG_HOME"), *h = paths_home_dir();

	if (xc && *xc) {
		if (add_path(c, 0, "XDG_CONFIG_HOME", e, xc, "containers/auth.json") < 0)
			return -1;
	} else if (h && add_path(c, 0, "~/.config", e, h, ".config/containers/auth.json") < 0) {
		return -1;
	}
	if (dc && *dc) {
		if (add_path(c, 0, "DOCKER_CONFIG", e, dc, "config.json") < 0)
			return -1;
	} else if (h && add_path(c, 0, "~/.docker", e, h, ".docker/config.json") < 0) {
		return -1;
	}
	return h ? add_path(c, 1, "~/.dockercfg", e, h, ".dockercfg") : 0;
}

int authfile_chain(struct authfile_chain *c, const struct settings *s, enum authfile_tool tool,
		   int exclusive, struct err *e)
{
	const char *raf = getenv("REGISTRY_AUTH_FILE"), *dc = getenv("DOCKER_CONFIG");

	memset(c, 0, sizeof(*c));
	if (s && s->config_dir && *s->config_dir)
		dc = s->config_dir;
	if (raf && *raf) {
		if (add_path(c, 0, "REGISTRY_AUTH_FILE", e, raf, "") < 0)
			return -1;
		c->given = 1;
	} else if (tool == AUTHFILE_PODMAN && dc && *dc) {
		if (add_path(c, 0, "DOCKER_CONFIG (podman/buildah --authfile default)", e, dc,
			     "config.json") < 0)
			return -1;
		c->given = 1;
	} else if (add_runtime_file(c, e) < 0) {
		return -1;
	}
	c->exclusive = c->given && exclusive;
	if (c->exclusive)
		return 0;
	return add_default_tail(c, dc, e);
}

void authfile_release(struct authfile *f)
{
	size_t i;

	for (i = 0; i < f->nauths; i++) {
		free(f->auths[i].key);
		sensitive_release(&f->auths[i].auth);
		sensitive_release(&f->auths[i].identity_token);
	}
	free(f->auths);
	for (i = 0; i < f->nhelpers; i++) {
		free(f->helper_keys[i]);
		free(f->helper_names[i]);
	}
	free(f->helper_keys);
	free(f->helper_names);
	free(f->creds_store);
	f->auths = NULL;
	f->helper_keys = f->helper_names = NULL;
	f->creds_store = NULL;
	f->nauths = f->nhelpers = 0;
	f->exists = f->broken = 0;
	f->error[0] = '\0';
}

/* The first error wins, as in Go's decoder. */
#define set_broken(f, ...) do { \
	if (!(f)->broken) { \
		(f)->broken = 1; \
		snprintf((f)->error, sizeof((f)->error), __VA_ARGS__); \
	} \
} while (0)

/* The entry for key: the existing one (emptied) or a new one; idx maps
 * keys to positions (a jansson object as a hash table), and the array
 * grows by doubling, so big files load in linear time. */
static struct authfile_entry *entry_slot(struct authfile *f, json_t *idx, const char *key)
{
	struct authfile_entry *grown, *en;
	json_t *at = json_object_get(idx, key);
	size_t n = f->nauths;

	if (at) {
		en = &f->auths[json_integer_value(at)];
		sensitive_release(&en->auth);
		sensitive_release(&en->identity_token);
		return en;
	}
	if ((n & (n - 1)) == 0) {
		grown = realloc(f->auths, (n ? 2 * n : 1) * sizeof(*grown));
		if (!grown)
			return NULL;
		f->auths = grown;
	}
	en = &f->auths[n];
	memset(en, 0, sizeof(*en));
	en->key = strdup(key);
	if (!en->key || json_object_set_new(idx, key, json_integer((json_int_t)n)) < 0) {
		free(en->key);
		en->key = NULL;
		return NULL;
	}
	f->nauths++;
	return en;
}

static int load_auths(struct authfile *f, json_t *obj, json_t *idx)
{
	struct authfile_entry *en;
	const char *k, *fk;
	json_t *v, *fv;

	if (json_is_null(obj))
		return 0;
	if (!json_is_object(obj)) {
		set_broken(f, "json: cannot unmarshal %s into Go struct field dockerConfigFile.auths", "value");
		return 0;
	}
	json_object_foreach(obj, k, v) {
		en = entry_slot(f, idx, k);
		if (!en)
			return -1;
		if (json_is_null(v))
			continue;
		if (!json_is_object(v)) {
			set_broken(f, "json: cannot unmarshal value into Go value of type config.dockerAuthConfig (key '%s')", k);
			continue;
		}
		json_object_foreach(v, fk, fv) {
			struct sensitive *dst = NULL;

			if (dockercfg_field_eq(fk, "auth"))
				dst = &en->auth;
			else if (dockercfg_field_eq(fk, "identitytoken"))
				dst = &en->identity_token;
			if (!dst || json_is_null(fv))
				continue;
			if (!json_is_string(fv)) {
				set_broken(f, "json: cannot unmarshal non-string into Go struct field dockerAuthConfig of type string (key '%s')", k);
				continue;
			}
			if (sensitive_set(dst, json_string_value(fv), json_string_length(fv)) < 0)
				return -1;
		}
	}
	return 0;
}

/* Position of credHelpers key k (hidx: key → position), added if new. */
static int helper_slot(struct authfile *f, json_t *hidx, const char *k, size_t *i)
{
	json_t *at = json_object_get(hidx, k);
	size_t n = f->nhelpers;
	char **gk, **gn;

	if (at) {
		*i = (size_t)json_integer_value(at);
		return 0;
	}
	if ((n & (n - 1)) == 0) {
		gk = realloc(f->helper_keys, (n ? 2 * n : 1) * sizeof(*gk));
		if (!gk)
			return -1;
		f->helper_keys = gk;
		gn = realloc(f->helper_names, (n ? 2 * n : 1) * sizeof(*gn));
		if (!gn)
			return -1;
		f->helper_names = gn;
	}
	f->helper_keys[n] = strdup(k);
	f->helper_names[n] = NULL;
	if (!f->helper_keys[n] || json_object_set_new(hidx, k, json_integer((json_int_t)n)) < 0) {
		free(f->helper_keys[n]);
		return -1;
	}
	f->nhelpers++;
	*i = n;
	return 0;
}

static int load_helpers(struct authfile *f, json_t *obj, json_t *hidx)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_null(obj))
		return 0;
	if (!json_is_object(obj)) {
		set_broken(f, "json: cannot unmarshal %s into Go struct field dockerConfigFile.credHelpers", "value");
		return 0;
	}
	json_object_foreach(obj, k, v) {
		if (!json_is_string(v) && !json_is_null(v)) {
			set_broken(f, "json: cannot unmarshal non-string into credHelpers value (key '%s')", k);
			continue;
		}
		if (helper_slot(f, hidx, k, &i) < 0)
			return -1;
		free(f->helper_names[i]);
		f->helper_names[i] = strdup(json_is_string(v) ? json_string_value(v) : "");
		if (!f->helper_names[i])
			return -1;
	}
	return 0;
}

int authfile_load_text(struct authfile *f, const char *path, int legacy, const char *text,
		       size_t len, struct err *e)
{
	json_error_t je;
	json_t *root, *v, *idx = NULL, *hidx = NULL;
	const char *k;
	char msg[ERR_MSG_MAX];
	int rc = -1;

	snprintf(f->path, sizeof(f->path), "%s", path);
	f->legacy = legacy;
	/* json.Unmarshal: one value, nothing after it; "" is an error */
	root = jsonmemo_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	if (!root) {
		jsonerr_format(msg, sizeof(msg), &je);
		f->broken = 1;
		snprintf(f->error, sizeof(f->error), "unmarshaling JSON at \"%s\": %s", path, msg);
		return 0;
	}
	if (json_is_null(root)) {
		rc = 0;
		goto cleanup;
	}
	if (!json_is_object(root)) {
		set_broken(f, "unmarshaling JSON at \"%s\": json: cannot unmarshal non-object into Go value", path);
		rc = 0;
		goto cleanup;
	}
	idx = json_object();
	hidx = json_object();
	if (!idx || !hidx)
		goto oom;
	if (legacy) {
		if (load_auths(f, root, idx) < 0)
			goto oom;
	} else {
		json_object_foreach(root, k, v) {
			if (dockercfg_field_eq(k, "auths")) {
				if (load_auths(f, v, idx) < 0)
					goto oom;
			} else if (dockercfg_field_eq(k, "credhelpers")) {
				if (load_helpers(f, v, hidx) < 0)
					goto oom;
			} else if (dockercfg_field_eq(k, "credsstore") && json_is_string(v) &&
				   json_string_length(v) > 0) {
				free(f->creds_store);
				f->creds_store = strdup(json_string_value(v));
				if (!f->creds_store)
					goto oom;
			}
		}
	}
	rc = 0;
	goto cleanup;
oom:
	err_set(e, "out of memory");
cleanup:
	json_decref(idx);
	json_decref(hidx);
	json_decref(root);
	return rc;
}

int authfile_load(struct authfile *f, const char *path, int legacy, struct err *e)
{
	struct buf b = BUF_INIT(DOCKERCFG_FILE_MAX);
	struct err re = ERR_INIT;
	int missing = 0, rc = 0;

	snprintf(f->path, sizeof(f->path), "%s", path);
	f->legacy = legacy;
	if (fileio_read(&b, path, DOCKERCFG_FILE_MAX, &missing, &re) < 0) {
		if (strcmp(re.msg, "out of memory") == 0)
			rc = err_set(e, "out of memory");
		f->exists = 1;
		f->broken = 1;
		snprintf(f->error, sizeof(f->error), "%s", re.msg);
	} else if (!missing) {
		f->exists = 1;
		rc = authfile_load_text(f, path, legacy, b.data, b.len, e);
	}
	buf_release(&b);
	return rc;
}

void authfile_match_release(struct authfile_match *m)
{
	sensitive_release(&m->password);
	sensitive_release(&m->identity_token);
	memset(m, 0, sizeof(*m));
	m->hit = AUTHFILE_NONE;
}

static int decode_entry(struct authfile_match *m, const struct authfile *f,
			const struct authfile_entry *en, struct err *e)
{
	struct sensitive raw = SENSITIVE_INIT;
	struct err de = ERR_INIT;
	const char *colon;
	const char *pw, *pwend;
	size_t ulen;
	int rc = 0;

	snprintf(m->key, sizeof(m->key), "%s", en->key);
	if (b64_decode_std(&raw, en->auth.data ? en->auth.data : "", en->auth.len, &de) < 0) {
		m->hit = AUTHFILE_ERROR;
		snprintf(m->error, sizeof(m->error), "%s (key '%s' in %s)", de.msg, en->key, f->path);
		return 0;
	}
	colon = raw.data ? memchr(raw.data, ':', raw.len) : NULL;
	if (!colon) {
		if (raw.len > 0)
			snprintf(m->warning, sizeof(m->warning),
				 "Error parsing the \"auth\" field of a credential entry \"%s\" in \"%s\", missing semicolon",
				 en->key, f->path);
	} else {
		ulen = (size_t)(colon - raw.data);
		if (ulen >= sizeof(m->username))
			ulen = sizeof(m->username) - 1;
		memcpy(m->username, raw.data, ulen);
		m->username[ulen] = '\0';
		pw = colon + 1;
		pwend = raw.data + raw.len;
		while (pw < pwend && *pw == '\0')
			pw++;
		while (pwend > pw && pwend[-1] == '\0')
			pwend--;
		if (sensitive_set(&m->password, pw, (size_t)(pwend - pw)) < 0)
			rc = err_set(e, "out of memory");
	}
	if (rc == 0 && sensitive_copy(&m->identity_token, &en->identity_token) < 0)
		rc = err_set(e, "out of memory");
	sensitive_release(&raw);
	if (rc == 0) {
		if (m->username[0] || !sensitive_is_empty(&m->password) ||
		    !sensitive_is_empty(&m->identity_token)) {
			m->hit = AUTHFILE_AUTH;
		} else {
			m->hit = AUTHFILE_NONE;
			snprintf(m->empty_key, sizeof(m->empty_key), "%s", en->key);
			m->key[0] = '\0';
		}
	}
	return rc;
}

int authfile_lookup(struct authfile_match *m, const struct authfile *f, const char *registry,
		    const char *repo, struct err *e)
{
	char keybuf[512], norm[512], want[512];
	const struct authfile_entry *hit = NULL;
	size_t i, n = 0;
	char *slash;

	authfile_match_release(m);
	m->hit = AUTHFILE_NONE;
	if (f->broken) {
		m->hit = AUTHFILE_ERROR;
		snprintf(m->error, sizeof(m->error), "%s", f->error);
		return 0;
	}
	for (i = 0; i < f->nhelpers; i++) {
		if (strcmp(f->helper_keys[i], registry) == 0) {
			m->hit = AUTHFILE_HELPER;
			snprintf(m->key, sizeof(m->key), "%s", registry);
			snprintf(m->helper, sizeof(m->helper), "%s", f->helper_names[i]);
			return 0;
		}
	}
	/* exact key, then parents; legacy files know only the registry */
	snprintf(keybuf, sizeof(keybuf), "%s", (!f->legacy && repo && *repo) ? repo : registry);
	for (;;) {
		for (i = 0; i < f->nauths; i++)
			if (strcmp(f->auths[i].key, keybuf) == 0)
				return decode_entry(m, f, &f->auths[i], e);
		slash = strrchr(keybuf, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	regname_cimage_key(registry, 0, want, sizeof(want));
	for (i = 0; i < f->nauths; i++) {
		regname_cimage_key(f->auths[i].key, f->legacy, norm, sizeof(norm));
		if (strcmp(norm, want) == 0) {
			if (!hit)
				hit = &f->auths[i];
			n++;
		}
	}
	if (!hit)
		return 0;
	m->ambiguous = n > 1;
	return decode_entry(m, f, hit, e);
}

int authfile_lookup_key(struct authfile_match *m, const struct authfile *f, const char *key,
			struct err *e)
{
	size_t i;

	authfile_match_release(m);
	m->hit = AUTHFILE_NONE;
	for (i = 0; i < f->nauths; i++)
		if (strcmp(f->auths[i].key, key) == 0)
			return decode_entry(m, f, &f->auths[i], e);
	return 0;
}
