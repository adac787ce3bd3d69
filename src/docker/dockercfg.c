#include "docker/dockercfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/crypto.h"
#include "util/fileio.h"
#include "util/jsonerr.h"
#include "util/jsonmemo.h"
#include "util/paths.h"
#include "docker/regname.h"

/* ---- paths ---- */

int dockercfg_dir(char *out, size_t n, const struct settings *s, struct err *e)
{
	const char *d = s ? s->config_dir : NULL;
	const char *home;
	int w;

	if (!d || !*d)
		d = getenv("DOCKER_CONFIG");
	if (d && *d) {
		w = snprintf(out, n, "%s", d);
	} else {
		home = paths_home_dir();
		if (!home)
			return err_set(e, "cannot find the docker config dir: neither DOCKER_CONFIG nor HOME is set");
		w = snprintf(out, n, "%s/.docker", home);
	}
	if (w < 0 || (size_t)w >= n)
		return err_set(e, "docker config dir path too long");
	return 0;
}

int dockercfg_default_path(char *out, size_t n, const struct settings *s, struct err *e)
{
	char dir[PATH_MAX];
	int w;

	if (dockercfg_dir(dir, sizeof(dir), s, e) < 0)
		return -1;
	w = snprintf(out, n, "%s/config.json", dir);
	if (w < 0 || (size_t)w >= n)
		return err_set(e, "docker config path too long");
	return 0;
}

/* ---- names ---- */

int dockercfg_field_eq(const char *k, const char *field)
{
	const unsigned char *p = (const unsigned char *)k;
	const char *f = field;

	while (*p && *f) {
		if (p[0] == 0xe2 && p[1] == 0x84 && p[2] == 0xaa) {   /* KELVIN SIGN */
			if (*f != 'k')
				return 0;
			p += 3;
		} else if (p[0] == 0xc5 && p[1] == 0xbf) {               /* LATIN SMALL LONG S */
			if (*f != 's')
				return 0;
			p += 2;
		} else {
			unsigned char c = *p;

			if (c >= 'A' && c <= 'Z')
				c = (unsigned char)(c - 'A' + 'a');
			if (c != (unsigned char)*f)
				return 0;
			p++;
		}
		f++;
	}
	return *p == '\0' && *f == '\0';
}

int dockercfg_helper_name_valid(const char *name)
{
	const char *p;

	if (!name || !*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	for (p = name; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

const char *dockercfg_auto_store(const char *path_env)
{
	const char *store = paths_find_on_path("pass", path_env, NULL, 0) ? "pass" : "secretservice";
	char helper[64];

	snprintf(helper, sizeof(helper), "docker-credential-%s", store);
	return paths_find_on_path(helper, path_env, NULL, 0) ? store : "";
}

/* ---- auth ---- */

int dockercfg_decode_auth(char *user, size_t usern, struct sensitive *pass,
			  const char *auth, size_t authlen, struct err *e)
{
	struct sensitive raw = SENSITIVE_INIT, clean = SENSITIVE_INIT;
	const char *colon, *pw, *pwend;
	size_t i, o = 0, ulen;
	int rc = -1;

	user[0] = '\0';
	sensitive_release(pass);
	/* Go's base64 decoder skips '\r' and '\n'. */
	if (sensitive_set(&clean, auth, authlen) < 0)
		return err_set(e, "out of memory");
	for (i = 0; i < authlen; i++)
		if (clean.data[i] != '\r' && clean.data[i] != '\n')
			clean.data[o++] = clean.data[i];
	clean.len = o;
	if (b64_decode_std(&raw, clean.data, clean.len, e) < 0)
		goto cleanup;
	colon = raw.data ? memchr(raw.data, ':', raw.len) : NULL;
	if (!colon || colon == raw.data) {
		err_set(e, "invalid auth configuration file");
		goto cleanup;
	}
	ulen = (size_t)(colon - raw.data);
	if (ulen >= usern) {
		err_set(e, "username in auth too long (%zu bytes)", ulen);
		goto cleanup;
	}
	memcpy(user, raw.data, ulen);
	user[ulen] = '\0';
	/* strings.Trim(password, "\x00") */
	pw = colon + 1;
	pwend = raw.data + raw.len;
	while (pw < pwend && *pw == '\0')
		pw++;
	while (pwend > pw && pwend[-1] == '\0')
		pwend--;
	if (sensitive_set(pass, pw, (size_t)(pwend - pw)) < 0) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (rc < 0)
		user[0] = '\0';
	sensitive_release(&raw);
	sensitive_release(&clean);
	return rc;
}

/* ---- loading ---- */

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER:
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "bool";
	case JSON_NULL: return "null";
	}
	return "value";
}

static void entry_release(struct dockercfg_entry *en)
{
	free(en->key);
	en->key = NULL;
	en->username[0] = '\0';
	sensitive_release(&en->password);
	sensitive_release(&en->identity_token);
	sensitive_release(&en->registry_token);
}

void dockercfg_release(struct dockercfg *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nauths; i++)
		entry_release(&cfg->auths[i]);
	free(cfg->auths);
	for (i = 0; i < cfg->nhelpers; i++) {
		free(cfg->helpers[i].key);
		free(cfg->helpers[i].name);
	}
	free(cfg->helpers);
	free(cfg->creds_store);
	cfg->auths = NULL;
	cfg->helpers = NULL;
	cfg->creds_store = NULL;
	cfg->nauths = cfg->nhelpers = 0;
	cfg->contains_auth = cfg->broken = cfg->exists = 0;
	cfg->error[0] = '\0';
}

