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

/* configEnv's shape, with DisallowUnknownFields: {"auths": {"<key>":
 * {"auth": "<string>"}}} and nothing else (null anywhere is fine). 0
 * when docker would decode it, 1 with d->cli_problem set when not. */
static int cli_shape(struct docker_auth_config *d, json_t *root)
{
	const char *k, *ek, *fk;
	json_t *val, *ev, *fv;

	json_object_foreach(root, k, val) {
		if (!dockercfg_field_eq(k, "auths")) {
			snprintf(d->cli_problem, sizeof(d->cli_problem), "json: unknown field \"%s\"", k);
			return 1;
		}
		if (json_is_null(val))
			continue;
		if (!json_is_object(val)) {
			snprintf(d->cli_problem, sizeof(d->cli_problem),
				 "json: cannot unmarshal %s into Go struct field configEnv.auths of type map[string]configfile.authConfigEnv",
				 json_is_array(val) ? "array" : json_is_string(val) ? "string" : "number");
			return 1;
		}
		json_object_foreach(val, ek, ev) {
			if (json_is_null(ev))
				continue;
			if (!json_is_object(ev)) {
				snprintf(d->cli_problem, sizeof(d->cli_problem),
					 "json: cannot unmarshal %s into Go struct field configEnv.auths of type configfile.authConfigEnv (key '%s')",
					 json_is_array(ev) ? "array" : json_is_string(ev) ? "string" : "number", ek);
				return 1;
			}
			json_object_foreach(ev, fk, fv) {
				if (!dockercfg_field_eq(fk, "auth")) {
					snprintf(d->cli_problem, sizeof(d->cli_problem),
						 "json: unknown field \"%s\" (in auths key '%s')", fk, ek);
					return 1;
				}
				if (!json_is_string(fv) && !json_is_null(fv)) {
					snprintf(d->cli_problem, sizeof(d->cli_problem),
						 "json: cannot unmarshal non-string into Go struct field authConfigEnv.auths.auth of type string (key '%s')",
						 ek);
					return 1;
				}
			}
		}
	}
	return 0;
}

/* parseEnvConfig's loop after the decode: every entry needs a non-empty
 * `auth` that decodes. 0 when all do, 1 with d->cli_problem set. */
static int cli_auths(struct docker_auth_config *d, json_t *root)
{
	const char *k, *ek, *fk;
	json_t *val, *ev, *fv;

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
				return 1;
			}
			if (dockercfg_decode_auth(user, sizeof(user), &pw, json_string_value(a),
						  json_string_length(a), &de) < 0) {
				snprintf(d->cli_problem, sizeof(d->cli_problem), "%s (auths key '%s')",
					 de.msg, ek);
				sensitive_release(&pw);
				return 1;
			}
			sensitive_release(&pw);
		}
	}
	return 0;
}

/* docker/cli parseEnvConfig on the raw value (configfile/file.go): one
 * JSON value (an empty value is io.EOF, accepted), of configEnv's shape,
 * nothing but blanks, ']' or '}' after it (decoder.More), then every
 * `auth` decoded. Sets d->cli_accepts or d->cli_problem; never fails. */
