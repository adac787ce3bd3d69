/* fuzz-credhelper — what a credential helper's answer means:
 * credhelper_interpret on an exit code, stdout and stderr, and
 * credhelper_redact on any text. Input: the first byte is the exit code
 * ('0'..'9' for 0..9, any other byte for itself); then stdout; stderr
 * follows a line "#stderr". Checks: a FOUND secret never reaches a
 * message, and failure output never shows what follows a "Secret" key. */
#include "fuzz.h"

#include <strings.h>

#include "docker/credhelper.h"
#include "util/sensitive.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sensitive_wipe_json_allocations();
	return 0;
}

static void no_secret_in(const char *msg, const struct sensitive *s)
{
	/* Short secrets occur anywhere by chance ("a"); 8 bytes do not. */
	if (s->len >= 8 && memchr(s->data, 0, s->len) == NULL)
		fuzz_assert(strstr(msg, s->data) == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct credhelper_result r = CREDHELPER_RESULT_INIT;
	struct err e = ERR_INIT;
	const uint8_t *p2;
	size_t n1, n2;
	char *so, *se, red[64];
	int code;

	if (size < 1)
		return 0;
	code = data[0] >= '0' && data[0] <= '9' ? data[0] - '0' : data[0];
	fuzz_split(data + 1, size - 1, "\n#stderr\n", &n1, &p2, &n2);
	so = fuzz_dup(data + 1, n1);
	se = fuzz_dup(p2, n2);
	snprintf(r.program, sizeof(r.program), "docker-credential-fuzz");
	if (credhelper_interpret(&r, code, so, n1, (code & 0x80) != 0, se, n2, &e) == 0) {
		(void)credhelper_status_name(r.status);
		(void)credhelper_class_name(r.class);
		fuzz_assert(strlen(r.output) < sizeof(r.output));
		fuzz_assert(strlen(r.docker_message) < sizeof(r.docker_message));
		if (r.status == CREDHELPER_FOUND) {
			no_secret_in(r.docker_message, &r.cred.secret);
			no_secret_in(r.output, &r.cred.secret);
		} else {
			fuzz_assert(sensitive_is_empty(&r.cred.secret));
		}
		/* what is shown never holds text that followed a "Secret" key */
		fuzz_assert(strcasestr(r.output, "secret\"") == NULL);
		fuzz_assert(strcasestr(r.docker_message, "secret\"") == NULL);
	}
	credhelper_result_release(&r);
	credhelper_redact(red, sizeof(red), so, n1);
	fuzz_assert(strlen(red) < sizeof(red));
	credhelper_redact(red, 1, so, n1);
	fuzz_assert(red[0] == '\0');
	free(so);
	free(se);
	return 0;
}
