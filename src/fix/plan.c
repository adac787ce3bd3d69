/* plan.c — choosing, merging, ordering and realising the plan's steps
 * (plan.h says what and why; planstep.c builds steps and their JSON). */
#include "fix/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker/dockercfg.h"
#include "fix/atomicfile.h"
#include "fix/jsonedit.h"
#include "util/jsontext.h"

/* How often the builder may start again (a file or a precondition step
 * added each time); more means two actions keep asking for each other. */
#define FIXPLAN_MAX_ROUNDS 12

static size_t insertion;   /* order of steps as chosen, for stable sorting */

/* ---- choosing ---- */

static const struct kb_workaround *kb_workaround_of(const struct kb_entry *en, const char *id)
{
	size_t i;

	for (i = 0; en && i < en->n_workarounds; i++)
		if (strcmp(en->workarounds[i].id, id) == 0)
			return &en->workarounds[i];
	return NULL;
}

static int dropped(struct fix_plan *p, const json_t *f, const char *workaround, const char *why)
{
	if (!p->dropped && !(p->dropped = json_array()))
		return -1;
	return json_array_append_new(p->dropped, json_pack("{s:s, s:s, s:s, s:s, s:s}",
				     "entry", jsontext_member(f, "entry"), "workaround", workaround,
				     "registry", jsontext_member(f, "registry"), "cause",
				     jsontext_member(f, "cause"), "why", why));
}

/* The steps a fresh step merges into: same action, registry and target
 * (manual steps: same workaround and registry). */
static struct fix_step *same_step(struct fix_plan *p, const struct fix_step *st)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct fix_step *o = &p->steps[i];

		if (o->act != st->act || strcmp(o->registry, st->registry) != 0 ||
		    strcmp(o->target, st->target) != 0)
			continue;
		if (!st->act && (o->w != st->w || (o->title && st->title &&
						   strcmp(o->title, st->title) != 0)))
			continue;
		return o;
	}
	return NULL;
}

/* Takes st (its contents move into the plan). */
static int push_step(struct fix_plan *p, struct fix_step *st)
{
	struct fix_step *o = same_step(p, st), *nv;
	size_t i;

	if (o) {
		for (i = 0; i < st->nresolves; i++)
			if (fixstep_resolves(o, st->resolves[i].registry, st->resolves[i].cause) < 0)
				return -1;
		free(st->resolves);
		st->resolves = NULL;
		st->nresolves = 0;
		fixplan_step_release(st);
		return 0;
	}
	nv = realloc(p->steps, (p->n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	p->steps = nv;
	st->order = insertion++;
	st->chosen_kind = st->kind;
	if ((st->what && !(st->chosen_what = strdup(st->what))) ||
	    (st->needs && !(st->chosen_needs = strdup(st->needs))))
		return -1;
	nv[p->n++] = *st;
	memset(st, 0, sizeof(*st));
	return 0;
}

static int step_start(struct fix_step *st, const struct fix_ctx *c, const json_t *f,
		      const json_t *w)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->registry, sizeof(st->registry), "%s", jsontext_member(f, "registry"));
	snprintf(st->image, sizeof(st->image), "%s", jsontext_member(f, "image"));
	st->entry = kb_find(c->kb, jsontext_member(f, "entry"));
	st->w = w ? kb_workaround_of(st->entry, jsontext_member(w, "id")) : NULL;
	if (w && fixstep_set(&st->title, "%s", jsontext_member(w, "title")) < 0)
		return -1;
	if (fixstep_resolves(st, st->registry, jsontext_member(f, "cause")) < 0)
		return -1;
	return 0;
}

static int in_list(const json_t *a, const char *id)
{
	size_t i;

	for (i = 0; i < json_array_size(a); i++)
		if (strcmp(json_string_value(json_array_get(a, i)), id) == 0)
			return 1;
	return 0;
}

/* No action fits: the best applicable workaround, for the user (not one
 * whose action said it cannot act here). */
