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

#define ELLIPSIS "\xe2\x80\xa6"   /* U+2026 */
#define WORD_BACK 48               /* how far back a word boundary is looked for */

static int cont_byte(char c)
{
	return ((unsigned char)c & 0xC0) == 0x80;
}

void probe_detail_cut(char *out, size_t cap, const char *in)
{
	size_t len = strlen(in), cut, i;

	if (cap == 0)
		return;
	if (len < cap) {
		memcpy(out, in, len + 1);
		return;
	}
	if (cap < sizeof(ELLIPSIS)) {
		out[0] = '\0';
		return;
	}
	/* the most that fits with the ellipsis, on a character boundary */
	cut = cap - sizeof(ELLIPSIS);
	while (cut > 0 && cont_byte(in[cut]))
		cut--;
	/* a word boundary near the end, if there is one */
	for (i = cut; i > 0 && cut - i < WORD_BACK; i--) {
		if (in[i] == ' ') {
			cut = i;
			break;
		}
	}
	while (cut > 0 && (in[cut - 1] == ' ' || in[cut - 1] == ',' || in[cut - 1] == ';' ||
			   in[cut - 1] == ':'))
		cut--;
	memcpy(out, in, cut);
	memcpy(out + cut, ELLIPSIS, sizeof(ELLIPSIS));
}

void probe_result_set(struct probe_result *res, enum probe_status status,
		      const char *code, const char *fmt, ...)
{
	char whole[PROBE_DETAIL_MAX * 8];
	va_list ap;

	res->status = status;
	snprintf(res->code, sizeof(res->code), "%s", code ? code : "");
	va_start(ap, fmt);
	vsnprintf(whole, sizeof(whole), fmt, ap);
	va_end(ap);
	probe_detail_cut(res->detail, sizeof(res->detail), whole);
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
