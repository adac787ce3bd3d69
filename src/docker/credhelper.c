/* credhelper.c — docker-credential-<name> get, as docker runs it. See
 * credhelper.h; the protocol is docker-credential-helpers' client/ and
 * credentials/ packages plus the CLI's native store. */
#include "docker/credhelper.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/clock.h"
#include "util/proc.h"
#include "docker/localsecrets.h"

extern char **environ;

#define NOT_FOUND_SENTINEL "credentials not found in native keychain"
#define TOKEN_USERNAME "<token>"

const char *const credhelper_env_keep[] = {
	"PATH", "HOME", "USER", "LOGNAME", "DISPLAY", "DBUS_SESSION_BUS_ADDRESS",
	"XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "GNUPGHOME",
	"PASSWORD_STORE_DIR", "GPG_TTY", "AWS_*", "GOOGLE_*", "CLOUDSDK_*", "TMPDIR", "LANG",
	"LC_*", NULL,
};

int credhelper_name_valid(const char *name)
{
	size_t i, n;

	if (!name)
		return 0;
	n = strlen(name);
	if (n == 0 || n > CREDHELPER_NAME_MAX)
		return 0;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!(isascii(c) && (isalnum(c) || c == '.' || c == '_' || c == '-')))
			return 0;
	}
	return 1;
}

const char *credhelper_status_name(enum credhelper_status s)
{
	switch (s) {
	case CREDHELPER_FOUND: return "found";
	case CREDHELPER_NOT_FOUND: return "not_found";
	case CREDHELPER_MISSING: return "missing";
	case CREDHELPER_FAILED: return "failed";
	case CREDHELPER_TIMED_OUT: return "timed_out";
	case CREDHELPER_INVALID_NAME: return "invalid_name";
	case CREDHELPER_BAD_OUTPUT: return "bad_output";
	}
	return "failed";
}

const char *credhelper_class_name(enum credhelper_class c)
{
	switch (c) {
	case CREDHELPER_CLASS_NONE: return "";
	case CREDHELPER_CLASS_DBUS: return "dbus";
	case CREDHELPER_CLASS_KEYRING: return "keyring";
	case CREDHELPER_CLASS_PASS: return "pass";
	case CREDHELPER_CLASS_GPG: return "gpg";
	case CREDHELPER_CLASS_NOT_FOUND_TEXT: return "not_found_text";
	case CREDHELPER_CLASS_TIMEOUT: return "timeout";
	case CREDHELPER_CLASS_SIGNAL: return "signal";
	case CREDHELPER_CLASS_OTHER: return "other";
	}
	return "other";
}

/* Where a "Secret" key starts in text (case-insensitive, followed by a
 * quote, backslash or colon), or NULL. */
static const char *find_secret_key(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i + 6 <= len; i++) {
		if (strncasecmp(text + i, "secret", 6) != 0)
			continue;
		if (i + 6 == len || text[i + 6] == '"' || text[i + 6] == '\\' || text[i + 6] == ':')
			return text + (i > 0 && text[i - 1] == '"' ? i - 1 : i);
	}
	return NULL;
}

void credhelper_redact(char *out, size_t size, const char *text, size_t len)
{
	static const char marker[] = "[redacted]";
	const char *cut;
	size_t n, i;

	if (!size)
		return;
	out[0] = '\0';
	if (!text)
		return;
	cut = find_secret_key(text, len);
	n = cut ? (size_t)(cut - text) : len;
	if (n > size - 1)
		n = size - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		out[i] = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? ' ' : (char)c;
	}
	out[n] = '\0';
	if (cut && n + sizeof(marker) <= size)
		memcpy(out + n, marker, sizeof(marker));
}

/* Trims ASCII whitespace from both ends, in place; returns the new start. */
static char *trim(char *s, size_t *len)
{
	size_t n = *len;

	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	*len = n;
	return s;
}

static int has(const char *hay, const char *needle)
{
	return strcasestr(hay, needle) != NULL;
}

