/* ci_verify.c — candidate credentials checked at the token endpoint, one
 * token flow per repository, every trial on one multi handle. */
#include "fix/ci_verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/token_endpoint.h"
#include "docker/daemoncfg.h"
#include "net/http.h"
#include "net/trust.h"
#include "util/jsontext.h"

struct ci_check {
	const struct ci_repo *repo;        /* NULL: the registry alone (docker login way) */
	struct trust trust;
	struct token_endpoint_check k;
	int started;
	char setup_error[ERR_MSG_MAX];     /* the flow could not start */
};

static enum tokenclient client_of(const struct settings *s)
{
	enum tokenclient c = TOKENCLIENT_BUILDKIT;

	if (s && s->client)
		(void)tokenclient_from_name(s->client, &c);
	return c;
}

static int insecure_declared(const struct settings *s, const char *registry)
{
	char daemon_json[512];
	int i;

	if (daemoncfg_declares_insecure(registry, daemon_json, sizeof(daemon_json)))
		return 1;
	for (i = 0; s && i < s->insecure_registries.n; i++)
		if (daemoncfg_insecure_entry_matches(s->insecure_registries.items[i], registry))
			return 1;
	return 0;
}

static void check_start(struct ci_check *c, const struct ci_trial *t, struct tf_transport *tr,
			const struct settings *s, double deadline_ms)
{
	struct tf_config cfg;
	struct err e = ERR_INIT;

	c->trust = (struct trust)TRUST_INIT;
	if (trust_load(&c->trust, s, t->reg->name, &e) < 0) {
		snprintf(c->setup_error, sizeof(c->setup_error), "%s", e.msg);
		return;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.client = client_of(s);
	snprintf(cfg.registry, sizeof(cfg.registry), "%s", t->reg->name);
	if (c->repo) {
		snprintf(cfg.repo, sizeof(cfg.repo), "%s", c->repo->path);
		snprintf(cfg.ref, sizeof(cfg.ref), "%s", c->repo->ref);
		cfg.push = c->repo->push;   /* pull,push, and the push side checked */
	} else {
		cfg.client = TOKENCLIENT_DOCKER_LOGIN;
	}
	cfg.cred = t->cred && !credential_is_empty(t->cred) ? t->cred : NULL;
	cfg.trust = &c->trust;
	cfg.insecure_declared = insecure_declared(s, t->reg->name);
	cfg.deadline_ms = deadline_ms;
	cfg.timeout_s = s ? s->timeout_s : 0;
	if (token_endpoint_check_start(&c->k, tr, &cfg) < 0) {
		token_endpoint_check_release(&c->k);
		snprintf(c->setup_error, sizeof(c->setup_error), "out of memory");
		return;
	}
	c->started = 1;
}

static int trial_start(struct ci_trial *t, struct tf_transport *tr, const struct settings *s,
		       double deadline_ms, struct err *e)
{
	size_t i, n = t->reg->nrepos ? t->reg->nrepos : 1;

	t->checks = calloc(n, sizeof(*t->checks));
	t->results = json_array();
	if (!t->checks || !t->results)
		return err_set(e, "out of memory");
	t->nchecks = n;
	for (i = 0; i < n; i++) {
		t->checks[i].repo = t->reg->nrepos ? &t->reg->repos[i] : NULL;
		check_start(&t->checks[i], t, tr, s, deadline_ms);
	}
	return 0;
}

/* Whether a check's verdict grants what the repository needs. */
static int granted(const struct ci_trial *t, const struct ci_check *c, enum probe_status st,
		   const char *code, int *warn)
{
	int anonymous = !t->cred || credential_is_empty(t->cred);

	*warn = 0;
	if (st == PROBE_OK)
		return 1;
	/* a token was granted and the repository is unknown: a push creates
	 * it; a missing base image is the build's own error */
	if (strcmp(code, "repo_not_found_or_private") == 0 && !anonymous) {
		*warn = !(c->repo && c->repo->push);
		return 1;
	}
	return 0;
}

static void trial_conclude(struct ci_trial *t)
{
	size_t i;

	t->ok = 1;
	t->status = PROBE_OK;
	snprintf(t->code, sizeof(t->code), "token_ok");
	for (i = 0; i < t->nchecks; i++) {
		struct ci_check *c = &t->checks[i];
		enum probe_status st = PROBE_ERROR;
		char code[PROBE_CODE_MAX] = "probe_error", detail[PROBE_DETAIL_MAX * 2], scope[300];
		json_t *ev = json_object();
		int warn = 0, push_denied = 0;

		if (c->repo)
			ci_repo_scope(c->repo, scope, sizeof(scope));
		else
			snprintf(scope, sizeof(scope), "(login: no scope)");
		if (c->started) {
			token_endpoint_verdict(&c->k, &st, code, sizeof(code), detail, sizeof(detail), ev);
			push_denied = c->k.main.outcome == TF_PUSH_DENIED;
		} else
			snprintf(detail, sizeof(detail), "could not check: %s", c->setup_error);
		json_decref(ev);
		jsontext_sanitize_utf8(detail);
		json_array_append_new(t->results, json_pack("{s:s?, s:s, s:s, s:s, s:s}",
			"image", c->repo ? c->repo->image : NULL, "scope", scope,
			"status", probe_status_name(st), "code", code, "detail", detail));
		if (granted(t, c, st, code, &warn)) {
			size_t l = strlen(t->scopes);

			if (c->repo)
				snprintf(t->scopes + l, sizeof(t->scopes) - l, "%s%s", l ? " " : "", scope);
			if (warn && !t->warned) {
				t->warned = 1;
				snprintf(t->detail, sizeof(t->detail), "%s: %s", c->repo->image, detail);
			}
			continue;
		}
		if (!t->ok)
			continue;
		t->ok = 0;
		t->warned = 0;
		t->status = st;
		snprintf(t->code, sizeof(t->code), "%s", code);
		snprintf(t->detail, sizeof(t->detail), "%s", detail);
		snprintf(t->failed_scope, sizeof(t->failed_scope), "%s", scope);
		t->push_denied = push_denied;
	}
}

/* The flows hold requests of the client: released before it. */
static void flows_release(struct ci_trial *t, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < t[i].nchecks; j++)
			if (t[i].checks[j].started) {
				token_endpoint_check_release(&t[i].checks[j].k);
				t[i].checks[j].started = 0;
			}
}

int ci_verify(struct ci_trial *t, size_t n, const struct settings *s, double deadline_ms,
	      struct err *e)
{
	struct http_client hc;
	struct tf_transport tr;
	size_t i;
	int rc = 0;

	if (http_client_init(&hc, s, e) < 0)
		return -1;
	tf_transport_http(&tr, &hc);
	for (i = 0; i < n && rc == 0; i++)
		rc = trial_start(&t[i], &tr, s, deadline_ms, e);
	if (rc == 0) {
		http_client_run(&hc, deadline_ms);
		for (i = 0; i < n; i++)
			trial_conclude(&t[i]);
	}
	flows_release(t, n);
	http_client_release(&hc);
	return rc;
}

void ci_trial_release(struct ci_trial *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nchecks; i++) {
		if (t->checks[i].started)
			token_endpoint_check_release(&t->checks[i].k);
		trust_release(&t->checks[i].trust);
	}
	free(t->checks);
	t->checks = NULL;
	t->nchecks = 0;
	json_decref(t->results);
	t->results = NULL;
}
