/* config_auth — where docker/BuildKit, containers/image as skopeo uses it,
 * and podman/buildah would take the credential for the registry from, and
 * what is wrong on the way: malformed files, a DOCKER_AUTH_CONFIG the
 * build client rejects, plain-text passwords, sources that hide others
 * (a stale auth.json in front of config.json, a key docker never reads).
 * It reads files only; the helper itself is checked by cred_helper. The
 * installed clients' versions decide the version-dependent rules
 * (docker/clients.h) and are part of the evidence. */
#include "checks/checks.h"

#include <stdio.h>
#include <string.h>

#include "docker/clients.h"
#include "docker/credential.h"
#include "docker/credplan.h"
#include "docker/dockercfg.h"
#include "util/jsontext.h"
#include "util/paths.h"

struct summary {
	int file_malformed;       /* a config file a consumer reads is malformed */
	int dac_malformed;        /* ... DOCKER_AUTH_CONFIG, and the build client reads it */
	int dac_ignored;          /* set, but the build client here does not read it */
	int shadowed;             /* a source hidden by another, or never read */
	int plaintext;
	int helper;
	int any_source;
	char first_problem[512];
	char shadow_why[512];
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

/* Every file a consumer reads, with what is wrong with it (from the
 * plans: no file is read again). */
static void list_files(json_t *files, const struct cred_plan *plans)
{
	json_t *cfg = json_object_get(plans[CONSUMER_DOCKER].lookup, "config"), *it;
	size_t i;
	int c;

	if (cfg)
		add_file(files, json_string_value(json_object_get(cfg, "path")),
			 json_is_true(json_object_get(cfg, "exists")),
			 json_string_value(json_object_get(cfg, "error")));
	for (c = CONSUMER_CONTAINERS; c < CONSUMER_COUNT; c++) {
		json_array_foreach(json_object_get(plans[c].lookup, "files"), i, it)
			add_file(files, json_string_value(json_object_get(it, "path")),
				 json_is_true(json_object_get(it, "exists")),
				 json_string_value(json_object_get(it, "error")));
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
		snprintf(out, n, "%s → docker-credential-%s (%s)",
			 p->global_helper ? "credential-helpers" : cred_source_name(p->source), p->helper,
			 p->source == SRC_AUTO_STORE ? "config has no auth settings" : shown);
		break;
	case SRC_AUTHS:
		snprintf(out, n, "auths '%s' in %s%s", p->key, shown,
			 p->has_identity_token ? " (identity token)" : "");
		break;
	}
}

static json_t *plan_json(const struct cred_plan *p)
{
	json_t *o = json_pack("{s:s, s:s?, s:s, s:s?, s:b, s:b, s:b, s:O, s:O, s:O}",
			 "source", p->global_helper ? "credential-helpers" : cred_source_name(p->source),
			 "file", p->file[0] ? p->file : NULL,
			 "key", p->key,
			 "helper", p->helper[0] ? p->helper : NULL,
			 "helper_name_valid", p->helper[0] ? p->helper_name_valid : 0,
			 "plaintext", p->plaintext,
			 "identity_token", p->has_identity_token,
			 "shadowed", p->shadowed,
			 "problems", p->problems,
			 "lookup", p->lookup);

	if (o && p->credential)
		json_object_update(o, p->credential);
	return o;
}

/* A c/image consumer reads an auths entry from one file while a later
 * file holds a different credential for the registry (a stale auth.json
 * in front of docker's config.json): 1 with why filled. */
static int cimage_hides_other(const struct cred_plan *p, enum consumer c, char *why, size_t n)
{
	char sa[PATH_MAX], sb[PATH_MAX];
	size_t i;
	json_t *it;

	if (c == CONSUMER_DOCKER || p->source != SRC_AUTHS || !p->credential)
		return 0;
	json_array_foreach(p->shadowed, i, it) {
		if (strcmp(jsontext_member(it, "source"), "auths") != 0 || !json_object_get(it, "secret_fingerprint"))
			continue;
		if (strcmp(jsontext_member(it, "username"), jsontext_member(p->credential, "username")) == 0 &&
		    strcmp(jsontext_member(it, "secret_fingerprint"), jsontext_member(p->credential, "secret_fingerprint")) == 0)
			continue;
		paths_display(sa, sizeof(sa), p->file);
		paths_display(sb, sizeof(sb), jsontext_member(it, "file"));
		snprintf(why, n, "%s sends '%s' (%s) from %s, which it reads first; the different "
			 "credential in %s ('%s', %s) is never sent by it", consumer_label(c),
			 jsontext_member(p->credential, "username"), jsontext_member(p->credential, "secret_fingerprint"), sa, sb,
			 jsontext_member(it, "username"), jsontext_member(it, "secret_fingerprint"));
		return 1;
	}
	return 0;
}

static void note_problems(struct summary *sm, const struct cred_plan *p)
{
	size_t i;
	json_t *it;

	json_array_foreach(p->problems, i, it) {
		const char *kind = json_string_value(json_object_get(it, "kind"));
		const char *file = json_string_value(json_object_get(it, "file"));
		const char *what = json_string_value(json_object_get(it, "what"));
		int dac = file && strcmp(file, "DOCKER_AUTH_CONFIG") == 0;

		if (!kind)
			continue;
		if (dac && strcmp(kind, "ignored") == 0) {
			sm->dac_ignored = 1;
		} else if (dac && strcmp(kind, "malformed") == 0) {
			sm->dac_malformed = 1;
			snprintf(sm->first_problem, sizeof(sm->first_problem), "%s", what);
		} else if (strcmp(kind, "malformed") == 0 && !sm->file_malformed) {
			snprintf(sm->first_problem, sizeof(sm->first_problem), "%s", what);
			sm->file_malformed = 1;
		} else if (strcmp(kind, "unused") == 0 && !sm->shadowed) {
			sm->shadowed = 1;
			snprintf(sm->shadow_why, sizeof(sm->shadow_why), "%s", what);
		}
	}
}

static void summarise(struct summary *sm, const struct cred_plan *p, enum consumer c)
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
	note_problems(sm, p);
	if (sm->shadowed || json_array_size(p->shadowed) == 0)
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
	} else {
		sm->shadowed = cimage_hides_other(p, c, sm->shadow_why, sizeof(sm->shadow_why));
	}
}

