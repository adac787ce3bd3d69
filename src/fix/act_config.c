/* act_config.c — repairs of docker's config.json itself:
 *   drop_missing_creds_store  remove the credsStore / credHelpers entry whose
 *                             helper is missing or failing (docker then reads
 *                             config.json's auths)
 *   logout_registry           what `docker logout REGISTRY` does: erase the
 *                             credential docker sends (helper and auths entry)
 *   move_hub_auth_key         a Docker Hub login stored under a key docker never
 *                             reads ("docker.io") moved to
 *                             "https://index.docker.io/v1/" */
#include "fix/fixaction.h"

#include <stdio.h>
#include <string.h>

#include "docker/credplan.h"
#include "docker/dockercfg.h"
#include "docker/regname.h"
#include "fix/jsonedit.h"
#include "util/jsontext.h"
#include "util/paths.h"

static const char *ev_str(const json_t *ev, const char *key)
{
	const char *v = json_string_value(json_object_get(ev, key));

	return v ? v : "";
}

/* ================= drop_missing_creds_store ================= */

static int drop_choose(const struct fix_ctx *c, const json_t *f, struct fix_step *st,
		       char *reason, size_t n)
{
	const struct probe_record *r = fixact_record(c, "cred_helper", st->registry);
	const json_t *ev = r ? r->res.evidence : NULL;
	const char *outcome = ev_str(ev, "outcome"), *source = ev_str(ev, "source");
	const char *helper = ev_str(ev, "helper");

	(void)f;
	if (!r || strcmp(outcome, "found") == 0 || strcmp(outcome, "not_found") == 0 || !*outcome) {
		snprintf(reason, n, "docker-credential-%s works here", *helper ? helper : "HELPER");
		return FIXACT_NO;
	}
	if (strcmp(source, "auto-store") == 0) {
		snprintf(reason, n, "config.json names no store: docker picked docker-credential-%s "
			 "itself; a credential stored in config.json (store_credentials_from_env) "
			 "makes docker use the file instead", helper);
		return FIXACT_NO;
	}
	if (strcmp(source, "credsStore") != 0 && strcmp(source, "credHelpers") != 0) {
		snprintf(reason, n, "no credsStore or credHelpers entry names docker-credential-%s",
			 helper);
		return FIXACT_NO;
	}
	snprintf(st->target, sizeof(st->target), "%s:%s", source,
		 strcmp(source, "credsStore") == 0 ? "" : ev_str(ev, "server_key"));
	return fixstep_set(&st->what, "remove %s \"%s\" from config.json (docker-credential-%s "
			   "%s)", strcmp(source, "credsStore") == 0 ? "credsStore" :
			   "a credHelpers entry for", strcmp(source, "credsStore") == 0 ? helper :
			   ev_str(ev, "server_key"), helper, strcmp(outcome, "missing") == 0
			   ? "is not installed" : "fails here") < 0 ? FIXACT_NO : FIXACT_YES;
}

static int drop_realise(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
			struct err *e)
{
	char path[FIXPLAN_KEY_MAX + 32];
	const char *colon = strchr(st->target, ':');
	json_t *root;
	int rc = fixplan_config(p, c, &root, e);

