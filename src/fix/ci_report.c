/* ci_report.c — fix --ci's report as text in the CI log, JSON, GitHub's
 * step summary and annotations; the build flags for the mounts. */
#include "fix/ci_report.h"

#include <ctype.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/jsontext.h"

/* ---- build secrets ---- */

static void env_name(char *out, size_t n, const char *id)
{
	size_t i;
	int valid = isalpha((unsigned char)id[0]) || id[0] == '_';

	for (i = 0; id[i] && valid; i++)
		valid = isalnum((unsigned char)id[i]) || id[i] == '_';
	for (i = 0; id[i] && i + 1 < n; i++)
		out[i] = valid ? id[i] : isalnum((unsigned char)id[i])
			 ? (char)toupper((unsigned char)id[i]) : '_';
	out[i] = '\0';
	if (!valid && out[0] >= '0' && out[0] <= '9' && n > 1)
		out[0] = '_';
}

static int seen(const json_t *arr, const char *id)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (strcmp(jsontext_member(v, "id"), id) == 0)
			return 1;
	return 0;
}

static void agent(json_t *o, const struct ci_env *env)
{
	const char *sock = ci_env_value(env, "SSH_AUTH_SOCK");
	struct stat st;
	char d[600];
	int ok = sock && stat(sock, &st) == 0 && S_ISSOCK(st.st_mode);

	if (ok)
		snprintf(d, sizeof(d), "SSH_AUTH_SOCK=%s is an agent socket", sock);
	else if (sock)
		snprintf(d, sizeof(d), "SSH_AUTH_SOCK=%s is not a socket: no agent (start one: "
			 "eval \"$(ssh-agent)\" && ssh-add KEY; on GitHub webfactory/ssh-agent)", sock);
	else
		snprintf(d, sizeof(d), "SSH_AUTH_SOCK is not set: no agent (start one: eval "
			 "\"$(ssh-agent)\" && ssh-add KEY; on GitHub webfactory/ssh-agent)");
	json_object_set_new(o, "agent", json_boolean(ok));
	json_object_set_new(o, "agent_detail", json_string(d));
}

json_t *ci_build_secrets_json(const struct ci_needs *n, const struct ci_env *env)
{
	json_t *o = json_object(), *sec = json_array(), *ssh = json_array();
	struct buf flags = BUF_INIT(1u << 16), bpa = BUF_INIT(1u << 16), sshl = BUF_INIT(1u << 16);
	char name[256], flag[600];
	size_t i;

	for (i = 0; i < n->nmounts; i++) {
		const struct ci_mount *m = &n->mounts[i];

		if (seen(m->ssh ? ssh : sec, m->id))
			continue;
		if (m->ssh) {
			snprintf(flag, sizeof(flag), "--ssh %s", m->id);
			(void)buf_appendf(&sshl, "  %s\n", m->id);
		} else {
			env_name(name, sizeof(name), m->id);
			snprintf(flag, sizeof(flag), "--secret id=%s,env=%s", m->id, name);
			(void)buf_appendf(&bpa, "  %s=${{ secrets.%s }}\n", m->id, name);
		}
		(void)buf_appendf(&flags, "%s%s", flags.len ? " " : "", flag);
		json_array_append_new(m->ssh ? ssh : sec, json_pack("{s:s, s:b, s:s, s:i, s:s}",
			"id", m->id, "required", m->required, "dockerfile", m->dockerfile, "line", m->line,
			"flag", flag));
		if (!m->ssh) {
			json_t *last = json_array_get(sec, json_array_size(sec) - 1);

			json_object_set_new(last, "env", json_string(name));
			json_object_set_new(last, "env_set", json_boolean(ci_env_value(env, name) != NULL));
		}
	}
	if (sshl.len)
		(void)buf_appendf(&bpa, "%sssh: |\n%s", bpa.len ? "" : "", sshl.data);
	json_object_set_new(o, "secrets", sec);
	json_object_set_new(o, "ssh", ssh);
	if (json_array_size(ssh))
		agent(o, env);
	json_object_set_new(o, "flags", json_string(flags.data ? flags.data : ""));
	if (bpa.len && json_array_size(sec)) {
		struct buf t = BUF_INIT(1u << 16);

		(void)buf_appendf(&t, "secrets: |\n%s", bpa.data);
		json_object_set_new(o, "build_push_action", json_string(t.data));
		buf_release(&t);
	} else {
		json_object_set_new(o, "build_push_action", json_string(bpa.data ? bpa.data : ""));
	}
	buf_release(&flags);
	buf_release(&bpa);
	buf_release(&sshl);
	return o;
}

