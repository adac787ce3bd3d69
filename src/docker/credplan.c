#include "docker/credplan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker/authfile.h"
#include "docker/clients.h"
#include "docker/credential.h"
#include "docker/dockerauthcfg.h"
#include "docker/dockercfg.h"
#include "docker/regconf.h"
#include "docker/regname.h"

const char *cred_source_name(enum cred_source s)
{
	switch (s) {
	case SRC_NONE: return "none";
	case SRC_DOCKER_AUTH_CONFIG: return "DOCKER_AUTH_CONFIG";
	case SRC_CRED_HELPER: return "credHelpers";
	case SRC_CREDS_STORE: return "credsStore";
	case SRC_AUTO_STORE: return "auto-store";
	case SRC_AUTHS: return "auths";
	}
	return "none";
}

const char *consumer_name(enum consumer c)
{
	switch (c) {
	case CONSUMER_DOCKER: return "docker/buildkit";
	case CONSUMER_CONTAINERS: return "containers/image";
	case CONSUMER_PODMAN: return "podman/buildah";
	}
	return "docker/buildkit";
}

const char *consumer_label(enum consumer c)
{
	switch (c) {
	case CONSUMER_DOCKER: return "docker/BuildKit";
	case CONSUMER_CONTAINERS: return "containers/image (skopeo)";
	case CONSUMER_PODMAN: return "podman/buildah";
	}
	return "docker/BuildKit";
}

int cred_plan_same(const struct cred_plan *a, const struct cred_plan *b)
{
	return a->source == b->source && strcmp(a->file, b->file) == 0 &&
	       strcmp(a->key, b->key) == 0 && strcmp(a->helper, b->helper) == 0;
}

void cred_plan_release(struct cred_plan *plan)
{
	json_decref(plan->shadowed);
	json_decref(plan->problems);
	json_decref(plan->lookup);
	json_decref(plan->credential);
	plan->shadowed = plan->problems = plan->lookup = plan->credential = NULL;
	plan->source = SRC_NONE;
	plan->file[0] = plan->key[0] = plan->helper[0] = '\0';
	plan->helper_name_valid = plan->has_identity_token = plan->plaintext = 0;
	plan->global_helper = 0;
}

/* kind: "malformed" (a reader fails or falls back), "mismatch" (a key
 * that looks right but is not used), "unused" (an auths entry holding a
 * credential under a key docker never reads for the registry),
 * "ambiguous", "skipped", "ignored". */
static int add_problem(struct cred_plan *plan, const char *file, const char *kind, const char *what)
{
	return json_array_append_new(plan->problems,
				     json_pack("{s:s, s:s, s:s}", "file", file, "kind", kind, "what", what));
}

static int add_shadowed(struct cred_plan *plan, const char *source, const char *file,
			const char *key, const char *why, int fallback)
{
	return json_array_append_new(plan->shadowed,
				     json_pack("{s:s, s:s, s:s, s:s, s:b}", "source", source, "file", file,
					       "key", key, "why", why, "fallback", fallback));
}

/* {username, secret_fingerprint} of a stored credential: the identity
 * token when there is one (sent with an empty username), else the
 * password, else the registry token. Never the secret itself. */
static json_t *cred_id(const char *user, const struct sensitive *password,
		       const struct sensitive *identity, const struct sensitive *regtoken)
{
	char fp[SENSITIVE_FP_MAX];
	const struct sensitive *sec = !sensitive_is_empty(identity) ? identity :
				      !sensitive_is_empty(password) || !regtoken ? password : regtoken;

	sensitive_fingerprint(sec, fp);
	return json_pack("{s:s, s:s}", "username", !sensitive_is_empty(identity) ? "<token>" : user,
			 "secret_fingerprint", fp);
}

/* Adds who/which secret to the shadowed record just added. */
static void shadow_id(struct cred_plan *plan, json_t *id)
{
	json_t *last = json_array_get(plan->shadowed, json_array_size(plan->shadowed) - 1);

	if (last && id)
		json_object_update(last, id);
	json_decref(id);
}

