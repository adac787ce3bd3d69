#include "findings.h"

#include <stdlib.h>
#include <string.h>

#include "cause.h"
#include "docker/dockercfg.h"
#include "docker/regname.h"
#include "util/msg.h"
#include "rank.h"

#define FACTS_MAX 8

/* Context facts that hold for a finding (kb.h kb_context_facts). */
static size_t context_facts(const char **facts, int base_image)
{
	const char *v;
	size_t n = 0;
	int ci = 0;

	if (base_image)
		facts[n++] = "base_image_pull";
	v = getenv("GITHUB_ACTIONS");
	if (v && strcmp(v, "true") == 0) {
		facts[n++] = "github_actions";
		ci = 1;
	}
	v = getenv("GITLAB_CI");
	if (v && *v) {
		facts[n++] = "gitlab_ci";
		ci = 1;
	}
	v = getenv("CI");
	if (ci || (v && *v && strcmp(v, "false") != 0))
		facts[n++] = "ci";
	if (!(getenv("DISPLAY") && *getenv("DISPLAY")) &&
	    !(getenv("WAYLAND_DISPLAY") && *getenv("WAYLAND_DISPLAY")))
		facts[n++] = "headless";
	return n;
}

/* Replaces every occurrence of `from` in s with `to`; returns a new string. */
static char *replace_all(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0, i;
	const char *p;
	char *out, *o;

	for (p = strstr(s, from); p; p = strstr(p + fl, from))
		n++;
	out = malloc(strlen(s) + n * (tl > fl ? tl - fl : 0) + 1);
	if (!out)
		return NULL;
	for (o = out, i = 0; s[i];) {
		if (strncmp(s + i, from, fl) == 0) {
			memcpy(o, to, tl);
			o += tl;
			i += fl;
		} else {
			*o++ = s[i++];
		}
	}
	*o = '\0';
	return out;
}

/* The helper named by this registry's probes, for the {helper} placeholder. */
static const char *helper_of(const struct engine *en, const char *registry)
{
	const struct probe_record *r = engine_find(en, "cred_helper", registry);
	const char *h = r ? json_string_value(json_object_get(r->res.evidence, "helper")) : NULL;

	return h && *h ? h : "HELPER";
}

/* "<scheme>://<host>" of the registry as it really answers, for the
 * {registry_url} placeholder (a diagnostic curl must use plain http for a
 * plain-http registry): the scheme the token_endpoint flow ended on, else
 * the one of the URL the log line names, else https. */
static void registry_url(char *out, size_t n, const struct engine *en, const char *registry,
			 const char *url)
{
	const struct probe_record *r = en && *registry ? engine_find(en, "token_endpoint", registry)
						       : NULL;
	const char *scheme = r ? json_string_value(json_object_get(r->res.evidence, "scheme")) : NULL;

	if (!(scheme && *scheme) && url && strncmp(url, "http://", 7) == 0)
		scheme = "http";
	snprintf(out, n, "%s://%s", scheme && *scheme ? scheme : "https",
		 *registry ? regname_request_host(registry) : "REGISTRY");
}

static void fill_commands(json_t *workarounds, const char *registry, const char *image,
			  const char *helper, const char *config, const char *reg_url)
{
	const char *from[] = { "{registry_url}", "{registry}", "{image}", "{helper}", "{config}" };
	const char *to[] = { reg_url, registry, image, helper, config };
	size_t i, k;

	for (i = 0; i < json_array_size(workarounds); i++) {
		json_t *w = json_array_get(workarounds, i);
		const char *cmd = json_string_value(json_object_get(w, "command"));
		char *cur, *next;

		if (!cmd)
			continue;
		cur = strdup(cmd);
		for (k = 0; cur && k < sizeof(from) / sizeof(from[0]); k++) {
			next = replace_all(cur, from[k], to[k]);
			free(cur);
			cur = next;
		}
		if (cur)
			json_object_set_new(w, "command", json_string(cur));
		free(cur);
	}
}

static int seen_cause(const json_t *arr, const char *registry, const char *cause)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *f = json_array_get(arr, i);
		const char *reg = json_string_value(json_object_get(f, "registry"));

		if (reg && strcmp(reg, registry) == 0 &&
		    strcmp(json_string_value(json_object_get(f, "cause")), cause) == 0)
			return 1;
	}
	return 0;
}

/* The finding's "evidence": the triggering probe first, then the rest of
 * this registry's records (skips left out), without their raw evidence;
 * ev[] gets every record of the registry for ranking. Returns their count. */
