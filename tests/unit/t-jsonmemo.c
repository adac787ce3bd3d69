/* t-jsonmemo.c — parsed JSON remembered by its exact text: a hit hands
 * out the same document, anything else parses anew; errors are not kept;
 * the oldest slot goes first; clear releases every document. */
#include "util/jsonmemo.h"
#include "tap.h"

#include <string.h>

int main(void)
{
	const char *a = "{\"auths\":{\"r.example\":{\"auth\":\"YTpi\"}}}";
	const char *b = "{\"auths\":{\"r.example\":{\"auth\":\"YTpj\"}}}";
	json_error_t je;
	json_t *d1, *d2, *d3, *d4, *bad, *first;
	char text[64];
	int i;

	d1 = jsonmemo_loadb(a, strlen(a), 0, &je);
	d2 = jsonmemo_loadb(a, strlen(a), 0, &je);
	ok(d1 && d1 == d2 && d1->refcount == 3, "the same text: the same document, one more reference");
	d3 = jsonmemo_loadb(b, strlen(b), 0, &je);
	ok(d3 && d3 != d1 && !json_equal(d3, d1), "one byte different: another document");
	d4 = jsonmemo_loadb(a, strlen(a), JSON_DECODE_ANY, &je);
	ok(d4 && d4 != d1 && json_equal(d4, d1), "other flags: parsed anew");
	bad = jsonmemo_loadb("{\"a\":", 5, 0, &je);
	ok(!bad && je.text[0], "a parse error: NULL and json_loadb's error (%s)", je.text);
	bad = jsonmemo_loadb("{\"a\":", 5, 0, &je);
	ok(!bad, "an error is not remembered");
	json_decref(d2);
	json_decref(d3);
	json_decref(d4);

	/* d1's slot is the oldest: JSONMEMO_SLOTS new texts push it out */
	for (i = 0; i < JSONMEMO_SLOTS; i++) {
		snprintf(text, sizeof(text), "[%d]", i);
		json_decref(jsonmemo_loadb(text, strlen(text), 0, &je));
	}
	first = jsonmemo_loadb(a, strlen(a), 0, &je);
	ok(first && first != d1 && d1->refcount == 1, "the oldest slot was reused");
	json_decref(first);
	jsonmemo_clear();
	ok(d1->refcount == 1, "clear leaves the caller's own reference alone");
	first = jsonmemo_loadb(a, strlen(a), 0, &je);
	ok(first && first->refcount == 2, "after clear the text parses anew");
	json_decref(first);
	json_decref(d1);
	return tap_done();
}