static json_t *docker_entry_id(const struct dockercfg_entry *en)
{
	return cred_id(en->username, &en->password, &en->identity_token, &en->registry_token);
}

static void set_helper(struct cred_plan *plan, const char *name)
{
	snprintf(plan->helper, sizeof(plan->helper), "%s", name);
	plan->helper_name_valid = dockercfg_helper_name_valid(name);
}

/* What docker's configuration says about one server key, loaded once. */
struct docker_view {
	struct dockercfg cfg;
	struct docker_auth_config dac;
	char path[PATH_MAX];                    /* config.json */
	const char *key;                        /* the server key docker asks for */
	const struct dockercfg_entry *dac_hit;  /* DOCKER_AUTH_CONFIG's entry, CLI reading */
	const struct dockercfg_entry *entry;    /* the auths entry the file store reads */
	const char *helper;                     /* credHelpers[key]; "" means the file store */
	const char *store;                      /* credsStore, unless credHelpers[key] is "" */
	const char *autostore;                  /* docker's auto-selected store, or "" */
	size_t nmatch;                          /* auths keys matching by hostname */
};

static void docker_view_release(struct docker_view *v)
{
	dockercfg_release(&v->cfg);
	dac_release(&v->dac);
}

/* Whether the build client here reads DOCKER_AUTH_CONFIG (clients.h),
 * recorded in plan->lookup. Returns 1 or 0. */
static int docker_dac_gate(struct cred_plan *plan, const struct settings *s)
{
	struct dac_gate g;

	clients_dac_gate(&g, clients_get(s));
	json_object_set_new(plan->lookup, "docker_auth_config",
			    json_pack("{s:b, s:b, s:s}", "read", g.reads, "assumed", g.assumed,
				      "why", g.why));
	return g.reads;
}

/* Loads config.json and DOCKER_AUTH_CONFIG as docker does, recording what
 * it would warn about and fall back from. -1 only on an internal failure. */
static int docker_load(struct cred_plan *plan, struct docker_view *v, const struct settings *s,
		       const char *registry, struct err *e)
{
	char msg[ERR_MSG_MAX + 128];

	if (dockercfg_default_path(v->path, sizeof(v->path), s, e) < 0 ||
	    dockercfg_load(&v->cfg, v->path, e) < 0)
		return -1;
	json_object_set_new(plan->lookup, "config",
			    json_pack("{s:s, s:b, s:s?}", "path", v->path, "exists", v->cfg.exists,
				      "error", v->cfg.error[0] ? v->cfg.error : NULL));
	if (v->cfg.broken) {
		snprintf(msg, sizeof(msg), "WARNING: Error parsing config file (%s): %s", v->path, v->cfg.error);
		add_problem(plan, v->path, "malformed", msg);
	}
	if (dac_load_env(&v->dac, e) < 0)
		return -1;
	if (v->dac.set && docker_dac_gate(plan, s) == 0) {
		snprintf(msg, sizeof(msg),
			 "DOCKER_AUTH_CONFIG is set but not used: %s; docker reads its config.json",
			 json_string_value(json_object_get(json_object_get(plan->lookup, "docker_auth_config"),
							   "why")));
		add_problem(plan, "DOCKER_AUTH_CONFIG", "ignored", msg);
	} else if (v->dac.set && !v->dac.cli_accepts) {
		snprintf(msg, sizeof(msg),
			 "Failed to create credential store from DOCKER_AUTH_CONFIG:  %s", v->dac.cli_problem);
		add_problem(plan, "DOCKER_AUTH_CONFIG", "malformed", msg);
	} else if (v->dac.set) {
		v->dac_hit = dac_cli_entry(&v->dac, registry);
		if (!v->dac_hit && dac_near_miss(&v->dac, registry, msg, sizeof(msg)))
			add_problem(plan, "DOCKER_AUTH_CONFIG", "mismatch", msg);
	}
	v->helper = dockercfg_helper_for(&v->cfg, v->key);
	v->store = v->helper && !*v->helper ? NULL : v->cfg.creds_store;
	v->autostore = v->cfg.contains_auth ? "" : dockercfg_auto_store(NULL);
	v->entry = dockercfg_auth_lookup(&v->cfg, v->key, &v->nmatch);
	return 0;
}

