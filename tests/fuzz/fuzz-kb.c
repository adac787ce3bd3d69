/* fuzz-kb — a knowledge-base entry file (kb/<category>/<slug>.json; a
 * user's FIXKB_KB_DIR may hold anything) through kb_check_text: JSON,
 * the embedded schema, and the semantic checks (regexes compiled and run
 * on their examples). */
#include "fuzz.h"

#include "kb.h"
#include "util/sensitive.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sensitive_wipe_json_allocations();
	return 0;
}

struct seen {
	size_t n;
};

static void on_problem(void *ctx, const char *file, const char *field, const char *problem)
{
	struct seen *s = ctx;

	fuzz_assert(file && field && problem);
	fuzz_assert(strlen(problem) < 4096);
	s->n++;
}

/* The entry's own id as its file name when it looks like one, so that a
 * real-looking entry gets past "id equals path" to the deeper checks. */
static void rel_for(char *rel, size_t n, const char *text, size_t len)
{
	json_t *j = json_loadb(text, len, 0, NULL);
	const char *id = json_string_value(json_object_get(j, "id"));
	size_t i, slash = 0;

	snprintf(rel, n, "cicd/fuzz-entry.json");
	if (id && strlen(id) < 200) {
		for (i = 0; id[i]; i++) {
			if (id[i] == '/')
				slash++;
			else if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') ||
				   id[i] == '-'))
				break;
		}
		if (!id[i] && slash == 1 && id[0] != '/' && id[i - 1] != '/')
			snprintf(rel, n, "%s.json", id);
	}
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { 0 };
	char *text = fuzz_dup(data, size);
	char rel[256];
	size_t n;

	rel_for(rel, sizeof(rel), text, size);
	n = kb_check_text(rel, text, size, on_problem, &s);
	fuzz_assert(n == s.n);
	free(text);
	return 0;
}
