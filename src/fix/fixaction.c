/* fixaction.c — the action table and what the actions share: evidence
 * lookups, where docker would store a credential, storing it there. */
#include "fix/fixaction.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/token_endpoint.h"
#include "docker/credhelper.h"
#include "docker/daemoncfg.h"
#include "docker/imageref.h"
#include "docker/dockercfg.h"
#include "docker/regname.h"
#include "fix/jsonedit.h"
#include "net/http.h"
#include "net/tokenflow.h"
#include "net/trust.h"
#include "util/clock.h"
#include "util/crypto.h"
#include "util/paths.h"

const struct fix_action *const fixaction_table[] = {
	&fixact_add_dockerignore_entry,
	&fixact_drop_missing_creds_store,
	&fixact_import_docker_auth_config,
	&fixact_init_pass_store,
	&fixact_install_registry_ca,
	&fixact_logout_registry,
	&fixact_migrate_auths_to_helper,
	&fixact_move_hub_auth_key,
	&fixact_print_secret_build_command,
	&fixact_print_ssh_build_command,
	&fixact_rewrite_docker_auth_config,
	&fixact_store_credentials_from_env,
	&fixact_unset_docker_auth_config,
	NULL,
};

const struct fix_action *fixaction_find(const char *name)
{
	size_t i;

	for (i = 0; name && fixaction_table[i]; i++)
		if (strcmp(fixaction_table[i]->name, name) == 0)
			return fixaction_table[i];
	return NULL;
}

const struct probe_record *fixact_record(const struct fix_ctx *c, const char *probe,
					 const char *registry)
{
	return c->en ? engine_find(c->en, probe, registry) : NULL;
}

const char *fixact_code(const struct fix_ctx *c, const char *probe, const char *registry)
{
	const struct probe_record *r = fixact_record(c, probe, registry);

	return r ? r->res.code : "";
}

/* ---- the token endpoint, as the build client asks ---- */

static enum tokenclient client_of(const struct settings *s)
{
	enum tokenclient cl = TOKENCLIENT_BUILDKIT;

	if (s->client)
		(void)tokenclient_from_name(s->client, &cl);
	return cl;
}

/* The flow's configuration for registry (and image): the build client's
 * flow for a pull of image, or docker login's without one. */
static int flow_config(struct tf_config *cfg, const struct settings *s, const char *registry,
		       const char *image, struct err *e)
{
	struct image_ref ref;
	char file[512];
	int i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->client = client_of(s);
	snprintf(cfg->registry, sizeof(cfg->registry), "%s", registry);
	if (image && *image) {
		if (image_ref_parse(&ref, image, e) < 0)
			return -1;
		snprintf(cfg->repo, sizeof(cfg->repo), "%s", ref.path);
		snprintf(cfg->ref, sizeof(cfg->ref), "%s", ref.digest[0] ? ref.digest : ref.tag);
		cfg->push = settings_pushes(s, image);   /* pull,push, as BuildKit asks for a push */
	} else {
		cfg->client = TOKENCLIENT_DOCKER_LOGIN;
	}
	cfg->insecure_declared = daemoncfg_declares_insecure(registry, file, sizeof(file));
	for (i = 0; !cfg->insecure_declared && i < s->insecure_registries.n; i++)
		cfg->insecure_declared = daemoncfg_insecure_entry_matches(
			s->insecure_registries.items[i], registry);
	return 0;
}

int fixact_token_check(const struct settings *s, const char *registry, const char *image,
		    const struct credential *cred, enum probe_status *st, char *code, size_t cn,
		    char *detail, size_t dn, struct err *e)
{
	struct token_endpoint_check k;
	struct tf_transport tr;
	struct http_client hc;
	struct trust trust = TRUST_INIT;
	struct tf_config cfg;
	json_t *ev = json_object();
	int rc = -1;

	if (!ev || flow_config(&cfg, s, registry, image, e) < 0)
		goto cleanup_ev;
	if (trust_load(&trust, s, registry, e) < 0 || http_client_init(&hc, s, e) < 0)
		goto cleanup_trust;
	tf_transport_http(&tr, &hc);
	cfg.cred = cred;
	cfg.trust = &trust;
	cfg.deadline_ms = clock_now_ms() + s->timeout_s * 1000.0;
	if (token_endpoint_check_start(&k, &tr, &cfg) < 0) {
		err_set(e, "out of memory");
	} else {
		http_client_run(&hc, cfg.deadline_ms);
		token_endpoint_verdict(&k, st, code, cn, detail, dn, ev);
		rc = 0;
	}
	token_endpoint_check_release(&k);
	http_client_release(&hc);
cleanup_trust:
	trust_release(&trust);
cleanup_ev:
	json_decref(ev);
	return rc;
}

