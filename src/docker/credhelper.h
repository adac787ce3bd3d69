/* credhelper.h — ask a docker credential helper for a registry's
 * credential, exactly as the docker CLI does.
 *
 * credhelper_get() runs `docker-credential-<name> get` found in $PATH
 * (never through a shell), writes the server key to its stdin with no
 * newline, and reads a capped stdout under a deadline, in an environment
 * scrubbed down to what helpers need (CREDHELPER_ENV_KEEP). It then
 * interprets the answer the way docker-credential-helpers' client.Get and
 * the CLI's native store do:
 *   - exit != 0 and trimmed stdout == "credentials not found in native
 *     keychain"                                   -> NOT_FOUND (no error)
 *   - exit 0, JSON with empty Username and Secret (pass 0.6.4 returns that
 *     for a missing item or an uninitialised store) -> NOT_FOUND
 *   - exit 0, JSON {ServerURL, Username, Secret}  -> FOUND; Username
 *     "<token>" means Secret is an identity token
 *   - helper not in $PATH                          -> MISSING
 *   - any other exit != 0                          -> FAILED, classified
 *   - exit 0 but not JSON                          -> BAD_OUTPUT
 *   - killed at the deadline                       -> TIMED_OUT
 *   - a name that is not [A-Za-z0-9._-]+ (or is "." / "..") is never run:
 *                                                     INVALID_NAME
 * docker_message is the error line the docker CLI would have printed
 * ("error getting credentials - err: exit status 1, out: `...`"), built
 * only from failure output, which is scrubbed first (localsecrets.h: the
 * secrets stored in the configuration, Basic/Bearer/JWT/password= shapes,
 * long runs mixing letters and digits), then cut at a "Secret" key. Success output holds the secret: it goes into cred.secret
 * (a struct sensitive) and nowhere else, and the buffer is wiped. */
#ifndef FIXKB_DOCKER_CREDHELPER_H
#define FIXKB_DOCKER_CREDHELPER_H

#include <limits.h>

#include "docker/credential.h"
#include "util/err.h"
#include "util/settings.h"

#define CREDHELPER_NAME_MAX 100
#define CREDHELPER_OUT_MAX (1u << 20)     /* helper stdout cap: 1 MiB */
#define CREDHELPER_ERR_MAX (16u << 10)    /* helper stderr cap */
#define CREDHELPER_MSG_MAX 768
#define CREDHELPER_URL_MAX 512

/* The environment a helper keeps (everything else is dropped). A trailing
 * '*' keeps a prefix. NULL-terminated. */
extern const char *const credhelper_env_keep[];

enum credhelper_status {
	CREDHELPER_FOUND,
	CREDHELPER_NOT_FOUND,
	CREDHELPER_MISSING,        /* docker-credential-<name> not in $PATH */
	CREDHELPER_FAILED,         /* ran, exited non-zero (or died) with an error */
	CREDHELPER_TIMED_OUT,      /* killed at the deadline */
	CREDHELPER_INVALID_NAME,   /* refused to run: not a plain helper name */
	CREDHELPER_BAD_OUTPUT,     /* exit 0 but not the JSON docker expects */
};

/* Why a helper failed, from its output (FAILED), or TIMEOUT/SIGNAL. */
enum credhelper_class {
	CREDHELPER_CLASS_NONE,
	CREDHELPER_CLASS_DBUS,            /* no session bus / cannot connect */
	CREDHELPER_CLASS_KEYRING,         /* Secret Service: no collection, locked, ... */
	CREDHELPER_CLASS_PASS,            /* pass not initialised / not installed */
	CREDHELPER_CLASS_GPG,             /* gpg could not decrypt */
	CREDHELPER_CLASS_NOT_FOUND_TEXT,  /* a "not found" that is not docker's sentinel:
	                                     a hard error for docker */
	CREDHELPER_CLASS_TIMEOUT,
	CREDHELPER_CLASS_SIGNAL,
	CREDHELPER_CLASS_OTHER,
};