/* Keys that look like the registry's but are not read for it. */
static void docker_hints(struct cred_plan *plan, const struct docker_view *v, const char *registry)
{
	char msg[ERR_MSG_MAX + 128], host[512], want[512];
	size_t i;

	if (v->nmatch > 1) {
		snprintf(msg, sizeof(msg),
			 "%zu auths keys in %s normalise to '%s': docker picks one at random each run",
			 v->nmatch, v->path, v->key);
		add_problem(plan, v->path, "ambiguous", msg);
	}
	regname_loose_host(registry, want, sizeof(want));
	for (i = 0; i < v->cfg.nhelpers; i++) {
		regname_loose_host(v->cfg.helpers[i].key, host, sizeof(host));
		if (strcmp(v->cfg.helpers[i].key, v->key) != 0 && strcmp(host, want) == 0) {
			snprintf(msg, sizeof(msg),
				 "credHelpers key '%s' is not used for %s: docker matches credHelpers keys exactly (use \"%s\")",
				 v->cfg.helpers[i].key, registry, v->key);
			add_problem(plan, v->path, "mismatch", msg);
		}
	}
	for (i = 0; i < v->cfg.nauths; i++) {
		const struct dockercfg_entry *en = &v->cfg.auths[i];

		regname_loose_host(en->key, host, sizeof(host));
		if (en == v->entry || strcmp(host, want) != 0 || !dockercfg_entry_has_credential(en))
			continue;
		regname_docker_hostname(en->key, host, sizeof(host));
		if (strcmp(en->key, v->key) == 0 || strcmp(host, v->key) == 0)
			continue;   /* read (another key won the random pick) */
		if (strcmp(v->key, REGNAME_HUB_AUTH_KEY) == 0)
			snprintf(msg, sizeof(msg),
				 "auths key '%s' in %s is never read for Docker Hub: docker and BuildKit read "
				 "only '%s' (move the entry to that key; containers/image reads both)",
				 en->key, v->path, REGNAME_HUB_AUTH_KEY);
		else
			snprintf(msg, sizeof(msg),
				 "auths key '%s' in %s is not read for %s: docker matches the key or its "
				 "host exactly, case included (move the entry to \"%s\")",
				 en->key, v->path, registry, v->key);
		add_problem(plan, v->path, "unused", msg);
	}
}

/* docker's precedence: DOCKER_AUTH_CONFIG > credHelpers > credsStore >
 * auths > the auto-selected store; what loses is recorded as shadowed. */
static void docker_decide(struct cred_plan *plan, const struct docker_view *v)
{
	const struct dockercfg_entry *en = v->entry;
	int has_helper = v->helper && *v->helper;
	char why[512];

	if (v->dac_hit) {
		plan->source = SRC_DOCKER_AUTH_CONFIG;
		if (has_helper)
			add_shadowed(plan, "credHelpers", v->path, v->key, "DOCKER_AUTH_CONFIG takes precedence", 0);
		else if (v->store)
			add_shadowed(plan, "credsStore", v->path, v->key, "DOCKER_AUTH_CONFIG takes precedence", 0);
		plan->credential = docker_entry_id(v->dac_hit);
		if (dockercfg_entry_has_credential(en)) {
			add_shadowed(plan, "auths", v->path, en->key, "DOCKER_AUTH_CONFIG takes precedence", 0);
			shadow_id(plan, docker_entry_id(en));
		}
	} else if (has_helper || v->store) {
		plan->source = has_helper ? SRC_CRED_HELPER : SRC_CREDS_STORE;
		snprintf(plan->file, sizeof(plan->file), "%s", v->path);
		set_helper(plan, has_helper ? v->helper : v->store);
		/* only registrytoken survives a helper */
		if (en && (en->username[0] || !sensitive_is_empty(&en->password) ||
			   !sensitive_is_empty(&en->identity_token))) {
			snprintf(why, sizeof(why),
				 "%s → docker-credential-%s replaces auths for this host, even when it finds nothing",
				 cred_source_name(plan->source), plan->helper);
			add_shadowed(plan, "auths", v->path, en->key, why, 0);
			shadow_id(plan, docker_entry_id(en));
		}
	} else if (dockercfg_entry_has_credential(en)) {
		plan->source = SRC_AUTHS;
		snprintf(plan->file, sizeof(plan->file), "%s", v->path);
		snprintf(plan->key, sizeof(plan->key), "%s", en->key);
		plan->plaintext = !sensitive_is_empty(&en->password);
		plan->has_identity_token = !sensitive_is_empty(&en->identity_token);
		plan->credential = docker_entry_id(en);
	} else if (*v->autostore) {
		plan->source = SRC_AUTO_STORE;
		snprintf(plan->file, sizeof(plan->file), "%s", v->path);
		set_helper(plan, v->autostore);
	}
}

