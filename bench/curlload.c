/* curlload.c — what any libcurl client pays before its first byte: map and
 * relocate libcurl and its libraries (dlopen, as fixkb loads it) and run
 * curl_global_init (OpenSSL's initialisation). bench/registries.sh times it
 * beside fixkb and skopeo in the same run, as the floor of a libcurl-based
 * verdict. Exit 0, or 1 when libcurl cannot be loaded. */
#include <dlfcn.h>
#include <stdio.h>

int main(void)
{
	void *lib = dlopen("libcurl.so.4", RTLD_LAZY | RTLD_LOCAL);
	int (*global_init)(long);

	if (!lib) {
		fprintf(stderr, "curlload: %s\n", dlerror());
		return 1;
	}
	*(void **)&global_init = dlsym(lib, "curl_global_init");
	if (!global_init || global_init(3L /* CURL_GLOBAL_DEFAULT */) != 0) {
		fprintf(stderr, "curlload: curl_global_init failed\n");
		return 1;
	}
	return 0;
}