	if (rc != 0)
		return rc;
	if (strncmp(st->target, "credsStore:", 11) == 0)
		snprintf(path, sizeof(path), "credsStore");
	else if (!colon || fixact_path(path, sizeof(path), "credHelpers", colon + 1) < 0)
		return err_set(e, "bad credHelpers key");
	rc = jsonedit_delete(root, path, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return FIXACT_NOTHING;
	fixplan_config_touch(p);
	/* every registry that used the helper now reads auths: plain text
	 * there, or nothing until a credential is stored */
	if (fixstep_file(st, p->cfg_path) < 0 || fixstep_expects(st, "*", "no_credentials") < 0 ||
	    fixstep_expects(st, "*", "plaintext_credentials") < 0 ||
	    fixstep_note(st, "docker then reads each registry's credential from config.json's "
			 "auths; a registry with none there is pulled anonymously") < 0)
		return err_set(e, "out of memory");
	return 0;
}

const struct fix_action fixact_drop_missing_creds_store = {
	"drop_missing_creds_store", PHASE_CONFIG, drop_choose, drop_realise,
};

/* ================= logout_registry ================= */

static int logout_choose(const struct fix_ctx *c, const json_t *f, struct fix_step *st,
			 char *reason, size_t n)
{
	struct cred_plan plan = CRED_PLAN_INIT;
	struct err e = ERR_INIT;
	const char *cause = jsontext_member(f, "cause"), *te = fixact_code(c, "token_endpoint",
								      st->registry);
	int rc = FIXACT_NO;

	if (!st->registry[0] ||
	    credplan_resolve(&plan, c->s, st->registry, CONSUMER_DOCKER, &e) < 0) {
		snprintf(reason, n, "no registry to log out of");
		goto cleanup;
	}
	if (plan.source == SRC_DOCKER_AUTH_CONFIG) {
		snprintf(reason, n, "the credential docker sends for %s comes from DOCKER_AUTH_CONFIG, "
			 "which fixkb cannot change for the shell that runs the build", st->registry);
		goto cleanup;
	}
	if (plan.source == SRC_NONE) {
		snprintf(reason, n, "docker has no credential for %s to log out", st->registry);
		goto cleanup;
	}
	/* only when the registry was seen to let the build in without it */
	if (strcmp(te, "shadowed_credentials") != 0) {
		if (strcmp(cause, "plaintext_credentials") == 0)
			snprintf(reason, n, "the stored credential is what the build needs: log out "
				 "after the job instead");
		else
			snprintf(reason, n, "without the credential the build would pull anonymously, "
				 "and %s was not seen to allow that%s: store a working one instead",
				 st->registry, c->s->offline ? " (--offline)" : "");
		goto cleanup;
	}
	snprintf(st->target, sizeof(st->target), "%s", plan.key);
	rc = fixstep_set(&st->what, "remove the stale credential for %s from %s%s%s (what docker "
			 "logout %s does)", st->registry, cred_source_name(plan.source),
			 plan.helper[0] ? " docker-credential-" : "", plan.helper,
			 st->registry) < 0 ? FIXACT_NO : FIXACT_YES;
cleanup:
	cred_plan_release(&plan);
	return rc;
}

static int logout_realise(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
			  struct err *e)
{
	struct cred_plan plan = CRED_PLAN_INIT;
	char path[FIXPLAN_KEY_MAX + 32];
	json_t *root;
	int rc = fixplan_config(p, c, &root, e), did = 0;