static int resolve_docker(struct cred_plan *plan, const struct settings *s, const char *registry,
			  struct err *e)
{
	struct docker_view v = { .cfg = DOCKERCFG_INIT, .dac = DOCKER_AUTH_CONFIG_INIT };
	int rc = -1;

	/* CONSUMER_DOCKER reads as the BuildKit clients do (the docker CLI
	 * differs only for registry-1.docker.io, never a fixkb registry) */
	v.key = regname_auth_key(registry, REGNAME_BUILDKIT);
	snprintf(plan->key, sizeof(plan->key), "%s", v.key);
	if (docker_load(plan, &v, s, registry, e) < 0)
		goto cleanup;
	docker_hints(plan, &v, registry);
	docker_decide(plan, &v);
	rc = 0;
cleanup:
	docker_view_release(&v);
	return rc;
}

/* Notes on one containers auth file: an ignored credsStore, a skipped
 * entry, an ambiguous match. */
static void containers_notes(struct cred_plan *plan, const struct authfile *f,
			     const struct authfile_match *m, const char *registry)
{
	char msg[ERR_MSG_MAX + 128];

	if (f->creds_store) {
		snprintf(msg, sizeof(msg),
			 "credsStore '%s' in %s is ignored by containers/image (podman, buildah, skopeo)",
			 f->creds_store, f->path);
		add_problem(plan, f->path, "ignored", msg);
	}
	if (m->warning[0])
		add_problem(plan, f->path, "skipped", m->warning);
	if (m->ambiguous) {
		snprintf(msg, sizeof(msg),
			 "several auths keys in %s normalise to '%s': containers/image picks one at random",
			 f->path, registry);
		add_problem(plan, f->path, "ambiguous", msg);
	}
}

/* A later file that also holds something: never read, or only when the
 * helper that won finds nothing (c/image goes on to the next file). */
static void containers_shadowed(struct cred_plan *plan, const struct authfile *f,
				const struct authfile_match *m)
{
	char why[PATH_MAX + 128];
	int fb = plan->source == SRC_CRED_HELPER;

	if (m->hit != AUTHFILE_AUTH && m->hit != AUTHFILE_HELPER)
		return;
	if (fb)
		snprintf(why, sizeof(why), "used only if docker-credential-%s finds nothing "
			 "(containers/image goes on to the next file)", plan->helper);
	else
		snprintf(why, sizeof(why), "%s is read first and wins", plan->file);
	add_shadowed(plan, m->hit == AUTHFILE_HELPER ? "credHelpers" : "auths", f->path, m->key, why, fb);
	if (m->hit == AUTHFILE_AUTH)
		shadow_id(plan, cred_id(m->username, &m->password, &m->identity_token, NULL));
}

