#include "audit/resolve.h"

#include <stdio.h>
#include <string.h>

#include "docker/credhelper.h"
#include "docker/dockerauthcfg.h"
#include "docker/regname.h"
#include "util/paths.h"
#include "util/clock.h"

void resolve_release(struct resolver *rv)
{
	json_decref(rv->registries);
	rv->registries = NULL;
}

static void add_registry(struct resolver *rv, const char *reg)
{
	size_t i;

	for (i = 0; i < json_array_size(rv->registries); i++)
		if (strcmp(json_string_value(json_array_get(rv->registries, i)), reg) == 0)
			return;
	json_array_append_new(rv->registries, json_string(reg));
}

static void add_key_registry(struct resolver *rv, const char *key)
{
	char reg[256];

	if (stores_key_registry(key, reg, sizeof(reg)) == 0)
		add_registry(rv, reg);
}

/* Every registry any store names (auths and credHelpers keys, the
 * inventory so far, DOCKER_AUTH_CONFIG's keys). */
static void collect_registries(struct resolver *rv)
{
	const struct home_stores *hs = rv->hs;
	size_t i, j;

	for (i = 0; i < rv->inv->n; i++)
		add_registry(rv, rv->inv->v[i].registry);
	for (i = 0; i < hs->n; i++) {
		const struct hfile *f = &hs->f[i];

		for (j = 0; f->is_docker && j < f->cfg.nhelpers; j++)
			add_key_registry(rv, f->cfg.helpers[j].key);
		for (j = 0; j < f->af.nhelpers; j++)
			add_key_registry(rv, f->af.helper_keys[j]);
	}
}

static void add_job(struct resolver *rv, const char *helper, const char *key, int file,
		    const char *why)
{
	struct helper_job *j;
	size_t i;

	if (!helper || !*helper || rv->njobs >= RESOLVE_JOBS_MAX)
		return;
	for (i = 0; i < rv->njobs; i++)
		if (strcmp(rv->jobs[i].helper, helper) == 0 && strcmp(rv->jobs[i].key, key) == 0)
			return;
	j = &rv->jobs[rv->njobs++];
	memset(j, 0, sizeof(*j));
	snprintf(j->helper, sizeof(j->helper), "%s", helper);
	snprintf(j->key, sizeof(j->key), "%s", key);
	if (stores_key_registry(key, j->registry, sizeof(j->registry)) < 0)
		snprintf(j->registry, sizeof(j->registry), "%s", key);
	j->file = file;
	j->why = why;
	if (strcmp(why, "credHelpers") == 0)
		j->line = stores_line_of(&rv->hs->f[file], "credHelpers", key, 0);
	else
		j->line = stores_line_of(&rv->hs->f[file], NULL, "credsStore", 1);
}

/* credsStore (or the auto-selected store): every registry, Docker Hub too. */
static void store_jobs(struct resolver *rv, int file, const char *store, const char *why)
{
	const struct dockercfg *cfg = &rv->hs->f[file].cfg;
	const char *key;
	size_t i;

	add_registry(rv, REGNAME_HUB);
	for (i = 0; i < json_array_size(rv->registries); i++) {
		key = regname_auth_key(json_string_value(json_array_get(rv->registries, i)),
				       REGNAME_DOCKER_CLI);
		if (!dockercfg_helper_for(cfg, key))
			add_job(rv, store, key, file, why);
	}
}

static void gather_jobs(struct resolver *rv)
{
	const struct home_stores *hs = rv->hs;
	const struct hfile *d = hs->docker >= 0 ? &hs->f[hs->docker] : NULL;
	const char *autostore;
	size_t i, j;

	if (d && d->exists) {
		for (i = 0; i < d->cfg.nhelpers; i++)
			add_job(rv, d->cfg.helpers[i].name, d->cfg.helpers[i].key, hs->docker,
				"credHelpers");
		if (d->cfg.creds_store)
			store_jobs(rv, hs->docker, d->cfg.creds_store, "credsStore");
	}
	if (hs->home->current && hs->docker >= 0 && (!d->exists || !d->cfg.contains_auth)) {
		autostore = dockercfg_auto_store(NULL);
		if (*autostore && json_array_size(rv->registries) > 0)
			store_jobs(rv, hs->docker, autostore, "auto-selected store");
	}
	for (i = 0; i < hs->nchain; i++) {
		const struct hfile *f = &hs->f[hs->chain[i]];

		for (j = 0; f->exists && !f->is_docker && j < f->af.nhelpers; j++)
			add_job(rv, f->af.helper_names[j], f->af.helper_keys[j], hs->chain[i],
				"credHelpers");
	}
}

