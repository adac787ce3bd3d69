/* The engine's policy (engine_run_for): names resolved and unknown ones
 * refused before anything runs, each probe's applies() rule honoured per
 * registry, unmet needs recorded as skip with the reason, the run's
 * deadline recorded as error, local probes first in the order asked and
 * each batched probe once for every registry, records found by name and
 * registry.
 *
 * The real probes run on a scratch HOME. Two test-only probes (t_local,
 * t_batch) are the engine's inputs, not stand-ins for a component: they
 * log when and how the engine calls them, which no real probe shows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "engine.h"
#include "t-lib-cfg.h"
#include "util/clock.h"

static struct settings S = SETTINGS_INIT;

/* What the engine did, in order: "local:REG" and "batch:N:REG,REG". */
static char calls[1024];

static void note(const char *what)
{
	size_t n = strlen(calls);

	snprintf(calls + n, sizeof(calls) - n, "%s%s", n ? " " : "", what);
}

static void t_local_run(const struct probe_ctx *ctx, struct probe_result *res)
{
	char what[300];

	snprintf(what, sizeof(what), "local:%s", ctx->registry ? ctx->registry : "-");
	note(what);
	probe_result_set(res, PROBE_OK, "ran", "ran for %s", ctx->registry ? ctx->registry : "-");
}

/* t_local does not apply to "skip.example". */
static int t_local_applies(const struct probe_ctx *ctx)
{
	return !ctx->registry || strcmp(ctx->registry, "skip.example") != 0;
}

static const struct probe t_local = {
	.name = "t_local",
	.summary = "test probe: logs each run",
	.needs = NEEDS_REGISTRY,
	.deadline_ms = 1000,
	.run = t_local_run,
	.run_batch = NULL,
	.applies = t_local_applies,
};

static double batch_deadline[8];

static void t_batch_run_batch(const struct probe_ctx *ctxs, struct probe_result *res, size_t n)
{
	char what[300];
	size_t i, len;

	len = (size_t)snprintf(what, sizeof(what), "batch:%zu:", n);
	for (i = 0; i < n; i++) {
		len += (size_t)snprintf(what + len, sizeof(what) - len, "%s%s", i ? "," : "",
					ctxs[i].registry);
		if (i < 8)
			batch_deadline[i] = ctxs[i].deadline_ms;
		probe_result_set(&res[i], PROBE_WARN, "no_credentials", "batched for %s",
				 ctxs[i].registry);
	}
	note(what);
}

static void t_batch_run(const struct probe_ctx *ctx, struct probe_result *res)
{
	note("single");
	probe_result_set(res, PROBE_OK, "ran", "alone");
}

static const struct probe t_batch = {
	.name = "t_batch",
	.summary = "test probe: logs each batch",
	.needs = NEEDS_REGISTRY | NEEDS_NETWORK,
	.deadline_ms = 500,
	.run = t_batch_run,
	.run_batch = t_batch_run_batch,
	.applies = NULL,
};

static const struct probe *const test_table[] = {
	&probe_config_auth, &probe_cred_helper, &probe_docker_auth_config, &probe_keyring,
	&probe_token_endpoint, &t_batch, &t_local, NULL,
};

static void engine_start(struct engine *en)
{
	engine_init(en, &S);
	en->table = test_table;
	calls[0] = '\0';
}

static struct engine_target target(const char *registry, const char *const *probes, size_t n)
{
	struct engine_target t;

	memset(&t, 0, sizeof(t));
	t.registry = registry;
	t.probes = probes;
	t.nprobes = n;
	return t;
}

static void test_names(void)
{
	static const char *const good[] = { "config_auth", "t_local" };
	static const char *const bad[] = { "config_auth", "no_such_probe" };
	struct engine_target t[2];
	struct engine en;
	struct err e = ERR_INIT;

	engine_start(&en);
	t[0] = target("ghcr.io", good, 2);
	t[1] = target("quay.io", bad, 2);
	is_int(engine_run_for(&en, t, 2, &e), -1, "an unknown probe name fails the call");
	ok(strstr(e.msg, "no_such_probe") && strstr(e.msg, "quay.io"),
	   "the error names the probe and the registry: %s", e.msg);
	is_int(en.n, 0, "nothing ran: names are checked first");
	is_str(calls, "", "no probe was called");
	engine_release(&en);

	engine_start(&en);
	en.table = probe_table;
	err_clear(&e);
	t[0] = target("ghcr.io", good, 2);
	ok(engine_run_for(&en, t, 1, &e) < 0 && strstr(e.msg, "t_local"),
	   "names resolve against en->table only (probe_table has no t_local)");
	engine_release(&en);
}