/* The first file with an answer decides; 1 when this one did. */
static int containers_take(struct cred_plan *plan, const struct authfile *f,
			   const struct authfile_match *m)
{
	char msg[ERR_MSG_MAX + 128];

	switch (m->hit) {
	case AUTHFILE_ERROR:
		snprintf(msg, sizeof(msg), "containers/image fails here: %s", m->error);
		add_problem(plan, f->path, "malformed", msg);
		plan->source = SRC_NONE;   /* the lookup stops with an error */
		break;
	case AUTHFILE_HELPER:
		plan->source = SRC_CRED_HELPER;
		set_helper(plan, m->helper);
		break;
	case AUTHFILE_AUTH:
		plan->source = SRC_AUTHS;
		plan->plaintext = !sensitive_is_empty(&m->password);
		plan->has_identity_token = !sensitive_is_empty(&m->identity_token);
		plan->credential = cred_id(m->username, &m->password, &m->identity_token, NULL);
		break;
	case AUTHFILE_NONE:
		return 0;
	}
	snprintf(plan->file, sizeof(plan->file), "%s", f->path);
	if (m->hit != AUTHFILE_ERROR)
		snprintf(plan->key, sizeof(plan->key), "%s", m->key);
	return 1;
}

/* The auth-file chain (c/image's built-in "containers-auth.json" helper):
 * the first file with an answer decides, later files are shadowed. *found:
 * a source is already decided (a credential helper listed before). */
static int containers_files(struct cred_plan *plan, const struct authfile_chain *ch,
			    const char *registry, int *found, json_t *files, struct err *e)
{
	struct authfile_match m = AUTHFILE_MATCH_INIT;
	size_t i, j;
	int rc = -1;

	for (i = 0; i < ch->n; i++) {
		struct authfile f = AUTHFILE_INIT;

		/* an old c/image lists DOCKER_CONFIG's file twice: once is enough */
		for (j = 0; j < i && strcmp(ch->p[j].path, ch->p[i].path) != 0; j++)
			;
		if (j < i)
			continue;
		if (authfile_load(&f, ch->p[i].path, ch->p[i].legacy, e) < 0 ||
		    (f.exists && authfile_lookup(&m, &f, registry, NULL, e) < 0)) {
			authfile_release(&f);
			goto cleanup;
		}
		json_array_append_new(files, json_pack("{s:s, s:s, s:b, s:s?}", "path", ch->p[i].path,
						       "why", ch->p[i].why, "exists", f.exists,
						       "error", f.error[0] ? f.error : NULL));
		if (f.exists) {
			containers_notes(plan, &f, &m, registry);
			if (*found)
				containers_shadowed(plan, &f, &m);
			else
				*found = containers_take(plan, &f, &m);
		}
		authfile_release(&f);
	}
	rc = 0;
cleanup:
	authfile_match_release(&m);
	return rc;
}

/* A registries.conf credential-helpers entry other than the auth files. */
static void containers_global_helper(struct cred_plan *plan, const struct regconf *rc,
				     const char *name, const char *registry, int *found)
{
	char why[256];

	if (!*found) {
		plan->source = SRC_CRED_HELPER;
		plan->global_helper = 1;
		set_helper(plan, name);
		snprintf(plan->file, sizeof(plan->file), "%s", rc->from);
		snprintf(plan->key, sizeof(plan->key), "%s", registry);
		*found = 1;
		return;
	}
	snprintf(why, sizeof(why), "asked only if the sources listed before it find nothing "
		 "(credential-helpers in %s)", rc->from);
	add_shadowed(plan, "credential-helpers", rc->from, registry, why, 1);
}

static int resolve_containers(struct cred_plan *plan, const struct settings *s,
			      const char *registry, enum authfile_tool tool, struct err *e)
{
	const struct clients *cl = clients_get(s);
	struct authfile_chain ch;
	struct regconf rc;
	json_t *files = json_array(), *helpers = json_array();
	int assumed = 0, exclusive, found = 0;
	size_t h;

	snprintf(plan->key, sizeof(plan->key), "%s", registry);
	json_object_set_new(plan->lookup, "files", files);
	json_object_set_new(plan->lookup, "credential_helpers", helpers);
	exclusive = clients_authfile_exclusive(cl, tool == AUTHFILE_SKOPEO ? CLIENT_SKOPEO
								  : CLIENT_PODMAN, &assumed);
	if (authfile_chain(&ch, s, tool, exclusive, e) < 0 ||
	    regconf_load(&rc, tool == AUTHFILE_PODMAN, e) < 0)
		return -1;
	json_object_set_new(plan->lookup, "authfile_given", json_boolean(ch.given));
	json_object_set_new(plan->lookup, "authfile_alone", json_boolean(ch.exclusive));
	json_object_set_new(plan->lookup, "version_assumed", json_boolean(ch.given && assumed));
	json_object_set_new(plan->lookup, "credential_helpers_from",
			    rc.from[0] ? json_string(rc.from) : json_null());
	if (ch.note[0])
		add_problem(plan, "XDG_RUNTIME_DIR", "skipped", ch.note);
	if (rc.note[0])
		add_problem(plan, "registries.conf", "ignored", rc.note);
	for (h = 0; h < rc.nhelpers; h++) {
		json_array_append_new(helpers, json_string(rc.helpers[h]));
		if (strcmp(rc.helpers[h], REGCONF_AUTHFILE_HELPER) != 0)
			containers_global_helper(plan, &rc, rc.helpers[h], registry, &found);
		else if (containers_files(plan, &ch, registry, &found, files, e) < 0)
			return -1;
	}
	return 0;
}

