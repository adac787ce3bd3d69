/* registry.c — the probe table. Keep it sorted by name (t-probes checks). */
#include "checks/checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const struct probe *const probe_table[] = {
	&probe_config_auth,
	&probe_cred_helper,
	&probe_docker_auth_config,
	&probe_keyring,
	&probe_token_endpoint,
	NULL,
};

const struct probe *probe_find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; probe_table[i]; i++)
		if (strcmp(probe_table[i]->name, name) == 0)
			return probe_table[i];
	return NULL;
}

void probe_result_set(struct probe_result *res, enum probe_status status,
		      const char *code, const char *fmt, ...)
{
	va_list ap;

	res->status = status;
	snprintf(res->code, sizeof(res->code), "%s", code ? code : "");
	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof(res->detail), fmt, ap);
	va_end(ap);
}

void probe_result_release(struct probe_result *res)
{
	if (res->evidence)
		json_decref(res->evidence);
	res->evidence = NULL;
}

const char *probe_status_name(enum probe_status s)
{
	switch (s) {
	case PROBE_OK: return "ok";
	case PROBE_WARN: return "warn";
	case PROBE_FAIL: return "fail";
	case PROBE_SKIP: return "skip";
	case PROBE_ERROR: return "error";
	}
	return "error";
}