static enum credhelper_class classify(const char *text)
{
	if (has(text, "pass not initialized") || has(text, "You must run") ||
	    has(text, "pass init") || has(text, "is not in the password store") ||
	    has(text, "exec: \"pass\""))
		return CREDHELPER_CLASS_PASS;
	if (has(text, "gpg:") || has(text, "No secret key") || has(text, "decryption failed"))
		return CREDHELPER_CLASS_GPG;
	if (has(text, "Cannot autolaunch D-Bus") || has(text, "Could not connect") ||
	    has(text, "D-Bus") || has(text, "dbus"))
		return CREDHELPER_CLASS_DBUS;
	if (has(text, "not found") || has(text, "No stored credential") ||
	    has(text, "no credentials"))
		return CREDHELPER_CLASS_NOT_FOUND_TEXT;
	if (has(text, "Object does not exist at path") || has(text, "secretservice") ||
	    has(text, "org.freedesktop.secrets") || has(text, "locked") ||
	    has(text, "libsecret") ||
	    has(text, "keyring") || has(text, "keychain"))
		return CREDHELPER_CLASS_KEYRING;
	return CREDHELPER_CLASS_OTHER;
}

/* Go's (*exec.ExitError).Error() wording for a signal. */
static const char *go_signal_name(int sig)
{
	switch (sig) {
	case SIGKILL: return "killed";
	case SIGTERM: return "terminated";
	case SIGSEGV: return "segmentation fault";
	case SIGABRT: return "aborted";
	case SIGINT: return "interrupt";
	case SIGHUP: return "hangup";
	case SIGPIPE: return "broken pipe";
	case SIGBUS: return "bus error";
	default: return strsignal(sig);
	}
}

/* Go's json decoder matches field names case-insensitively and the last
 * duplicate wins: do the same. Returns the string or NULL (absent/null);
 * *bad is set when the field is present with a non-string value. */
static const char *get_field(json_t *obj, const char *name, size_t *len, int *bad)
{
	const char *k, *found = NULL;
	json_t *v;

	*len = 0;
	json_object_foreach(obj, k, v) {
		if (strcasecmp(k, name) != 0)
			continue;
		if (json_is_null(v)) {
			found = NULL;
			*len = 0;
		} else if (json_is_string(v)) {
			found = json_string_value(v);
			*len = json_string_length(v);
		} else {
			*bad = 1;
		}
	}
	return found;
}

/* Wipes every string value jansson decoded, before it frees them. */
static void wipe_strings(json_t *obj)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v) {
		if (json_is_string(v) && json_string_length(v))
			explicit_bzero((char *)json_string_value(v), json_string_length(v));
	}
}

static int parse_success(struct credhelper_result *out, const char *data, size_t len,
			 struct err *e)
{
	const char *user, *secret, *url;
	size_t ulen, slen, urllen;
	json_error_t jerr;
	json_t *doc = NULL;
	int bad = 0, ret = 0;
	size_t i = 0;