static void test_order_and_batch(void)
{
	static const char *const ab[] = { "t_batch", "t_local", "config_auth", "t_local" };
	static const char *const local_only[] = { "t_local" };
	struct engine_target t[4];
	const struct probe_record *r;
	struct engine en;
	struct err e = ERR_INIT;
	size_t i, n_local = 0;

	engine_start(&en);
	t[0] = target("a.example", ab, 4);
	t[1] = target("skip.example", ab, 4);
	t[2] = target("c.example", local_only, 1);
	t[3] = target("d.example", ab, 4);
	t[3].local_only = 1;
	is_int(engine_run_for(&en, t, 4, &e), 0, "run_for runs (%s)", e.msg);
	is_str(calls, "local:a.example local:c.example local:d.example "
	       "batch:2:a.example,skip.example",
	       "locals per registry in the order asked (twice asked, once run; t_local does not "
	       "apply to skip.example), then one batch for every registry that asks for it "
	       "(not c, which did not ask, nor d, local only)");
	for (i = 0; i < en.n; i++)
		n_local += strcmp(en.records[i]->probe->name, "t_local") == 0;
	is_int(n_local, 3, "a probe that does not apply leaves no record");
	ok(engine_find(&en, "t_local", "skip.example") == NULL, "no t_local record for skip.example");
	ok(engine_find(&en, "t_batch", "d.example") == NULL, "no network probe on a local-only target");
	r = engine_find(&en, "t_batch", "skip.example");
	ok(r && r->res.status == PROBE_WARN && strstr(r->res.detail, "skip.example"),
	   "each batched result lands in its registry's record");
	r = engine_find(&en, "config_auth", "a.example");
	ok(r && r->res.status == PROBE_WARN && strcmp(r->res.code, "no_credentials") == 0,
	   "the real config_auth ran for a.example: %s (%s)", r ? r->res.detail : "-",
	   r ? r->res.code : "-");
	ok(r && json_is_object(r->res.evidence) && r->res.ms >= 0, "with evidence and a time");
	ok(engine_find(&en, "config_auth", "d.example") != NULL, "local probes run on a local-only target");
	ok(batch_deadline[0] > en.start_ms && batch_deadline[0] <= en.start_ms + 500 + 1000,
	   "the batch runs under the probe's own deadline");
	engine_release(&en);
}

static void test_needs(void)
{
	static const char *const some[] = { "config_auth", "token_endpoint", "t_batch" };
	struct engine_target t[2];
	const struct probe_record *r;
	struct engine en;
	struct err e = ERR_INIT;

	S.offline = 1;
	engine_start(&en);
	t[0] = target(NULL, some, 3);
	t[1] = target("ghcr.io", some, 3);
	is_int(engine_run_for(&en, t, 2, &e), 0, "run_for with unmet needs (%s)", e.msg);
	r = engine_find(&en, "config_auth", NULL);
	ok(r && r->res.status == PROBE_SKIP && strstr(r->res.detail, "needs a registry"),
	   "no registry: skip, with the reason (%s)", r ? r->res.detail : "no record");
	r = engine_find(&en, "token_endpoint", "ghcr.io");
	ok(r && r->res.status == PROBE_SKIP && strstr(r->res.detail, "--offline"),
	   "--offline: the network probe is skipped, with the reason (%s)",
	   r ? r->res.detail : "no record");
	r = engine_find(&en, "t_batch", "ghcr.io");
	ok(r && r->res.status == PROBE_SKIP && strcmp(r->res.code, "unmet_need") == 0,
	   "a batched probe's unmet need is recorded per registry");
	ok(strstr(calls, "batch") == NULL, "and the batch was not called");
	r = engine_find(&en, "config_auth", "ghcr.io");
	ok(r && r->res.status != PROBE_SKIP, "a local probe still runs offline");
	engine_release(&en);
	S.offline = 0;
}

