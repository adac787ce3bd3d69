/* t-advice.c — what a finding advises (src/advice.h), on a small KB and
 * hand-made probe records:
 *  - a workaround kept as history is never offered;
 *  - env and program conditions (this machine's variables and $PATH,
 *    {helper} from the cred_helper record) decide applicability only when
 *    the failure is on this machine, never for a log from elsewhere;
 *  - a CI log's origin fact reaches the ranking;
 *  - {registry_url} follows the scheme the token_endpoint flow ended on
 *    (else the log's URL, else https), {helper_key} the key the helper
 *    was asked, {auth_key} docker's Hub key; requires lines go along. */
#include "advice.h"

#include "t-lib-cfg.h"
#include "t-lib-kb.h"

#include "checks/checks.h"

static json_t *machine_cond(const char *effect, const char *key, const char *value,
			    const char *flag, int on, const char *why)
{
	return json_pack("{s:{s:s, s:b}, s:s, s:o}", "when", key, value, flag, on, "effect", effect,
			 "why", kbt_text(why));
}

static json_t *workarounds(void)
{
	json_t *hist = kbt_workaround("seed-text", 0.95, NULL, NULL);
	json_t *unset = kbt_workaround("unset-dac", 0.8, "unset DOCKER_AUTH_CONFIG",
		json_pack("[o]", machine_cond("not_applicable", "env", "FIXKB_T_ADVICE_VAR", "set", 0,
					      "not set here")));
	json_t *install = kbt_workaround("install", 0.7, NULL,
		json_pack("[o]", machine_cond("not_applicable", "program", "docker-credential-{helper}",
					      "on_path", 1, "installed here")));
	json_t *curl = kbt_workaround("curl", 0.6, "curl -si {registry_url}/v2/ {helper_key} {auth_key}",
		NULL);
	json_t *gh = kbt_workaround("in-gh", 0.5, NULL,
		json_pack("[o]", kbt_context_cond("indicated", "github_actions", "runs in GitHub")));

	json_object_set_new(hist, "history", json_pack("{s:s, s:s}", "review", "wrong_as_written",
						       "superseded_by", "unset-dac"));
	json_object_set_new(curl, "requires", json_pack("{s:[s], s:[s]}", "en", "needs curl",
							"zh", "需要 curl"));
	return json_pack("[o,o,o,o,o]", hist, unset, install, curl, gh);
}

static const json_t *by_id(const json_t *f, const char *id)
{
	const json_t *w;
	size_t i;

	json_array_foreach(json_object_get(f, "workarounds"), i, w)
		if (strcmp(json_string_value(json_object_get(w, "id")), id) == 0)
			return w;
	return NULL;
}

static const char *verdict(const json_t *f, const char *id)
{
	const json_t *w = by_id(f, id);

	return w ? json_string_value(json_object_get(w, "verdict")) : "(absent)";
}

/* Records: cred_helper ran helper "sh" (on every $PATH) asked for key
 * "reg.example:5000"; token_endpoint ended on plain http. */
static void make_records(struct engine *en, struct probe_record *rec, struct probe_record **ptr)
{
	memset(rec, 0, 2 * sizeof(*rec));
	rec[0].probe = probe_find("cred_helper");
	snprintf(rec[0].registry, sizeof(rec[0].registry), "reg.example:5000");
	rec[0].res.status = PROBE_FAIL;
	snprintf(rec[0].res.code, sizeof(rec[0].res.code), "helper_failed");
	rec[0].res.evidence = json_pack("{s:s, s:s}", "helper", "sh-for-test", "server_key",
					"reg.example:5000");
	rec[1].probe = probe_find("token_endpoint");
	snprintf(rec[1].registry, sizeof(rec[1].registry), "reg.example:5000");
	rec[1].res.status = PROBE_OK;
	snprintf(rec[1].res.code, sizeof(rec[1].res.code), "token_ok");
	rec[1].res.evidence = json_pack("{s:s}", "scheme", "http");
	ptr[0] = &rec[0];
	ptr[1] = &rec[1];
	memset(en, 0, sizeof(*en));
	en->records = ptr;
	en->n = 2;
}

static json_t *advise(const struct kb_entry *entry, const struct engine *en, int this_machine,
		      const char *origin, const char *registry, const char *url)
{
	struct settings s = SETTINGS_INIT;
	struct advice_spec sp;
	struct err e = ERR_INIT;
	json_t *f = json_object();

	memset(&sp, 0, sizeof(sp));
	sp.entry = entry;
	sp.registry = registry;
	sp.url = url;
	sp.this_machine = this_machine;
	sp.origin = origin;
	ok(advice_add(f, &sp, en, &s, &e) == 0, "advice_add (%s, %s)", this_machine ? "here" : "elsewhere",
	   origin ? origin : "no origin");
	return f;
}