int credplan_resolve(struct cred_plan *plan, const struct settings *s,
		     const char *registry, enum consumer c, struct err *e)
{
	cred_plan_release(plan);
	plan->consumer = c;
	plan->shadowed = json_array();
	plan->problems = json_array();
	plan->lookup = json_object();
	if (!plan->shadowed || !plan->problems || !plan->lookup)
		return err_set(e, "out of memory");
	if (!registry || !*registry)
		return err_set(e, "no registry given");
	if (c == CONSUMER_DOCKER)
		return resolve_docker(plan, s, registry, e);
	return resolve_containers(plan, s, registry,
				  c == CONSUMER_PODMAN ? AUTHFILE_PODMAN : AUTHFILE_SKOPEO, e);
}

/* ---- reading an auths credential ---- */

int credplan_entry_credential(struct credential *out, const struct dockercfg_entry *en,
			      struct err *e)
{
	if (!sensitive_is_empty(&en->identity_token)) {
		/* BuildKit: Username "" and the token as the secret */
		out->username[0] = '\0';
		out->identity_token = 1;
		if (sensitive_copy(&out->secret, &en->identity_token) < 0)
			return err_set(e, "out of memory");
	} else {
		snprintf(out->username, sizeof(out->username), "%s", en->username);
		if (sensitive_copy(&out->secret, &en->password) < 0)
			return err_set(e, "out of memory");
	}
	if (sensitive_copy(&out->registry_token, &en->registry_token) < 0)
		return err_set(e, "out of memory");
	return 0;
}

int credplan_read_auths(struct credential *out, const struct cred_plan *plan, struct err *e)
{
	struct docker_auth_config dac = DOCKER_AUTH_CONFIG_INIT;
	struct dockercfg cfg = DOCKERCFG_INIT;
	struct authfile f = AUTHFILE_INIT;
	struct authfile_match m = AUTHFILE_MATCH_INIT;
	const struct dockercfg_entry *en;
	const char *base;
	int rc = -1;

	credential_release(out);
	if (plan->source == SRC_DOCKER_AUTH_CONFIG) {
		if (dac_load_env(&dac, e) < 0)
			goto cleanup;
		en = dac.cli_accepts ? dockercfg_auth_exact(&dac.cfg, plan->key) : NULL;
		if (!en) {
			err_set(e, "DOCKER_AUTH_CONFIG no longer has key '%s'", plan->key);
			goto cleanup;
		}
		rc = credplan_entry_credential(out, en, e);
	} else if (plan->source == SRC_AUTHS && plan->consumer == CONSUMER_DOCKER) {
		if (dockercfg_load(&cfg, plan->file, e) < 0)
			goto cleanup;
		en = dockercfg_auth_exact(&cfg, plan->key);
		if (!en || !dockercfg_entry_has_credential(en)) {
			err_set(e, "'%s' has no auths entry '%s'", plan->file, plan->key);
			goto cleanup;
		}
		rc = credplan_entry_credential(out, en, e);
	} else if (plan->source == SRC_AUTHS) {
		base = strrchr(plan->file, '/');
		base = base ? base + 1 : plan->file;
		if (authfile_load(&f, plan->file, strcmp(base, ".dockercfg") == 0, e) < 0)
			goto cleanup;
		if (authfile_lookup_key(&m, &f, plan->key, e) < 0)
			goto cleanup;
		if (m.hit != AUTHFILE_AUTH) {
			err_set(e, "'%s': auths entry '%s' yields no credential%s%s", plan->file, plan->key,
				m.error[0] ? ": " : "", m.error);
			goto cleanup;
		}
		if (!sensitive_is_empty(&m.identity_token)) {
			out->identity_token = 1;
			if (sensitive_copy(&out->secret, &m.identity_token) < 0) {
				err_set(e, "out of memory");
				goto cleanup;
			}
		} else {
			snprintf(out->username, sizeof(out->username), "%s", m.username);
			if (sensitive_copy(&out->secret, &m.password) < 0) {
				err_set(e, "out of memory");
				goto cleanup;
			}
		}
		rc = 0;
	} else {
		err_set(e, "credential source %s is not read from a file", cred_source_name(plan->source));
	}
cleanup:
	if (rc < 0)
		credential_release(out);
	dac_release(&dac);
	dockercfg_release(&cfg);
	authfile_match_release(&m);
	authfile_release(&f);
	return rc;
}

