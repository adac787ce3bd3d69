/* config_auth — where docker/buildkit and containers/image would take the
 * credential for the registry from, and what is wrong on the way:
 * malformed files, plain-text passwords, sources that hide others. It
 * reads files only; the helper itself is checked by cred_helper. */
#include "checks/checks.h"

#include <stdio.h>
#include <string.h>

#include "docker/authfile.h"
#include "docker/credential.h"
#include "docker/credplan.h"
#include "docker/dockercfg.h"
#include "util/paths.h"

struct summary {
	int file_malformed;       /* a config file a consumer reads is malformed */
	int dac_malformed;
	int shadowed;             /* a source hidden by DOCKER_AUTH_CONFIG or a missing helper */
	int plaintext;
	int helper;
	int any_source;
	char first_problem[256];
	char shadow_why[256];
};

static void add_file(json_t *files, const char *path, int exists, const char *error)
{
	size_t i;

	for (i = 0; i < json_array_size(files); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(files, i), "path")), path) == 0)
			return;
	json_array_append_new(files, json_pack("{s:s, s:b, s:s?}", "path", path, "exists", exists,
					       "error", error && *error ? error : NULL));
}

static void list_files(json_t *files, const struct settings *s)
{
	struct authfile_path chain[AUTHFILE_CHAIN_MAX];
	struct err e = ERR_INIT;
	char path[PATH_MAX];
	size_t n = 0, i;

	if (dockercfg_default_path(path, sizeof(path), s, &e) == 0) {
		struct dockercfg cfg = DOCKERCFG_INIT;

		if (dockercfg_load(&cfg, path, &e) == 0)
			add_file(files, path, cfg.exists, cfg.error);
		dockercfg_release(&cfg);
	}
	if (authfile_chain(chain, &n, s, &e) < 0)
		return;
	for (i = 0; i < n; i++) {
		struct authfile f = AUTHFILE_INIT;

		if (authfile_load(&f, chain[i].path, chain[i].legacy, &e) == 0)
			add_file(files, chain[i].path, f.exists, f.error);
		authfile_release(&f);
	}
}

static void describe(char *out, size_t n, const struct cred_plan *p)
{
	char shown[PATH_MAX];

	paths_display(shown, sizeof(shown), p->file);
	switch (p->source) {
	case SRC_NONE:
		snprintf(out, n, "none (anonymous)");
		break;
	case SRC_DOCKER_AUTH_CONFIG:
		snprintf(out, n, "DOCKER_AUTH_CONFIG key '%s'", p->key);
		break;
	case SRC_CRED_HELPER:
	case SRC_CREDS_STORE:
	case SRC_AUTO_STORE:
		snprintf(out, n, "%s → docker-credential-%s (%s)", cred_source_name(p->source), p->helper,
			 p->source == SRC_AUTO_STORE ? "config has no auth settings" : shown);
		break;
	case SRC_AUTHS:
		snprintf(out, n, "auths in %s%s", shown, p->has_identity_token ? " (identity token)" : "");
		break;
	}
}

/* Who the stored credential is for, and a fingerprint of its secret, so
 * two sources can be compared without showing either secret. */
static void add_credential_summary(json_t *o, const struct cred_plan *p)
{
	struct credential cred = CREDENTIAL_INIT;
	struct err e = ERR_INIT;
	char fp[SENSITIVE_FP_MAX];

	if (p->source != SRC_AUTHS && p->source != SRC_DOCKER_AUTH_CONFIG)
		return;
	if (credplan_read_auths(&cred, p, &e) < 0) {
		json_object_set_new(o, "credential_error", json_string(e.msg));
		return;
	}
	sensitive_fingerprint(cred.identity_token || !sensitive_is_empty(&cred.secret) ?
			      &cred.secret : &cred.registry_token, fp);
	json_object_set_new(o, "username", json_string(cred.username));
	json_object_set_new(o, "secret_fingerprint", json_string(fp));
	credential_release(&cred);
}

static json_t *plan_json(const struct cred_plan *p)
{
	json_t *o = json_pack("{s:s, s:s?, s:s, s:s?, s:b, s:b, s:b, s:O, s:O}",
			 "source", cred_source_name(p->source),
			 "file", p->file[0] ? p->file : NULL,
			 "key", p->key,
			 "helper", p->helper[0] ? p->helper : NULL,
			 "helper_name_valid", p->helper[0] ? p->helper_name_valid : 0,
			 "plaintext", p->plaintext,
			 "identity_token", p->has_identity_token,
			 "shadowed", p->shadowed,
			 "problems", p->problems);

	if (o)
		add_credential_summary(o, p);
	return o;
}