	while (i < len && isspace((unsigned char)data[i]))
		i++;
	if (i == len) {
		out->status = CREDHELPER_BAD_OUTPUT;
		snprintf(out->docker_message, sizeof(out->docker_message), "EOF");
		goto cleanup;
	}
	/* Like Go's json.Decoder: the first value counts, the rest is ignored. */
	doc = json_loadb(data, len, JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &jerr);
	if (!doc || !json_is_object(doc)) {
		out->status = CREDHELPER_BAD_OUTPUT;
		/* The output of a helper that exited 0 may be the secret itself:
		 * describe it, never quote it. */
		snprintf(out->docker_message, sizeof(out->docker_message),
			 doc ? "json: cannot unmarshal %s into Go value of type credentials.Credentials"
			     : "invalid character looking for beginning of value (output not shown: "
			       "a helper that exits 0 may have printed a secret)",
			 doc ? (json_is_array(doc) ? "array" : json_is_string(doc) ? "string" :
				json_is_number(doc) ? "number" : "bool") : "");
		goto cleanup;
	}
	url = get_field(doc, "ServerURL", &urllen, &bad);
	user = get_field(doc, "Username", &ulen, &bad);
	secret = get_field(doc, "Secret", &slen, &bad);
	if (bad) {
		out->status = CREDHELPER_BAD_OUTPUT;
		snprintf(out->docker_message, sizeof(out->docker_message),
			 "json: cannot unmarshal a non-string field into Go struct field of type string");
		goto cleanup;
	}
	if (url)
		credhelper_redact(out->server_url, sizeof(out->server_url), url, urllen);
	if ((!user || !ulen) && (!secret || !slen)) {
		/* pass 0.6.4: missing item or no store gives rc 0 and empty fields. */
		out->status = CREDHELPER_NOT_FOUND;
		goto cleanup;
	}
	if (user && ulen >= sizeof(out->cred.username)) {
		out->status = CREDHELPER_BAD_OUTPUT;
		snprintf(out->docker_message, sizeof(out->docker_message),
			 "the helper's Username is %zu bytes long", ulen);
		goto cleanup;
	}
	if (secret && slen && sensitive_set(&out->cred.secret, secret, slen) < 0) {
		ret = err_set(e, "out of memory keeping a credential");
		goto cleanup;
	}
	if (user && strcmp(user, TOKEN_USERNAME) == 0) {
		out->cred.identity_token = 1;
		out->cred.username[0] = '\0';
	} else if (user) {
		memcpy(out->cred.username, user, ulen);
		out->cred.username[ulen] = '\0';
	}
	out->status = CREDHELPER_FOUND;
cleanup:
	if (doc) {
		wipe_strings(doc);
		json_decref(doc);
	}
	explicit_bzero(&jerr, sizeof(jerr));
	return ret;
}

static void set_failure_text(struct credhelper_result *out, const char *so_in, size_t solen,
			     const char *se_in, size_t selen)
{
	char joined[CREDHELPER_MSG_MAX * 2];
	const char *cut;
	char *so, *se;

	so = trim(so_in ? (char *)so_in : (char *)"", &solen);
	se = trim(se_in ? (char *)se_in : (char *)"", &selen);
	credhelper_redact(out->output, sizeof(out->output), so, solen);
	/* Classify on stdout (where helpers put errors) and stderr. */
	snprintf(joined, sizeof(joined), "%s\n%.*s", out->output,
		 (int)(selen < CREDHELPER_MSG_MAX ? selen : CREDHELPER_MSG_MAX), se);
	cut = find_secret_key(joined, strlen(joined));
	if (cut)
		joined[cut - joined] = '\0';
	out->class = classify(joined);
	if (!out->output[0] && selen)
		credhelper_redact(out->output, sizeof(out->output), se, selen);
}

/* Failure output, scrubbed of known secrets and secret shapes
 * (localsecrets.h) before anything is kept: fills output and class, and
 * docker_message as docker words it (an exit status, or a signal when
 * sig). */
static int failure(struct credhelper_result *out, int exit_code, int sig, const char *so_in,
		   size_t solen, const char *se_in, size_t selen, const struct localsecrets *known,
		   struct err *e)
{
	struct buf so = BUF_INIT(0), se = BUF_INIT(0);
	char so_red[CREDHELPER_MSG_MAX];
	size_t trimmed;
	char *t;
	int rc = -1;

	if (localsecrets_scrub(&so, known, so_in, solen) < 0 ||
	    localsecrets_scrub(&se, known, se_in, selen) < 0) {
		err_set(e, "out of memory scrubbing helper output");
		goto cleanup;
	}
	set_failure_text(out, so.data, so.len, se.data, se.len);
	if (sig) {
		snprintf(out->docker_message, sizeof(out->docker_message),
			 "error getting credentials - err: signal: %s, out: `%s`", go_signal_name(sig),
			 out->output);
	} else {
		/* docker quotes stdout only; stderr went to the terminal. */
		trimmed = so.len;
		t = trim(so.data, &trimmed);
		credhelper_redact(so_red, sizeof(so_red), t, trimmed);
		snprintf(out->docker_message, sizeof(out->docker_message),
			 "error getting credentials - err: exit status %d, out: `%s`", exit_code, so_red);
	}
	rc = 0;
cleanup:
	buf_release(&so);
	buf_release(&se);
	return rc;
}