/* ---- text ---- */

static void text_needs(FILE *f, const json_t *regs)
{
	json_t *r, *nd;
	size_t i, j;

	json_array_foreach(regs, i, r) {
		fprintf(f, "%s\n", jsontext_member(r, "registry"));
		if (!json_array_size(json_object_get(r, "needs")))
			fprintf(f, "  (no image: checked as docker login checks it, no scope)\n");
		json_array_foreach(json_object_get(r, "needs"), j, nd)
			fprintf(f, "  %-40s %s (%s)\n", jsontext_member(nd, "scope"), jsontext_member(nd, "image"), jsontext_member(nd, "why"));
	}
}

static void text_cands(FILE *f, const json_t *regs)
{
	json_t *r, *c, *a;
	size_t i, j, k;

	json_array_foreach(regs, i, r) {
		fprintf(f, "%s\n", jsontext_member(r, "registry"));
		json_array_foreach(json_object_get(r, "candidates"), j, c) {
			int tried = json_is_true(json_object_get(c, "tried"));
			int ok = json_is_true(json_object_get(c, "ok"));

			if (!tried)
				fprintf(f, "  - %s: not usable: %s\n", jsontext_member(c, "source"), jsontext_member(c, "note"));
			else if (ok)
				fprintf(f, "  ✓ %s: granted %s\n", jsontext_member(c, "source"),
					*jsontext_member(c, "scopes") ? jsontext_member(c, "scopes") : "(login)");
			else
				fprintf(f, "  ✗ %s: %s (%s)\n", jsontext_member(c, "source"), jsontext_member(c, "detail"), jsontext_member(c, "code"));
			if (tried && *jsontext_member(c, "note"))
				fprintf(f, "      note: %s\n", jsontext_member(c, "note"));
			json_array_foreach(json_object_get(c, "advice"), k, a)
				fprintf(f, "      → %s\n", json_string_value(a));
		}
		if (*jsontext_member(r, "warning"))
			fprintf(f, "  ! %s\n", jsontext_member(r, "warning"));
		json_array_foreach(json_object_get(r, "advice"), k, a)
			fprintf(f, "  → %s\n", json_string_value(a));
	}
}

static void text_config(FILE *f, const json_t *rep)
{
	const json_t *c = json_object_get(rep, "config");
	json_t *v;
	size_t i;

	fprintf(f, "%s (0600, in a 0700 directory%s%s)\n", jsontext_member(c, "file"), *jsontext_member(c, "from") ? " under $" : "",
		jsontext_member(c, "from"));
	if (*jsontext_member(c, "settings_from"))
		fprintf(f, "  settings (not credentials) kept from %s\n", jsontext_member(c, "settings_from"));
	json_array_foreach(json_object_get(c, "ignores"), i, v)
		fprintf(f, "  %s: %s \"%s\" (the directory lies in the build context)\n", jsontext_member(v, "file"),
			json_is_true(json_object_get(v, "present")) ? "already names" : "adds", jsontext_member(v, "entry"));
	json_array_foreach(json_object_get(c, "links"), i, v)
		fprintf(f, "  links %s -> %s (docker's plugins, builders, contexts)\n", jsontext_member(v, "name"),
			jsontext_member(v, "target"));
	if (json_is_true(json_object_get(rep, "unset_docker_auth_config")))
		fprintf(f, "  DOCKER_AUTH_CONFIG is emptied for later steps (the job config holds its "
			"credential)\n");
	if (*jsontext_member(rep, "diff"))
		fprintf(f, "%s", jsontext_member(rep, "diff"));
}

