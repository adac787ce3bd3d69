/* helperstore.c — `docker-credential-<name> store` and `erase`, as the
 * docker CLI's native store runs them. See helperstore.h. */
#include "docker/helperstore.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker/credhelper.h"
#include "util/proc.h"

#define HELPERSTORE_OUT_MAX (64u << 10)
#define TOKEN_USERNAME "<token>"

/* Runs the helper's verb with in on stdin; 0 on exit 0, else -1 with e
 * naming the program, the verb and what went wrong. *output gets the
 * redacted failure text ("" on success). */
static int run_verb(const char *name, const char *verb, const void *in, size_t inlen,
		    double deadline_ms, char *output, size_t outlen, struct err *e)
{
	struct proc_result pr = PROC_RESULT_INIT(HELPERSTORE_OUT_MAX, HELPERSTORE_OUT_MAX);
	char program[CREDHELPER_NAME_MAX + 32];
	const struct buf *said;
	int ret = -1;

	output[0] = '\0';
	if (!credhelper_name_valid(name))
		return err_set(e, "refusing to run helper name '%s': a helper name must be "
			       "[A-Za-z0-9._-]+ with no path", name ? name : "");
	snprintf(program, sizeof(program), "docker-credential-%s", name);
	if (credhelper_run(&pr, program, verb, in, inlen, deadline_ms, e) < 0)
		goto cleanup;
	said = pr.out.len ? &pr.out : &pr.err;
	credhelper_redact(output, outlen, said->data ? said->data : "", said->len);
	switch (pr.outcome) {
	case PROC_EXITED:
		if (pr.exit_code == 0) {
			output[0] = '\0';
			ret = 0;
			break;
		}
		err_set(e, "%s %s: exit status %d: %s", program, verb, pr.exit_code,
			output[0] ? output : "(no output)");
		break;
	case PROC_SIGNALED:
		err_set(e, "%s %s: killed by signal %d", program, verb, pr.term_signal);
		break;
	case PROC_TIMED_OUT:
		err_set(e, "%s %s: no answer within the deadline; killed", program, verb);
		break;
	case PROC_SPAWN_FAILED:
		err_set(e, "%s: %s", program, proc_spawn_strerror(pr.spawn_errno));
		break;
	}
cleanup:
	proc_result_release(&pr);
	return ret;
}

int helperstore_store(const char *name, const char *server_key, const struct credential *cred,
		      double deadline_ms, struct err *e)
{
	char output[CREDHELPER_MSG_MAX];
	json_t *doc;
	char *text = NULL;
	int ret = -1;

	if (!cred || sensitive_is_empty(&cred->secret))
		return err_set(e, "no secret to store for '%s'", server_key);
	doc = json_object();
	if (!doc || json_object_set_new(doc, "ServerURL", json_string(server_key)) < 0 ||
	    json_object_set_new(doc, "Username", json_string(cred->identity_token ? TOKEN_USERNAME
							     : cred->username)) < 0 ||
	    json_object_set_new(doc, "Secret", json_stringn(cred->secret.data,
							    cred->secret.len)) < 0) {
		err_set(e, "out of memory (or a username that is not UTF-8)");
		goto cleanup;
	}
	text = json_dumps(doc, JSON_COMPACT);
	if (!text) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	ret = run_verb(name, "store", text, strlen(text), deadline_ms, output, sizeof(output), e);
cleanup:
	if (text) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	json_decref(doc);
	return ret;
}

int helperstore_erase(const char *name, const char *server_key, double deadline_ms,
		      struct err *e)
{
	char output[CREDHELPER_MSG_MAX];
	struct err mine = ERR_INIT;

	if (run_verb(name, "erase", server_key, strlen(server_key), deadline_ms, output,
		     sizeof(output), &mine) == 0)
		return 0;
	/* pass 0.6.4 fails an erase of a missing item; docker logout then
	 * says nothing is stored, which is what the caller wanted. */
	if (strstr(output, "is not in the password store"))
		return 0;
	return err_set(e, "%s", mine.msg);
}
