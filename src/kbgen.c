/* kbgen.c — build-time tool: `kbgen OUT.c` checks the KB texts embedded
 * in it (kb_embedded.h) exactly as `fixkb kb lint` does, and writes their
 * typed view as C (kb_emit.h) for the binary to load without parsing
 * (kb_compact.h). Any problem is printed as "file: field: problem" and
 * fails the build (exit 1, OUT.c not written). Linked with the library
 * minus kb_compact.c and the file it writes. */
#include <stdio.h>
#include <stdlib.h>

#include "kb.h"
#include "kb_emit.h"
#include "util/msg.h"

static void on_problem(void *ctx, const char *file, const char *field, const char *problem)
{
	(void)ctx;
	msg_error("%s: %s: %s", file, field, problem);
}

int main(int argc, char **argv)
{
	struct kb *kb = NULL;
	struct err e = ERR_INIT;
	char tmp[4096];
	FILE *f = NULL;
	int rc = 1;

	if (argc != 2) {
		msg_error("usage: kbgen OUT.c");
		return 2;
	}
	if (kb_load_embedded_lint(&kb, on_problem, NULL, &e) < 0) {
		msg_error("kbgen: the embedded kb has problems (above): %s", e.msg);
		goto cleanup;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	f = fopen(tmp, "w");
	if (!f) {
		msg_error("kbgen: cannot write '%s'", tmp);
		goto cleanup;
	}
	if (kb_emit_c(f, kb, &e) < 0) {
		msg_error("kbgen: writing '%s': %s", tmp, e.msg);
		goto cleanup;
	}
	if (fclose(f) != 0) {
		f = NULL;
		msg_error("kbgen: writing '%s' failed", tmp);
		goto cleanup;
	}
	f = NULL;
	if (rename(tmp, argv[1]) != 0) {
		msg_error("kbgen: cannot rename '%s' to '%s'", tmp, argv[1]);
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (f) {
		fclose(f);
		remove(tmp);
	}
	kb_free(kb);
	return rc;
}