static int helper_missing(struct resolver *rv, const struct helper_job *j, const char *why)
{
	const struct hfile *f = &rv->hs->f[j->file];
	char subject[300];
	struct audit_loc loc = { rv->hs->home->user, f->path, f->display, NULL, j->line,
				 NULL, subject };

	snprintf(subject, sizeof(subject), "%s %s", j->why, j->helper);
	return audit_add(rv->r, RULE_HELPER_MISSING, &loc, NULL,
			 "%s in %s names docker-credential-%s, which %s: docker fails %s",
			 strcmp(j->why, "credHelpers") == 0 ? "credHelpers" : j->why, f->display,
			 j->helper, why, strcmp(j->why, "credHelpers") == 0 ?
			 "every pull and push for that registry" :
			 "every pull and build that needs a credential, Docker Hub's public images "
			 "included");
}

static int helper_failed(struct resolver *rv, const struct helper_job *j,
			 const struct credhelper_result *res)
{
	const struct hfile *f = &rv->hs->f[j->file];
	char subject[300];
	struct audit_loc loc = { rv->hs->home->user, f->path, f->display, NULL, j->line,
				 NULL, subject };

	snprintf(subject, sizeof(subject), "helper %s", j->helper);
	return audit_add(rv->r, RULE_HELPER_FAILED, &loc,
			 json_pack("{s:s, s:s, s:i}", "outcome", credhelper_status_name(res->status),
				   "class", credhelper_class_name(res->class), "exit_code",
				   res->exit_code),
			 "docker-credential-%s (%s in %s) fails when docker asks it for '%s': %s",
			 j->helper, j->why, f->display, j->key,
			 res->docker_message[0] ? res->docker_message :
			 credhelper_status_name(res->status));
}

static int run_job(struct resolver *rv, struct helper_job *j)
{
	struct credhelper_result res = CREDHELPER_RESULT_INIT;
	struct err e = ERR_INIT;
	struct inv_cred w;
	const struct hfile *f = &rv->hs->f[j->file];
	double deadline = clock_now_ms() + RESOLVE_HELPER_DEADLINE_MS;
	int rc = 0;

	if (deadline > rv->deadline_ms)
		deadline = rv->deadline_ms;
	if (credhelper_get(&res, j->helper, j->key, deadline, &e) < 0)
		return -1;
	switch (res.status) {
	case CREDHELPER_FOUND:
		j->outcome = JOB_FOUND;
		memset(&w, 0, sizeof(w));
		snprintf(w.registry, sizeof(w.registry), "%s", j->registry);
		snprintf(w.key, sizeof(w.key), "%s", j->key);
		w.store = STORE_HELPER;
		snprintf(w.helper, sizeof(w.helper), "%s", j->helper);
		snprintf(w.cfgfile, sizeof(w.cfgfile), "%s", f->path);
		snprintf(w.cfgdisplay, sizeof(w.cfgdisplay), "%s", f->display);
		snprintf(w.display, sizeof(w.display), "docker-credential-%s", j->helper);
		w.line = j->line;
		rc = inventory_add(rv->inv, NULL, &w, res.cred.identity_token ? "<token>" :
				   res.cred.username, &res.cred.secret, res.cred.identity_token ?
				   SECRET_IDENTITY_TOKEN : SECRET_PASSWORD, &res.cred.registry_token,
				   rv->now);
		break;
	case CREDHELPER_NOT_FOUND:
		j->outcome = JOB_NOT_FOUND;
		break;
	case CREDHELPER_MISSING:
		j->outcome = JOB_FAILED;
		rc = helper_missing(rv, j, "is not on PATH");
		break;
	default:
		j->outcome = JOB_FAILED;
		rc = helper_failed(rv, j, &res);
	}
	credhelper_result_release(&res);
	return rc;
}

/* Can docker run this helper at all? (A missing one is reported once per
 * file and setting: audit_add folds the repeats.) */
static int helper_runnable(struct resolver *rv, struct helper_job *j)
{
	char prog[CREDHELPER_NAME_MAX + 32];

	if (!credhelper_name_valid(j->helper)) {
		j->outcome = JOB_FAILED;
		return helper_missing(rv, j, "is not a helper name docker can run") < 0 ? -1 : 0;
	}
	snprintf(prog, sizeof(prog), "docker-credential-%s", j->helper);
	if (!paths_find_on_path(prog, NULL, NULL, 0)) {
		j->outcome = JOB_FAILED;
		return helper_missing(rv, j, "is not on PATH") < 0 ? -1 : 0;
	}
	return 1;
}

/* A helper that already failed is not asked again for another key. */
static int failed_before(const struct resolver *rv, size_t idx)
{
	size_t i;

	for (i = 0; i < idx; i++)
		if (rv->jobs[i].outcome == JOB_FAILED &&
		    strcmp(rv->jobs[i].helper, rv->jobs[idx].helper) == 0)
			return 1;
	return 0;
}

