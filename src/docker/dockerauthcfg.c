#include "docker/dockerauthcfg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/crypto.h"
#include "util/fileio.h"
#include "util/jsonerr.h"
#include "docker/regname.h"

const char *dac_form_name(enum dac_form f)
{
	switch (f) {
	case DAC_FORM_RAW: return "raw";
	case DAC_FORM_BASE64: return "base64";
	case DAC_FORM_FILE: return "file";
	}
	return "raw";
}

void dac_release(struct docker_auth_config *d)
{
	dockercfg_release(&d->cfg);
	json_decref(d->keys);
	d->keys = NULL;
	d->set = d->cli_accepts = d->gitlab_accepts = 0;
	d->form = DAC_FORM_RAW;
	d->path[0] = d->cli_problem[0] = d->gitlab_problem[0] = '\0';
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Go's message for a value that does not start like JSON. */
static void go_bad_start(char *out, size_t n, char c)
{
	if (isprint((unsigned char)c))
		snprintf(out, n, "invalid character '%c' looking for beginning of value", c);
	else
		snprintf(out, n, "invalid character '\\x%02x' looking for beginning of value",
			 (unsigned char)c);
}

static int json_start_char(char c)
{
	return c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') ||
	       c == 't' || c == 'f' || c == 'n';
}

/* docker/cli parseEnvConfig on the raw value. Returns 0 (verdict in d),
 * -1 on OOM. */
static int cli_verdict(struct docker_auth_config *d, const char *v, size_t len, struct err *e)
{
	json_error_t je;
	json_t *root = NULL, *val, *ev, *fv;
	const char *k, *ek, *fk;
	size_t p = 0, q;
	int rc = -1;

	d->cli_accepts = 0;
	while (p < len && is_blank(v[p]))
		p++;
	if (p == len) {   /* io.EOF: accepted, no entries */
		d->cli_accepts = 1;
		return 0;
	}
	if (!json_start_char(v[p])) {
		go_bad_start(d->cli_problem, sizeof(d->cli_problem), v[p]);
		return 0;
	}
	root = json_loadb(v + p, len - p, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &je);
	if (!root) {
		jsonerr_format(d->cli_problem, sizeof(d->cli_problem), &je);
		return 0;
	}
	/* decoder.More(): anything but blanks, ']' or '}' after the value */
	for (q = p + (size_t)je.position; q < len && is_blank(v[q]); q++)
		;
	if (json_is_null(root))
		goto more;
	if (!json_is_object(root)) {
		snprintf(d->cli_problem, sizeof(d->cli_problem),
			 "json: cannot unmarshal %s into Go value of type configfile.configEnv",
			 json_is_array(root) ? "array" : json_is_string(root) ? "string" :
			 json_is_number(root) ? "number" : "bool");
		rc = 0;
		goto cleanup;
	}
	json_object_foreach(root, k, val) {
		if (!dockercfg_field_eq(k, "auths")) {
			snprintf(d->cli_problem, sizeof(d->cli_problem), "json: unknown field \"%s\"", k);
			rc = 0;
			goto cleanup;
		}
		if (json_is_null(val))
			continue;
		if (!json_is_object(val)) {
			snprintf(d->cli_problem, sizeof(d->cli_problem),
				 "json: cannot unmarshal %s into Go struct field configEnv.auths of type map[string]configfile.authConfigEnv",
				 json_is_array(val) ? "array" : json_is_string(val) ? "string" : "number");
			rc = 0;
			goto cleanup;
		}
		json_object_foreach(val, ek, ev) {
			if (json_is_null(ev))
				continue;
			if (!json_is_object(ev)) {
				snprintf(d->cli_problem, sizeof(d->cli_problem),
					 "json: cannot unmarshal %s into Go struct field configEnv.auths of type configfile.authConfigEnv (key '%s')",
					 json_is_array(ev) ? "array" : json_is_string(ev) ? "string" : "number", ek);
				rc = 0;
				goto cleanup;
			}
			json_object_foreach(ev, fk, fv) {
				if (!dockercfg_field_eq(fk, "auth")) {
					snprintf(d->cli_problem, sizeof(d->cli_problem),
						 "json: unknown field \"%s\" (in auths key '%s')", fk, ek);
					rc = 0;
					goto cleanup;
				}
				if (!json_is_string(fv) && !json_is_null(fv)) {
					snprintf(d->cli_problem, sizeof(d->cli_problem),
						 "json: cannot unmarshal non-string into Go struct field authConfigEnv.auths.auth of type string (key '%s')",
						 ek);
					rc = 0;
					goto cleanup;
				}
			}
		}
	}
more:
	if (q < len && v[q] != ']' && v[q] != '}') {
		snprintf(d->cli_problem, sizeof(d->cli_problem),
			 "DOCKER_AUTH_CONFIG does not support more than one JSON object");
		rc = 0;
		goto cleanup;
	}
	/* the auth loop, after the decode */
	json_object_foreach(root, k, val) {
		json_object_foreach(val, ek, ev) {
			struct sensitive pw = SENSITIVE_INIT;
			char user[CREDENTIAL_USER_MAX];
			struct err de = ERR_INIT;
			json_t *a = NULL;

			json_object_foreach(ev, fk, fv)
				if (json_is_string(fv))
					a = fv;
			if (!a || json_string_length(a) == 0) {
				snprintf(d->cli_problem, sizeof(d->cli_problem),
					 "DOCKER_AUTH_CONFIG environment variable is missing key `auth` for %s", ek);
				rc = 0;
				goto cleanup;
			}
			if (dockercfg_decode_auth(user, sizeof(user), &pw, json_string_value(a),
						  json_string_length(a), &de) < 0) {
				snprintf(d->cli_problem, sizeof(d->cli_problem), "%s (auths key '%s')",
					 de.msg, ek);
				sensitive_release(&pw);
				rc = 0;
				goto cleanup;
			}
			sensitive_release(&pw);
		}
	}
	d->cli_accepts = 1;
	rc = 0;
cleanup:
	json_decref(root);
	if (rc < 0)
		return err_set(e, "out of memory");
	return 0;
}

/* The runner's view: LoadFromReader on the contents, plus helper names. */
static void gitlab_verdict(struct docker_auth_config *d)
{
	const char *bad = NULL;
	size_t i;

	if (d->cfg.broken) {
		snprintf(d->gitlab_problem, sizeof(d->gitlab_problem), "%s", d->cfg.error);
		return;
	}
	if (d->cfg.creds_store && (strchr(d->cfg.creds_store, '/') || strchr(d->cfg.creds_store, '\\') ||
				   strcmp(d->cfg.creds_store, "..") == 0))
		bad = d->cfg.creds_store;
	for (i = 0; !bad && i < d->cfg.nhelpers; i++) {
		const char *h = d->cfg.helpers[i].name;

		if (strchr(h, '/') || strchr(h, '\\') || strcmp(h, "..") == 0)
			bad = h;
	}
	if (bad) {
		snprintf(d->gitlab_problem, sizeof(d->gitlab_problem),
			 "credential helper name '%s' is a path (path traversal is rejected)", bad);
		return;
	}
	d->gitlab_accepts = 1;
}

static int add_key(json_t *keys, const char *k)
{
	size_t i;

	for (i = 0; i < json_array_size(keys); i++)
		if (strcmp(json_string_value(json_array_get(keys, i)), k) == 0)
			return 0;
	return json_array_append_new(keys, json_string(k));
}

int dac_decode(struct docker_auth_config *d, const char *value, struct err *e)
{
	struct sensitive content = SENSITIVE_INIT, dec = SENSITIVE_INIT;
	struct buf file = BUF_INIT(DOCKERCFG_FILE_MAX);
	struct err de = ERR_INIT;
	const char *v = value, *body;
	size_t len, bl, p, i;
	struct stat st;
	int rc = -1;

	d->keys = json_array();
	if (!d->keys)
		return err_set(e, "out of memory");
	if (!value || !*value)
		return 0;
	d->set = 1;
	len = strlen(v);
	if (cli_verdict(d, v, len, e) < 0)
		goto cleanup;

	for (p = 0; p < len && is_blank(v[p]); p++)
		;
	body = v + p;
	bl = len - p;
	while (bl > 0 && is_blank(body[bl - 1]))
		bl--;
	d->form = DAC_FORM_RAW;
	if (bl > 0 && body[0] != '{' && !memchr(body, '\n', bl) && bl < PATH_MAX) {
		char path[PATH_MAX];

		memcpy(path, body, bl);
		path[bl] = '\0';
		if (stat(path, &st) == 0) {
			d->form = DAC_FORM_FILE;
			snprintf(d->path, sizeof(d->path), "%s", path);
			if (fileio_read(&file, path, DOCKERCFG_FILE_MAX, NULL, &de) < 0) {
				snprintf(d->gitlab_problem, sizeof(d->gitlab_problem), "%s", de.msg);
				rc = 0;
				goto cleanup;
			}
			if (sensitive_set(&content, file.data, file.len) < 0)
				goto oom;
		} else if (path[0] == '/') {
			snprintf(d->gitlab_problem, sizeof(d->gitlab_problem),
				 "the value looks like a file path but '%s' does not exist", path);
		}
	}
	if (d->form == DAC_FORM_RAW && bl > 0 && body[0] != '{' &&
	    b64_decode_any(&dec, body, bl, &de) == 0 && dec.len > 0) {
		for (i = 0; i < dec.len && is_blank(dec.data[i]); i++)
			;
		if (i < dec.len && dec.data[i] == '{') {
			d->form = DAC_FORM_BASE64;
			if (sensitive_copy(&content, &dec) < 0)
				goto oom;
		}
	}
	if (d->form == DAC_FORM_RAW && sensitive_set(&content, v, len) < 0)
		goto oom;
	if (d->form == DAC_FORM_BASE64 && !d->cli_accepts)
		snprintf(d->cli_problem + strlen(d->cli_problem),
			 sizeof(d->cli_problem) - strlen(d->cli_problem),
			 " (the value is base64: docker reads raw JSON, decode it)");
	if (d->form == DAC_FORM_FILE && !d->cli_accepts)
		snprintf(d->cli_problem + strlen(d->cli_problem),
			 sizeof(d->cli_problem) - strlen(d->cli_problem),
			 " (the value is a file path, as GitLab file-type variables are: docker reads raw JSON)");

	if (dockercfg_load_text(&d->cfg, d->form == DAC_FORM_FILE ? d->path : "DOCKER_AUTH_CONFIG",
				content.data ? content.data : "", content.len, e) < 0)
		goto cleanup;
	if (!d->gitlab_problem[0])
		gitlab_verdict(d);
	if (d->form == DAC_FORM_BASE64) {
		d->gitlab_accepts = 0;
		snprintf(d->gitlab_problem, sizeof(d->gitlab_problem),
			 "the value is base64-encoded: the runner reads it as JSON; store the decoded JSON");
	}
	for (i = 0; i < d->cfg.nauths; i++)
		if (add_key(d->keys, d->cfg.auths[i].key) < 0)
			goto oom;
	for (i = 0; i < d->cfg.nhelpers; i++)
		if (add_key(d->keys, d->cfg.helpers[i].key) < 0)
			goto oom;
	rc = 0;
	goto cleanup;
oom:
	err_set(e, "out of memory");
cleanup:
	sensitive_release(&content);
	sensitive_release(&dec);
	buf_release(&file);
	return rc;
}

int dac_load_env(struct docker_auth_config *d, struct err *e)
{
	return dac_decode(d, getenv("DOCKER_AUTH_CONFIG"), e);
}

const struct dockercfg_entry *dac_cli_entry(const struct docker_auth_config *d, const char *registry)
{
	if (!d->set || !d->cli_accepts || d->form != DAC_FORM_RAW)
		return NULL;
	return dockercfg_auth_exact(&d->cfg, regname_auth_key(registry, REGNAME_DOCKER_CLI));
}

/* The runner compares lower-cased hosts (regname_gitlab_key, cut at '/'). */
static void gitlab_host(const char *key, char *out, size_t n)
{
	regname_gitlab_key(key, out, n);
	out[strcspn(out, "/")] = '\0';
}

int dac_gitlab_matches(const struct docker_auth_config *d, const char *registry)
{
	char host[512], want[512];
	size_t i;

	if (!d->set || !d->gitlab_accepts)
		return 0;
	gitlab_host(registry, want, sizeof(want));
	for (i = 0; i < d->cfg.nauths; i++) {
		gitlab_host(d->cfg.auths[i].key, host, sizeof(host));
		if (strcmp(host, want) == 0)
			return 1;
	}
	for (i = 0; i < d->cfg.nhelpers; i++) {
		gitlab_host(d->cfg.helpers[i].key, host, sizeof(host));
		if (strcmp(host, want) == 0)
			return 1;
	}
	return 0;
}

int dac_near_miss(const struct docker_auth_config *d, const char *registry, char *out, size_t n)
{
	const char *want = regname_auth_key(registry, REGNAME_DOCKER_CLI);
	char host[512], reg[512];
	size_t i;

	if (!d->set || dockercfg_auth_exact(&d->cfg, want))
		return 0;
	regname_loose_host(registry, reg, sizeof(reg));
	for (i = 0; i < d->cfg.nauths; i++) {
		regname_loose_host(d->cfg.auths[i].key, host, sizeof(host));
		if (strcmp(host, reg) == 0) {
			snprintf(out, n,
				 "DOCKER_AUTH_CONFIG key '%s' does not match '%s': docker CLI matches keys exactly (use \"%s\")",
				 d->cfg.auths[i].key, registry, want);
			return 1;
		}
	}
	return 0;
}