int main(void)
{
	const char *probes[] = { "cred_helper", "token_endpoint", NULL };
	struct kb *real = kbt_real(), *kb;
	json_t *entries[2], *f;
	struct probe_record rec[2], *ptr[2];
	struct engine en;
	char dir[600], bin[700], prog[800], path[1600];
	const char *oldpath = getenv("PATH");
	FILE *fp;

	scratch_init();
	snprintf(dir, sizeof(dir), "%s/kb", spath(""));
	entries[0] = kbt_entry(real, "credentials/helper-failed", "test/advice", "helper_failed",
			       probes, workarounds());
	entries[1] = NULL;
	kb = kbt_load(dir, entries);
	make_records(&en, rec, ptr);

	/* a docker-credential-sh-for-test on a private PATH dir */
	snprintf(bin, sizeof(bin), "%s/bin", spath(""));
	mkdir(bin, 0700);
	snprintf(prog, sizeof(prog), "%s/docker-credential-sh-for-test", bin);
	fp = fopen(prog, "w");
	if (fp) {
		fputs("#!/bin/sh\nexit 0\n", fp);
		fclose(fp);
	}
	chmod(prog, 0755);
	snprintf(path, sizeof(path), "%s:%s", bin, oldpath ? oldpath : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	unsetenv("FIXKB_T_ADVICE_VAR");

	/* on this machine */
	f = advise(kb_find(kb, "test/advice"), &en, 1, NULL, "reg.example:5000", NULL);
	ok(!by_id(f, "seed-text"), "history: never offered");
	is_int((long long)json_array_size(json_object_get(f, "workarounds")), 4, "the other four are");
	is_str(verdict(f, "unset-dac"), "not_applicable", "env unset here: not applicable");
	is_str(verdict(f, "install"), "not_applicable", "{helper}'s program on $PATH: not applicable");
	is_str(json_string_value(json_object_get(by_id(f, "curl"), "command")),
	       "curl -si http://reg.example:5000/v2/ reg.example:5000 reg.example:5000",
	       "placeholders: the scheme the flow ended on, the helper's key, the auth key");
	is_str(json_string_value(json_array_get(json_object_get(by_id(f, "curl"), "requires"), 0)),
	       "needs curl", "requires goes along");
	is_str(verdict(f, "in-gh"), "neutral", "no CI here: neutral");
	json_decref(f);
	setenv("FIXKB_T_ADVICE_VAR", "x", 1);
	setenv("PATH", oldpath ? oldpath : "/usr/bin:/bin", 1);
	f = advise(kb_find(kb, "test/advice"), &en, 1, NULL, "reg.example:5000", NULL);
	is_str(verdict(f, "unset-dac"), "neutral", "env set here: applicable");
	is_str(verdict(f, "install"), "neutral", "program not on $PATH: applicable");
	json_decref(f);
	unsetenv("FIXKB_T_ADVICE_VAR");

	/* a log from a GitHub Actions runner: this machine decides nothing */
	f = advise(kb_find(kb, "test/advice"), &en, 0, "github_actions", "reg.example:5000", NULL);
	is_str(verdict(f, "unset-dac"), "neutral", "elsewhere: this machine's variables say nothing");
	is_str(verdict(f, "in-gh"), "indicated", "the log's origin is a fact");
	json_decref(f);

	/* {registry_url} without a flow: the log's URL, else https; Hub's auth key */
	f = advise(kb_find(kb, "test/advice"), NULL, 0, NULL, "other.example", "http://other.example/v2/");
	ok(strncmp(json_string_value(json_object_get(by_id(f, "curl"), "command")),
		   "curl -si http://other.example/v2/ ", 34) == 0, "no flow: the scheme of the log's URL");
	json_decref(f);
	f = advise(kb_find(kb, "test/advice"), NULL, 0, NULL, "docker.io", NULL);
	is_str(json_string_value(json_object_get(by_id(f, "curl"), "command")),
	       "curl -si https://registry-1.docker.io/v2/ docker.io https://index.docker.io/v1/",
	       "Docker Hub: https, its request host, docker's Hub key");
	json_decref(f);

	json_decref(rec[0].res.evidence);
	json_decref(rec[1].res.evidence);
	kb_free(kb);
	kb_free(real);
	scratch_done();
	return tap_done();
}
