/* cred_helper.c — run the credential helper docker (and containers/image,
 * for credHelpers) would run for the registry, exactly as they would, and
 * say what it answered: a credential (ok), nothing (warn: docker then
 * sends no credentials, even if auths has some), or why it failed.
 * The helper's secret is only ever shown as a fingerprint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/checks.h"
#include "util/clock.h"
#include "docker/credhelper.h"
#include "docker/credplan.h"
#include "util/sensitive.h"

#define MAX_RUNS CONSUMER_COUNT

struct helper_run {
	const struct cred_plan *plan;        /* the first consumer's plan (borrowed) */
	unsigned consumers;                  /* 1 << enum consumer */
	struct credhelper_result r;
};

static int plan_uses_helper(const struct cred_plan *p)
{
	return (p->source == SRC_CRED_HELPER || p->source == SRC_CREDS_STORE ||
		p->source == SRC_AUTO_STORE) && p->helper[0];
}

/* fail > warn > ok; within fail the config problem first. */
static int severity(const struct credhelper_result *r)
{
	switch (r->status) {
	case CREDHELPER_INVALID_NAME: return 6;
	case CREDHELPER_MISSING: return 5;
	case CREDHELPER_FAILED: return 4;
	case CREDHELPER_TIMED_OUT: return 4;
	case CREDHELPER_BAD_OUTPUT: return 4;
	case CREDHELPER_NOT_FOUND: return 2;
	case CREDHELPER_FOUND: return r->cred.secret.len ? 0 : 1;
	}
	return 4;
}

/* One line for the detail: newlines and tabs become spaces. */
static void flatten(char *out, size_t size, const char *in)
{
	size_t i;

	snprintf(out, size, "%s", in);
	for (i = 0; out[i]; i++)
		if (out[i] == '\n' || out[i] == '\r' || out[i] == '\t')
			out[i] = ' ';
}

/* "pass" finds nothing in an uninitialised store without saying so. */
static int pass_store_uninitialised(char *dir, size_t len)
{
	const char *d = getenv("PASSWORD_STORE_DIR"), *home = getenv("HOME");
	char p[4096];
	struct stat st;

	if (d && *d)
		snprintf(dir, len, "%s", d);
	else
		snprintf(dir, len, "%s/.password-store", home ? home : "");
	snprintf(p, sizeof(p), "%s/.gpg-id", dir);
	return stat(p, &st) != 0;
}

static const char *shadowed_auths_file(const struct cred_plan *p)
{
	size_t i;
	json_t *s;

	if (!p->shadowed)
		return NULL;
	json_array_foreach(p->shadowed, i, s) {
		const char *src = json_string_value(json_object_get(s, "source"));

		if (src && strcmp(src, "auths") == 0)
			return json_string_value(json_object_get(s, "file"));
	}
	return NULL;
}

static json_t *run_evidence(const struct helper_run *hr, const struct cred_plan *plans)
{
	const struct credhelper_result *r = &hr->r;
	json_t *o = json_object(), *cons = json_array();
	char fp[SENSITIVE_FP_MAX];
	int c;

	for (c = 0; c < CONSUMER_COUNT; c++)
		if (hr->consumers & (1u << c))
			json_array_append_new(cons, json_string(consumer_name((enum consumer)c)));
	json_object_set_new(o, "helper", json_string(hr->plan->helper));
	json_object_set_new(o, "program", json_string(r->program));
	json_object_set_new(o, "binary", r->binary[0] ? json_string(r->binary) : json_null());
	json_object_set_new(o, "server_key", json_string(hr->plan->key));
	json_object_set_new(o, "consumers", cons);
	json_object_set_new(o, "source", json_string(cred_source_name(hr->plan->source)));
	json_object_set_new(o, "config_file", hr->plan->file[0] ? json_string(hr->plan->file)
							      : json_null());
	json_object_set_new(o, "outcome", json_string(credhelper_status_name(r->status)));
	json_object_set_new(o, "exit_code", r->exit_code >= 0 ? json_integer(r->exit_code)
							      : json_null());
	if (r->term_signal)
		json_object_set_new(o, "signal", json_integer(r->term_signal));
	json_object_set_new(o, "class", r->class != CREDHELPER_CLASS_NONE
					? json_string(credhelper_class_name(r->class)) : json_null());
	json_object_set_new(o, "docker_message", r->docker_message[0]
						 ? json_string(r->docker_message) : json_null());
	if (r->status != CREDHELPER_FOUND && r->output[0])
		json_object_set_new(o, "output", json_string(r->output));
	json_object_set_new(o, "ms", json_real(r->ms));
	if (r->status == CREDHELPER_FOUND) {
		sensitive_fingerprint(&r->cred.secret, fp);
		json_object_set_new(o, "username", json_string(r->cred.identity_token ? "<token>"
										       : r->cred.username));
		json_object_set_new(o, "identity_token", json_boolean(r->cred.identity_token));
		json_object_set_new(o, "secret_fingerprint", json_string(fp));
		if (r->server_url[0])
			json_object_set_new(o, "server_url", json_string(r->server_url));
	}
	(void)plans;
	if (hr->plan->shadowed && json_array_size(hr->plan->shadowed))
		json_object_set_new(o, "shadowed", json_deep_copy(hr->plan->shadowed));
	return o;
}

