/* keyring.c — read the Secret Service item docker-credential-secretservice
 * would read for the registry, and say why it cannot be read when it
 * cannot: no session bus, bus unreachable, no Secret Service, no default
 * collection, locked, absent. Meaningful when secretservice is the helper
 * docker uses for the registry; when the configuration plainly uses
 * something else, problems are reported as `skip` (not_used) so doctor
 * does not blame an unused keyring. The secret is only fingerprinted. */
#include <stdio.h>
#include <string.h>

#include "checks/checks.h"
#include "docker/credplan.h"
#include "docker/keyring.h"
#include "docker/regname.h"

#define SECRETSERVICE "secretservice"

/* Which consumers would run docker-credential-secretservice for the
 * registry, and with which server key (*key is updated to it, borrowed
 * from plans). Returns 1 when every plan was resolved, 0 when one could
 * not be (then nobody can say the helper is unused). */
static int helper_use(const struct probe_ctx *ctx, struct cred_plan plans[CONSUMER_COUNT],
		      const char **key, const char **used_by, int *applies)
{
	struct err e = ERR_INIT;
	int c, resolved = 1;

	for (c = 0; c < CONSUMER_COUNT; c++) {
		if (credplan_resolve(&plans[c], ctx->settings, ctx->registry, (enum consumer)c, &e) < 0) {
			resolved = 0;
			continue;
		}
		if ((plans[c].source == SRC_CRED_HELPER || plans[c].source == SRC_CREDS_STORE ||
		     plans[c].source == SRC_AUTO_STORE) && strcmp(plans[c].helper, SECRETSERVICE) == 0) {
			*applies = 1;
			*key = plans[c].key;
			if (!*used_by)
				*used_by = consumer_name((enum consumer)c);
		}
	}
	return resolved;
}

/* The lookup's outcome as the probe's status, code and detail. */
static enum probe_status verdict(struct probe_result *res, const struct keyring_result *k,
				 const char *key)
{
	switch (k->status) {
	case KEYRING_FOUND:
		probe_result_set(res, PROBE_OK, "credential_found",
				 "Secret Service item for '%s': username '%s', secret %s",
				 key, k->username, k->secret_fp);
		return PROBE_OK;
	case KEYRING_ABSENT:
		probe_result_set(res, PROBE_WARN, "no_credentials", "%s", k->message);
		return PROBE_WARN;
	case KEYRING_UNSUPPORTED:
		probe_result_set(res, PROBE_SKIP, "built_without_libsecret", "%s", k->message);
		return PROBE_SKIP;
	case KEYRING_ERROR:
		probe_result_set(res, PROBE_ERROR, "keyring_error", "%s", k->message);
		return PROBE_ERROR;
	default:
		probe_result_set(res, PROBE_FAIL, "helper_failed", "%s (%s)", k->message,
				 keyring_status_name(k->status));
		return PROBE_FAIL;
	}
}

/* The evidence (owned by the caller): never the secret, its fingerprint. */
static json_t *evidence(const struct keyring_result *k, const char *key, int resolved,
			int applies, const char *used_by)
{
	json_t *ev = json_object();

	json_object_set_new(ev, "server_key", json_string(key));
	json_object_set_new(ev, "outcome", json_string(keyring_status_name(k->status)));
	json_object_set_new(ev, "helper_applies", resolved ? json_boolean(applies) : json_null());
	json_object_set_new(ev, "used_by", used_by ? json_string(used_by) : json_null());
	json_object_set_new(ev, "bus_address", k->bus_address[0] ? json_string(k->bus_address)
								  : json_null());
	json_object_set_new(ev, "service_owned", json_boolean(k->service_owned));
	json_object_set_new(ev, "service_activatable", json_boolean(k->service_activatable));
	json_object_set_new(ev, "items", json_integer(k->items));
	json_object_set_new(ev, "locked_items", json_integer(k->locked_items));
	json_object_set_new(ev, "default_collection", k->collection[0] ? json_string(k->collection)
									 : json_null());
	json_object_set_new(ev, "collection_locked", k->collection_locked < 0 ? json_null()
							: json_boolean(k->collection_locked));
	if (k->status == KEYRING_FOUND) {
		json_object_set_new(ev, "item", json_string(k->item_path));
		json_object_set_new(ev, "username", json_string(k->username));
		json_object_set_new(ev, "secret_fingerprint", json_string(k->secret_fp));
	}
	json_object_set_new(ev, "message", json_string(k->message));
	json_object_set_new(ev, "ms", json_real(k->ms));
	return ev;
}

static void run(const struct probe_ctx *ctx, struct probe_result *res)
{
	struct cred_plan plans[CONSUMER_COUNT] = { CRED_PLAN_INIT, CRED_PLAN_INIT };
	struct keyring_result k = KEYRING_RESULT_INIT;
	struct err e = ERR_INIT;
	/* the server key docker would ask the helper for, unless a plan
	 * that uses the helper says otherwise */
	const char *key = regname_auth_key(ctx->registry, REGNAME_BUILDKIT), *used_by = NULL;
	enum probe_status st;
	int c, resolved, applies = 0;

	res->evidence = NULL;
	if (!keyring_available()) {
		res->evidence = json_pack("{s:s}", "reason", "built without libsecret");
		probe_result_set(res, PROBE_SKIP, "built_without_libsecret",
				 "fixkb was built without libsecret: the keyring cannot be read");
		return;
	}
	resolved = helper_use(ctx, plans, &key, &used_by, &applies);
	keyring_lookup(&k, key, ctx->deadline_ms, &e);
	st = verdict(res, &k, key);
	if (resolved && !applies && (st == PROBE_WARN || st == PROBE_FAIL)) {
		char was[PROBE_DETAIL_MAX];

		snprintf(was, sizeof(was), "%s", res->detail);
		probe_result_set(res, PROBE_SKIP, "not_used",
				 "docker-credential-secretservice is not used for %s here; keyring: %s",
				 ctx->registry, was);
	}
	res->evidence = evidence(&k, key, resolved, applies, used_by);
	for (c = 0; c < CONSUMER_COUNT; c++)
		cred_plan_release(&plans[c]);
}

/* Only when a consumer's plan for the registry uses the secretservice
 * helper: doctor and explain must not blame a keyring nobody reads. */
static int applies(const struct probe_ctx *ctx)
{
	struct cred_plan plans[CONSUMER_COUNT] = { CRED_PLAN_INIT, CRED_PLAN_INIT };
	const char *key = NULL, *used_by = NULL;
	int c, yes = 0;

	if (ctx->registry)
		helper_use(ctx, plans, &key, &used_by, &yes);
	for (c = 0; c < CONSUMER_COUNT; c++)
		cred_plan_release(&plans[c]);
	return yes;
}

const struct probe probe_keyring = {
	.name = "keyring",
	.summary = "read docker-credential-secretservice's item from the Secret Service (D-Bus)",
	.needs = NEEDS_REGISTRY | NEEDS_KEYRING,
	.deadline_ms = 3000,
	.run = run,
	.run_batch = NULL,
	.applies = applies,
};