static void type_error(struct dockercfg *cfg, const json_t *v, const char *field, const char *gotype)
{
	if (cfg->broken)
		return;
	cfg->broken = 1;
	snprintf(cfg->error, sizeof(cfg->error),
		 "json: cannot unmarshal %s into Go struct field %s of type %s",
		 json_kind(v), field, gotype);
}

/* Sets the string field: null is a no-op, non-strings a type error. */
static int str_field(struct dockercfg *cfg, const json_t *v, const char *gofield,
		     struct sensitive *dst)
{
	if (json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		type_error(cfg, v, gofield, "string");
		return 0;
	}
	return sensitive_set(dst, json_string_value(v), json_string_length(v));
}

struct raw_entry {
	struct sensitive auth, user, password, identity, registry;
};

static void raw_release(struct raw_entry *r)
{
	sensitive_release(&r->auth);
	sensitive_release(&r->user);
	sensitive_release(&r->password);
	sensitive_release(&r->identity);
	sensitive_release(&r->registry);
}

/* Room for one more auths entry (and its raw twin): the arrays grow by
 * doubling, so a config with 400 000 keys loads in linear time. */
static int grow_auths(struct dockercfg *cfg, struct raw_entry **raws, size_t *nraws)
{
	struct dockercfg_entry *ga;
	struct raw_entry *gr;
	size_t want;

	if (cfg->nauths < *nraws)
		return 0;
	want = *nraws ? *nraws * 2 : 8;
	ga = realloc(cfg->auths, want * sizeof(*ga));
	if (!ga)
		return -1;
	cfg->auths = ga;
	gr = realloc(*raws, want * sizeof(*gr));
	if (!gr)
		return -1;
	*raws = gr;
	memset(&gr[*nraws], 0, (want - *nraws) * sizeof(*gr));
	*nraws = want;
	return 0;
}

/* The entry for key: the existing one, emptied (Go zeroes a map element
 * before decoding into it), or a new one. index maps keys to positions
 * (a jansson object used as a hash table). *idx gets the position. */
static struct dockercfg_entry *entry_slot(struct dockercfg *cfg, json_t *index, const char *key,
					  struct raw_entry **raws, size_t *nraws, size_t *idx)
{
	json_t *at = json_object_get(index, key);
	struct dockercfg_entry *en;