static void summarise(struct summary *sm, const struct cred_plan *p)
{
	size_t i;
	json_t *it;
	char bin[160];

	if (p->source != SRC_NONE)
		sm->any_source = 1;
	if (p->source == SRC_AUTHS && p->plaintext)
		sm->plaintext = 1;
	if (p->helper[0])
		sm->helper = 1;
	json_array_foreach(p->problems, i, it) {
		const char *kind = json_string_value(json_object_get(it, "kind"));
		const char *file = json_string_value(json_object_get(it, "file"));

		if (!kind || strcmp(kind, "malformed") != 0)
			continue;
		if (file && strcmp(file, "DOCKER_AUTH_CONFIG") == 0) {
			sm->dac_malformed = 1;
			continue;
		}
		if (!sm->file_malformed)
			snprintf(sm->first_problem, sizeof(sm->first_problem), "%s",
				 json_string_value(json_object_get(it, "what")));
		sm->file_malformed = 1;
	}
	if (json_array_size(p->shadowed) == 0)
		return;
	snprintf(bin, sizeof(bin), "docker-credential-%s", p->helper);
	if (p->source == SRC_DOCKER_AUTH_CONFIG) {
		sm->shadowed = 1;
		snprintf(sm->shadow_why, sizeof(sm->shadow_why),
			 "DOCKER_AUTH_CONFIG hides the credentials in config.json");
	} else if (p->helper[0] && !paths_find_on_path(bin, NULL, NULL, 0)) {
		json_array_foreach(p->shadowed, i, it) {
			if (json_is_true(json_object_get(it, "fallback")))
				continue;
			sm->shadowed = 1;
			snprintf(sm->shadow_why, sizeof(sm->shadow_why),
				 "%s (not on PATH) hides the auths entry '%s'",
				 bin, json_string_value(json_object_get(it, "key")));
			break;
		}
	}
}

static void run(const struct probe_ctx *ctx, struct probe_result *res)
{
	struct cred_plan plans[CONSUMER_COUNT] = { CRED_PLAN_INIT, CRED_PLAN_INIT };
	struct summary sm;
	char desc[CONSUMER_COUNT][256];
	json_t *consumers = json_object(), *files = json_array();
	struct err e = ERR_INIT;
	int c;

	memset(&sm, 0, sizeof(sm));
	res->evidence = json_object();
	json_object_set_new(res->evidence, "registry", json_string(ctx->registry ? ctx->registry : ""));
	json_object_set_new(res->evidence, "consumers", consumers);
	json_object_set_new(res->evidence, "files", files);
	if (!ctx->registry) {
		probe_result_set(res, PROBE_SKIP, "no_registry", "no registry given");
		return;
	}
	for (c = 0; c < CONSUMER_COUNT; c++) {
		if (credplan_resolve(&plans[c], ctx->settings, ctx->registry, (enum consumer)c, &e) < 0) {
			probe_result_set(res, PROBE_ERROR, "internal_error", "%s", e.msg);
			goto cleanup;
		}
		json_object_set_new(consumers, consumer_name((enum consumer)c), plan_json(&plans[c]));
		describe(desc[c], sizeof(desc[c]), &plans[c]);
		summarise(&sm, &plans[c]);
	}
	list_files(files, ctx->settings);

#define BOTH "docker/buildkit: %s; containers/image: %s", desc[0], desc[1]
	if (sm.file_malformed)
		probe_result_set(res, PROBE_FAIL, "config_malformed", "%s; docker/buildkit: %s; containers/image: %s",
				 sm.first_problem, desc[0], desc[1]);
	else if (sm.shadowed)
		probe_result_set(res, PROBE_WARN, "shadowed_credentials", "%s; docker/buildkit: %s; containers/image: %s",
				 sm.shadow_why, desc[0], desc[1]);
	else if (sm.dac_malformed)
		probe_result_set(res, PROBE_WARN, "docker_auth_config_malformed",
				 "docker ignores DOCKER_AUTH_CONFIG; docker/buildkit: %s; containers/image: %s",
				 desc[0], desc[1]);
	else if (!sm.any_source)
		probe_result_set(res, PROBE_WARN, "no_credentials",
				 "no credentials for %s (public images still pull anonymously)", ctx->registry);
	else if (sm.plaintext)
		probe_result_set(res, PROBE_WARN, "plaintext_credentials",
				 "password stored in plain base64; " BOTH);
	else if (sm.helper)
		probe_result_set(res, PROBE_OK, "helper_configured", BOTH);
	else
		probe_result_set(res, PROBE_OK, "credential_found", BOTH);
#undef BOTH
cleanup:
	for (c = 0; c < CONSUMER_COUNT; c++)
		cred_plan_release(&plans[c]);
}

const struct probe probe_config_auth = {
	"config_auth",
	"where docker/buildkit and podman would take credentials for the registry from",
	NEEDS_REGISTRY | NEEDS_CONFIG,
	2000,
	run,
	NULL,
	NULL,   /* applies to every registry */
};