static int manual_step(struct fix_plan *p, const struct fix_ctx *c, const json_t *f,
		       const json_t *refused)
{
	const json_t *was = json_object_get(f, "workarounds"), *w = NULL, *x;
	struct fix_step st;
	char why[512];
	size_t i;

	for (i = 0; i < json_array_size(was) && !w; i++) {
		x = json_array_get(was, i);
		if (json_is_true(json_object_get(x, "applicable")) &&
		    !in_list(refused, jsontext_member(x, "id")))
			w = x;
	}
	if (!w)
		return 0;   /* nothing the KB says works here: the finding stands alone */
	if (step_start(&st, c, f, w) < 0)
		return -1;
	st.kind = FIX_MANUAL;
	st.phase = PHASE_MANUAL;
	fixact_evidence(f, why, sizeof(why));
	if (fixstep_set(&st.why, "%s", why) < 0 ||
	    (*jsontext_member(w, "command") && fixstep_line(&st, "%s", jsontext_member(w, "command")) < 0)) {
		fixplan_step_release(&st);
		return -1;
	}
	return push_step(p, &st);
}

/* Tries workaround w's action on f: FIXACT_* with st filled, or -1. */
static int try_action(struct fix_plan *p, const struct fix_ctx *c, const json_t *f,
		      const json_t *w, const struct fix_action *a, struct fix_step *st)
{
	char reason[512] = "", why[512];
	int rc;

	if (step_start(st, c, f, w) < 0)
		return -1;
	st->act = a;
	st->phase = a->phase;
	st->kind = FIX_WRITE;
	fixact_evidence(f, why, sizeof(why));
	if (fixstep_set(&st->why, "%s", why) < 0)
		return -1;
	/* the credential actions change what docker and BuildKit read */
	if (c->s->client && strcmp(c->s->client, "podman") == 0 && a->phase <= PHASE_CLEANUP) {
		snprintf(reason, sizeof(reason), "fixkb fix changes docker's credential store; "
			 "podman and buildah read their auth.json (podman login, podman logout)");
		rc = FIXACT_NO;
	} else {
		rc = a->choose(c, f, st, reason, sizeof(reason));
	}
	if (rc == FIXACT_NO) {
		fixplan_step_release(st);
		/* no reason: the action is not about this kind of finding at all */
		return reason[0] && dropped(p, f, jsontext_member(w, "id"), reason) < 0 ? -1 : FIXACT_NO;
	}
	if (rc == FIXACT_BLOCKED)
		st->kind = FIX_BLOCKED;
	return rc;
}

/* The finding's step: the first workaround (in rank order) whose action
 * acts here; failing that the first whose action needs input; failing
 * that the best one left, by hand. */
static int choose_for(struct fix_plan *p, const struct fix_ctx *c, const json_t *f)
{
	const json_t *was = json_object_get(f, "workarounds");
	json_t *refused = json_array();
	struct fix_step st, blocked;
	char note[700];
	size_t i;
	int rc = -1, have_blocked = 0;

	for (i = 0; refused && i < json_array_size(was); i++) {
		const json_t *w = json_array_get(was, i);
		const char *name = jsontext_member(w, "action");
		const struct fix_action *a = fixaction_find(name);

		if (!json_is_true(json_object_get(w, "applicable")) || !*name)
			continue;
		if (!a) {
			snprintf(note, sizeof(note), "fixkb has no action '%s'", name);
			if (dropped(p, f, jsontext_member(w, "id"), note) < 0)
				goto cleanup;
			continue;
		}
		rc = try_action(p, c, f, w, a, &st);
		if (rc < 0)
			goto cleanup;
		if (rc == FIXACT_NO) {
			json_array_append_new(refused, json_string(jsontext_member(w, "id")));
			continue;
		}
		if (rc == FIXACT_BLOCKED) {
			if (have_blocked)
				fixplan_step_release(&st);
			else
				blocked = st;
			have_blocked = 1;
			continue;
		}
		if (have_blocked) {
			snprintf(note, sizeof(note), "it needs %s; '%s' needs nothing", blocked.needs,
				 st.title ? st.title : a->name);
			if (dropped(p, f, blocked.w ? blocked.w->id : "", note) < 0)
				goto cleanup;
			/* possible with input: not "not here" */
			json_object_set_new(json_array_get(p->dropped, json_array_size(p->dropped) - 1),
					    "needs_input", json_true());
			fixplan_step_release(&blocked);
			have_blocked = 0;
		}
		rc = push_step(p, &st);
		goto cleanup;
	}
	rc = have_blocked ? push_step(p, &blocked) : manual_step(p, c, f, refused);
	have_blocked = 0;
cleanup:
	if (have_blocked)
		fixplan_step_release(&blocked);
	json_decref(refused);
	return refused ? rc : -1;
}

