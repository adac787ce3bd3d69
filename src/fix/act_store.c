/* act_store.c — putting credentials where docker reads them:
 *   store_credentials_from_env  the credential given to fix (--username-env /
 *                               --password-env, --password-stdin), verified at
 *                               the token endpoint first, stored as docker login
 *                               would store it
 *   import_docker_auth_config   DOCKER_AUTH_CONFIG's credential for the registry
 *                               into docker's store, then the variable unset
 *   migrate_auths_to_helper     config.json's plain-text auths into the helper
 *                               docker would pick, credsStore set
 *   init_pass_store             pass's store initialised for --gpg-key (what
 *                               `pass init ID` does on an empty store) */
#include "fix/fixaction.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "docker/credplan.h"
#include "docker/dockerauthcfg.h"
#include "docker/dockercfg.h"
#include "fix/jsonedit.h"
#include "util/clock.h"
#include "util/paths.h"
#include "util/proc.h"

extern char **environ;

#define GPG_DEADLINE_MS 5000.0

/* When docker reads DOCKER_AUTH_CONFIG for the registry, whatever is stored
 * stays hidden until the variable is unset: that step comes first. */
static int behind_dac(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
		      struct err *e)
{
	struct cred_plan plan = CRED_PLAN_INIT;
	int src, rc;

	if (credplan_resolve(&plan, c->s, st->registry, CONSUMER_DOCKER, e) < 0)
		return -1;
	src = plan.source;
	cred_plan_release(&plan);
	if (src != SRC_DOCKER_AUTH_CONFIG)
		return 0;
	rc = fixplan_add_step(p, &fixact_unset_docker_auth_config, st->registry, "",
			      "unset DOCKER_AUTH_CONFIG", "docker reads DOCKER_AUTH_CONFIG before what "
			      "the store step writes for this registry", e);
	if (rc != 0)
		return rc < 0 ? -1 : FIXACT_RESTART;
	return fixstep_note(st, "docker reads DOCKER_AUTH_CONFIG before what is stored: the "
			    "step that unsets it comes first") < 0 ? err_set(e, "out of memory") : 0;
}

/* A credential written in plain text into a config.json inside the build
 * context would be sent with the context: keep it out (.dockerignore). */
static int keep_out_of_context(struct fix_plan *p, const struct fix_ctx *c,
			       const struct fix_dest *d, struct err *e)
{
	char ctx[PATH_MAX], cfg[PATH_MAX];
	size_t n;
	int rc;

	if (d->helper[0] || !realpath(c->in->context ? c->in->context : ".", ctx) ||
	    !realpath(p->cfg_path, cfg))
		return 0;
	n = strlen(ctx);
	if (strncmp(cfg, ctx, n) != 0 || cfg[n] != '/')
		return 0;
	rc = fixplan_add_step(p, &fixact_add_dockerignore_entry, "", ctx,
			      "keep the credential file out of the build context", "a credential "
			      "goes in plain text into a config.json inside the build context, which "
			      "docker build would send", e);
	return rc < 0 ? -1 : rc ? FIXACT_RESTART : 0;
}

static void store_what(char *out, size_t n, const struct fix_dest *d, const char *cfgpath)
{
	char shown[PATH_MAX];

	paths_display(shown, sizeof(shown), cfgpath);
	if (d->helper[0])
		snprintf(out, n, "docker-credential-%s under \"%s\"%s", d->helper, d->key,
			 d->auto_store ? " (docker's own pick; credsStore written to config.json)" : "");
	else
		snprintf(out, n, "%s auths \"%s\" (no credential helper is configured: plain base64, "
			 "as docker login writes it)", shown, d->key);
}

/* ================= store_credentials_from_env ================= */

static int store_choose(const struct fix_ctx *c, const json_t *f, struct fix_step *st,
			char *reason, size_t n)
{
	const struct fix_input *in = c->in;

	(void)f;
	if (!st->registry[0]) {
		snprintf(reason, n, "the finding names no registry");
		return FIXACT_NO;
	}
	if (!in->have_cred)
		return fixstep_set(&st->needs, "a credential for %s: --username-env VAR "
				   "--password-env VAR, or --username USER --password-stdin",
				   st->registry) < 0 ? FIXACT_NO : FIXACT_BLOCKED;
	if (strcmp(in->cred_registry, st->registry) != 0)
		return fixstep_set(&st->needs, "a credential for %s (the one given is for %s: "
				   "run fix again with --registry %s)", st->registry,
				   in->cred_registry, st->registry) < 0 ? FIXACT_NO : FIXACT_BLOCKED;
	return fixstep_set(&st->what, "store the credential from %s for %s where docker reads "
			   "it, once its token endpoint accepts it", in->cred_origin,
			   st->registry) < 0 ? FIXACT_NO : FIXACT_YES;
}

