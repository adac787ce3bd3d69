/* docker_auth_config — is DOCKER_AUTH_CONFIG something the build client
 * installed here reads (docker CLI >= 28.3, buildx >= 0.26, buildctl >=
 * 0.24; docker/clients.h) would accept, and the GitLab runner, and does it
 * name the registry? A value the build client reads and rejects is a
 * failure: the build then runs without the credential the user meant to
 * give. With an older client the variable is not read at all: a warning
 * saying so (and what it would have made of the value). */
#include "checks/checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker/clients.h"
#include "docker/dockerauthcfg.h"
#include "docker/imageref.h"

/* The verdict once the facts are in: gate says whether the build client
 * reads the variable at all. */
static void judge(struct probe_result *res, const struct docker_auth_config *d,
		  const struct dac_gate *g, int cli_match, const char *near, const char *reg)
{
	if (!g->reads) {
		probe_result_set(res, PROBE_WARN, "docker_auth_config_malformed",
				 "DOCKER_AUTH_CONFIG is set but not used here: %s; docker reads its "
				 "config.json instead%s%s%s; GitLab runner: %s", g->why,
				 d->cli_accepts ? "" : " (and docker >= 28.3 would reject it: ",
				 d->cli_accepts ? "" : d->cli_problem, d->cli_accepts ? "" : ")",
				 d->gitlab_accepts ? "accepts it" : d->gitlab_problem);
	} else if (!d->cli_accepts) {
		probe_result_set(res, PROBE_FAIL, "docker_auth_config_malformed",
				 "DOCKER_AUTH_CONFIG (%s) is rejected by the build client: %s (%s); it falls "
				 "back to config.json without these credentials; GitLab runner: %s",
				 dac_form_name(d->form), d->cli_problem, g->why,
				 d->gitlab_accepts ? "accepts it" : d->gitlab_problem);
	} else if (!d->gitlab_accepts) {
		probe_result_set(res, PROBE_WARN, "docker_auth_config_malformed",
				 "the GitLab runner rejects DOCKER_AUTH_CONFIG: %s; docker CLI accepts it%s",
				 d->gitlab_problem, reg);
	} else if (near[0] && !cli_match) {
		probe_result_set(res, PROBE_WARN, "docker_auth_config_malformed", "%s", near);
	} else {
		probe_result_set(res, PROBE_OK, "accepted",
				 "DOCKER_AUTH_CONFIG (%s, %zu key%s) accepted by docker CLI and the GitLab "
				 "runner%s (%s)", dac_form_name(d->form), json_array_size(d->keys),
				 json_array_size(d->keys) == 1 ? "" : "s", reg, g->why);
	}
}

static void run(const struct probe_ctx *ctx, struct probe_result *res)
{
	struct docker_auth_config d = DOCKER_AUTH_CONFIG_INIT;
	struct err e = ERR_INIT;
	char near[512] = "", reg[160] = "";
	int cli_match = 0, gl_match = 0;
	struct dac_gate g;
	json_t *ev;

	ev = res->evidence = json_object();
	if (dac_load_env(&d, &e) < 0) {
		probe_result_set(res, PROBE_ERROR, "internal_error", "%s", e.msg);
		goto cleanup;
	}
	if (!d.set) {
		json_object_set_new(ev, "set", json_false());
		probe_result_set(res, PROBE_SKIP, "not_set", "DOCKER_AUTH_CONFIG is not set");
		goto cleanup;
	}
	json_object_set_new(ev, "set", json_true());
	clients_dac_gate(&g, clients_get(ctx->settings));
	json_object_set_new(ev, "read_by_build_client", json_boolean(g.reads));
	json_object_set_new(ev, "version_assumed", json_boolean(g.assumed));
	json_object_set_new(ev, "why", json_string(g.why));
	json_object_set_new(ev, "clients", clients_json(clients_get(ctx->settings)));
	json_object_set_new(ev, "form", json_string(dac_form_name(d.form)));
	json_object_set_new(ev, "path", d.form == DAC_FORM_FILE ? json_string(d.path) : json_null());
	json_object_set_new(ev, "docker_cli_accepts", json_boolean(d.cli_accepts));
	json_object_set_new(ev, "docker_cli_problem", d.cli_problem[0] ? json_string(d.cli_problem) : json_null());
	json_object_set_new(ev, "gitlab_runner_accepts", json_boolean(d.gitlab_accepts));
	json_object_set_new(ev, "gitlab_problem", d.gitlab_problem[0] ? json_string(d.gitlab_problem) : json_null());
	json_object_set(ev, "keys", d.keys);
	if (ctx->registry) {
		cli_match = dac_cli_entry(&d, ctx->registry) != NULL;
		gl_match = dac_gitlab_matches(&d, ctx->registry);
		dac_near_miss(&d, ctx->registry, near, sizeof(near));
		json_object_set_new(ev, "registry", json_string(ctx->registry));
		json_object_set_new(ev, "matches_registry",
				    json_pack("{s:b, s:b}", "docker_cli", cli_match, "gitlab_runner", gl_match));
		json_object_set_new(ev, "near_miss", near[0] ? json_string(near) : json_null());
		snprintf(reg, sizeof(reg), "; %s: docker CLI %s, GitLab runner %s", ctx->registry,
			 cli_match ? "matches" : "no key", gl_match ? "matches" : "no key");
	} else {
		json_object_set_new(ev, "matches_registry", json_null());
	}

	judge(res, &d, &g, cli_match, near, reg);
cleanup:
	dac_release(&d);
}

/* Only when the variable is set (even empty): otherwise there is nothing to check. */
static int applies(const struct probe_ctx *ctx)
{
	(void)ctx;
	return getenv("DOCKER_AUTH_CONFIG") != NULL;
}

const struct probe probe_docker_auth_config = {
	"docker_auth_config",
	"whether the build client here reads DOCKER_AUTH_CONFIG, and accepts it (and the GitLab runner)",
	NEEDS_CONFIG,
	1000,
	run,
	NULL,
	applies,
};