struct credhelper_result {
	enum credhelper_status status;
	enum credhelper_class class;
	char program[CREDHELPER_NAME_MAX + 32];   /* "docker-credential-<name>" */
	char binary[PATH_MAX];                    /* resolved path, "" when not run */
	char docker_message[CREDHELPER_MSG_MAX];  /* what docker would print; "" when none */
	char output[CREDHELPER_MSG_MAX];          /* failure stdout+stderr, trimmed, redacted */
	char server_url[CREDHELPER_URL_MAX];      /* ServerURL the helper answered with */
	int exit_code;                            /* -1 when it did not exit normally */
	int term_signal;
	int output_truncated;                     /* stdout hit CREDHELPER_OUT_MAX */
	double ms;
	struct credential cred;                   /* FOUND only; owned, wiped on release */
};

#define CREDHELPER_RESULT_INIT \
	{ CREDHELPER_NOT_FOUND, CREDHELPER_CLASS_NONE, "", "", "", "", "", -1, 0, 0, 0, CREDENTIAL_INIT }

/* Validates a helper name: [A-Za-z0-9._-]+, at most CREDHELPER_NAME_MAX,
 * not "." or "..". Returns 1 when it is safe to run. */
int credhelper_name_valid(const char *name);

/* Runs `docker-credential-<name> get` for server_key; see above. out is
 * overwritten: release a previous result first. Returns 0
 * whenever out->status says what happened; -1 (e set) only when fixkb
 * itself could not try (out of memory, no pipes). PATH and the rest of the
 * kept environment come from this process's environment. */
int credhelper_get(struct credhelper_result *out, const char *name,
		   const char *server_key, double deadline_ms, struct err *e);
/* The same, for the configuration s (--config; NULL: the environment's):
 * when the helper fails, its output is scrubbed of every secret stored in
 * that configuration (localsecrets.h) and of secret shapes before any of
 * it is kept. credhelper_get is credhelper_get_in(out, NULL, ...). */
int credhelper_get_in(struct credhelper_result *out, const struct settings *s, const char *name,
		      const char *server_key, double deadline_ms, struct err *e);

/* The interpretation half of credhelper_get, without running anything:
 * what the answer of a helper that exited with exit_code means (see the
 * list above). out must be CREDHELPER_RESULT_INIT (program may be set, for
 * messages); fills status, class, exit_code, docker_message, output,
 * server_url and, when FOUND, cred; failure output is scrubbed of secret
 * shapes (no stored secrets: credhelper_get_in adds those). so/se (stdout/stderr, may be NULL)
 * need not be NUL-terminated; so_truncated: stdout hit its cap. Pure, for
 * the fuzzer. Returns 0, or -1 with e set on OOM. */
int credhelper_interpret(struct credhelper_result *out, int exit_code, const char *so,
			 size_t solen, int so_truncated, const char *se, size_t selen,
			 struct err *e);

/* `docker-credential-<name> version`: the first line of its output in ver
 * ("0.6.4"). Returns 0, or -1 with e set when it is invalid, missing,
 * fails or times out. */
int credhelper_version(const char *name, char *ver, size_t verlen,
		       double deadline_ms, struct err *e);

/* Runs program (docker-credential-<name>, found on PATH) with verb, in on
 * its stdin, in the environment credhelper_env_keep leaves, until the
 * deadline: what credhelper_get does, for the other verbs (store, erase:
 * docker/helperstore.h). pr is the caller's (PROC_RESULT_INIT with its
 * caps; proc_result_release it). 0 when pr says what happened, -1 with e
 * set when fixkb could not try. */
struct proc_result;
int credhelper_run(struct proc_result *pr, const char *program, const char *verb,
		   const void *in, size_t inlen, double deadline_ms, struct err *e);

void credhelper_result_release(struct credhelper_result *out);

const char *credhelper_status_name(enum credhelper_status s);   /* "found", "not_found", ... */
const char *credhelper_class_name(enum credhelper_class c);     /* "dbus", "keyring", ... or "" */

/* Copies text into out, cutting it at the first `"Secret"` (any case) and
 * at `size` bytes, replacing control characters by spaces. For failure
 * output only: success output is never shown anywhere. */
void credhelper_redact(char *out, size_t size, const char *text, size_t len);

#endif