static int store_realise(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
			 struct err *e)
{
	struct fix_dest d;
	char where[PATH_MAX + 200], fp[SENSITIVE_FP_MAX];
	int rc = behind_dac(p, c, st, e);

	if (rc == 0)
		rc = fixact_dest(p, c, st->registry, &d, e);
	if (rc == 0)
		rc = keep_out_of_context(p, c, &d, e);
	if (rc == 0)
		rc = fixact_store(p, c, st, &d, &c->in->cred, e);
	if (rc != 0 || st->kind == FIX_BLOCKED)
		return rc;
	store_what(where, sizeof(where), &d, p->cfg_path);
	sensitive_fingerprint(&c->in->cred.secret, fp);
	st->verify_cred = &c->in->cred;
	snprintf(st->verify_what, sizeof(st->verify_what), "%s's credential from %s (%s)",
		 c->in->cred.username, c->in->cred_origin, fp);
	return fixstep_set(&st->what, "verify %s at %s's token endpoint, then store it in %s",
			   st->verify_what, st->registry, where) < 0 ? err_set(e, "out of memory") : 0;
}

const struct fix_action fixact_store_credentials_from_env = {
	"store_credentials_from_env", PHASE_STORE, store_choose, store_realise,
};

/* ================= import_docker_auth_config ================= */

/* DOCKER_AUTH_CONFIG's credential for registry into *out. 1 found, 0 not. */
static int dac_credential(struct credential *out, const char *registry, struct err *e)
{
	struct docker_auth_config d = DOCKER_AUTH_CONFIG_INIT;
	const struct dockercfg_entry *en;
	int rc = 0;

	if (dac_load_env(&d, e) < 0)
		return -1;
	en = d.set ? dac_cli_entry(&d, registry) : NULL;
	if (en && en->username[0] && !sensitive_is_empty(&en->password)) {
		snprintf(out->username, sizeof(out->username), "%s", en->username);
		rc = sensitive_copy(&out->secret, &en->password) < 0 ? err_set(e, "out of memory") : 1;
	}
	dac_release(&d);
	return rc;
}

static int import_choose(const struct fix_ctx *c, const json_t *f, struct fix_step *st,
			 char *reason, size_t n)
{
	struct credential cred = CREDENTIAL_INIT;
	struct err e = ERR_INIT;
	const char *te = fixact_code(c, "token_endpoint", st->registry);
	int rc;

	(void)f;
	rc = st->registry[0] ? dac_credential(&cred, st->registry, &e) : 0;
	credential_release(&cred);
	if (rc <= 0) {
		snprintf(reason, n, "DOCKER_AUTH_CONFIG holds no user and password for %s that docker "
			 "CLI reads", st->registry[0] ? st->registry : "this finding");
		return FIXACT_NO;
	}
	if (strcmp(te, "oauth_token_rejected") == 0 || strcmp(te, "expired_token") == 0) {
		snprintf(reason, n, "%s refuses DOCKER_AUTH_CONFIG's credential: importing it would "
			 "store a credential that does not work", st->registry);
		return FIXACT_NO;
	}
	return fixstep_set(&st->what, "store DOCKER_AUTH_CONFIG's credential for %s where docker "
			   "reads it, then unset the variable", st->registry) < 0 ? FIXACT_NO
										: FIXACT_YES;
}

static int import_realise(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
			  struct err *e)
{
	struct fix_dest d;
	char where[PATH_MAX + 200], fp[SENSITIVE_FP_MAX];
	int rc = dac_credential(&st->owned_cred, st->registry, e);

	if (rc <= 0)
		return rc < 0 ? -1 : FIXACT_NOTHING;
	rc = fixact_dest(p, c, st->registry, &d, e);
	if (rc == 0)
		rc = fixact_store(p, c, st, &d, &st->owned_cred, e);
	if (rc != 0 || st->kind == FIX_BLOCKED)
		return rc;
	store_what(where, sizeof(where), &d, p->cfg_path);
	sensitive_fingerprint(&st->owned_cred.secret, fp);
	st->verify_cred = &st->owned_cred;
	st->env_unset = 1;
	snprintf(st->verify_what, sizeof(st->verify_what),
		 "%s's credential from DOCKER_AUTH_CONFIG (%s)", st->owned_cred.username, fp);
	if (fixstep_set(&st->what, "verify %s, store it in %s, then unset the variable",
			st->verify_what, where) < 0 ||
	    fixstep_line(st, "unset DOCKER_AUTH_CONFIG") < 0 ||
	    fixstep_note(st, "fixkb cannot unset a variable of the shell or CI job that runs the "
			 "build: run the line above there (in CI, remove the variable)") < 0)
		return err_set(e, "out of memory");
	return 0;
}

const struct fix_action fixact_import_docker_auth_config = {
	"import_docker_auth_config", PHASE_STORE, import_choose, import_realise,
};