static void text_secrets(FILE *f, const json_t *b)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(b, "secrets"), i, v)
		fprintf(f, "secret \"%s\" (%s:%d%s): %s  ($%s %s)\n", jsontext_member(v, "id"), jsontext_member(v, "dockerfile"),
			(int)json_integer_value(json_object_get(v, "line")),
			json_is_true(json_object_get(v, "required")) ? ", required" : "", jsontext_member(v, "flag"),
			jsontext_member(v, "env"), json_is_true(json_object_get(v, "env_set")) ? "is set in this job"
			: "is not set in this job: map the secret into the step's env");
	json_array_foreach(json_object_get(b, "ssh"), i, v)
		fprintf(f, "ssh \"%s\" (%s:%d%s): %s\n", jsontext_member(v, "id"), jsontext_member(v, "dockerfile"),
			(int)json_integer_value(json_object_get(v, "line")),
			json_is_true(json_object_get(v, "required")) ? ", required" : "", jsontext_member(v, "flag"));
	if (json_array_size(json_object_get(b, "ssh")))
		fprintf(f, "  agent: %s\n", jsontext_member(b, "agent_detail"));
	fprintf(f, "docker buildx build %s ...\n", jsontext_member(b, "flags"));
	if (*jsontext_member(b, "build_push_action"))
		fprintf(f, "docker/build-push-action inputs:\n%s", jsontext_member(b, "build_push_action"));
}

static void text_result(FILE *f, const json_t *rep)
{
	const char *res = jsontext_member(rep, "result");
	const json_t *c = json_object_get(rep, "config");
	json_t *v;
	size_t i;

	if (strcmp(res, "fixed") == 0) {
		fprintf(f, "✓ fixed: wrote %s; DOCKER_CONFIG=%s for later steps%s%s\n", jsontext_member(c, "file"),
			jsontext_member(c, "dir"), *jsontext_member(rep, "handed_on_via") ? " via " : " (eval \"$(fixkb fix --ci "
			"--apply --print-env)\" in a shell step)", jsontext_member(rep, "handed_on_via"));
		json_array_foreach(json_object_get(rep, "verified_after"), i, v)
			fprintf(f, "  ✓ verified through the written config: %s with %s: %s\n",
				jsontext_member(v, "registry"), jsontext_member(v, "source"), *jsontext_member(v, "scopes") ? jsontext_member(v, "scopes")
				: "(login)");
	} else if (strcmp(res, "nothing_to_do") == 0) {
		fprintf(f, "✓ nothing to do: every registry works as this job is configured\n");
	} else if (strcmp(res, "would_fix") == 0) {
		fprintf(f, "! dry run: nothing written; --apply writes %s\n", jsontext_member(c, "file"));
	} else if (strcmp(res, "failed_after_write") == 0) {
		fprintf(f, "✗ the written config did not verify: rolled back (%s)\n", jsontext_member(rep, "error"));
		json_array_foreach(json_object_get(rep, "verified_after"), i, v)
			if (!json_is_true(json_object_get(v, "ok")))
				fprintf(f, "  ✗ %s with %s: %s\n", jsontext_member(v, "registry"), jsontext_member(v, "source"),
					jsontext_member(v, "detail"));
	} else if (strcmp(res, "error") == 0) {
		fprintf(f, "✗ the job's docker config could not be set up: %s\n", jsontext_member(rep, "error"));
		return;
	} else {
		fprintf(f, "✗ no working credential for every registry the build needs: nothing "
			"written (see above)\n");
	}
	if (*jsontext_member(rep, "error") && strcmp(res, "failed_after_write") != 0)
		fprintf(f, "error: %s\n", jsontext_member(rep, "error"));
}