	if (rc != 0)
		return rc;
	if (credplan_resolve(&plan, c->s, st->registry, CONSUMER_DOCKER, e) < 0)
		return -1;
	if (plan.helper[0] && (plan.source == SRC_CRED_HELPER || plan.source == SRC_CREDS_STORE ||
			       plan.source == SRC_AUTO_STORE)) {
		if (fixstep_op(st, 1, plan.helper, plan.key, NULL) < 0)
			goto oom;
		did = 1;
	}
	if (fixact_path(path, sizeof(path), "auths", plan.key) == 0) {
		rc = jsonedit_delete(root, path, e);
		if (rc < 0)
			goto fail;
		if (rc == 1) {
			fixplan_config_touch(p);
			did = 1;
			if (fixstep_file(st, p->cfg_path) < 0)
				goto oom;
		}
	}
	cred_plan_release(&plan);
	if (!did)
		return FIXACT_NOTHING;
	return fixstep_expects(st, st->registry, "no_credentials") < 0 ? err_set(e, "out of memory")
								      : 0;
oom:
	err_set(e, "out of memory");
fail:
	cred_plan_release(&plan);
	return -1;
}

const struct fix_action fixact_logout_registry = {
	"logout_registry", PHASE_CLEANUP, logout_choose, logout_realise,
};

/* ================= move_hub_auth_key ================= */

/* The auths key holding a Docker Hub login docker never reads, or NULL. */
static const char *unread_hub_key(const struct dockercfg *cfg)
{
	char loose[REGNAME_HOST_MAX];
	size_t i;

	if (dockercfg_auth_exact(cfg, REGNAME_HUB_AUTH_KEY) &&
	    dockercfg_entry_has_credential(dockercfg_auth_exact(cfg, REGNAME_HUB_AUTH_KEY)))
		return NULL;
	for (i = 0; i < cfg->nauths; i++) {
		regname_loose_host(cfg->auths[i].key, loose, sizeof(loose));
		if (strcmp(loose, REGNAME_HUB) == 0 && strcmp(cfg->auths[i].key, REGNAME_HUB_AUTH_KEY) &&
		    dockercfg_entry_has_credential(&cfg->auths[i]))
			return cfg->auths[i].key;
	}
	return NULL;
}

static int hub_choose(const struct fix_ctx *c, const json_t *f, struct fix_step *st,
		      char *reason, size_t n)
{
	struct dockercfg cfg = DOCKERCFG_INIT;
	struct err e = ERR_INIT;
	char path[PATH_MAX];
	const char *key;
	int rc = FIXACT_NO;

	(void)f;
	if (strcmp(st->registry, REGNAME_HUB) != 0)
		return FIXACT_NO;   /* not about this registry: no reason to show */
	if (dockercfg_default_path(path, sizeof(path), c->s, &e) < 0 ||
	    dockercfg_load(&cfg, path, &e) < 0 || cfg.broken) {
		snprintf(reason, n, "config.json cannot be read: %s", e.set ? e.msg : cfg.error);
		goto cleanup;
	}
	key = unread_hub_key(&cfg);
	if (!key || cfg.creds_store || dockercfg_helper_for(&cfg, REGNAME_HUB_AUTH_KEY)) {
		snprintf(reason, n, "no Docker Hub login under a key docker does not read%s",
			 key ? " (a credential helper answers for Docker Hub)" : "");
		goto cleanup;
	}
	snprintf(st->target, sizeof(st->target), "%s", key);
	rc = fixstep_set(&st->what, "move the Docker Hub login stored under \"%s\" (docker never "
			 "reads that key) to \"%s\"", key, REGNAME_HUB_AUTH_KEY) < 0 ? FIXACT_NO
										 : FIXACT_YES;
cleanup:
	dockercfg_release(&cfg);
	return rc;
}

static int hub_realise(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
		       struct err *e)
{
	char from[FIXPLAN_KEY_MAX + 32], to[FIXPLAN_KEY_MAX + 32];
	json_t *root, *v = NULL;
	int rc = fixplan_config(p, c, &root, e);

	if (rc != 0)
		return rc;
	if (fixact_path(from, sizeof(from), "auths", st->target) < 0 ||
	    fixact_path(to, sizeof(to), "auths", REGNAME_HUB_AUTH_KEY) < 0)
		return err_set(e, "key too long");
	rc = jsonedit_get(&v, root, from, e);
	if (rc < 0)
		return -1;
	if (rc == 0 || !json_is_object(v))
		return FIXACT_NOTHING;
	if (jsonedit_set(root, to, json_deep_copy(v), e) < 0 || jsonedit_delete(root, from, e) < 0)
		return -1;
	fixplan_config_touch(p);
	if (fixstep_file(st, p->cfg_path) < 0 ||
	    fixstep_expects(st, REGNAME_HUB, "plaintext_credentials") < 0)
		return err_set(e, "out of memory");
	return 0;
}

const struct fix_action fixact_move_hub_auth_key = {
	"move_hub_auth_key", PHASE_CONFIG, hub_choose, hub_realise,
};