/* ================= migrate_auths_to_helper ================= */

static int migrate_choose(const struct fix_ctx *c, const json_t *f, struct fix_step *st,
			  char *reason, size_t n)
{
	const char *helper = dockercfg_auto_store(NULL);

	(void)f;
	if (!helper || !*helper) {
		snprintf(reason, n, "no credential helper docker would use is installed "
			 "(docker-credential-pass with pass, or docker-credential-secretservice)");
		return FIXACT_NO;
	}
	if (strcmp(helper, "pass") == 0 && !fixact_pass_initialised() && !c->in->gpg_key) {
		snprintf(reason, n, "the pass store is not initialised: with --gpg-key ID fixkb "
			 "initialises it and moves the credentials there");
		return FIXACT_NO;
	}
	if (strcmp(helper, "secretservice") == 0 && !getenv("DBUS_SESSION_BUS_ADDRESS")) {
		snprintf(reason, n, "docker-credential-secretservice needs a D-Bus session with an "
			 "unlocked keyring, and there is none here");
		return FIXACT_NO;
	}
	st->registry[0] = '\0';   /* one step moves every entry: credsStore is for all registries */
	return fixstep_set(&st->what, "move config.json's plain-text credentials into "
			   "docker-credential-%s and set credsStore", helper) < 0 ? FIXACT_NO
										 : FIXACT_YES;
}

/* One auths entry into the helper; 1 when it held a credential. */
static int migrate_entry(struct fix_plan *p, struct fix_step *st, json_t *root,
			 const struct dockercfg_entry *en, const char *helper, struct err *e)
{
	struct credential cred = CREDENTIAL_INIT;
	char path[FIXPLAN_KEY_MAX + 32];
	int rc = -1;

	if (!dockercfg_entry_has_credential(en) || fixact_path(path, sizeof(path), "auths",
								en->key) < 0)
		return 0;
	if (!sensitive_is_empty(&en->identity_token)) {
		cred.identity_token = 1;
		if (sensitive_copy(&cred.secret, &en->identity_token) < 0)
			goto cleanup;
	} else {
		snprintf(cred.username, sizeof(cred.username), "%s", en->username);
		if (sensitive_copy(&cred.secret, &en->password) < 0)
			goto cleanup;
	}
	if (fixstep_op(st, 0, helper, en->key, &cred) < 0 ||
	    jsonedit_set(root, path, json_object(), e) < 0)
		goto cleanup;
	fixplan_config_touch(p);
	rc = 1;
cleanup:
	credential_release(&cred);
	return rc < 0 && !e->set ? err_set(e, "out of memory") : rc;
}

static int migrate_realise(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
			   struct err *e)
{
	struct buf now = BUF_INIT(WRITESET_FILE_MAX);
	struct dockercfg cfg = DOCKERCFG_INIT;
	const char *helper = dockercfg_auto_store(NULL);
	json_t *root;
	size_t i, moved = 0;
	int rc = fixplan_config(p, c, &root, e);

	if (rc != 0)
		return rc;
	rc = fixact_helper_ready(p, st, helper, e);
	if (rc != 0)
		return rc < 0 || rc == FIXACT_RESTART ? rc : 0;
	/* the entries as the steps before leave them (a credential just stored) */
	rc = jsonedit_dump(&now, root, e) < 0 ? -1 :
	     dockercfg_load_text(&cfg, p->cfg_path, now.data, now.len, e);
	buf_release(&now);
	if (rc < 0)
		return -1;
	for (i = 0; i < cfg.nauths && rc >= 0; i++) {
		rc = migrate_entry(p, st, root, &cfg.auths[i], helper, e);
		moved += rc > 0;
	}
	dockercfg_release(&cfg);
	if (rc < 0)
		return -1;
	if (!moved)
		return FIXACT_NOTHING;
	if (jsonedit_set(root, "credsStore", json_string(helper), e) < 0 ||
	    fixstep_file(st, p->cfg_path) < 0)
		return -1;
	return fixstep_set(&st->what, "move %zu plain-text credential%s of config.json into "
			   "docker-credential-%s and set credsStore \"%s\"", moved,
			   moved == 1 ? "" : "s", helper, helper) < 0 ? err_set(e, "out of memory") : 0;
}

const struct fix_action fixact_migrate_auths_to_helper = {
	"migrate_auths_to_helper", PHASE_STORE, migrate_choose, migrate_realise,
};

/* ================= init_pass_store ================= */

