/* fuzz-scope — registry token scopes (type:name:actions, names with
 * host:port) through scope_parse, a BuildKit scope_set and containerd's
 * and BuildKit's scope lists (tokenclient_scopes). Lines are scopes. */
#include "fuzz.h"

#include "net/scope.h"
#include "net/tokenclient.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

#define MAXL 40

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[SCOPE_SET_MAX][SCOPE_MAX];
	struct scope_set *set = calloc(1, sizeof(*set));
	struct scope_entry en;
	char *lines[MAXL];
	char *s = fuzz_cstr(data, size), *p, joined[4096];
	size_t n = 0, i, k;

	fuzz_assert(set);
	for (p = s; n < MAXL; ) {
		char *nl = strchr(p, '\n');

		lines[n++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	for (i = 0; i < n; i++) {
		(void)scope_parse(&en, lines[i]);
		(void)scope_set_add(set, lines[i]);
		fuzz_assert(set->n <= SCOPE_SET_MAX);
	}
	for (i = 0; i < n; i++)
		(void)scope_set_covers(set, lines[i]);
	k = scope_set_strings(set, out, SCOPE_SET_MAX);
	fuzz_assert(k <= SCOPE_SET_MAX);
	for (i = 0; i < k; i++)
		fuzz_assert(memchr(out[i], 0, SCOPE_MAX));
	scope_set_join(set, joined, sizeof(joined));
	fuzz_assert(strlen(joined) < sizeof(joined));
	(void)scope_pull(joined, sizeof(joined), lines[0]);
	k = tokenclient_scopes(TOKENCLIENT_CONTAINERD, lines[0], lines + 1, n - 1, out, SCOPE_SET_MAX);
	fuzz_assert(k <= SCOPE_SET_MAX);
	for (i = 1; i < k; i++)
		fuzz_assert(strcmp(out[i - 1], out[i]) < 0);
	k = tokenclient_scopes(TOKENCLIENT_BUILDKIT, lines[0], lines + 1, n - 1, out, SCOPE_SET_MAX);
	fuzz_assert(k <= SCOPE_SET_MAX);
	free(set);
	free(s);
	return 0;
}
