#include "findings.h"

#include <stdlib.h>
#include <string.h>

#include "cause.h"
#include "dockercfg.h"
#include "msg.h"
#include "rank.h"

#define FACTS_MAX 8

/* Context facts that hold for a target (kb.h kb_context_facts). */
static size_t context_facts(const char **facts, const struct target *t)
{
	const char *v;
	size_t n = 0;

	if (t->base_image)
		facts[n++] = "base_image_pull";
	v = getenv("GITHUB_ACTIONS");
	if (v && strcmp(v, "true") == 0)
		facts[n++] = "github_actions";
	v = getenv("GITLAB_CI");
	if (v && *v)
		facts[n++] = "gitlab_ci";
	v = getenv("CI");
	if ((v && *v && strcmp(v, "false") != 0) || n > (t->base_image ? 1u : 0u))
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

static void fill_commands(json_t *workarounds, const char *registry, const char *image,
			  const char *helper, const char *config)
{
	const char *from[] = { "{registry}", "{image}", "{helper}", "{config}" };
	const char *to[] = { registry, image, helper, config };
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

		if (strcmp(json_string_value(json_object_get(f, "registry")), registry) == 0 &&
		    strcmp(json_string_value(json_object_get(f, "cause")), cause) == 0)
			return 1;
	}
	return 0;
}

static json_t *make_finding(const struct kb *kb, const struct engine *en,
			    const struct target *t, const struct probe_record *trigger,
			    const struct rank_evidence *ev, size_t nev,
			    const char **facts, size_t nfacts, const char *config,
			    const struct settings *s, struct err *e)
{
	const struct kb_entry *entry;
	struct ranking rk = RANKING_INIT;
	json_t *f = json_object(), *evid = json_array(), *wa;
	size_t i;

	entry = kb_find_by_cause(kb, trigger->res.code, trigger->probe->name);
	json_object_set_new(f, "entry", entry ? json_string(entry->id) : json_null());
	json_object_set_new(f, "code", entry ? json_string(entry->code) : json_null());
	json_object_set_new(f, "cause", json_string(trigger->res.code));
	json_object_set_new(f, "registry", json_string(t->registry));
	json_object_set_new(f, "image", t->image[0] ? json_string(t->image) : json_null());
	json_object_set_new(f, "severity", json_string(probe_status_name(trigger->res.status)));
	json_object_set_new(f, "summary", json_string(cause_describe(trigger->res.code)));
	if (entry) {
		json_object_set_new(f, "title", json_string(kb_text_get(&entry->title, s->lang)));
		json_object_set_new(f, "root_cause",
				    json_string(kb_text_get(&entry->root_cause, s->lang)));
	}
	/* The triggering probe first, then the rest of this registry's evidence. */
	json_array_append_new(evid, probe_record_json(trigger));
	for (i = 0; i < en->n; i++) {
		const struct probe_record *r = en->records[i];

		if (r != trigger && strcmp(r->registry, t->registry) == 0 &&
		    r->res.status != PROBE_SKIP)
			json_array_append_new(evid, probe_record_json(r));
	}
	for (i = 0; i < json_array_size(evid); i++)
		json_object_del(json_array_get(evid, i), "evidence");
	json_object_set_new(f, "evidence", evid);
	if (entry) {
		if (rank_workarounds(&rk, entry, ev, nev, facts, nfacts, s->lang, e) < 0) {
			json_decref(f);
			return NULL;
		}
		wa = rank_workarounds_json(&rk);
		fill_commands(wa, t->registry, t->image[0] ? t->image : "IMAGE",
			      helper_of(en, t->registry), config);
		json_object_set_new(f, "workarounds", wa);
		json_object_set_new(f, "dead_ends", rank_dead_ends_json(entry, s->lang));
		ranking_release(&rk);
	} else {
		json_object_set_new(f, "workarounds", json_array());
		json_object_set_new(f, "dead_ends", json_array());
	}
	return f;
}

static int severity_order(const json_t *f)
{
	const char *sev = json_string_value(json_object_get(f, "severity"));

	return sev && strcmp(sev, "warn") == 0 ? 1 : 0;
}

int findings_build(struct findings *f, const struct kb *kb, const struct engine *en,
		   const struct targets *t, const struct settings *s)
{
	struct rank_evidence *ev = NULL;
	struct err e = ERR_INIT;
	char config[4096];
	const char *facts[FACTS_MAX];
	json_t *fails, *warns;
	size_t i, j, nev, nfacts;
	int rc = -1;

	f->json = json_array();
	fails = json_array();
	warns = json_array();
	ev = calloc(en->n ? en->n : 1, sizeof(*ev));
	if (!f->json || !fails || !warns || !ev)
		goto cleanup;
	if (dockercfg_default_path(config, sizeof(config), s, &e) < 0)
		snprintf(config, sizeof(config), "~/.docker/config.json");
	for (i = 0; i < t->n; i++) {
		const struct target *it = &t->items[i];

		nev = 0;
		for (j = 0; j < en->n; j++) {
			if (strcmp(en->records[j]->registry, it->registry) == 0) {
				ev[nev].probe = en->records[j]->probe->name;
				ev[nev].result = &en->records[j]->res;
				nev++;
			}
		}
		nfacts = context_facts(facts, it);
		for (j = 0; j < en->n; j++) {
			const struct probe_record *r = en->records[j];
			json_t *one;

			if (strcmp(r->registry, it->registry) != 0 ||
			    (r->res.status != PROBE_WARN && r->res.status != PROBE_FAIL) ||
			    !cause_is_valid(r->res.code) ||
			    seen_cause(fails, it->registry, r->res.code) ||
			    seen_cause(warns, it->registry, r->res.code))
				continue;
			one = make_finding(kb, en, it, r, ev, nev, facts, nfacts, config, s, &e);
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
	free(ev);
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

static void print_finding(FILE *out, const struct settings *s, const json_t *f)
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
			print_finding(out, s, one);
	}
}
