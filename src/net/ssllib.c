/* ssllib.c — libssl and libcrypto resolved on first use (see ssllib.h). */
#include "net/ssllib.h"

#include "util/dynlib.h"

struct ssllib ssllib;

static const char *const names[] = {
#define X(name) #name,
	SSLLIB_SYMS(X)
#undef X
};
static void **const slots[] = {
#define X(name) (void **)&ssllib.p_##name,
	SSLLIB_SYMS(X)
#undef X
};
static struct dynlib lib = {
	.soname = SSLLIB_SONAME, .names = names, .slots = slots,
	.n = sizeof(names) / sizeof(names[0]),
};

int ssllib_load(struct err *e)
{
	return dynlib_load(&lib, e) < 0 ? err_prefix(e, "OpenSSL") : 0;
}