static size_t finding_evidence(json_t *evid, struct rank_evidence *ev,
			       const struct finding_spec *sp, const struct engine *en,
			       const char *registry)
{
	size_t i, nev = 0;

	if (sp->trigger)
		json_array_append_new(evid, probe_record_json(sp->trigger));
	for (i = 0; en && *registry && i < en->n; i++) {
		const struct probe_record *r = en->records[i];

		if (strcmp(r->registry, registry) != 0)
			continue;
		ev[nev].probe = r->probe->name;
		ev[nev].result = &r->res;
		nev++;
		if (r != sp->trigger && r->res.status != PROBE_SKIP)
			json_array_append_new(evid, probe_record_json(r));
	}
	/* DESIGN.md §3 names the probe of an evidence item "probe"; "name"
	 * (the probes array's member) stays for readers of earlier output. */
	for (i = 0; i < json_array_size(evid); i++) {
		json_t *item = json_array_get(evid, i);

		json_object_del(item, "evidence");
		json_object_set(item, "probe", json_object_get(item, "name"));
	}
	return nev;
}

json_t *finding_new(const struct finding_spec *sp, const struct engine *en,
		    const struct settings *s, struct err *e)
{
	const char *registry = sp->registry ? sp->registry : "";
	const struct kb_entry *entry = sp->entry;
	struct ranking rk = RANKING_INIT;
	struct rank_evidence *ev;
	const char *facts[FACTS_MAX];
	char config[4096], reg_url[TARGET_REGISTRY_MAX + 16];
	json_t *f, *evid, *wa;
	size_t nev, nfacts;

	ev = calloc(en && en->n ? en->n : 1, sizeof(*ev));
	f = json_object();
	evid = json_array();
	if (!ev || !f || !evid) {
		free(ev);
		json_decref(f);
		json_decref(evid);
		err_set(e, "out of memory");
		return NULL;
	}
	json_object_set_new(f, "entry", entry ? json_string(entry->id) : json_null());
	json_object_set_new(f, "code", entry ? json_string(entry->code) : json_null());
	json_object_set_new(f, "cause", json_string(sp->cause));
	json_object_set_new(f, "registry", *registry ? json_string(registry) : json_null());
	json_object_set_new(f, "image", sp->image && *sp->image ? json_string(sp->image) : json_null());
	json_object_set_new(f, "severity", json_string(sp->severity ?
			    severity_name(severity_from_name(sp->severity)) :
			    severity_name(cause_severity(sp->cause))));
	json_object_set_new(f, "summary", json_string(cause_describe(sp->cause)));
	if (entry) {
		json_object_set_new(f, "title", json_string(kb_text_get(&entry->title, s->lang)));
		json_object_set_new(f, "root_cause",
				    json_string(kb_text_get(&entry->root_cause, s->lang)));
	}
	nev = finding_evidence(evid, ev, sp, en, registry);
	json_object_set_new(f, "evidence", evid);
	if (!entry) {
		json_object_set_new(f, "workarounds", json_array());
		json_object_set_new(f, "dead_ends", json_array());
		free(ev);
		return f;
	}
	nfacts = context_facts(facts, sp->base_image);
	if (rank_workarounds(&rk, entry, ev, nev, facts, nfacts, s->lang, e) < 0) {
		free(ev);
		json_decref(f);
		return NULL;
	}
	if (dockercfg_default_path(config, sizeof(config), s, e) < 0) {
		err_clear(e);
		snprintf(config, sizeof(config), "~/.docker/config.json");
	}
	wa = rank_workarounds_json(&rk);
	registry_url(reg_url, sizeof(reg_url), en, registry, sp->url);
	fill_commands(wa, *registry ? registry : "REGISTRY",
		      sp->image && *sp->image ? sp->image : "IMAGE",
		      en && *registry ? helper_of(en, registry) : "HELPER", config, reg_url);
	json_object_set_new(f, "workarounds", wa);
	json_object_set_new(f, "dead_ends", rank_dead_ends_json(entry, s->lang));
	ranking_release(&rk);
	free(ev);
	return f;
}

/* The record that speaks for (registry, cause): the first that fails,
 * else the first that warns, so a cause one probe warns about and another
 * fails on is a failure. */
static const struct probe_record *worst_record(const struct engine *en, const char *registry,
					       const char *cause)
{
	const struct probe_record *warn = NULL;
	size_t i;

	for (i = 0; i < en->n; i++) {
		const struct probe_record *r = en->records[i];

		if (strcmp(r->registry, registry) != 0 || strcmp(r->res.code, cause) != 0)
			continue;
		if (r->res.status == PROBE_FAIL)
			return r;
		if (r->res.status == PROBE_WARN && !warn)
			warn = r;
	}
	return warn;
}