static void emit_text(struct ci_log *l, const json_t *rep)
{
	const json_t *regs = json_object_get(rep, "registries"), *b = json_object_get(rep, "build_secrets");
	json_t *w;
	size_t i;

	fprintf(l->f, "fixkb fix --ci: %s (%s)%s\n", jsontext_member(json_object_get(rep, "ci"), "name"),
		jsontext_member(json_object_get(rep, "ci"), "detected_by"),
		json_is_true(json_object_get(rep, "apply")) ? "" : " — dry run");
	json_array_foreach(json_object_get(rep, "warnings"), i, w)
		fprintf(l->f, "! %s\n", json_string_value(w));
	ci_log_group(l, "fixkb_needs", "fixkb: what the build needs");
	text_needs(l->f, regs);
	ci_log_group(l, "fixkb_credentials", "fixkb: credentials, in the documented order");
	text_cands(l->f, regs);
	if (strcmp(jsontext_member(rep, "result"), "would_fix") == 0 || strcmp(jsontext_member(rep, "result"), "fixed") == 0 ||
	    strcmp(jsontext_member(rep, "result"), "failed_after_write") == 0) {
		ci_log_group(l, "fixkb_config", "fixkb: the job's docker config");
		text_config(l->f, rep);
	}
	if (json_array_size(json_object_get(b, "secrets")) || json_array_size(json_object_get(b, "ssh"))) {
		ci_log_group(l, "fixkb_secrets", "fixkb: build secrets and SSH the Dockerfiles mount");
		text_secrets(l->f, b);
	}
	ci_log_endgroup(l);
	text_result(l->f, rep);
}

/* ---- GitHub step summary and annotations ---- */

static void md(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '`')
			(void)buf_appendf(b, "\\%c", *s);
		else
			(void)buf_appendf(b, "%c", *s == '\n' || *s == '\r' ? ' ' : *s);
	}
}

static void summary_rows(struct buf *b, const json_t *regs)
{
	json_t *r, *a, *c;
	size_t i, j, k;

	(void)buf_appends(b, "| registry | credential used | verified scopes | |\n| --- | --- | --- | --- |\n");
	json_array_foreach(regs, i, r) {
		const json_t *ch = json_object_get(r, "chosen");

		if (json_is_null(ch))
			ch = NULL;
		(void)buf_appends(b, "| ");
		md(b, jsontext_member(r, "registry"));
		(void)buf_appends(b, " | ");
		md(b, ch ? jsontext_member(ch, "source") : "none works");
		(void)buf_appends(b, " | ");
		md(b, ch ? jsontext_member(r, "scopes_verified") : "");
		(void)buf_appendf(b, " | %s |\n", ch ? "✅" : "❌");
	}
	json_array_foreach(regs, i, r) {
		if (json_object_get(r, "chosen") && !json_is_null(json_object_get(r, "chosen")))
			continue;
		(void)buf_appends(b, "\n**");
		md(b, jsontext_member(r, "registry"));
		(void)buf_appends(b, "**: what was tried, and what to do\n\n");
		json_array_foreach(json_object_get(r, "candidates"), j, c) {
			(void)buf_appends(b, "- ");
			md(b, jsontext_member(c, "source"));
			(void)buf_appends(b, ": ");
			md(b, json_is_true(json_object_get(c, "tried")) ? jsontext_member(c, "code") : "not usable");
			(void)buf_appends(b, "\n");
			json_array_foreach(json_object_get(c, "advice"), k, a) {
				(void)buf_appends(b, "  - ");
				md(b, json_string_value(a));
				(void)buf_appends(b, "\n");
			}
		}
	}
}