static void describe(const struct helper_run *hr, const char *registry, struct probe_result *res)
{
	const struct credhelper_result *r = &hr->r;
	const struct cred_plan *p = hr->plan;
	char fp[SENSITIVE_FP_MAX], msg[PROBE_DETAIL_MAX], dir[1024];
	const char *shadow;

	switch (r->status) {
	case CREDHELPER_INVALID_NAME:
		probe_result_set(res, PROBE_FAIL, "config_malformed",
				 "refusing to run helper name '%s' (%s in %s): a helper name must be "
				 "[A-Za-z0-9._-]+ with no path", p->helper, cred_source_name(p->source),
				 p->file[0] ? p->file : "the configuration");
		break;
	case CREDHELPER_MISSING:
		flatten(msg, sizeof(msg), r->docker_message);
		probe_result_set(res, PROBE_FAIL, "helper_missing",
				 "%s — install %s, or remove %s \"%s\" from %s", msg, r->program,
				 cred_source_name(p->source), p->helper,
				 p->file[0] ? p->file : "the configuration");
		break;
	case CREDHELPER_TIMED_OUT:
		probe_result_set(res, PROBE_FAIL, "helper_failed",
				 "%s did not answer for '%s' within %.0f ms and was killed "
				 "(class timeout); docker has no timeout and would hang here",
				 r->program, p->key, r->ms);
		break;
	case CREDHELPER_FAILED:
		flatten(msg, sizeof(msg), r->docker_message[0] ? r->docker_message : r->output);
		probe_result_set(res, PROBE_FAIL, "helper_failed", "%s failed (class %s): %s",
				 r->program, credhelper_class_name(r->class), msg);
		break;
	case CREDHELPER_BAD_OUTPUT:
		probe_result_set(res, PROBE_FAIL, "helper_failed",
				 "%s exited 0 but did not print credentials JSON: %s",
				 r->program, r->docker_message);
		break;
	case CREDHELPER_NOT_FOUND:
		shadow = hr->consumers & (1u << CONSUMER_DOCKER) ? shadowed_auths_file(p) : NULL;
		if (shadow)
			probe_result_set(res, PROBE_WARN, "no_credentials",
					 "%s has no credential for '%s'; it replaces the auths entry in "
					 "%s even when empty, so docker sends no credentials",
					 r->program, p->key, shadow);
		else if (strcmp(p->helper, "pass") == 0 && pass_store_uninitialised(dir, sizeof(dir)))
			probe_result_set(res, PROBE_WARN, "no_credentials",
					 "%s has no credential for '%s': the pass store %s is not "
					 "initialised (run pass init GPG-ID, then docker login %s)",
					 r->program, p->key, dir, registry);
		else
			probe_result_set(res, PROBE_WARN, "no_credentials",
					 "%s has no credential for '%s' (docker login %s stores one)",
					 r->program, p->key, registry);
		break;
	case CREDHELPER_FOUND:
		sensitive_fingerprint(&r->cred.secret, fp);
		if (!r->cred.secret.len)
			probe_result_set(res, PROBE_WARN, "no_credentials",
					 "%s returned username '%s' for '%s' with an empty secret",
					 r->program, r->cred.username, p->key);
		else if (r->cred.identity_token)
			probe_result_set(res, PROBE_OK, "credential_found",
					 "%s has an identity token for '%s' (%s)", r->program, p->key, fp);
		else
			probe_result_set(res, PROBE_OK, "credential_found",
					 "%s has a credential for '%s': username '%s', secret %s",
					 r->program, p->key, r->cred.username, fp);
		break;
	}
}