static int interpret(struct credhelper_result *out, int exit_code, const char *so_in,
		     size_t solen, int so_truncated, const char *se, size_t selen,
		     const struct localsecrets *known, struct err *e)
{
	size_t trimmed;
	char *so;

	if (!so_in)
		solen = 0;
	if (!se)
		selen = 0;
	out->exit_code = exit_code;
	if (exit_code == 0) {
		if (so_truncated) {
			out->status = CREDHELPER_BAD_OUTPUT;
			snprintf(out->docker_message, sizeof(out->docker_message),
				 "the helper printed more than %u bytes", CREDHELPER_OUT_MAX);
			return 0;
		}
		return parse_success(out, so_in ? so_in : "", solen, e);
	}
	trimmed = solen;
	so = trim(so_in ? (char *)so_in : (char *)"", &trimmed);
	if (trimmed == strlen(NOT_FOUND_SENTINEL) &&
	    memcmp(so, NOT_FOUND_SENTINEL, trimmed) == 0) {
		out->status = CREDHELPER_NOT_FOUND;
		snprintf(out->output, sizeof(out->output), "%s", NOT_FOUND_SENTINEL);
		return 0;
	}
	out->status = CREDHELPER_FAILED;
	return failure(out, exit_code, 0, so_in, solen, se, selen, known, e);
}

int credhelper_interpret(struct credhelper_result *out, int exit_code, const char *so_in,
			 size_t solen, int so_truncated, const char *se, size_t selen,
			 struct err *e)
{
	return interpret(out, exit_code, so_in, solen, so_truncated, se, selen, NULL, e);
}

int credhelper_run(struct proc_result *pr, const char *program, const char *verb,
		   const void *in, size_t inlen, double deadline_ms, struct err *e)
{
	const char *argv[3] = { program, verb, NULL };
	struct proc_env env = PROC_ENV_INIT;
	struct proc_spec sp = PROC_SPEC_INIT;
	int ret = -1;

	if (proc_env_filter(&env, environ, credhelper_env_keep, e) < 0)
		goto cleanup;
	sp.argv = argv;
	sp.envp = (const char *const *)env.vars;
	sp.stdin_data = in;
	sp.stdin_len = inlen;
	sp.deadline_ms = deadline_ms;
	ret = proc_run(pr, &sp, e);
cleanup:
	proc_env_release(&env);
	return ret;
}

static int run_helper(struct proc_result *pr, struct credhelper_result *out,
		      const char *verb, const void *in, size_t inlen, double deadline_ms,
		      struct err *e)
{
	int ret = credhelper_run(pr, out->program, verb, in, inlen, deadline_ms, e);

	snprintf(out->binary, sizeof(out->binary), "%s", pr->binary);
	return ret;
}

int credhelper_get(struct credhelper_result *out, const char *name,
		   const char *server_key, double deadline_ms, struct err *e)
{
	return credhelper_get_in(out, NULL, name, server_key, deadline_ms, e);
}

/* The secrets stored here, when the helper failed (its output is shown). */
static int known_secrets(struct localsecrets *known, const struct settings *s,
			 const struct proc_result *pr, struct err *e)
{
	if (pr->outcome == PROC_SIGNALED || (pr->outcome == PROC_EXITED && pr->exit_code != 0))
		return localsecrets_collect(known, s, e);
	return 0;
}