int credplan_read_entry(struct credential *out, const struct cred_plan *plan, const char *file,
			const char *key, struct err *e)
{
	struct cred_plan other = *plan;

	other.source = SRC_AUTHS;
	snprintf(other.file, sizeof(other.file), "%s", file);
	snprintf(other.key, sizeof(other.key), "%s", key);
	return credplan_read_auths(out, &other, e);
}

/* ---- every registry named anywhere ---- */

static void add_registry(json_t *arr, const char *key)
{
	char host[512], norm[512];
	struct err e = ERR_INIT;
	size_t i;

	regname_docker_hostname(key, host, sizeof(host));
	if (regname_normalise(host, norm, sizeof(norm), &e) < 0)
		return;
	for (i = 0; i < json_array_size(arr); i++)
		if (strcmp(json_string_value(json_array_get(arr, i)), norm) == 0)
			return;
	json_array_append_new(arr, json_string(norm));
}

static void add_cfg_keys(json_t *arr, const struct dockercfg *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nauths; i++)
		add_registry(arr, cfg->auths[i].key);
	for (i = 0; i < cfg->nhelpers; i++)
		add_registry(arr, cfg->helpers[i].key);
}

json_t *credplan_known_registries(const struct settings *s)
{
	struct docker_auth_config dac = DOCKER_AUTH_CONFIG_INIT;
	struct dockercfg cfg = DOCKERCFG_INIT;
	struct authfile_chain ch;
	json_t *arr = json_array();
	struct err e = ERR_INIT;
	char path[PATH_MAX];
	size_t i, j;
	int t;

	if (!arr)
		return NULL;
	if (dockercfg_default_path(path, sizeof(path), s, &e) == 0 &&
	    dockercfg_load(&cfg, path, &e) == 0)
		add_cfg_keys(arr, &cfg);
	dockercfg_release(&cfg);
	if (dac_load_env(&dac, &e) == 0)
		add_cfg_keys(arr, &dac.cfg);
	dac_release(&dac);
	for (t = 0; t < 2; t++) {
		int assumed;
		int excl = clients_authfile_exclusive(clients_get(s), t ? CLIENT_PODMAN : CLIENT_SKOPEO,
						      &assumed);

		if (authfile_chain(&ch, s, t ? AUTHFILE_PODMAN : AUTHFILE_SKOPEO, excl, &e) < 0)
			continue;
		for (i = 0; i < ch.n; i++) {
			struct authfile f = AUTHFILE_INIT;

			if (authfile_load(&f, ch.p[i].path, ch.p[i].legacy, &e) == 0) {
				for (j = 0; j < f.nauths; j++)
					add_registry(arr, f.auths[j].key);
				for (j = 0; j < f.nhelpers; j++)
					add_registry(arr, f.helper_keys[j]);
			}
			authfile_release(&f);
		}
	}
	return arr;
}
