/* PLACEHOLDER: replaced by the real probe before any commit. */
#include "checks.h"

static void run(const struct probe_ctx *ctx, struct probe_result *res)
{
	(void)ctx;
	res->evidence = json_object();
	probe_result_set(res, PROBE_ERROR, "unimplemented", "placeholder");
}

const struct probe probe_config_auth = { "config_auth", "placeholder", 0, 1000, run };