static void summary(const struct ci_env *env, const json_t *rep)
{
	struct buf b = BUF_INIT(1u << 20);
	const json_t *c = json_object_get(rep, "config"), *bs = json_object_get(rep, "build_secrets");
	const json_t *regs = json_object_get(rep, "registries");
	struct err e = ERR_INIT;
	json_t *ch;
	size_t i;

	(void)buf_appends(&b, "### fixkb: registry credentials for this job\n\n");
	summary_rows(&b, regs);
	if (strcmp(jsontext_member(rep, "result"), "fixed") == 0)
		(void)buf_appendf(&b, "\nJob config: `%s` (DOCKER_CONFIG for later steps)\n", jsontext_member(c, "file"));
	else if (strcmp(jsontext_member(rep, "result"), "nothing_to_do") == 0)
		(void)buf_appends(&b, "\nNothing to do: every registry works as the job is configured.\n");
	else
		(void)buf_appendf(&b, "\nNothing written (%s).\n", jsontext_member(rep, "result"));
	if (*jsontext_member(bs, "flags")) {
		(void)buf_appends(&b, "\nBuild flags the Dockerfiles' mounts need: `");
		md(&b, jsontext_member(bs, "flags"));
		(void)buf_appends(&b, "`\n");
		json_array_foreach(json_object_get(bs, "secrets"), i, ch)
			if (!json_is_true(json_object_get(ch, "env_set")))
				(void)buf_appendf(&b, "- secret `%s`: `$%s` is not set in this job\n",
						  jsontext_member(ch, "id"), jsontext_member(ch, "env"));
	}
	(void)ci_out_github_summary(env, b.data ? b.data : "", &e);
	buf_release(&b);
}

static void annotations(struct ci_log *l, const json_t *rep)
{
	const char *res = jsontext_member(rep, "result");
	int done = strcmp(res, "fixed") == 0 || strcmp(res, "nothing_to_do") == 0;
	json_t *r, *c, *a;
	size_t i, j, k;
	char title[400];

	if (strcmp(res, "error") == 0 || strcmp(res, "failed_after_write") == 0)
		ci_log_annotate(l, CI_ERROR, "fixkb: the job's docker config was not set up",
				jsontext_member(rep, "error"));

	json_array_foreach(json_object_get(rep, "registries"), i, r) {
		int failed = json_is_null(json_object_get(r, "chosen"));
		struct buf msg = BUF_INIT(1u << 16);

		json_array_foreach(json_object_get(r, "candidates"), j, c)
			json_array_foreach(json_object_get(c, "advice"), k, a)
				(void)buf_appendf(&msg, "%s%s", msg.len ? "\n" : "", json_string_value(a));
		if (failed)
			json_array_foreach(json_object_get(r, "advice"), k, a)
				(void)buf_appendf(&msg, "%s%s", msg.len ? "\n" : "", json_string_value(a));
		snprintf(title, sizeof(title), failed ? "fixkb: no working credential for %s"
			 : "fixkb: %s", jsontext_member(r, "registry"));
		if (failed || msg.len)
			ci_log_annotate(l, failed ? CI_ERROR : CI_WARNING, title, msg.data ? msg.data : "");
		else if (done)
			ci_log_annotate(l, CI_NOTICE, title, jsontext_member(json_object_get(r, "chosen"), "source"));
		buf_release(&msg);
	}
}

void ci_report_emit(struct ci_log *l, FILE *json_out, const struct ci_env *env, json_t *rep,
		    const struct ci_needs *n, const struct ci_config *cfg)
{
	json_t *conf, *v;
	size_t i;

	json_object_set_new(rep, "ci", json_pack("{s:s, s:s, s:s}", "system", ci_system_id(env->sys),
						 "name", ci_system_name(env->sys), "detected_by",
						 env->evidence));
	json_object_set_new(rep, "warnings", n->warnings ? json_incref(n->warnings) : json_array());
	conf = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "dir", cfg->dir, "file", cfg->file,
			 "from", cfg->dir_from ? cfg->dir_from : "", "settings_from", cfg->base,
			 "ignores", cfg->ignores ? json_deep_copy(cfg->ignores) : json_array(),
			 "links", cfg->links ? json_incref(cfg->links) : json_array());
	json_array_foreach(json_object_get(conf, "ignores"), i, v)
		json_object_del(v, "index");   /* the write set's, not the report's */
	json_object_set_new(rep, "config", conf);
	json_object_set_new(rep, "build_secrets", ci_build_secrets_json(n, env));
	if (json_out) {
		json_dumpf(rep, json_out, JSON_INDENT(2));
		fputc('\n', json_out);
	} else {
		emit_text(l, rep);
	}
	annotations(l, rep);
	summary(env, rep);
}