static int load_dac(struct resolver *rv)
{
	struct docker_auth_config dac = DOCKER_AUTH_CONFIG_INIT;
	struct err e = ERR_INIT;
	struct inv_cred w;
	size_t i;
	int rc = 0;

	if (dac_load_env(&dac, &e) < 0)
		return -1;
	if (dac.set && !dac.cli_accepts)
		audit_note(rv->r, NULL, "DOCKER_AUTH_CONFIG is set, but docker CLI >= 28.3 rejects it: %s",
			   dac.cli_problem);
	for (i = 0; dac.set && dac.cli_accepts && i < dac.cfg.nauths && rc == 0; i++) {
		const struct dockercfg_entry *en = &dac.cfg.auths[i];

		if (!dockercfg_entry_has_credential(en))
			continue;
		memset(&w, 0, sizeof(w));
		if (stores_key_registry(en->key, w.registry, sizeof(w.registry)) < 0)
			continue;
		snprintf(w.key, sizeof(w.key), "%s", en->key);
		w.store = STORE_ENV;
		snprintf(w.display, sizeof(w.display), "DOCKER_AUTH_CONFIG");
		rc = inventory_add(rv->inv, NULL, &w, en->username, &en->password, SECRET_PASSWORD,
				   &en->registry_token, rv->now);
	}
	dac_release(&dac);
	return rc;
}

int resolve_helpers(struct resolver *rv)
{
	size_t i;
	int r;

	rv->registries = json_array();
	if (!rv->registries)
		return -1;
	if (rv->hs->home->current && load_dac(rv) < 0)
		return -1;
	collect_registries(rv);
	gather_jobs(rv);
	for (i = 0; i < rv->njobs; i++) {
		r = helper_runnable(rv, &rv->jobs[i]);
		if (r < 0)
			return -1;
		if (r == 0 || !rv->hs->home->current)
			continue;
		if (failed_before(rv, i)) {
			rv->jobs[i].outcome = JOB_FAILED;
			continue;
		}
		if (run_job(rv, &rv->jobs[i]) < 0)
			return -1;
	}
	return 0;
}

/* ---- plans ---- */

static enum inv_store file_store(const struct home_stores *hs, const char *path)
{
	size_t i;

	for (i = 0; i < hs->n; i++)
		if (strcmp(hs->f[i].path, path) == 0)
			return hs->f[i].docker_format ? STORE_DOCKER_CONFIG :
			       hs->f[i].legacy ? STORE_LEGACY : STORE_AUTHFILE;
	return STORE_AUTHFILE;
}

static const struct helper_job *find_job(const struct resolver *rv, const char *helper,
					 const char *key)
{
	size_t i;

	for (i = 0; i < rv->njobs; i++)
		if (strcmp(rv->jobs[i].helper, helper) == 0 && strcmp(rv->jobs[i].key, key) == 0)
			return &rv->jobs[i];
	return NULL;
}

/* A consumer takes reg's credential from a helper: mark its answer, and
 * record whether it had one (only known when the helper ran). */
static int use_helper(struct resolver *rv, const char *reg, enum consumer c, const char *source,
		      const char *helper, const char *key)
{
	const struct helper_job *j = find_job(rv, helper, key);
	struct inv_cred *hit = inventory_find(rv->inv, STORE_HELPER, NULL, helper, key);
	char desc[PATH_MAX + 160];

	if (hit)
		hit->used_by[c] = 1;
	snprintf(desc, sizeof(desc), "%s docker-credential-%s", source, helper);
	return inventory_add_plan(rv->inv, reg, c, desc, !(j && j->outcome == JOB_NOT_FOUND));
}

static void use_file(struct resolver *rv, enum consumer c, const char *file, const char *key)
{
	struct inv_cred *hit = inventory_find(rv->inv, file_store(rv->hs, file), file, NULL, key);

	if (hit)
		hit->used_by[c] = 1;
}

static int plan_current(struct resolver *rv, const char *reg, enum consumer c)
{
	struct cred_plan plan = CRED_PLAN_INIT;
	struct err e = ERR_INIT;
	struct inv_cred *hit;
	int rc = 0;

	if (credplan_resolve(&plan, rv->s, reg, c, &e) < 0) {
		cred_plan_release(&plan);
		return -1;
	}
	switch (plan.source) {
	case SRC_AUTHS:
		use_file(rv, c, plan.file, plan.key);
		break;
	case SRC_DOCKER_AUTH_CONFIG:
		hit = inventory_find(rv->inv, STORE_ENV, "", NULL, plan.key);
		if (hit)
			hit->used_by[c] = 1;
		break;
	case SRC_CRED_HELPER:
	case SRC_CREDS_STORE:
	case SRC_AUTO_STORE:
		rc = use_helper(rv, reg, c, cred_source_name(plan.source), plan.helper, plan.key);
		break;
	case SRC_NONE:
		break;
	}
	cred_plan_release(&plan);
	return rc;
}

