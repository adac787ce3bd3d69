/* explain's pipeline (src/explain.c) on the embedded KB and a real log:
 * matches grouped by entry and registry, the probes run per registry are
 * the union of the matched entries' `probes` lists (what applies of it),
 * and each finding's severity is its cause's (cause.h). The probes are
 * the real ones, on a scratch HOME; the network probe talks to closed
 * loopback ports only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cause.h"
#include "engine.h"
#include "explain.h"
#include "checks/checks.h"
#include "kb.h"
#include "t-lib-cfg.h"

static struct settings S = SETTINGS_INIT;

/* registry/network-unreachable names 127.0.0.1:1, registry/
 * credentials-rejected names 127.0.0.1:2 (twice), the plaintext warning
 * no registry. */
static const char LOG[] =
	"#5 [internal] load metadata for 127.0.0.1:1/team/base:1\n"
	"Error response from daemon: Get \"https://127.0.0.1:1/v2/\": dial tcp 127.0.0.1:1: "
	"connect: connection refused\n"
	"Step 3/9 : RUN make\n"
	"Error response from daemon: Get \"https://127.0.0.1:2/v2/\": unauthorized: incorrect "
	"username or password\n"
	"Error response from daemon: Get \"https://127.0.0.1:2/v2/\": unauthorized: incorrect "
	"username or password\n"
	"WARNING! Your credentials are stored unencrypted in '/root/.docker/config.json'.\n";

static const struct explain_hit *hit_of(const struct explain *x, const char *entry,
					const char *registry)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (strcmp(x->hits[i].entry->id, entry) == 0 &&
		    strcmp(x->hits[i].registry, registry) == 0)
			return &x->hits[i];
	return NULL;
}

/* The probe names recorded for registry, in run order, space-separated. */
static const char *ran_for(const struct engine *en, const char *registry)
{
	static char out[256];
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; i < en->n; i++)
		if (strcmp(en->records[i]->registry, registry) == 0)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", n ? " " : "",
					      en->records[i]->probe->name);
	return out;
}

static struct explain *scan(const struct kb *kb)
{
	struct explain *x = NULL;
	struct err e = ERR_INIT;
	FILE *fp = fmemopen((void *)LOG, sizeof(LOG) - 1, "r");

	if (!ok(fp && explain_new(&x, kb, &e) == 0, "explain_new (%s)", e.msg))
		exit(1);
	ok(explain_scan(x, fp, 0, &e) == 0 && !x->partial, "the log is scanned to its end (%s)", e.msg);
	fclose(fp);
	return x;
}

static void test_scan(const struct kb *kb)
{
	struct explain *x = scan(kb);
	const struct explain_hit *h;

	h = hit_of(x, "registry/credentials-rejected", "127.0.0.1:2");
	ok(h && h->count == 2 && h->line == 4, "a repeated line is one hit with a count, at its first line");
	h = hit_of(x, "registry/network-unreachable", "127.0.0.1:1");
	ok(h && h->base_image, "a registry with a metadata load is a base-image pull");
	ok(hit_of(x, "config/plaintext-credentials", "") != NULL, "a hit without a registry");
	explain_free(x);
}

/* Is probe tied to an entry matched for registry? */
static int tied(const struct explain *x, const char *registry, const char *probe)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (strcmp(x->hits[i].registry, registry) == 0 &&
		    kb_entry_has_probe(x->hits[i].entry, probe))
			return 1;
	return 0;
}

/* The probes that ran for registry are exactly the tied ones that apply:
 * those without an applies() rule always, docker_auth_config when
 * dac_set, keyring when secretservice. Computed from the KB, so the test
 * follows the entries' lists as they change. */
static void check_union(const struct explain *x, const struct engine *en, const char *registry,
			int dac_set, int secretservice)
{
	size_t i;

	for (i = 0; probe_table[i]; i++) {
		const struct probe *p = probe_table[i];
		int want = tied(x, registry, p->name);

		if (strcmp(p->name, "docker_auth_config") == 0)
			want &= dac_set;
		else if (strcmp(p->name, "keyring") == 0)
			want &= secretservice;
		else if (p->applies)
			continue;   /* a rule this test does not know */
		is_int(engine_find(en, p->name, registry) != NULL, want, "%s %s: %s", registry, p->name,
		       want ? "tied and applies: ran" : "not tied or does not apply: did not run");
	}
}

static void test_probes(const struct kb *kb)
{
	struct explain *x = scan(kb);
	struct engine en;
	struct err e = ERR_INIT;

	engine_init(&en, &S);
	is_int(explain_run_probes(x, &en, &e), 0, "explain_run_probes (%s)", e.msg);
	check_union(x, &en, "127.0.0.1:1", 0, 0);
	check_union(x, &en, "127.0.0.1:2", 0, 0);
	is_str(ran_for(&en, ""), "", "a hit without a registry runs no probe");
	engine_release(&en);

	setenv("DOCKER_AUTH_CONFIG", "{\"auths\": {}}", 1);
	put("home/.docker/config.json", "{\"credsStore\": \"secretservice\"}");
	engine_init(&en, &S);
	is_int(explain_run_probes(x, &en, &e), 0, "explain_run_probes (%s)", e.msg);
	check_union(x, &en, "127.0.0.1:1", 1, 1);
	check_union(x, &en, "127.0.0.1:2", 1, 1);
	engine_release(&en);
	unsetenv("DOCKER_AUTH_CONFIG");
	rm_rel("home/.docker/config.json");
	explain_free(x);
}

static void test_findings(const struct kb *kb)
{
	struct explain *x = scan(kb);
	struct engine en;
	struct err e = ERR_INIT;
	json_t *f;
	size_t i;
	int seen_warn = 0;

	engine_init(&en, &S);
	explain_run_probes(x, &en, &e);
	f = explain_findings(x, &en, &S, &e);
	if (!ok(f && json_array_size(f) == x->n, "one finding per hit (%s)", e.msg))
		return;
	for (i = 0; i < json_array_size(f); i++) {
		const json_t *one = json_array_get(f, i);
		const char *cause = json_string_value(json_object_get(one, "cause"));
		const char *sev = json_string_value(json_object_get(one, "severity"));

		is_str(sev, severity_name(cause_severity(cause)), "%s: severity from the cause table",
		       cause);
		seen_warn |= strcmp(sev, "warn") == 0;
	}
	ok(seen_warn, "plaintext_credentials is a warning");
	ok(json_is_true(json_object_get(json_array_get(f, 0), "evidence_agrees")) &&
	   strcmp(json_string_value(json_object_get(json_array_get(f, 0), "cause")),
		  "network_unreachable") == 0,
	   "the closed port's token_endpoint agrees with network_unreachable (evidence_agrees)");
	json_decref(f);
	engine_release(&en);
	explain_free(x);
}

int main(void)
{
	struct kb *kb = NULL;
	struct err e = ERR_INIT;

	scratch_init();
	S.timeout_s = 5;
	if (!ok(kb_load_embedded(&kb, &e) == 0, "embedded kb (%s)", e.msg))
		return tap_done();
	test_scan(kb);
	test_probes(kb);
	test_findings(kb);
	kb_free(kb);
	scratch_done();
	return tap_done();
}