/* gpg knows a public key id that can encrypt. 1 yes, 0 no (why in msg). */
static int gpg_key_usable(const char *id, char *msg, size_t n, struct err *e)
{
	static const char *const keep[] = { "PATH", "HOME", "GNUPGHOME", "LANG", "LC_*", NULL };
	const char *argv[] = { "gpg", "--batch", "--with-colons", "--list-keys", id, NULL };
	struct proc_result r = PROC_RESULT_INIT(256u << 10, 16u << 10);
	struct proc_env env = PROC_ENV_INIT;
	struct proc_spec sp = PROC_SPEC_INIT;
	int ok = 0;
	char *line, *save = NULL;

	if (proc_env_filter(&env, environ, keep, e) < 0)
		return -1;
	sp.argv = argv;
	sp.envp = (const char *const *)env.vars;
	sp.deadline_ms = clock_now_ms() + GPG_DEADLINE_MS;
	if (proc_run(&r, &sp, e) < 0) {
		proc_env_release(&env);
		return -1;
	}
	if (r.outcome == PROC_SPAWN_FAILED)
		snprintf(msg, n, "gpg: %s", proc_spawn_strerror(r.spawn_errno));
	else if (r.outcome != PROC_EXITED || r.exit_code != 0)
		snprintf(msg, n, "gpg has no public key '%s' (gpg --list-keys '%s')", id, id);
	for (line = r.out.data ? strtok_r(r.out.data, "\n", &save) : NULL; line && !ok;
	     line = strtok_r(NULL, "\n", &save)) {
		/* pub:u:3072:1:ID:...:::scESC: — field 12 has the key's capabilities */
		const char *caps = line;
		int field = 0;

		if (strncmp(line, "pub:", 4) != 0)
			continue;
		while (*caps && field < 11)
			field += *caps++ == ':';
		ok = strchr(caps, 'E') != NULL || strchr(caps, 'e') != NULL;
	}
	if (!ok && !msg[0])
		snprintf(msg, n, "gpg key '%s' cannot encrypt", id);
	proc_result_release(&r);
	proc_env_release(&env);
	return ok;
}

static int id_valid(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++)
		if (!(id[i] >= 'A' && id[i] <= 'Z') && !(id[i] >= 'a' && id[i] <= 'z') &&
		    !(id[i] >= '0' && id[i] <= '9') && !strchr("@._-+<> ", id[i]))
			return 0;
	return i > 0 && i < 200;
}

static int init_choose(const struct fix_ctx *c, const json_t *f, struct fix_step *st,
		       char *reason, size_t n)
{
	const struct probe_record *r = fixact_record(c, "cred_helper", st->registry);
	const char *helper = r ? json_string_value(json_object_get(r->res.evidence, "helper")) : NULL;

	(void)f;
	if (!helper || strcmp(helper, "pass") != 0 || fixact_pass_initialised()) {
		snprintf(reason, n, "docker does not use an uninitialised pass store here");
		return FIXACT_NO;
	}
	fixact_pass_dir(st->target, sizeof(st->target));
	st->registry[0] = '\0';
	return FIXACT_YES;
}

static int init_realise(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
			struct err *e)
{
	char dir[PATH_MAX], file[PATH_MAX + 16], msg[512] = "", shown[PATH_MAX], text[256];
	const char *id = c->in->gpg_key;
	size_t idx;
	int rc;

	if (fixact_pass_initialised())
		return FIXACT_NOTHING;
	fixact_pass_dir(dir, sizeof(dir));
	paths_display(shown, sizeof(shown), dir);
	st->kind = FIX_BLOCKED;
	if (!id)
		return fixstep_set(&st->needs, "a GPG key for pass to encrypt with: --gpg-key ID "
				   "(gpg --list-secret-keys shows yours; gpg --quick-gen-key makes one); "
				   "the store %s is not initialised", shown) < 0 ? err_set(e, "out of memory")
				   : 0;
	if (!id_valid(id))
		return fixstep_set(&st->needs, "a GPG key id (--gpg-key '%s' is not one)", id) < 0
		       ? err_set(e, "out of memory") : 0;
	rc = gpg_key_usable(id, msg, sizeof(msg), e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return fixstep_set(&st->needs, "a GPG key that can encrypt: %s", msg) < 0
		       ? err_set(e, "out of memory") : 0;
	snprintf(file, sizeof(file), "%s/.gpg-id", dir);
	rc = fixplan_file(p, file, WRITESET_SECRET, &idx, e);
	if (rc != 0)
		return rc;
	snprintf(text, sizeof(text), "%s\n", id);
	if (writeset_replace(&p->ws, idx, text, strlen(text), e) < 0)
		return -1;
	st->kind = FIX_WRITE;
	free(st->needs);
	st->needs = NULL;
	if (fixstep_file(st, file) < 0 ||
	    fixstep_set(&st->what, "initialise the pass store %s for GPG key %s (what `pass init "
			"%s` does on an empty store: %s/.gpg-id)", shown, id, id, shown) < 0)
		return err_set(e, "out of memory");
	return 0;
}

const struct fix_action fixact_init_pass_store = {
	"init_pass_store", PHASE_PRECOND, init_choose, init_realise,
};