/* ---- where docker would store a credential ---- */

/* `prefix."key"` as a jsonedit path (the key's " and \ escaped). */
int fixact_path(char *out, size_t n, const char *prefix, const char *key)
{
	size_t o = 0, i;
	int w = snprintf(out, n, "%s.\"", prefix);

	if (w < 0 || (size_t)w >= n)
		return -1;
	o = (size_t)w;
	for (i = 0; key[i]; i++) {
		if (o + 3 >= n)
			return -1;
		if (key[i] == '"' || key[i] == '\\')
			out[o++] = '\\';
		out[o++] = key[i];
	}
	if (o + 2 > n)
		return -1;
	out[o++] = '"';
	out[o] = '\0';
	return 0;
}

static const char *member_str(json_t *root, const char *path)
{
	struct err e = ERR_INIT;
	json_t *v = NULL;

	if (jsonedit_get(&v, root, path, &e) != 1 || !json_is_string(v))
		return NULL;
	return json_string_length(v) ? json_string_value(v) : NULL;
}

static int member_nonempty(json_t *root, const char *path)
{
	struct err e = ERR_INIT;
	json_t *v = NULL;

	return jsonedit_get(&v, root, path, &e) == 1 && json_is_object(v) && json_object_size(v) > 0;
}

int fixact_dest(struct fix_plan *p, const struct fix_ctx *c, const char *registry,
		struct fix_dest *d, struct err *e)
{
	char path[FIXPLAN_KEY_MAX + 32];
	const char *h, *auto_store;
	json_t *root;
	int rc;

	memset(d, 0, sizeof(*d));
	snprintf(d->key, sizeof(d->key), "%s", regname_auth_key(registry, REGNAME_DOCKER_CLI));
	rc = fixplan_config(p, c, &root, e);
	if (rc != 0)
		return rc;
	if (fixact_path(path, sizeof(path), "credHelpers", d->key) == 0 &&
	    (h = member_str(root, path)) != NULL) {
		snprintf(d->helper, sizeof(d->helper), "%s", h);
		d->from_cred_helpers = 1;
		return 0;
	}
	if ((h = member_str(root, "credsStore")) != NULL) {
		snprintf(d->helper, sizeof(d->helper), "%s", h);
		return 0;
	}
	/* docker's ContainsAuth: otherwise it picks a store itself */
	if (member_nonempty(root, "credHelpers") || member_nonempty(root, "auths"))
		return 0;
	auto_store = dockercfg_auto_store(NULL);
	if (auto_store && *auto_store) {
		snprintf(d->helper, sizeof(d->helper), "%s", auto_store);
		d->auto_store = 1;
	}
	return 0;
}

int fixact_pass_dir(char *out, size_t n)
{
	const char *d = getenv("PASSWORD_STORE_DIR"), *home = paths_home_dir();

	if (d && *d)
		return snprintf(out, n, "%s", d) < (int)n ? 0 : -1;
	return snprintf(out, n, "%s/.password-store", home ? home : "") < (int)n ? 0 : -1;
}

int fixact_pass_initialised(void)
{
	char dir[PATH_MAX], id[PATH_MAX + 16];
	struct stat st;

	if (fixact_pass_dir(dir, sizeof(dir)) < 0)
		return 0;
	snprintf(id, sizeof(id), "%s/.gpg-id", dir);
	return stat(id, &st) == 0;
}

/* The step that initialises the pass store, if the plan has one. */
static const struct fix_step *pass_init_step(const struct fix_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->steps[i].act == &fixact_init_pass_store && !p->steps[i].gone)
			return &p->steps[i];
	return NULL;
}