static void test_deadline(void)
{
	static const char *const some[] = { "config_auth", "t_batch" };
	struct engine_target t[2];
	const struct probe_record *r;
	struct engine en;
	struct err e = ERR_INIT;

	S.timeout_s = 0;
	engine_start(&en);
	t[0] = target("ghcr.io", some, 2);
	t[1] = target("quay.io", some, 2);
	is_int(engine_run_for(&en, t, 2, &e), 0, "run_for after the deadline (%s)", e.msg);
	is_int(en.n, 4, "every probe asked is recorded");
	r = engine_find(&en, "config_auth", "quay.io");
	ok(r && r->res.status == PROBE_ERROR && strcmp(r->res.code, "run_deadline") == 0,
	   "a local probe after the run's deadline: error (%s)", r ? r->res.detail : "no record");
	r = engine_find(&en, "t_batch", "ghcr.io");
	ok(r && r->res.status == PROBE_ERROR && strstr(r->res.detail, "deadline"),
	   "a batched probe after the deadline: error");
	is_str(calls, "", "nothing was called");
	engine_release(&en);
	S.timeout_s = 10;
}

static void test_applicability(void)
{
	static const char *const all[] = { "config_auth", "docker_auth_config", "cred_helper", "keyring" };
	struct engine_target t[2];
	struct engine en;
	struct err e = ERR_INIT;

	put("home/.docker/config.json", "{\"auths\": {\"ghcr.io\": {}}}");
	engine_start(&en);
	t[0] = target("ghcr.io", all, 4);
	t[1] = target("quay.io", all, 4);
	is_int(engine_run_for(&en, t, 2, &e), 0, "run_for (%s)", e.msg);
	ok(engine_find(&en, "config_auth", "ghcr.io") && engine_find(&en, "cred_helper", "quay.io"),
	   "probes without a rule run for every registry");
	ok(!engine_find(&en, "docker_auth_config", "ghcr.io"),
	   "docker_auth_config does not apply while DOCKER_AUTH_CONFIG is unset");
	ok(!engine_find(&en, "keyring", "ghcr.io") && !engine_find(&en, "keyring", "quay.io"),
	   "keyring does not apply when no plan uses secretservice");
	engine_release(&en);

	setenv("DOCKER_AUTH_CONFIG", "{\"auths\": {}}", 1);
	put("home/.docker/config.json", "{\"credHelpers\": {\"ghcr.io\": \"secretservice\"}}");
	engine_start(&en);
	is_int(engine_run_for(&en, t, 2, &e), 0, "run_for (%s)", e.msg);
	ok(engine_find(&en, "docker_auth_config", "ghcr.io") &&
	   engine_find(&en, "docker_auth_config", "quay.io"),
	   "docker_auth_config applies once DOCKER_AUTH_CONFIG is set");
	ok(engine_find(&en, "keyring", "ghcr.io") != NULL,
	   "keyring applies where credHelpers sends the registry to secretservice");
	ok(engine_find(&en, "keyring", "quay.io") == NULL, "and only there");
	engine_release(&en);
	unsetenv("DOCKER_AUTH_CONFIG");
	rm_rel("home/.docker/config.json");
}

/* The real network probe, batched, against a closed loopback port. */
static void test_real_batch(void)
{
	static const char *const net[] = { "token_endpoint" };
	struct engine_target t[2];
	const struct probe_record *r;
	struct engine en;
	struct err e = ERR_INIT;
	double t0 = clock_now_ms();

	S.timeout_s = 5;
	engine_start(&en);
	t[0] = target("127.0.0.1:1", net, 1);
	t[1] = target("127.0.0.1:2", net, 1);
	is_int(engine_run_for(&en, t, 2, &e), 0, "token_endpoint batch (%s)", e.msg);
	r = engine_find(&en, "token_endpoint", "127.0.0.1:2");
	ok(r && (r->res.status == PROBE_FAIL || r->res.status == PROBE_ERROR) &&
	   strcmp(r->res.code, "network_unreachable") == 0,
	   "a closed port: network_unreachable (%s: %s)", r ? r->res.code : "-",
	   r ? r->res.detail : "no record");
	ok(engine_find(&en, "token_endpoint", "127.0.0.1:1") != NULL, "one record per registry");
	ok(clock_now_ms() - t0 < 5000, "within the run's deadline");
	engine_release(&en);
	S.timeout_s = 10;
}

int main(void)
{
	scratch_init();
	test_names();
	test_order_and_batch();
	test_needs();
	test_deadline();
	test_applicability();
	test_real_batch();
	scratch_done();
	return tap_done();
}