/* ---- conflicts ---- */

static struct fix_step *find_step(struct fix_plan *p, const struct fix_action *a,
				  const char *registry, const struct fix_step *not)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (&p->steps[i] != not && p->steps[i].act == a && !p->steps[i].folded &&
		    strcmp(p->steps[i].registry, registry) == 0)
			return &p->steps[i];
	return NULL;
}

/* Step `drop` goes: `into` resolves its findings; both say why. */
static int fold(struct fix_plan *p, struct fix_step *drop, struct fix_step *into,
		const char *why)
{
	size_t i;
	json_t *d;

	for (i = 0; i < drop->nresolves; i++)
		if (fixstep_resolves(into, drop->resolves[i].registry, drop->resolves[i].cause) < 0)
			return -1;
	if (!p->dropped && !(p->dropped = json_array()))
		return -1;
	d = json_pack("{s:s, s:s, s:s, s:s}", "entry", drop->entry ? drop->entry->id : "",
		      "workaround", drop->w ? drop->w->id : drop->act->name, "registry",
		      drop->registry, "why", why);
	if (json_array_append_new(p->dropped, d) < 0 || fixstep_note(into, "%s", why) < 0)
		return -1;
	drop->folded = 1;
	return 0;
}

/* The rules of plan.h step 2, on the chosen steps. */
static int resolve_conflicts(struct fix_plan *p)
{
	struct fix_step *st, *o;
	size_t i;

	for (i = 0; i < p->n; i++) {
		st = &p->steps[i];
		if (st->folded)
			continue;
		if (st->act == &fixact_logout_registry) {
			o = find_step(p, &fixact_store_credentials_from_env, st->registry, st);
			o = o ? o : find_step(p, &fixact_import_docker_auth_config, st->registry, st);
			/* a store waiting for input stores nothing: the logout stays */
			if (o && o->kind != FIX_BLOCKED &&
			    fold(p, st, o, "no logout: it would erase the credential this step "
				 "stores, which replaces the stale one") < 0)
				return -1;
		} else if (st->act == &fixact_unset_docker_auth_config) {
			o = find_step(p, &fixact_import_docker_auth_config, st->registry, st);
			if (o && fold(p, st, o, "the variable is unset once its credential is "
				      "imported (the last line of this step)") < 0)
				return -1;
		} else if (st->act == &fixact_rewrite_docker_auth_config) {
			o = find_step(p, &fixact_unset_docker_auth_config, st->registry, st);
			if (o && o->order < st->order &&
			    fold(p, st, o, "not rewritten: the variable is unset instead") < 0)
				return -1;
		} else if (st->act == &fixact_import_docker_auth_config) {
			o = find_step(p, &fixact_store_credentials_from_env, st->registry, st);
			if (o && fold(p, st, o, "the credential given to fix is stored instead of "
				      "DOCKER_AUTH_CONFIG's") < 0)
				return -1;
		}
	}
	for (i = 0; i < p->n; i++) {
		st = &p->steps[i];
		if (st->folded || st->act != &fixact_unset_docker_auth_config)
			continue;
		o = find_step(p, &fixact_rewrite_docker_auth_config, st->registry, st);
		if (o && fold(p, o, st, "not rewritten: the variable is unset instead") < 0)
			return -1;
	}
	return 0;
}

/* ---- ordering and realising ---- */