static void cli_verdict(struct docker_auth_config *d, const char *v, size_t len)
{
	json_error_t je;
	json_t *root = NULL;
	size_t p = 0, q;

	d->cli_accepts = 0;
	while (p < len && is_blank(v[p]))
		p++;
	if (p == len) {   /* io.EOF: accepted, no entries */
		d->cli_accepts = 1;
		return;
	}
	if (!json_start_char(v[p])) {
		go_bad_start(d->cli_problem, sizeof(d->cli_problem), v[p]);
		return;
	}
	root = json_loadb(v + p, len - p, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &je);
	if (!root) {
		jsonerr_format(d->cli_problem, sizeof(d->cli_problem), &je);
		return;
	}
	for (q = p + (size_t)je.position; q < len && is_blank(v[q]); q++)
		;
	if (!json_is_null(root) && !json_is_object(root)) {
		snprintf(d->cli_problem, sizeof(d->cli_problem),
			 "json: cannot unmarshal %s into Go value of type configfile.configEnv",
			 json_is_array(root) ? "array" : json_is_string(root) ? "string" :
			 json_is_number(root) ? "number" : "bool");
	} else if (json_is_object(root) && cli_shape(d, root)) {
		;   /* the decode failed: d->cli_problem says why */
	} else if (q < len && v[q] != ']' && v[q] != '}') {
		snprintf(d->cli_problem, sizeof(d->cli_problem),
			 "DOCKER_AUTH_CONFIG does not support more than one JSON object");
	} else if (!cli_auths(d, root)) {
		d->cli_accepts = 1;
	}
	json_decref(root);
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

/* A value naming an existing file (a GitLab file-type variable, in the
 * job shell): its contents. 1 when it is one (d->form = DAC_FORM_FILE), 0
 * when not, 2 when the file cannot be read (d->gitlab_problem says why),
 * -1 on OOM. */
static int dac_from_file(struct docker_auth_config *d, const char *body, size_t bl,
			 struct sensitive *content)
{
	struct buf file = BUF_INIT(DOCKERCFG_FILE_MAX);
	struct err de = ERR_INIT;
	char path[PATH_MAX];
	struct stat st;
	int rc;

	if (bl == 0 || body[0] == '{' || memchr(body, '\n', bl) || bl >= PATH_MAX)
		return 0;
	memcpy(path, body, bl);
	path[bl] = '\0';
	if (stat(path, &st) != 0) {
		if (path[0] == '/')
			snprintf(d->gitlab_problem, sizeof(d->gitlab_problem),
				 "the value looks like a file path but '%s' does not exist", path);
		return 0;
	}
	d->form = DAC_FORM_FILE;
	snprintf(d->path, sizeof(d->path), "%s", path);
	if (fileio_read(&file, path, DOCKERCFG_FILE_MAX, NULL, &de) < 0) {
		snprintf(d->gitlab_problem, sizeof(d->gitlab_problem), "%s", de.msg);
		rc = 2;
	} else {
		rc = sensitive_set(content, file.data, file.len) < 0 ? -1 : 1;
	}
	buf_release(&file);
	return rc;
}

/* A value that is base64 of a JSON object: the decoded text. 1 when it is
 * (d->form = DAC_FORM_BASE64), 0 when not, -1 on OOM. */
static int dac_from_base64(struct docker_auth_config *d, const char *body, size_t bl,
			   struct sensitive *content)
{
	struct sensitive dec = SENSITIVE_INIT;
	struct err de = ERR_INIT;
	size_t i = 0;
	int rc = 0;

	if (bl > 0 && body[0] != '{' && b64_decode_any(&dec, body, bl, &de) == 0 && dec.len > 0) {
		while (i < dec.len && is_blank(dec.data[i]))
			i++;
		if (i < dec.len && dec.data[i] == '{') {
			d->form = DAC_FORM_BASE64;
			rc = sensitive_copy(content, &dec) < 0 ? -1 : 1;
		}
	}
	sensitive_release(&dec);
	return rc;
}

/* Why the CLI, reading raw JSON only, refused a base64 or file value. */
static void dac_form_hint(struct docker_auth_config *d)
{
	size_t used = strlen(d->cli_problem);
	const char *hint = NULL;

	if (d->cli_accepts)
		return;
	if (d->form == DAC_FORM_BASE64)
		hint = " (the value is base64: docker reads raw JSON, decode it)";
	else if (d->form == DAC_FORM_FILE)
		hint = " (the value is a file path, as GitLab file-type variables are: docker reads raw JSON)";
	if (hint)
		snprintf(d->cli_problem + used, sizeof(d->cli_problem) - used, "%s", hint);
}

/* d->keys: every auths and credHelpers key, once. -1 on OOM. */
static int dac_keys(struct docker_auth_config *d)
{
	size_t i;

	for (i = 0; i < d->cfg.nauths; i++)
		if (add_key(d->keys, d->cfg.auths[i].key) < 0)
			return -1;
	for (i = 0; i < d->cfg.nhelpers; i++)
		if (add_key(d->keys, d->cfg.helpers[i].key) < 0)
			return -1;
	return 0;
}

int dac_decode(struct docker_auth_config *d, const char *value, struct err *e)
{
	struct sensitive content = SENSITIVE_INIT;
	const char *body = value;
	size_t len, bl;
	int got, rc = -1;

	d->keys = json_array();
	if (!d->keys)
		return err_set(e, "out of memory");
	if (!value || !*value)
		return 0;
	d->set = 1;
	len = strlen(value);
	cli_verdict(d, value, len);
	while (body < value + len && is_blank(*body))
		body++;
	bl = len - (size_t)(body - value);
	while (bl > 0 && is_blank(body[bl - 1]))
		bl--;
	/* the runner reads the contents: of the file, of the base64, or raw */
	d->form = DAC_FORM_RAW;
	got = dac_from_file(d, body, bl, &content);
	if (got == 0)
		got = dac_from_base64(d, body, bl, &content);
	if (got == 0)
		got = sensitive_set(&content, value, len) < 0 ? -1 : 1;
	if (got == 2) {   /* an unreadable file: nothing more to judge */
		rc = 0;
		goto cleanup;
	}
	if (got < 0)
		goto oom;
	dac_form_hint(d);
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
	if (dac_keys(d) < 0)
		goto oom;
	rc = 0;
	goto cleanup;
oom:
	err_set(e, "out of memory");
cleanup:
	sensitive_release(&content);
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
