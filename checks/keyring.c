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

static void run(const struct probe_ctx *ctx, struct probe_result *res)
{
	struct cred_plan plans[CONSUMER_COUNT] = { CRED_PLAN_INIT, CRED_PLAN_INIT };
	struct keyring_result k = KEYRING_RESULT_INIT;
	struct err e = ERR_INIT;
	const char *key = regname_auth_key(ctx->registry, REGNAME_BUILDKIT), *used_by = NULL;
	enum probe_status st;
	const char *code;
	int c, resolved = 1, applies = 0;
	json_t *ev;

	res->evidence = NULL;
	if (!keyring_available()) {
		res->evidence = json_pack("{s:s}", "reason", "built without libsecret");
		probe_result_set(res, PROBE_SKIP, "built_without_libsecret",
				 "fixkb was built without libsecret: the keyring cannot be read");
		return;
	}
	for (c = 0; c < CONSUMER_COUNT; c++) {
		if (credplan_resolve(&plans[c], ctx->settings, ctx->registry, (enum consumer)c, &e) < 0) {
			resolved = 0;
			continue;
		}
		if ((plans[c].source == SRC_CRED_HELPER || plans[c].source == SRC_CREDS_STORE ||
		     plans[c].source == SRC_AUTO_STORE) && strcmp(plans[c].helper, SECRETSERVICE) == 0) {
			applies = 1;
			key = plans[c].key;
			if (!used_by)
				used_by = consumer_name((enum consumer)c);
		}
	}

	keyring_lookup(&k, key, ctx->deadline_ms, &e);
	switch (k.status) {
	case KEYRING_FOUND:
		st = PROBE_OK;
		code = "credential_found";
		probe_result_set(res, st, code,
				 "Secret Service item for '%s': username '%s', secret %s",
				 key, k.username, k.secret_fp);
		break;
	case KEYRING_ABSENT:
		st = PROBE_WARN;
		code = "no_credentials";
		probe_result_set(res, st, code, "%s", k.message);
		break;
	case KEYRING_UNSUPPORTED:
		st = PROBE_SKIP;
		code = "built_without_libsecret";
		probe_result_set(res, st, code, "%s", k.message);
		break;
	case KEYRING_ERROR:
		st = PROBE_ERROR;
		code = "keyring_error";
		probe_result_set(res, st, code, "%s", k.message);
		break;
	default:
		st = PROBE_FAIL;
		code = "helper_failed";
		probe_result_set(res, st, code, "%s (%s)", k.message, keyring_status_name(k.status));
		break;
	}
	if (resolved && !applies && (st == PROBE_WARN || st == PROBE_FAIL)) {
		char was[PROBE_DETAIL_MAX];

		snprintf(was, sizeof(was), "%s", res->detail);
		probe_result_set(res, PROBE_SKIP, "not_used",
				 "docker-credential-secretservice is not used for %s here; keyring: %s",
				 ctx->registry, was);
	}

	ev = json_object();
	json_object_set_new(ev, "server_key", json_string(key));
	json_object_set_new(ev, "outcome", json_string(keyring_status_name(k.status)));
	json_object_set_new(ev, "helper_applies", resolved ? json_boolean(applies) : json_null());
	json_object_set_new(ev, "used_by", used_by ? json_string(used_by) : json_null());
	json_object_set_new(ev, "bus_address", k.bus_address[0] ? json_string(k.bus_address)
								 : json_null());
	json_object_set_new(ev, "service_owned", json_boolean(k.service_owned));
	json_object_set_new(ev, "service_activatable", json_boolean(k.service_activatable));
	json_object_set_new(ev, "items", json_integer(k.items));
	json_object_set_new(ev, "locked_items", json_integer(k.locked_items));
	json_object_set_new(ev, "default_collection", k.collection[0] ? json_string(k.collection)
									: json_null());
	json_object_set_new(ev, "collection_locked", k.collection_locked < 0 ? json_null()
						       : json_boolean(k.collection_locked));
	if (k.status == KEYRING_FOUND) {
		json_object_set_new(ev, "item", json_string(k.item_path));
		json_object_set_new(ev, "username", json_string(k.username));
		json_object_set_new(ev, "secret_fingerprint", json_string(k.secret_fp));
	}
	json_object_set_new(ev, "message", json_string(k.message));
	json_object_set_new(ev, "ms", json_real(k.ms));
	res->evidence = ev;
	for (c = 0; c < CONSUMER_COUNT; c++)
		cred_plan_release(&plans[c]);
}

const struct probe probe_keyring = {
	.name = "keyring",
	.summary = "read docker-credential-secretservice's item from the Secret Service (D-Bus)",
	.needs = NEEDS_REGISTRY | NEEDS_KEYRING,
	.deadline_ms = 3000,
	.run = run,
	.run_batch = NULL,
};
