/* fuzz-dockerfile — the FROM lines of a Dockerfile (ARG substitution,
 * continuations, comments, the escape directive) through
 * dockerfile_from_images_text; every image it returns is parsed again.
 * Then the RUN secret/ssh mounts: each has a type, an id and a line. */
#include "fuzz.h"

#include "docker/dockerfile.h"
#include "docker/imageref.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = ERR_INIT;
	json_t *imgs = NULL, *v;
	size_t i;

	if (dockerfile_from_images_text(&imgs, (const char *)data, size, &e) == 0) {
		fuzz_assert(json_is_array(imgs));
		json_array_foreach(imgs, i, v) {
			struct image_ref ref;
			struct err re = ERR_INIT;

			fuzz_assert(json_is_string(v));
			(void)image_ref_parse(&ref, json_string_value(v), &re);
		}
	}
	json_decref(imgs);
	imgs = NULL;
	if (dockerfile_run_mounts_text(&imgs, (const char *)data, size, &e) == 0) {
		fuzz_assert(json_is_array(imgs));
		json_array_foreach(imgs, i, v) {
			fuzz_assert(json_is_string(json_object_get(v, "type")));
			fuzz_assert(json_is_string(json_object_get(v, "id")));
			fuzz_assert(json_integer_value(json_object_get(v, "line")) >= 1);
		}
	}
	json_decref(imgs);
	return 0;
}