/* The helper's store must be usable before anything goes into it. */
int fixact_helper_ready(struct fix_plan *p, struct fix_step *st, const char *helper,
			struct err *e)
{
	char bin[FIXPLAN_NAME_MAX + 32], dir[PATH_MAX];
	const struct fix_step *init;
	int rc;

	snprintf(bin, sizeof(bin), "docker-credential-%s", helper);
	if (!credhelper_name_valid(helper) || !paths_find_on_path(bin, NULL, NULL, 0)) {
		st->kind = FIX_BLOCKED;
		return fixstep_set(&st->needs, "%s, which docker would store the credential with, "
				   "is not installed: install it, or repair the config first", bin) < 0
				   ? err_set(e, "out of memory") : FIXACT_MARKED_BLOCKED;
	}
	if (strcmp(helper, "pass") != 0 || fixact_pass_initialised())
		return 0;
	init = pass_init_step(p);
	if (!init) {
		fixact_pass_dir(dir, sizeof(dir));
		rc = fixplan_add_step(p, &fixact_init_pass_store, "", dir,
				      "initialise the pass store", "a credential is to go into pass, "
				      "whose store is not initialised (no .gpg-id): docker-credential-pass "
				      "store fails with 'pass not initialized'", e);
		return rc < 0 ? -1 : FIXACT_RESTART;
	}
	if (init->kind != FIX_BLOCKED)
		return 0;
	st->kind = FIX_BLOCKED;
	return fixstep_set(&st->needs, "the pass store initialised first (step %d: %s)",
			   (int)(init - p->steps) + 1, init->needs ? init->needs : "")
	       < 0 ? err_set(e, "out of memory") : FIXACT_MARKED_BLOCKED;
}

static int set_member(struct fix_plan *p, json_t *root, const char *prefix, const char *key,
		      json_t *value, struct err *e)
{
	char path[FIXPLAN_KEY_MAX + 32];

	if (fixact_path(path, sizeof(path), prefix, key) < 0) {
		json_decref(value);
		return err_set(e, "'%s': key too long", key);
	}
	if (jsonedit_set(root, path, value, e) < 0)
		return -1;
	fixplan_config_touch(p);
	return 0;
}

json_t *fixact_auth_entry(const char *user, const struct sensitive *secret)
{
	size_t ul = strlen(user), n = ul + 1 + secret->len;
	char *plain = malloc(n + 1), *b64;
	json_t *o;

	if (!plain)
		return NULL;
	memcpy(plain, user, ul);
	plain[ul] = ':';
	memcpy(plain + ul + 1, secret->data, secret->len);
	b64 = b64_encode_std(plain, n);
	explicit_bzero(plain, n);
	free(plain);
	if (!b64)
		return NULL;
	o = json_pack("{s:s}", "auth", b64);
	explicit_bzero(b64, strlen(b64));
	free(b64);
	return o;
}

int fixact_store(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
		 const struct fix_dest *d, const struct credential *cred, struct err *e)
{
	json_t *root, *entry;
	int rc = fixplan_config(p, c, &root, e);

	if (rc != 0)
		return rc;
	if (d->helper[0]) {
		rc = fixact_helper_ready(p, st, d->helper, e);
		if (rc != 0)
			return rc < 0 || rc == FIXACT_RESTART ? rc : 0;
		if (fixstep_op(st, 0, d->helper, d->key, cred) < 0 ||
		    set_member(p, root, "auths", d->key, json_object(), e) < 0 ||
		    (d->auto_store && jsonedit_set(root, "credsStore", json_string(d->helper), e) < 0))
			return err_set(e, "out of memory");
		fixplan_config_touch(p);
		return fixstep_file(st, p->cfg_path) < 0 ? err_set(e, "out of memory") : 0;
	}
	entry = fixact_auth_entry(cred->username, &cred->secret);
	if (!entry)
		return err_set(e, "out of memory");
	if (set_member(p, root, "auths", d->key, entry, e) < 0 ||
	    fixstep_file(st, p->cfg_path) < 0 ||
	    fixstep_expects(st, st->registry, "plaintext_credentials") < 0)
		return -1;
	return 0;
}
