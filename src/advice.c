#include "advice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker/dockercfg.h"
#include "docker/regname.h"
#include "net/url.h"
#include "rank.h"

/* The context facts (kb.h kb_context_facts) that hold, plus rank.h's
 * machine facts. facts[] points at static strings or into helper_fact. */
static size_t advice_facts(const char **facts, const struct advice_spec *sp,
			   const char *helper_fact)
{
	const char *v;
	size_t n = 0;
	int ci = 0;

	if (sp->base_image)
		facts[n++] = "base_image_pull";
	if (sp->origin) {
		facts[n++] = sp->origin;
		ci = 1;
	}
	if (sp->this_machine) {
		facts[n++] = RANK_FACT_THIS_MACHINE;
		if (helper_fact)
			facts[n++] = helper_fact;
		v = getenv("GITHUB_ACTIONS");
		if (v && strcmp(v, "true") == 0 && !sp->origin) {
			facts[n++] = "github_actions";
			ci = 1;
		}
		v = getenv("GITLAB_CI");
		if (v && *v && !sp->origin) {
			facts[n++] = "gitlab_ci";
			ci = 1;
		}
		v = getenv("CI");
		if (v && *v && strcmp(v, "false") != 0)
			ci = 1;
		if (!(getenv("DISPLAY") && *getenv("DISPLAY")) &&
		    !(getenv("WAYLAND_DISPLAY") && *getenv("WAYLAND_DISPLAY")))
			facts[n++] = "headless";
	}
	if (ci)
		facts[n++] = "ci";
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

/* A string member of this registry's cred_helper evidence, or NULL. */
static const char *helper_evidence(const struct engine *en, const char *registry,
				   const char *key)
{
	const struct probe_record *r = en && *registry ? engine_find(en, "cred_helper", registry)
						       : NULL;
	const char *v = r ? json_string_value(json_object_get(r->res.evidence, key)) : NULL;

	return v && *v ? v : NULL;
}

/* "<scheme>://<host>" of the registry as it really answers: the scheme
 * the token_endpoint flow ended on, else the one of the URL the log line
 * names, else https. */
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

/* A curl printed for a loopback registry must reach it as docker does:
 * Go never proxies loopback, the curl command line does when a proxy
 * variable is set. Then the printed command says --noproxy '*'. */
static int curl_needs_noproxy(const char *registry)
{
	static const char *const vars[] = { "http_proxy", "HTTP_PROXY", "https_proxy",
					    "HTTPS_PROXY", "all_proxy", "ALL_PROXY" };
	size_t i;

	if (!*registry || !url_host_is_loopback(regname_request_host(registry)))
		return 0;
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return 1;
	}
	return 0;
}

static void curl_noproxy(json_t *workarounds)
{
	size_t i;

	for (i = 0; i < json_array_size(workarounds); i++) {
		json_t *w = json_array_get(workarounds, i);
		const char *cmd = json_string_value(json_object_get(w, "command"));
		char *with;
		size_t n;

		if (!cmd || strncmp(cmd, "curl ", 5) != 0)
			continue;
		n = strlen(cmd) + sizeof("--noproxy '*' ");
		with = malloc(n);
		if (!with)
			continue;
		snprintf(with, n, "curl --noproxy '*' %s", cmd + 5);
		json_object_set_new(w, "command", json_string(with));
		free(with);
	}
}

#define NPLACE 7

/* Every placeholder of every command in workarounds, filled. */
static void fill_commands(json_t *workarounds, const char *const from[NPLACE],
			  const char *const to[NPLACE])
{
	size_t i, k;

	for (i = 0; i < json_array_size(workarounds); i++) {
		json_t *w = json_array_get(workarounds, i);
		const char *cmd = json_string_value(json_object_get(w, "command"));
		char *cur, *next;

		if (!cmd)
			continue;
		cur = strdup(cmd);
		for (k = 0; cur && k < NPLACE; k++) {
			next = replace_all(cur, from[k], to[k]);
			free(cur);
			cur = next;
		}
		if (cur)
			json_object_set_new(w, "command", json_string(cur));
		free(cur);
	}
}

/* The placeholders' values for this finding, then fill. */
static void fill_placeholders(json_t *wa, const struct advice_spec *sp, const struct engine *en,
			      const struct settings *s)
{
	static const char *const from[NPLACE] = {
		"{registry_url}", "{registry}", "{image}", "{helper_key}", "{helper}", "{config}",
		"{auth_key}",
	};
	const char *to[NPLACE];
	const char *reg = *sp->registry ? sp->registry : "REGISTRY";
	const char *helper = helper_evidence(en, sp->registry, "helper");
	const char *key = helper_evidence(en, sp->registry, "server_key");
	char config[4096], url[600];
	struct err e = ERR_INIT;

	if (dockercfg_default_path(config, sizeof(config), s, &e) < 0)
		snprintf(config, sizeof(config), "~/.docker/config.json");
	registry_url(url, sizeof(url), en, sp->registry, sp->url);
	to[0] = url;
	to[1] = reg;
	to[2] = sp->image && *sp->image ? sp->image : "IMAGE";
	to[3] = key ? key : reg;
	to[4] = helper ? helper : "HELPER";
	to[5] = config;
	to[6] = *sp->registry ? regname_auth_key(sp->registry, REGNAME_DOCKER_CLI) : reg;
	fill_commands(wa, from, to);
	if (curl_needs_noproxy(sp->registry))
		curl_noproxy(wa);
}

int advice_add(json_t *f, const struct advice_spec *sp, const struct engine *en,
	       const struct settings *s, struct err *e)
{
	struct ranking rk = RANKING_INIT;
	struct rank_evidence *ev;
	const char *facts[ADVICE_FACTS_MAX];
	const char *helper = helper_evidence(en, sp->registry, "helper");
	char helper_fact[160];
	size_t i, nev = 0, nfacts;
	json_t *wa;

	ev = calloc(en && en->n ? en->n : 1, sizeof(*ev));
	if (!ev)
		return err_set(e, "out of memory");
	for (i = 0; en && *sp->registry && i < en->n; i++) {
		if (strcmp(en->records[i]->registry, sp->registry) != 0)
			continue;
		ev[nev].probe = en->records[i]->probe->name;
		ev[nev].result = &en->records[i]->res;
		nev++;
	}
	snprintf(helper_fact, sizeof(helper_fact), "%s%s", RANK_FACT_HELPER, helper ? helper : "");
	nfacts = advice_facts(facts, sp, helper ? helper_fact : NULL);
	if (rank_workarounds(&rk, sp->entry, ev, nev, facts, nfacts, s->lang, e) < 0) {
		free(ev);
		return -1;
	}
	wa = rank_workarounds_json(&rk);
	fill_placeholders(wa, sp, en, s);
	json_object_set_new(f, "workarounds", wa);
	json_object_set_new(f, "dead_ends", rank_dead_ends_json(sp->entry, s->lang));
	ranking_release(&rk);
	free(ev);
	return 0;
}
