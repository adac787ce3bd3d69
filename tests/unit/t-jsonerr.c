/* t-jsonerr — jansson parse errors without the input text they quote. */
#include "util/jsonerr.h"
#include "tap.h"

int main(void)
{
	static const char *const bad[] = {
		"{\"auths\": {\"x\": {\"auth\": hunter2secret}}}",
		"{\"password\": \"hunter2secret",
		"[1, 2, hunter2secret]",
	};
	json_error_t je;
	char out[512], small[12];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!ok(json_loads(bad[i], 0, &je) == NULL, "case %zu does not parse", i))
			continue;
		ok(strstr(je.text, "near") != NULL, "case %zu: jansson quotes the input (%s)", i, je.text);
		jsonerr_format(out, sizeof(out), &je);
		ok(strncmp(out, "line 1 column ", 14) == 0, "case %zu: position first (%s)", i, out);
		ok(!strstr(out, "hunter2") && !strstr(out, "near"), "case %zu: no input text kept", i);
	}
	ok(json_loads("{\"a\":1,}", 0, &je) == NULL, "trailing comma does not parse");
	jsonerr_format(out, sizeof(out), &je);
	ok(strstr(out, "column 8") != NULL && strlen(out) > 16, "the reason stays: %s", out);
	jsonerr_format(small, sizeof(small), &je);
	is_int(strlen(small), sizeof(small) - 1, "cut to the buffer");
	return tap_done();
}
