/* t-fix-plan — the planner's rules on the embedded KB, with findings and
 * probe records as doctor makes them (no network, no helper run):
 * every KB action is implemented; a finding takes the first workaround
 * whose action acts, a blocked one only when none does; a logout never
 * erases what a store step stores (but stays when that store waits for
 * input); steps run in phase order whatever the findings' order; the
 * plan's diff of config.json keeps unknown fields and masks secrets; a
 * finding is annotated with its step; a dry run writes nothing. */
#include "fix/plan.h"

#include "actions.h"
#include "findings.h"
#include "t-lib-fix.h"

static struct kb *kb;

/* A probe record as the engine keeps one. */
static struct probe_record *record(const struct probe *p, const char *registry,
				   enum probe_status st, const char *code, json_t *ev)
{
	struct probe_record *r = calloc(1, sizeof(*r));

	r->probe = p;
	snprintf(r->registry, sizeof(r->registry), "%s", registry);
	r->res.status = st;
	snprintf(r->res.code, sizeof(r->res.code), "%s", code);
	snprintf(r->res.detail, sizeof(r->res.detail), "%s says %s", p->name, code);
	r->res.evidence = ev ? ev : json_object();
	return r;
}

static void engine_add(struct engine *en, struct probe_record *r)
{
	en->records = realloc(en->records, (en->n + 1) * sizeof(*en->records));
	en->records[en->n++] = r;
}

/* The finding doctor makes for that record: the KB entry for its cause,
 * ranked on the engine's records. */
static json_t *finding(struct engine *en, const struct probe_record *r, const char *image,
		       const struct settings *s)
{
	struct finding_spec sp;
	struct err e = ERR_INIT;

	memset(&sp, 0, sizeof(sp));
	sp.entry = kb_find_by_cause(kb, r->res.code, r->probe->name);
	sp.cause = r->res.code;
	sp.severity = probe_status_name(r->res.status);
	sp.registry = r->registry;
	sp.image = image;
	sp.trigger = r;
	return finding_new(&sp, en, s, &e);
}

static char *steps_of(const struct fix_plan *p)
{
	static char out[512];
	static const char *const kinds[] = { "write", "yours", "manual", "blocked" };
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; i < p->n; i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s/%s", i ? " " : "",
				      p->steps[i].act ? p->steps[i].act->name : "-",
				      kinds[p->steps[i].kind]);
	return out;
}

static void test_table(void)
{
	size_t i, n = 0;

	for (i = 0; action_table[i].name; i++)
		ok(fixaction_find(action_table[i].name) != NULL, "action %s is implemented",
		   action_table[i].name);
	for (i = 0; fixaction_table[i]; i++, n++)
		ok(action_find(fixaction_table[i]->name) != NULL, "%s is a name the KB may use",
		   fixaction_table[i]->name);
	for (i = 0; action_table[i].name; i++)
		;
	is_int((int)n, (int)i, "the two tables have the same rows");
}

/* A rejected stored credential, a missing credsStore helper and the
 * stale-on-public-image evidence, on one registry. */
