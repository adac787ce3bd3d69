/* planstep.c — a plan's steps: building them up, the plan as JSON, the
 * findings annotated with the step that resolves each, and release.
 * The planning itself is plan.c. */
#include "fix/plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsontext.h"
#include "util/paths.h"

void fixact_evidence(const json_t *f, char *out, size_t n)
{
	const json_t *ev = json_array_get(json_object_get(f, "evidence"), 0);

	if (ev)
		snprintf(out, n, "%s: %s", jsontext_member(ev, "probe"), jsontext_member(ev, "detail"));
	else
		snprintf(out, n, "%s", jsontext_member(f, "summary"));
}

__attribute__((format(printf, 2, 0)))
static int vset(char **field, const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return -1;
	free(*field);
	*field = s;
	return 0;
}

int fixstep_set(char **field, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vset(field, fmt, ap);
	va_end(ap);
	return rc;
}

__attribute__((format(printf, 2, 0)))
static int append_line(json_t **arr, const char *fmt, va_list ap)
{
	char *s = NULL;
	int rc;

	if (!*arr && !(*arr = json_array()))
		return -1;
	if (vasprintf(&s, fmt, ap) < 0)
		return -1;
	rc = json_array_append_new(*arr, json_string(s));
	free(s);
	return rc;
}

int fixstep_line(struct fix_step *st, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = append_line(&st->lines, fmt, ap);
	va_end(ap);
	return rc;
}

int fixstep_note(struct fix_step *st, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = append_line(&st->notes, fmt, ap);
	va_end(ap);
	return rc;
}

int fixstep_file(struct fix_step *st, const char *path)
{
	char shown[PATH_MAX];
	size_t i;

	paths_display(shown, sizeof(shown), path);
	if (!st->files && !(st->files = json_array()))
		return -1;
	for (i = 0; i < json_array_size(st->files); i++)
		if (strcmp(json_string_value(json_array_get(st->files, i)), shown) == 0)
			return 0;
	return json_array_append_new(st->files, json_string(shown));
}

static int add_problem(struct fix_problem **v, size_t *n, const char *registry,
		       const char *cause)
{
	struct fix_problem *nv;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i].registry, registry ? registry : "") == 0 &&
		    strcmp((*v)[i].cause, cause) == 0)
			return 0;
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -1;
	*v = nv;
	snprintf(nv[*n].registry, sizeof(nv[*n].registry), "%s", registry ? registry : "");
	snprintf(nv[*n].cause, sizeof(nv[*n].cause), "%s", cause);
	(*n)++;
	return 0;
}

int fixstep_resolves(struct fix_step *st, const char *registry, const char *cause)
{
	return add_problem(&st->resolves, &st->nresolves, registry, cause);
}

int fixstep_expects(struct fix_step *st, const char *registry, const char *cause)
{
	return add_problem(&st->expects, &st->nexpects, registry, cause);
}