	if (at) {
		char *k;

		*idx = (size_t)json_integer_value(at);
		k = cfg->auths[*idx].key;
		cfg->auths[*idx].key = NULL;
		entry_release(&cfg->auths[*idx]);
		cfg->auths[*idx].key = k;
		raw_release(&(*raws)[*idx]);
		return &cfg->auths[*idx];
	}
	if (grow_auths(cfg, raws, nraws) < 0)
		return NULL;
	*idx = cfg->nauths;
	en = &cfg->auths[*idx];
	memset(en, 0, sizeof(*en));
	en->key = strdup(key);
	if (!en->key || json_object_set_new(index, key, json_integer((json_int_t)*idx)) < 0) {
		free(en->key);
		en->key = NULL;
		return NULL;
	}
	cfg->nauths++;
	return en;
}

/* Decodes one auths entry; the `auth` field is decoded later (docker
 * does it after the whole JSON decode, and not at all after an error). */
static int load_entry(struct dockercfg *cfg, json_t *index, const char *key, const json_t *obj,
		      struct raw_entry **raws, size_t *nraws)
{
	size_t idx = 0;
	struct dockercfg_entry *en = entry_slot(cfg, index, key, raws, nraws, &idx);
	struct raw_entry *raw;
	const char *k;
	json_t *v;
	int rc = 0;

	if (!en)
		return -1;
	raw = &(*raws)[idx];
	if (json_is_null(obj))
		return 0;
	if (!json_is_object(obj)) {
		type_error(cfg, obj, "ConfigFile.auths", "types.AuthConfig");
		return 0;
	}
	json_object_foreach((json_t *)obj, k, v) {
		if (dockercfg_field_eq(k, "auth"))
			rc |= str_field(cfg, v, "AuthConfig.auth", &raw->auth);
		else if (dockercfg_field_eq(k, "username"))
			rc |= str_field(cfg, v, "AuthConfig.username", &raw->user);
		else if (dockercfg_field_eq(k, "password"))
			rc |= str_field(cfg, v, "AuthConfig.password", &raw->password);
		else if (dockercfg_field_eq(k, "identitytoken"))
			rc |= str_field(cfg, v, "AuthConfig.identitytoken", &raw->identity);
		else if (dockercfg_field_eq(k, "registrytoken"))
			rc |= str_field(cfg, v, "AuthConfig.registrytoken", &raw->registry);
		else if (dockercfg_field_eq(k, "email") || dockercfg_field_eq(k, "serveraddress")) {
			if (!json_is_string(v) && !json_is_null(v))
				type_error(cfg, v, "AuthConfig.email", "string");
		}
	}
	if (rc)
		return -1;
	if (raw->user.data)
		snprintf(en->username, sizeof(en->username), "%s", raw->user.data);
	if (sensitive_copy(&en->password, &raw->password) < 0 ||
	    sensitive_copy(&en->identity_token, &raw->identity) < 0 ||
	    sensitive_copy(&en->registry_token, &raw->registry) < 0)
		return -1;
	return 0;
}

static int set_helper(struct dockercfg *cfg, json_t *hidx, const char *key, const char *name)
{
	struct dockercfg_helper *grown;
	json_t *at = json_object_get(hidx, key);
	char *dup = strdup(name);
	size_t n = cfg->nhelpers;

	if (!dup)
		return -1;
	if (at) {
		free(cfg->helpers[json_integer_value(at)].name);
		cfg->helpers[json_integer_value(at)].name = dup;
		return 0;
	}
	if ((n & (n - 1)) == 0) {   /* 0, 1, 2, 4, ...: double */
		grown = realloc(cfg->helpers, (n ? 2 * n : 1) * sizeof(*grown));
		if (!grown) {
			free(dup);
			return -1;
		}
		cfg->helpers = grown;
	}
	cfg->helpers[n].name = dup;
	cfg->helpers[n].key = strdup(key);
	if (!cfg->helpers[n].key ||
	    json_object_set_new(hidx, key, json_integer((json_int_t)n)) < 0) {
		free(cfg->helpers[n].key);
		free(dup);
		return -1;
	}
	cfg->nhelpers++;
	return 0;
}

static void clear_auths(struct dockercfg *cfg, json_t *index, struct raw_entry *raws)
{
	size_t i;

	for (i = 0; i < cfg->nauths; i++) {
		entry_release(&cfg->auths[i]);
		raw_release(&raws[i]);
	}
	cfg->nauths = 0;
	json_object_clear(index);
}