static void no_helper(struct probe_result *res, const struct cred_plan *plans, const char *registry)
{
	res->evidence = json_pack("{s:n, s:s, s:s, s:s, s:s}", "helper",
				  "server_key", plans[CONSUMER_DOCKER].key,
				  "docker/buildkit", cred_source_name(plans[CONSUMER_DOCKER].source),
				  "containers/image", cred_source_name(plans[CONSUMER_CONTAINERS].source),
				  "podman/buildah", cred_source_name(plans[CONSUMER_PODMAN].source));
	probe_result_set(res, PROBE_SKIP, "no_helper",
			 "no credential helper applies to %s (docker: %s, containers/image: %s, "
			 "podman/buildah: %s)", registry, cred_source_name(plans[CONSUMER_DOCKER].source),
			 cred_source_name(plans[CONSUMER_CONTAINERS].source),
			 cred_source_name(plans[CONSUMER_PODMAN].source));
}

static void run(const struct probe_ctx *ctx, struct probe_result *res)
{
	struct cred_plan plans[CONSUMER_COUNT] = { CRED_PLAN_INIT, CRED_PLAN_INIT, CRED_PLAN_INIT };
	struct helper_run runs[MAX_RUNS];
	struct err e = ERR_INIT;
	size_t nruns = 0, i, worst = 0;
	json_t *also = NULL;
	int c;

	memset(runs, 0, sizeof(runs));
	res->evidence = NULL;
	for (c = 0; c < CONSUMER_COUNT; c++) {
		const struct cred_plan *p = &plans[c];

		if (credplan_resolve(&plans[c], ctx->settings, ctx->registry, (enum consumer)c, &e) < 0) {
			res->evidence = json_object();
			probe_result_set(res, PROBE_ERROR, "internal", "resolving credentials for %s: %s",
					 consumer_name((enum consumer)c), e.msg);
			goto cleanup;
		}
		if (!plan_uses_helper(p))
			continue;
		for (i = 0; i < nruns; i++)
			if (strcmp(runs[i].plan->helper, p->helper) == 0 &&
			    strcmp(runs[i].plan->key, p->key) == 0)
				break;
		if (i == nruns) {
			runs[nruns].plan = p;
			runs[nruns].r = (struct credhelper_result)CREDHELPER_RESULT_INIT;
			nruns++;
		}
		runs[i].consumers |= 1u << c;
	}
	if (nruns == 0) {
		no_helper(res, plans, ctx->registry);
		goto cleanup;
	}
	for (i = 0; i < nruns; i++) {
		struct helper_run *hr = &runs[i];

		if (!hr->plan->helper_name_valid || !credhelper_name_valid(hr->plan->helper)) {
			hr->r.status = CREDHELPER_INVALID_NAME;
			snprintf(hr->r.program, sizeof(hr->r.program), "docker-credential-%s",
				 hr->plan->helper);
		} else if (credhelper_get_in(&hr->r, ctx->settings, hr->plan->helper, hr->plan->key,
					  ctx->deadline_ms, &e) < 0) {
			res->evidence = json_object();
			probe_result_set(res, PROBE_ERROR, "internal", "running %s: %s",
					 hr->r.program, e.msg);
			goto cleanup;
		}
		if (severity(&hr->r) > severity(&runs[worst].r))
			worst = i;
	}
	describe(&runs[worst], ctx->registry, res);
	res->evidence = run_evidence(&runs[worst], plans);
	for (i = 0; i < nruns; i++) {
		if (i == worst)
			continue;
		if (!also)
			also = json_array();
		json_array_append_new(also, run_evidence(&runs[i], plans));
	}
	if (also)
		json_object_set_new(res->evidence, "also", also);
cleanup:
	for (i = 0; i < nruns; i++)
		credhelper_result_release(&runs[i].r);
	for (c = 0; c < CONSUMER_COUNT; c++)
		cred_plan_release(&plans[c]);
	if (!res->evidence)
		res->evidence = json_object();
}

const struct probe probe_cred_helper = {
	.name = "cred_helper",
	.summary = "run the credential helper docker would run for the registry and read its answer",
	.needs = NEEDS_REGISTRY | NEEDS_HELPER | NEEDS_CONFIG,
	.deadline_ms = 5000,
	.run = run,
	.run_batch = NULL,
};