int fixstep_op(struct fix_step *st, int erase, const char *helper, const char *key,
	       const struct credential *cred)
{
	struct fix_helper_op *nv, *op;

	nv = realloc(st->ops, (st->nops + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	st->ops = nv;
	op = &nv[st->nops];
	memset(op, 0, sizeof(*op));
	op->cred = (struct credential)CREDENTIAL_INIT;
	op->old = (struct credential)CREDENTIAL_INIT;
	op->erase = erase;
	snprintf(op->helper, sizeof(op->helper), "%s", helper);
	snprintf(op->key, sizeof(op->key), "%s", key);
	st->nops++;
	if (cred) {
		memcpy(op->cred.username, cred->username, sizeof(op->cred.username));
		op->cred.identity_token = cred->identity_token;
		if (sensitive_copy(&op->cred.secret, &cred->secret) < 0)
			return -1;
	}
	return 0;
}

/* ---- JSON ---- */

static const char *const kind_names[] = { "write", "yours", "manual", "blocked" };
static const char *const phase_names[] = {
	"environment", "precondition", "config", "store", "cleanup", "files", "print", "manual",
};

static json_t *opt_str(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *problems_json(const struct fix_problem *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_array_append_new(a, json_pack("{s:o, s:s}", "registry", opt_str(v[i].registry),
						   "cause", v[i].cause));
	return a;
}

static json_t *ops_json(const struct fix_step *st)
{
	json_t *a = json_array();
	char fp[SENSITIVE_FP_MAX];
	size_t i;

	for (i = 0; a && i < st->nops; i++) {
		const struct fix_helper_op *op = &st->ops[i];
		json_t *o = json_pack("{s:s, s:s, s:s}", "op", op->erase ? "erase" : "store",
				      "helper", op->helper, "key", op->key);

		if (o && !op->erase) {
			sensitive_fingerprint(&op->cred.secret, fp);
			json_object_set_new(o, "username", json_string(op->cred.identity_token
								       ? "<token>" : op->cred.username));
			json_object_set_new(o, "secret_fingerprint", json_string(fp));
		}
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *step_json(const struct fix_step *st)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "number", json_integer(st->number));
	json_object_set_new(o, "kind", json_string(kind_names[st->kind]));
	json_object_set_new(o, "phase", json_string(phase_names[st->phase]));
	json_object_set_new(o, "action", st->act ? json_string(st->act->name) : json_null());
	json_object_set_new(o, "registry", opt_str(st->registry));
	json_object_set_new(o, "title", opt_str(st->title));
	json_object_set_new(o, "what", opt_str(st->what));
	json_object_set_new(o, "why", opt_str(st->why));
	json_object_set_new(o, "needs", opt_str(st->needs));
	json_object_set_new(o, "entry", st->entry ? json_string(st->entry->id) : json_null());
	json_object_set_new(o, "workaround", st->w ? json_string(st->w->id) : json_null());
	json_object_set_new(o, "success", st->w ? json_real(st->w->success) : json_null());
	json_object_set_new(o, "lines", st->lines ? json_incref(st->lines) : json_array());
	json_object_set_new(o, "notes", st->notes ? json_incref(st->notes) : json_array());
	json_object_set_new(o, "files", st->files ? json_incref(st->files) : json_array());
	json_object_set_new(o, "helper", ops_json(st));
	json_object_set_new(o, "resolves", problems_json(st->resolves, st->nresolves));
	json_object_set_new(o, "expects", problems_json(st->expects, st->nexpects));
	json_object_set_new(o, "verifies", st->verify_cred ? json_string(st->verify_what)
							   : json_null());
	return o;
}

size_t fixplan_count(const struct fix_plan *p, enum fix_kind k)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		n += p->steps[i].kind == k;
	return n;
}

json_t *fixplan_json(const struct fix_plan *p, struct err *e)
{
	struct buf diff = BUF_INIT(64u << 20);
	json_t *o = json_object(), *steps = json_array();
	size_t i;

	if (!o || !steps || writeset_diff(&p->ws, &diff, e) < 0) {
		json_decref(o);
		json_decref(steps);
		buf_release(&diff);
		if (!e->set)
			err_set(e, "out of memory");
		return NULL;
	}
	for (i = 0; i < p->n; i++)
		json_array_append_new(steps, step_json(&p->steps[i]));
	json_object_set_new(o, "steps", steps);
	json_object_set_new(o, "diff", json_string(diff.data ? diff.data : ""));
	json_object_set_new(o, "writes", json_integer((json_int_t)fixplan_count(p, FIX_WRITE)));
	json_object_set_new(o, "yours", json_integer((json_int_t)fixplan_count(p, FIX_YOURS)));
	json_object_set_new(o, "blocked", json_integer((json_int_t)fixplan_count(p, FIX_BLOCKED)));
	json_object_set_new(o, "manual", json_integer((json_int_t)fixplan_count(p, FIX_MANUAL)));
	json_object_set_new(o, "dropped", p->dropped ? json_incref(p->dropped) : json_array());
	json_object_set_new(o, "notes", p->notes ? json_incref(p->notes) : json_array());
	buf_release(&diff);
	return o;
}

static const struct fix_step *step_for(const struct fix_plan *p, const char *registry,
				       const char *cause)
{
	size_t i, j;

	for (i = 0; i < p->n; i++)
		for (j = 0; j < p->steps[i].nresolves; j++)
			if (strcmp(p->steps[i].resolves[j].registry, registry) == 0 &&
			    strcmp(p->steps[i].resolves[j].cause, cause) == 0)
				return &p->steps[i];
	return NULL;
}

/* The workarounds of finding f the plan did not take, and why: their
 * "not_here" member. */
static void mark_refused(const struct fix_plan *p, json_t *f)
{
	json_t *w, *d;
	size_t i, j;

	json_array_foreach(json_object_get(f, "workarounds"), i, w) {
		json_array_foreach(p->dropped, j, d) {
			if (!json_is_true(json_object_get(d, "needs_input")) &&
			    strcmp(jsontext_member(d, "entry"), jsontext_member(f, "entry")) == 0 &&
			    strcmp(jsontext_member(d, "registry"), jsontext_member(f, "registry")) == 0 &&
			    strcmp(jsontext_member(d, "workaround"), jsontext_member(w, "id")) == 0) {
				json_object_set_new(w, "not_here", json_string(jsontext_member(d, "why")));
				break;
			}
		}
	}
}

/* A step merged from several findings shows, for each, that finding's
 * own workaround for the same action (its title, rate and id). */
static void own_workaround(json_t *o, const json_t *f, const struct fix_step *st)
{
	const json_t *w;
	size_t i;

	if (!st->act)
		return;
	json_array_foreach(json_object_get(f, "workarounds"), i, w) {
		if (strcmp(jsontext_member(w, "action"), st->act->name) != 0)
			continue;
		json_object_set_new(o, "title", json_string(jsontext_member(w, "title")));
		json_object_set_new(o, "workaround", json_string(jsontext_member(w, "id")));
		json_object_set_new(o, "entry", json_string(jsontext_member(f, "entry")));
		json_object_set(o, "success", json_object_get(w, "success"));
		return;
	}
}

void fixplan_annotate(const struct fix_plan *p, json_t *findings)
{
	size_t i;

	for (i = 0; i < json_array_size(findings); i++) {
		json_t *f = json_array_get(findings, i);
		const struct fix_step *st = step_for(p, jsontext_member(f, "registry"),
						     jsontext_member(f, "cause"));
		json_t *o;

		mark_refused(p, f);
		if (!st) {
			json_object_set_new(f, "plan", json_null());
			continue;
		}
		o = step_json(st);
		own_workaround(o, f, st);
		json_object_del(o, "resolves");
		json_object_del(o, "expects");
		json_object_set_new(o, "step", json_integer(st->number));
		json_object_set_new(o, "of", json_integer((json_int_t)p->n));
		json_object_set_new(f, "plan", o);
	}
}

void fixplan_step_release(struct fix_step *st)
{
	size_t i;

	free(st->title);
	free(st->what);
	free(st->why);
	free(st->needs);
	free(st->chosen_what);
	free(st->chosen_needs);
	free(st->env_value);
	json_decref(st->lines);
	json_decref(st->notes);
	json_decref(st->files);
	free(st->resolves);
	free(st->expects);
	for (i = 0; i < st->nops; i++) {
		credential_release(&st->ops[i].cred);
		credential_release(&st->ops[i].old);
	}
	free(st->ops);
	credential_release(&st->owned_cred);
	memset(st, 0, sizeof(*st));
}

/* Clears what realise() fills, so a restart realises from scratch. */
void fixstep_unrealise(struct fix_step *st)
{
	size_t i;

	json_decref(st->lines);
	json_decref(st->notes);
	json_decref(st->files);
	st->lines = st->notes = st->files = NULL;
	free(st->expects);
	st->expects = NULL;
	st->nexpects = 0;
	for (i = 0; i < st->nops; i++) {
		credential_release(&st->ops[i].cred);
		credential_release(&st->ops[i].old);
	}
	free(st->ops);
	st->ops = NULL;
	st->nops = 0;
	st->verify_cred = NULL;
	st->verify_what[0] = '\0';
	credential_release(&st->owned_cred);
	st->env_unset = 0;
	free(st->env_value);
	st->env_value = NULL;
	st->gone = 0;
	st->kind = st->chosen_kind;
	fixstep_set(&st->what, "%s", st->chosen_what ? st->chosen_what : "");
	free(st->needs);
	st->needs = st->chosen_needs ? strdup(st->chosen_needs) : NULL;
}

void fixplan_release(struct fix_plan *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		fixplan_step_release(&p->steps[i]);
	free(p->steps);
	writeset_release(&p->ws);
	json_decref(p->dropped);
	json_decref(p->notes);
	json_decref(p->cfg);
	for (i = 0; i < p->nwant; i++)
		free(p->want[i].path);
	free(p->want);
	*p = (struct fix_plan)FIX_PLAN_INIT;
}