static int severity_order(const json_t *f)
{
	return severity_from_name(json_string_value(json_object_get(f, "severity"))) == SEVERITY_WARN;
}

int findings_build(struct findings *f, const struct kb *kb, const struct engine *en,
		   const struct targets *t, const struct settings *s)
{
	struct err e = ERR_INIT;
	json_t *fails, *warns;
	size_t i, j;
	int rc = -1;

	f->json = json_array();
	fails = json_array();
	warns = json_array();
	if (!f->json || !fails || !warns)
		goto cleanup;
	for (i = 0; i < t->n; i++) {
		const struct target *it = &t->items[i];

		for (j = 0; j < en->n; j++) {
			const struct probe_record *r = en->records[j];
			struct finding_spec sp;
			json_t *one;

			if (strcmp(r->registry, it->registry) != 0 ||
			    (r->res.status != PROBE_WARN && r->res.status != PROBE_FAIL) ||
			    !cause_is_valid(r->res.code) ||
			    seen_cause(fails, it->registry, r->res.code) ||
			    seen_cause(warns, it->registry, r->res.code))
				continue;
			r = worst_record(en, it->registry, r->res.code);
			memset(&sp, 0, sizeof(sp));
			sp.entry = kb_find_by_cause(kb, r->res.code, r->probe->name);
			sp.cause = r->res.code;
			sp.severity = probe_status_name(r->res.status);
			sp.registry = it->registry;
			sp.image = it->image;
			sp.trigger = r;
			sp.base_image = it->base_image;
			one = finding_new(&sp, en, s, &e);
			if (!one)
				goto cleanup;
			json_array_append_new(severity_order(one) ? warns : fails, one);
		}
	}
	json_array_extend(f->json, fails);
	json_array_extend(f->json, warns);
	rc = 0;
cleanup:
	json_decref(fails);
	json_decref(warns);
	return rc;
}

void findings_release(struct findings *f)
{
	json_decref(f->json);
	f->json = NULL;
}

static const char *str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

void finding_print_text(FILE *out, const struct settings *s, const json_t *f)
{
	const json_t *wa = json_object_get(f, "workarounds"), *de = json_object_get(f, "dead_ends");
	int zh = s->lang == LANG_ZH;
	size_t i, shown;

	fprintf(out, "    %s %s", zh ? "原因:" : "cause:", str(f, "summary"));
	if (json_is_string(json_object_get(f, "entry")))
		fprintf(out, "  [kb: %s]", str(f, "entry"));
	fputc('\n', out);
	if (s->verbose && *str(f, "root_cause"))
		fprintf(out, "           %s\n", str(f, "root_cause"));
	for (i = 0, shown = 0; i < json_array_size(wa); i++) {
		const json_t *w = json_array_get(wa, i);
		const char *cmd = str(w, "command");

		if (i == 0) {
			fprintf(out, "    %s %s (%.0f%%)\n", zh ? "修复:" : "fix:  ", str(w, "title"),
				json_real_value(json_object_get(w, "success")) * 100);
			if (*str(w, "why"))
				fprintf(out, "           %s\n", str(w, "why"));
			if (*cmd)
				fprintf(out, "           $ %s\n", cmd);
			continue;
		}
		if (!s->verbose && shown >= 2)
			break;
		fprintf(out, "    %s %d. %s (%.0f%%%s)\n", zh ? "其他:" : "also: ",
			(int)json_integer_value(json_object_get(w, "rank")), str(w, "title"),
			json_real_value(json_object_get(w, "success")) * 100,
			json_is_true(json_object_get(w, "applicable")) ? "" :
			(zh ? ", 不适用" : ", not applicable here"));
		if (s->verbose && *cmd)
			fprintf(out, "           $ %s\n", cmd);
		shown++;
	}
	for (i = 0; i < json_array_size(de); i++) {
		const json_t *d = json_array_get(de, i);

		if (!s->verbose && i >= 2)
			break;
		fprintf(out, "    %s %s", zh ? "无效:" : "don't bother:", str(d, "what"));
		if (s->verbose)
			fprintf(out, " — %s", str(d, "why"));
		fputc('\n', out);
	}
}

void findings_print_text(FILE *out, const struct settings *s, const struct findings *f,
			 const char *registry)
{
	size_t i;

	for (i = 0; i < json_array_size(f->json); i++) {
		const json_t *one = json_array_get(f->json, i);

		if (strcmp(str(one, "registry"), registry) == 0)
			finding_print_text(out, s, one);
	}
}