/* The same precedence as credplan, on the files stores.c read. */
static int plan_other_docker(struct resolver *rv, const char *reg)
{
	const struct home_stores *hs = rv->hs;
	const struct dockercfg *cfg;
	const struct dockercfg_entry *en;
	const char *key = regname_auth_key(reg, REGNAME_DOCKER_CLI), *helper, *store;
	size_t nm = 0;

	if (hs->docker < 0 || !hs->f[hs->docker].exists)
		return 0;
	cfg = &hs->f[hs->docker].cfg;
	helper = dockercfg_helper_for(cfg, key);
	store = helper && !*helper ? NULL : cfg->creds_store;
	if (helper && *helper)
		return use_helper(rv, reg, CONSUMER_DOCKER, "credHelpers", helper, key);
	if (store)
		return use_helper(rv, reg, CONSUMER_DOCKER, "credsStore", store, key);
	en = dockercfg_auth_lookup(cfg, key, &nm);
	if (en && dockercfg_entry_has_credential(en))
		use_file(rv, CONSUMER_DOCKER, hs->f[hs->docker].path, en->key);
	return 0;
}

static int plan_other_containers(struct resolver *rv, const char *reg)
{
	struct authfile_match m = AUTHFILE_MATCH_INIT;
	struct err e = ERR_INIT;
	size_t i;
	int rc = 0, done = 0;

	for (i = 0; i < rv->hs->nchain && !done && rc == 0; i++) {
		const struct hfile *f = &rv->hs->f[rv->hs->chain[i]];

		if (!f->exists || f->unreadable)
			continue;
		if (authfile_lookup(&m, &f->af, reg, NULL, &e) < 0) {
			rc = -1;
			break;
		}
		done = m.hit != AUTHFILE_NONE;
		/* another user's DOCKER_CONFIG is not known: podman and buildah
		 * read the same chain as skopeo then */
		if (m.hit == AUTHFILE_HELPER) {
			rc = use_helper(rv, reg, CONSUMER_CONTAINERS, "credHelpers", m.helper, m.key);
			if (rc == 0)
				rc = use_helper(rv, reg, CONSUMER_PODMAN, "credHelpers", m.helper, m.key);
		} else if (m.hit == AUTHFILE_AUTH) {
			use_file(rv, CONSUMER_CONTAINERS, f->path, m.key);
			use_file(rv, CONSUMER_PODMAN, f->path, m.key);
		}
	}
	authfile_match_release(&m);
	return rc;
}

/* Which stores each consumer reads at all: docker its config.json and
 * DOCKER_AUTH_CONFIG, containers/image its chain. */
static void mark_read(struct resolver *rv)
{
	const struct home_stores *hs = rv->hs;
	size_t i, k;

	for (i = 0; i < rv->inv->n; i++) {
		struct inv_cred *c = &rv->inv->v[i];

		c->read_by[CONSUMER_DOCKER] = c->store == STORE_ENV || c->store == STORE_HELPER ||
			(c->store == STORE_DOCKER_CONFIG && hs->docker >= 0 &&
			 strcmp(c->file, hs->f[hs->docker].path) == 0);
		for (k = 0; k < hs->nchain; k++)
			if (c->store != STORE_HELPER && c->store != STORE_ENV &&
			    strcmp(c->file, hs->f[hs->chain[k]].path) == 0)
				c->read_by[CONSUMER_CONTAINERS] = 1;
		if (c->store == STORE_HELPER)
			c->read_by[CONSUMER_CONTAINERS] = 1;
		/* podman/buildah read the same kinds of store (credplan.h) */
		c->read_by[CONSUMER_PODMAN] = c->read_by[CONSUMER_CONTAINERS] ||
					      (c->store == STORE_DOCKER_CONFIG && c->read_by[CONSUMER_DOCKER]);
	}
}

int resolve_plans(struct resolver *rv)
{
	const char *reg;
	size_t i;
	int c;

	collect_registries(rv);
	mark_read(rv);
	for (i = 0; i < json_array_size(rv->registries); i++) {
		reg = json_string_value(json_array_get(rv->registries, i));
		if (rv->hs->home->current) {
			for (c = 0; c < CONSUMER_COUNT; c++)
				if (plan_current(rv, reg, (enum consumer)c) < 0)
					return -1;
		} else if (plan_other_docker(rv, reg) < 0 || plan_other_containers(rv, reg) < 0) {
			return -1;
		}
	}
	return 0;
}
