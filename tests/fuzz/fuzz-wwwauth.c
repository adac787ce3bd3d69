/* fuzz-wwwauth — WWW-Authenticate header values as containerd parses
 * them: every input line is one header (wwwauth_set_add_line), then the
 * containerd ordering, lookups and the evidence JSON; the whole input is
 * also parsed as one line. */
#include "fuzz.h"

#include "net/wwwauth.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wwwauth_set set = WWWAUTH_SET_INIT;
	struct wwwauth_challenge one;
	const uint8_t *p = data, *end = data + size, *nl;
	size_t i, j;
	json_t *js;
	char *line;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		line = fuzz_dup(p, (size_t)(nl - p));
		fuzz_assert(wwwauth_set_add_line(&set, line, (size_t)(nl - p)) == 0);
		free(line);
		p = nl + (nl < end);
	}
	fuzz_assert(set.n <= WWWAUTH_MAX_CHALLENGES);
	for (i = 0; i < set.n; i++) {
		const struct wwwauth_challenge *c = &set.c[i];

		fuzz_assert(c->nparams <= WWWAUTH_MAX_PARAMS && c->nscopes <= WWWAUTH_MAX_SCOPES);
		for (j = 0; j < c->nparams; j++)
			fuzz_assert(c->params[j].name && c->params[j].value);
		for (j = 0; j < c->nscopes; j++)
			fuzz_assert(c->scopes[j] && c->scopes[j][0]);
		(void)wwwauth_param(c, "realm");
		(void)wwwauth_param(c, "scope");
		js = wwwauth_challenge_json(c);
		json_decref(js);
	}
	wwwauth_containerd_order(&set);
	for (i = 1; i < set.n; i++)
		fuzz_assert(set.c[i - 1].scheme >= set.c[i].scheme);
	(void)wwwauth_find(&set, WWWAUTH_BEARER);
	(void)wwwauth_find(&set, WWWAUTH_BASIC);
	wwwauth_set_release(&set);

	memset(&one, 0, sizeof(one));
	line = fuzz_dup(data, size);
	fuzz_assert(wwwauth_parse_line(&one, line, size) >= 0);
	(void)wwwauth_scheme_name(one.scheme);
	wwwauth_challenge_release(&one);
	free(line);
	return 0;
}