static void test_rules(const struct settings *s)
{
	struct engine en;
	struct fix_input in = FIX_INPUT_INIT;
	struct fix_plan p = FIX_PLAN_INIT;
	struct err e = ERR_INIT;
	json_t *findings = json_array(), *js;
	struct fix_ctx c;
	const char *R = "reg.example:5000";

	engine_init(&en, s);
	put("home/.docker/config.json",
	    "{\"auths\":{\"reg.example:5000\":{\"auth\":\"YWxpY2U6c2VjcmV0cHc=\"}},"
	    "\"credsStore\":\"desktop\",\"myTool\":{\"keep\":true}}");
	engine_add(&en, record(&probe_token_endpoint, R, PROBE_FAIL, "shadowed_credentials", NULL));
	engine_add(&en, record(&probe_cred_helper, R, PROBE_FAIL, "helper_missing",
			       json_pack("{s:s, s:s, s:s, s:s}", "helper", "desktop", "outcome", "missing",
					 "source", "credsStore", "server_key", R)));
	/* findings as doctor orders them: the token first, then the helper */
	json_array_append_new(findings, finding(&en, en.records[0], "reg.example:5000/a/b:1", s));
	json_array_append_new(findings, finding(&en, en.records[1], NULL, s));
	c = (struct fix_ctx){ s, kb, &en, NULL, findings, &in };

	/* no credential: a logout acts now (anonymous pull was seen to work) */
	is_int(fixplan_build(&p, &c, -1, &e), 0, "dry plan (%s)", e.msg);
	is_str(steps_of(&p), "drop_missing_creds_store/write logout_registry/write",
	       "phase order: the config's repair before the logout, whatever the findings' order");
	js = fixplan_json(&p, &e);
	ok(strstr(json_string_value(json_object_get(js, "diff")), "-\t\"credsStore\": \"desktop\",") ||
	   strstr(json_string_value(json_object_get(js, "diff")), "\"credsStore\":\"desktop\""),
	   "the diff removes credsStore");
	ok(strstr(json_string_value(json_object_get(js, "diff")), "secretpw") == NULL &&
	   strstr(json_string_value(json_object_get(js, "diff")), "YWxpY2U6c2VjcmV0cHc=") == NULL,
	   "the diff shows no secret");
	ok(p.ws.n && p.ws.files[p.cfg_index].new_text.data &&
	   strstr(p.ws.files[p.cfg_index].new_text.data, "\"myTool\": {\n\t\t\"keep\": true\n\t}"),
	   "the new config.json keeps the unknown field");
	ok(p.ws.files[p.cfg_index].new_text.data &&
	   !strstr(p.ws.files[p.cfg_index].new_text.data, "credsStore"), "and has no credsStore");
	json_decref(js);
	fixplan_annotate(&p, findings);
	is_int((int)json_integer_value(json_object_get(json_object_get(json_array_get(findings, 0),
				       "plan"), "step")), 2, "the token finding points at step 2");
	ok(!exists(spath("state")), "a dry run creates no state");
	fixplan_release(&p);

	/* with a credential for it and a finding the store fixes (no
	 * credential where docker looks): the store replaces the logout */
	engine_add(&en, record(&probe_config_auth, R, PROBE_WARN, "no_credentials", NULL));
	json_array_append_new(findings, finding(&en, en.records[2], NULL, s));
	in.have_cred = 1;
	snprintf(in.cred.username, sizeof(in.cred.username), "alice");
	sensitive_set(&in.cred.secret, "newpw", 5);
	snprintf(in.cred_registry, sizeof(in.cred_registry), "%s", R);
	snprintf(in.cred_origin, sizeof(in.cred_origin), "--username alice --password-stdin");
	for (size_t i = 0; i < json_array_size(findings); i++)
		json_object_del(json_array_get(findings, i), "plan");
	p = (struct fix_plan)FIX_PLAN_INIT;
	err_clear(&e);
	is_int(fixplan_build(&p, &c, -1, &e), 0, "dry plan with a credential (%s)", e.msg);
	ok(strstr(steps_of(&p), "logout_registry") == NULL, "no logout of what a step stores: %s",
	   steps_of(&p));
	ok(strstr(steps_of(&p), "store_credentials_from_env/write") != NULL, "the store is planned");
	{
		char *d = p.dropped ? json_dumps(p.dropped, 0) : NULL;

		ok(d && strstr(d, "no logout: it would erase the credential"),
		   "and the plan says why the logout went");
		free(d);
	}
	fixplan_release(&p);
	credential_release(&in.cred);

	/* a credential for another registry: the store waits, the logout stays */
	in.have_cred = 1;
	snprintf(in.cred.username, sizeof(in.cred.username), "alice");
	sensitive_set(&in.cred.secret, "newpw", 5);
	snprintf(in.cred_registry, sizeof(in.cred_registry), "other.example");
	p = (struct fix_plan)FIX_PLAN_INIT;
	is_int(fixplan_build(&p, &c, -1, &e), 0, "dry plan, credential for another registry");
	ok(strstr(steps_of(&p), "logout_registry/write") != NULL,
	   "a store waiting for input does not fold the logout away: %s", steps_of(&p));
	fixplan_release(&p);
	credential_release(&in.cred);
	json_decref(findings);
	engine_release(&en);
}

/* A rejected credential and nothing else: without input the store step
 * waits for it (blocked, saying what), and nothing else stands in. */
static void test_blocked(const struct settings *s)
{
	struct engine en;
	struct fix_input in = FIX_INPUT_INIT;
	struct fix_plan p = FIX_PLAN_INIT;
	struct err e = ERR_INIT;
	json_t *findings = json_array();
	struct fix_ctx c;
	const char *R = "reg.example:5000";

	engine_init(&en, s);
	put("home/.docker/config.json", "{\"auths\":{\"reg.example:5000\":{\"auth\":\"YWxpY2U6eA==\"}}}");
	engine_add(&en, record(&probe_token_endpoint, R, PROBE_FAIL, "oauth_token_rejected", NULL));
	json_array_append_new(findings, finding(&en, en.records[0], NULL, s));
	c = (struct fix_ctx){ s, kb, &en, NULL, findings, &in };
	is_int(fixplan_build(&p, &c, -1, &e), 0, "dry plan (%s)", e.msg);
	is_str(steps_of(&p), "store_credentials_from_env/blocked", "the store waits for a credential");
	ok(p.n && p.steps[0].needs && strstr(p.steps[0].needs, "--password-env"),
	   "and says what it needs");
	fixplan_release(&p);
	json_decref(findings);
	engine_release(&en);
}

int main(void)
{
	struct settings s = SETTINGS_INIT;
	struct err e = ERR_INIT;

	scratch_init();
	sensitive_wipe_json_allocations();
	setenv("HOME", spath("home"), 1);
	setenv("DOCKER_CONFIG", spath("home/.docker"), 1);
	setenv("XDG_STATE_HOME", spath("state"), 1);
	setenv("PASSWORD_STORE_DIR", spath("no-pass"), 1);
	unsetenv("DOCKER_AUTH_CONFIG");
	s.offline = 1;
	if (kb_load_embedded(&kb, &e) < 0) {
		ok(0, "load the kb: %s", e.msg);
		return tap_done();
	}
	test_table();
	test_rules(&s);
	test_blocked(&s);
	kb_free(kb);
	scratch_done();
	return tap_done();
}