static int by_phase(const void *a, const void *b)
{
	const struct fix_step *x = a, *y = b;

	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Removes the steps marked gone. */
static void compact(struct fix_plan *p)
{
	size_t i, k = 0;

	for (i = 0; i < p->n; i++) {
		if (p->steps[i].gone || p->steps[i].folded) {
			fixplan_step_release(&p->steps[i]);
			continue;
		}
		p->steps[k++] = p->steps[i];
	}
	p->n = k;
	for (i = 0; i < p->n; i++)
		p->steps[i].number = (int)i + 1;
}

static int read_files(struct fix_plan *p, double lock_timeout_ms, struct err *e)
{
	size_t i, idx;

	writeset_release(&p->ws);
	for (i = 0; i < p->nwant; i++)
		if (writeset_add(&p->ws, p->want[i].path, p->want[i].flags, &idx, e) < 0)
			return -1;
	if (writeset_read(&p->ws, lock_timeout_ms, e) < 0)
		return -1;
	p->locked = lock_timeout_ms >= 0;
	json_decref(p->cfg);
	p->cfg = NULL;
	p->cfg_loaded = p->cfg_dirty = p->cfg_broken = 0;
	return 0;
}

/* Whether the edits left config.json as it was read (member order too):
 * then it is not rewritten, not even into docker's layout. */
static int same_as_read(const struct fix_plan *p)
{
	const struct writeset_file *f = &p->ws.files[p->cfg_index];
	struct err e = ERR_INIT;
	json_t *old = NULL;
	const char *k1, *k2;
	void *i1, *i2;
	int same;

	if (jsonedit_parse(&old, p->cfg_path, f->old.data ? f->old.data : "", f->old.len, &e) < 0)
		return 0;
	same = json_equal(old, p->cfg);
	/* json_equal ignores member order; docker's readers do not care, but a
	 * reordered file is a change worth showing */
	for (i1 = json_object_iter(old), i2 = json_object_iter(p->cfg); same && i1 && i2;
	     i1 = json_object_iter_next(old, i1), i2 = json_object_iter_next(p->cfg, i2)) {
		k1 = json_object_iter_key(i1);
		k2 = json_object_iter_key(i2);
		same = strcmp(k1, k2) == 0;
	}
	json_decref(old);
	return same;
}

/* One pass over the steps; 1 when the builder must start again. */
static int realise_all(struct fix_plan *p, const struct fix_ctx *c, struct err *e)
{
	struct buf text = BUF_INIT(WRITESET_FILE_MAX);
	size_t i;
	int rc = 0;

	for (i = 0; i < p->n; i++) {
		struct fix_step *st = &p->steps[i];

		if (st->folded)
			continue;
		fixstep_unrealise(st);
		if (!st->act || st->kind == FIX_BLOCKED || st->kind == FIX_MANUAL)
			continue;
		rc = st->act->realise(p, c, st, e);
		if (rc < 0 || rc == FIXACT_RESTART)
			return rc;
		if (rc == FIXACT_NOTHING)
			st->gone = 1;
	}
	if (p->cfg_dirty && !same_as_read(p))
		rc = jsonedit_dump(&text, p->cfg, e) < 0 ||
		     writeset_replace(&p->ws, p->cfg_index, text.data, text.len, e) < 0 ? -1 : 0;
	buf_release(&text);
	return rc;
}

/* A step realise found nothing left for: say so. */
static int note_gone(struct fix_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct fix_step *st = &p->steps[i];

		if (!st->gone || !st->act || st->folded)
			continue;
		if (!p->notes && !(p->notes = json_array()))
			return -1;
		json_array_append_new(p->notes, json_sprintf("%s%s%s: already in place, nothing to do",
			st->title ? st->title : st->act->name, st->registry[0] ? " for " : "",
			st->registry));
	}
	return 0;
}

int fixplan_build(struct fix_plan *p, const struct fix_ctx *c, double lock_timeout_ms,
		  struct err *e)
{
	size_t i, round;
	int rc;