static void clear_helpers(struct dockercfg *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nhelpers; i++) {
		free(cfg->helpers[i].key);
		free(cfg->helpers[i].name);
	}
	cfg->nhelpers = 0;
}

/* The credHelpers field; hidx maps keys to positions. */
static int load_helpers(struct dockercfg *cfg, json_t *v, json_t *hidx)
{
	const char *ek;
	json_t *ev;

	if (json_is_null(v)) {
		clear_helpers(cfg);
		json_object_clear(hidx);
		return 0;
	}
	if (!json_is_object(v)) {
		type_error(cfg, v, "ConfigFile.credHelpers", "map[string]string");
		return 0;
	}
	json_object_foreach(v, ek, ev) {
		if (!json_is_null(ev) && !json_is_string(ev)) {
			type_error(cfg, ev, "ConfigFile.credHelpers", "string");
			continue;
		}
		if (set_helper(cfg, hidx, ek, json_is_null(ev) ? "" : json_string_value(ev)) < 0)
			return -1;
	}
	return 0;
}

static int load_store(struct dockercfg *cfg, json_t *v)
{
	if (json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		type_error(cfg, v, "ConfigFile.credsStore", "string");
		return 0;
	}
	free(cfg->creds_store);
	cfg->creds_store = NULL;
	if (json_string_length(v) > 0 && !(cfg->creds_store = strdup(json_string_value(v))))
		return -1;
	return 0;
}

/* Walks the top-level object in order, as Go's decoder does. raws[] runs
 * parallel to cfg->auths (*nraws slots allocated for both). */
static int load_object(struct dockercfg *cfg, json_t *root, struct raw_entry **raws, size_t *nraws)
{
	json_t *index = json_object(), *hidx = json_object(), *v, *ev;
	const char *k, *ek;
	int rc = -1;

	if (!index || !hidx)
		goto cleanup;
	json_object_foreach(root, k, v) {
		if (dockercfg_field_eq(k, "auths")) {
			if (json_is_null(v)) {
				clear_auths(cfg, index, *raws);
			} else if (!json_is_object(v)) {
				type_error(cfg, v, "ConfigFile.auths", "map[string]types.AuthConfig");
			} else {
				json_object_foreach(v, ek, ev) {
					if (load_entry(cfg, index, ek, ev, raws, nraws) < 0)
						goto cleanup;
				}
			}
		} else if (dockercfg_field_eq(k, "credsstore")) {
			if (load_store(cfg, v) < 0)
				goto cleanup;
		} else if (dockercfg_field_eq(k, "credhelpers")) {
			if (load_helpers(cfg, v, hidx) < 0)
				goto cleanup;
		}
	}
	rc = 0;
cleanup:
	json_decref(index);
	json_decref(hidx);
	return rc;
}