int credhelper_get_in(struct credhelper_result *out, const struct settings *s, const char *name,
		      const char *server_key, double deadline_ms, struct err *e)
{
	struct proc_result pr = PROC_RESULT_INIT(CREDHELPER_OUT_MAX, CREDHELPER_ERR_MAX);
	struct localsecrets known = LOCALSECRETS_INIT;
	int ret = -1;

	*out = (struct credhelper_result)CREDHELPER_RESULT_INIT;
	if (!credhelper_name_valid(name)) {
		out->status = CREDHELPER_INVALID_NAME;
		snprintf(out->program, sizeof(out->program), "docker-credential-%.*s",
			 CREDHELPER_NAME_MAX, name ? name : "");
		return 0;
	}
	snprintf(out->program, sizeof(out->program), "docker-credential-%s", name);
	if (!server_key)
		server_key = "";
	if (run_helper(&pr, out, "get", server_key, strlen(server_key), deadline_ms, e) < 0)
		goto cleanup;
	out->ms = pr.ms;
	out->output_truncated = pr.out.truncated;
	if (known_secrets(&known, s, &pr, e) < 0)
		goto cleanup;

	switch (pr.outcome) {
	case PROC_SPAWN_FAILED:
		out->status = CREDHELPER_MISSING;
		if (pr.spawn_errno == ENOENT || pr.spawn_errno == EACCES)
			snprintf(out->docker_message, sizeof(out->docker_message),
				 "error getting credentials - err: exec: \"%s\": executable file not "
				 "found in $PATH, out: ``", out->program);
		else
			snprintf(out->docker_message, sizeof(out->docker_message),
				 "error getting credentials - err: fork/exec %s: %s, out: ``",
				 out->binary, strerror(pr.spawn_errno));
		if (pr.spawn_errno != ENOENT)
			snprintf(out->output, sizeof(out->output), "%s",
				 proc_spawn_strerror(pr.spawn_errno));
		break;
	case PROC_TIMED_OUT:
		out->status = CREDHELPER_TIMED_OUT;
		out->class = CREDHELPER_CLASS_TIMEOUT;
		/* docker has no timeout: it would have hung here. */
		break;
	case PROC_SIGNALED:
		out->term_signal = pr.term_signal;
		out->status = CREDHELPER_FAILED;
		if (failure(out, -1, pr.term_signal, pr.out.data, pr.out.len, pr.err.data,
			    pr.err.len, &known, e) < 0)
			goto cleanup;
		out->class = CREDHELPER_CLASS_SIGNAL;
		break;
	case PROC_EXITED:
		if (interpret(out, pr.exit_code, pr.out.data, pr.out.len, pr.out.truncated,
			      pr.err.data, pr.err.len, &known, e) < 0)
			goto cleanup;
		break;
	}
	ret = 0;
cleanup:
	localsecrets_release(&known);
	proc_result_release(&pr);
	return ret;
}

int credhelper_version(const char *name, char *ver, size_t verlen,
		       double deadline_ms, struct err *e)
{
	struct proc_result pr = PROC_RESULT_INIT(4096, 4096);
	struct credhelper_result tmp = CREDHELPER_RESULT_INIT;
	char *s;
	size_t n;
	int ret = -1;

	if (verlen)
		ver[0] = '\0';
	if (!credhelper_name_valid(name))
		return err_set(e, "refusing to run helper name '%s'", name ? name : "");
	snprintf(tmp.program, sizeof(tmp.program), "docker-credential-%s", name);
	if (run_helper(&pr, &tmp, "version", NULL, 0, deadline_ms, e) < 0)
		goto cleanup;
	if (pr.outcome != PROC_EXITED || pr.exit_code != 0) {
		err_set(e, "'%s version' %s", tmp.program,
			pr.outcome == PROC_SPAWN_FAILED ? proc_spawn_strerror(pr.spawn_errno) :
			pr.outcome == PROC_TIMED_OUT ? "timed out" : "failed");
		goto cleanup;
	}
	n = strcspn(pr.out.data ? pr.out.data : "", "\n");
	s = trim(pr.out.data ? pr.out.data : (char *)"", &n);
	credhelper_redact(ver, verlen, s, n);
	ret = 0;
cleanup:
	proc_result_release(&pr);
	credhelper_result_release(&tmp);
	return ret;
}

void credhelper_result_release(struct credhelper_result *out)
{
	credential_release(&out->cred);
}