	for (i = 0; i < json_array_size(c->findings); i++)
		if (choose_for(p, c, json_array_get(c->findings, i)) < 0)
			return err_set(e, "out of memory");
	if (resolve_conflicts(p) < 0)
		return err_set(e, "out of memory");
	for (round = 0; round < FIXPLAN_MAX_ROUNDS; round++) {
		if (p->n > 1)   /* qsort(NULL, 0, ...) is undefined: no steps, no array */
			qsort(p->steps, p->n, sizeof(*p->steps), by_phase);
		if (read_files(p, lock_timeout_ms, e) < 0)
			return -1;
		rc = realise_all(p, c, e);
		if (rc < 0)
			return -1;
		if (rc == FIXACT_RESTART)
			continue;
		if (note_gone(p) < 0)
			return err_set(e, "out of memory");
		compact(p);
		return 0;
	}
	return err_set(e, "the plan did not settle after %d rounds (two actions keep asking "
		       "for each other): please report this", FIXPLAN_MAX_ROUNDS);
}

/* ---- for the actions ---- */

int fixplan_file(struct fix_plan *p, const char *path, unsigned flags, size_t *index,
		 struct err *e)
{
	char target[PATH_MAX];
	struct fix_want *nv;
	size_t i;

	if (atomicfile_resolve(target, sizeof(target), path, e) < 0)
		return -1;
	for (i = 0; i < p->ws.n; i++) {
		if (strcmp(p->ws.files[i].target, target) == 0) {
			p->ws.files[i].flags |= flags;
			*index = i;
			return 0;
		}
	}
	for (i = 0; i < p->nwant; i++)
		if (strcmp(p->want[i].path, path) == 0)
			return FIXACT_RESTART;
	nv = realloc(p->want, (p->nwant + 1) * sizeof(*nv));
	if (!nv)
		return err_set(e, "out of memory");
	p->want = nv;
	nv[p->nwant].flags = flags;
	if (!(nv[p->nwant].path = strdup(path)))
		return err_set(e, "out of memory");
	p->nwant++;
	return FIXACT_RESTART;
}

int fixplan_config(struct fix_plan *p, const struct fix_ctx *c, json_t **root, struct err *e)
{
	const struct writeset_file *f;
	size_t idx;
	int rc;

	if (p->cfg_broken)
		return err_set(e, "'%s' is not a config docker can read: fix it by hand first "
			       "(python3 -m json.tool '%s')", p->cfg_path, p->cfg_path);
	if (!p->cfg_loaded) {
		if (dockercfg_default_path(p->cfg_path, sizeof(p->cfg_path), c->s, e) < 0)
			return -1;
		rc = fixplan_file(p, p->cfg_path, WRITESET_JSON | WRITESET_SECRET, &idx, e);
		if (rc != 0)
			return rc;
		f = &p->ws.files[idx];
		if (jsonedit_parse(&p->cfg, p->cfg_path, f->old.data ? f->old.data : "", f->old.len,
				   e) < 0) {
			p->cfg_broken = 1;
			return -1;
		}
		p->cfg_index = idx;
		p->cfg_loaded = 1;
	}
	*root = p->cfg;
	return 0;
}

void fixplan_config_touch(struct fix_plan *p)
{
	p->cfg_dirty = 1;
}

int fixplan_add_step(struct fix_plan *p, const struct fix_action *a, const char *registry,
		     const char *target, const char *title, const char *why, struct err *e)
{
	struct fix_step st;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->steps[i].act == a && strcmp(p->steps[i].registry, registry) == 0 &&
		    strcmp(p->steps[i].target, target ? target : "") == 0)
			return 0;
	memset(&st, 0, sizeof(st));
	st.act = a;
	st.phase = a->phase;
	st.kind = FIX_WRITE;
	snprintf(st.registry, sizeof(st.registry), "%s", registry);
	snprintf(st.target, sizeof(st.target), "%s", target ? target : "");
	if (fixstep_set(&st.title, "%s", title) < 0 ||
	    fixstep_set(&st.why, "%s", why) < 0 || push_step(p, &st) < 0)
		return err_set(e, "out of memory");
	return 1;
}