int dockercfg_load_text(struct dockercfg *cfg, const char *path, const char *text,
			size_t len, struct err *e)
{
	struct raw_entry *raws = NULL;
	size_t nraws = 0, i, p;
	json_error_t je;
	json_t *root;
	int rc = -1;

	snprintf(cfg->path, sizeof(cfg->path), "%s", path ? path : "");
	/* Go: Decoder.Decode reads one value, trailing data is not read; an
	 * empty (or blank) file is io.EOF, which docker accepts. */
	for (p = 0; p < len && (text[p] == ' ' || text[p] == '\t' || text[p] == '\n' || text[p] == '\r'); p++)
		;
	if (p == len)
		return 0;
	root = jsonmemo_loadb(text, len, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &je);
	if (!root) {
		cfg->broken = 1;
		jsonerr_format(cfg->error, sizeof(cfg->error), &je);
		return 0;
	}
	if (json_is_null(root)) {
		rc = 0;
		goto cleanup;
	}
	if (!json_is_object(root)) {
		cfg->broken = 1;
		snprintf(cfg->error, sizeof(cfg->error),
			 "json: cannot unmarshal %s into Go value of type configfile.ConfigFile",
			 json_kind(root));
		rc = 0;
		goto cleanup;
	}
	if (load_object(cfg, root, &raws, &nraws) < 0) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	/* docker returns before decoding `auth` when the JSON decode failed */
	for (i = 0; i < cfg->nauths && i < nraws; i++) {
		struct dockercfg_entry *en = &cfg->auths[i];
		struct raw_entry *raw = &raws[i];
		struct err de = ERR_INIT;

		if (sensitive_is_empty(&raw->auth))
			continue;
		en->has_auth = 1;
		if (cfg->broken)
			continue;
		if (dockercfg_decode_auth(en->username, sizeof(en->username), &en->password,
					  raw->auth.data, raw->auth.len, &de) < 0) {
			en->auth_bad = 1;
			/* keep what the fields said, as docker's map entry does */
			snprintf(en->username, sizeof(en->username), "%s",
				 raw->user.data ? raw->user.data : "");
			if (sensitive_copy(&en->password, &raw->password) < 0) {
				err_set(e, "out of memory");
				goto cleanup;
			}
			if (!cfg->broken) {
				cfg->broken = 1;
				snprintf(cfg->error, sizeof(cfg->error), "%s (auths key '%s')",
					 de.msg, en->key);
			}
		}
	}
	cfg->contains_auth = (cfg->creds_store && *cfg->creds_store) || cfg->nhelpers > 0 ||
			     cfg->nauths > 0;
	rc = 0;
cleanup:
	for (i = 0; i < nraws; i++)
		raw_release(&raws[i]);
	free(raws);
	json_decref(root);
	return rc;
}

int dockercfg_load(struct dockercfg *cfg, const char *path, struct err *e)
{
	struct buf b = BUF_INIT(DOCKERCFG_FILE_MAX);
	struct err re = ERR_INIT;
	int missing = 0, rc;
	struct stat st;

	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	cfg->exists = lstat(path, &st) == 0;
	if (fileio_read(&b, path, DOCKERCFG_FILE_MAX, &missing, &re) < 0) {
		if (strcmp(re.msg, "out of memory") == 0) {
			buf_release(&b);
			return err_set(e, "out of memory");
		}
		cfg->broken = 1;
		snprintf(cfg->error, sizeof(cfg->error), "%s", re.msg);
		buf_release(&b);
		return 0;
	}
	if (missing) {
		buf_release(&b);
		return 0;
	}
	cfg->exists = 1;
	rc = dockercfg_load_text(cfg, path, b.data, b.len, e);
	buf_release(&b);
	return rc;
}

/* ---- lookups ---- */

const struct dockercfg_entry *dockercfg_auth_exact(const struct dockercfg *cfg, const char *key)
{
	size_t i;

	for (i = 0; i < cfg->nauths; i++)
		if (strcmp(cfg->auths[i].key, key) == 0)
			return &cfg->auths[i];
	return NULL;
}

const struct dockercfg_entry *dockercfg_auth_lookup(const struct dockercfg *cfg, const char *key,
						    size_t *nmatch)
{
	const struct dockercfg_entry *hit = dockercfg_auth_exact(cfg, key), *first = NULL;
	char host[512];
	size_t i, n = 0;

	if (nmatch)
		*nmatch = 0;
	if (hit)
		return hit;
	for (i = 0; i < cfg->nauths; i++) {
		regname_docker_hostname(cfg->auths[i].key, host, sizeof(host));
		if (strcmp(host, key) == 0) {
			if (!first)
				first = &cfg->auths[i];
			n++;
		}
	}
	if (nmatch)
		*nmatch = n;
	return first;
}

const char *dockercfg_helper_for(const struct dockercfg *cfg, const char *key)
{
	size_t i;

	for (i = 0; i < cfg->nhelpers; i++)
		if (strcmp(cfg->helpers[i].key, key) == 0)
			return cfg->helpers[i].name;
	return NULL;
}

int dockercfg_entry_has_credential(const struct dockercfg_entry *en)
{
	return en && (en->username[0] || !sensitive_is_empty(&en->password) ||
		      !sensitive_is_empty(&en->identity_token) ||
		      !sensitive_is_empty(&en->registry_token));
}