/* "docker/BuildKit: …; containers/image (skopeo, podman, buildah): …" */
static void describe_all(char *out, size_t n, const struct cred_plan *plans)
{
	char d[CONSUMER_COUNT][640];
	int c;

	for (c = 0; c < CONSUMER_COUNT; c++)
		describe(d[c], sizeof(d[c]), &plans[c]);
	if (cred_plan_same(&plans[CONSUMER_CONTAINERS], &plans[CONSUMER_PODMAN]))
		snprintf(out, n, "%s: %s; containers/image (skopeo, podman, buildah): %s",
			 consumer_label(CONSUMER_DOCKER), d[0], d[1]);
	else
		snprintf(out, n, "%s: %s; %s: %s; %s: %s", consumer_label(CONSUMER_DOCKER), d[0],
			 consumer_label(CONSUMER_CONTAINERS), d[1], consumer_label(CONSUMER_PODMAN), d[2]);
}

static void verdict(struct probe_result *res, const struct summary *sm, const char *registry,
		    const char *all, const char *dac_why)
{
	char ign[400] = "";

	if (sm->dac_ignored)
		snprintf(ign, sizeof(ign), "; DOCKER_AUTH_CONFIG ignored: %s", dac_why);
	if (sm->file_malformed)
		probe_result_set(res, PROBE_FAIL, "config_malformed", "%s; %s", sm->first_problem, all);
	else if (sm->dac_malformed)
		probe_result_set(res, PROBE_FAIL, "docker_auth_config_malformed",
				 "%s (%s): the build falls back to config.json; %s", sm->first_problem,
				 dac_why, all);
	else if (sm->shadowed)
		probe_result_set(res, PROBE_WARN, "shadowed_credentials", "%s; %s%s", sm->shadow_why,
				 all, ign);
	else if (!sm->any_source)
		probe_result_set(res, PROBE_WARN, "no_credentials",
				 "no credentials for %s (public images still pull anonymously)%s",
				 registry, ign);
	else if (sm->plaintext)
		probe_result_set(res, PROBE_WARN, "plaintext_credentials",
				 "password stored in plain base64; %s%s", all, ign);
	else
		probe_result_set(res, PROBE_OK, sm->helper ? "helper_configured" : "credential_found",
				 "%s%s", all, ign);
}

static void run(const struct probe_ctx *ctx, struct probe_result *res)
{
	struct cred_plan plans[CONSUMER_COUNT] = { CRED_PLAN_INIT, CRED_PLAN_INIT, CRED_PLAN_INIT };
	struct summary sm;
	char all[2048];
	json_t *consumers = json_object(), *files = json_array(), *dac;
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
	json_object_set_new(res->evidence, "clients", clients_json(clients_get(ctx->settings)));
	for (c = 0; c < CONSUMER_COUNT; c++) {
		if (credplan_resolve(&plans[c], ctx->settings, ctx->registry, (enum consumer)c, &e) < 0) {
			probe_result_set(res, PROBE_ERROR, "internal_error", "%s", e.msg);
			goto cleanup;
		}
		json_object_set_new(consumers, consumer_name((enum consumer)c), plan_json(&plans[c]));
		summarise(&sm, &plans[c], (enum consumer)c);
	}
	list_files(files, plans);
	describe_all(all, sizeof(all), plans);
	dac = json_object_get(plans[CONSUMER_DOCKER].lookup, "docker_auth_config");
	verdict(res, &sm, ctx->registry, all,
		dac ? json_string_value(json_object_get(dac, "why")) : "");
cleanup:
	for (c = 0; c < CONSUMER_COUNT; c++)
		cred_plan_release(&plans[c]);
}

const struct probe probe_config_auth = {
	"config_auth",
	"where docker/buildkit, skopeo and podman/buildah would take credentials for the registry from",
	NEEDS_REGISTRY | NEEDS_CONFIG,
	2000,
	run,
	NULL,
	NULL,   /* applies to every registry */
};
