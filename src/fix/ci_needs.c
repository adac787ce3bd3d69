/* ci_needs.c — the registries, scopes, secrets and SSH agents a CI job's
 * build needs, from its Dockerfiles and the command line. */
#include "fix/ci_needs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "docker/dockerfile.h"
#include "docker/regname.h"

struct ci_reg *ci_needs_find(struct ci_needs *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->nregs; i++)
		if (strcmp(n->regs[i].name, name) == 0)
			return &n->regs[i];
	return NULL;
}

static struct ci_reg *add_registry(struct ci_needs *n, const char *name)
{
	struct ci_reg *r = ci_needs_find(n, name), *grown;

	if (r)
		return r;
	grown = realloc(n->regs, (n->nregs + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	n->regs = grown;
	r = &n->regs[n->nregs++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	return r;
}

/* Adds image (pull, or pull,push) under its registry; a repository met
 * twice is one, pushed if either says so. */
static int add_image(struct ci_needs *n, const char *image, int push, const char *why,
		     struct err *e)
{
	struct image_ref ref;
	struct ci_reg *r;
	struct ci_repo *rp, *grown;
	const char *at;
	size_t i;

	if (image_ref_parse(&ref, image, e) < 0)
		return err_prefix(e, "image '%s' (%s)", image, why);
	if (!(r = add_registry(n, ref.registry)))
		return err_set(e, "out of memory");
	at = ref.digest[0] ? ref.digest : ref.tag;
	for (i = 0; i < r->nrepos; i++) {
		rp = &r->repos[i];
		if (strcmp(rp->path, ref.path) != 0)
			continue;
		if (push && !rp->push) {
			rp->push = 1;
			snprintf(rp->image, sizeof(rp->image), "%s", image);
			snprintf(rp->ref, sizeof(rp->ref), "%s", at);
			snprintf(rp->why, sizeof(rp->why), "%s", why);
		}
		return 0;
	}
	grown = realloc(r->repos, (r->nrepos + 1) * sizeof(*grown));
	if (!grown)
		return err_set(e, "out of memory");
	r->repos = grown;
	rp = &r->repos[r->nrepos++];
	memset(rp, 0, sizeof(*rp));
	snprintf(rp->image, sizeof(rp->image), "%s", image);
	snprintf(rp->path, sizeof(rp->path), "%s", ref.path);
	snprintf(rp->ref, sizeof(rp->ref), "%s", at);
	snprintf(rp->why, sizeof(rp->why), "%s", why);
	rp->push = push;
	return 0;
}

static int add_mounts(struct ci_needs *n, const struct ci_dockerfile *df, json_t *arr,
		      struct err *e)
{
	struct ci_mount *grown, *m;
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		const char *env = json_string_value(json_object_get(v, "env"));

		grown = realloc(n->mounts, (n->nmounts + 1) * sizeof(*grown));
		if (!grown)
			return err_set(e, "out of memory");
		n->mounts = grown;
		m = &n->mounts[n->nmounts++];
		memset(m, 0, sizeof(*m));
		m->ssh = strcmp(json_string_value(json_object_get(v, "type")), "ssh") == 0;
		snprintf(m->id, sizeof(m->id), "%s", json_string_value(json_object_get(v, "id")));
		m->required = json_is_true(json_object_get(v, "required"));
		snprintf(m->env, sizeof(m->env), "%s", env ? env : "");
		snprintf(m->dockerfile, sizeof(m->dockerfile), "%s", df->path);
		m->line = (int)json_integer_value(json_object_get(v, "line"));
	}
	return 0;
}

/* Reads one Dockerfile: its FROM images (pull) and its mounts. */
static int read_dockerfile(struct ci_needs *n, const char *path, const char *context,
			   struct err *e)
{
	json_t *froms = NULL, *mounts = NULL, *v;
	struct ci_dockerfile *grown, *df;
	char why[PATH_MAX + 16];
	size_t i;
	int rc = -1;

	if (dockerfile_from_images(&froms, path, e) < 0 ||
	    dockerfile_run_mounts(&mounts, path, e) < 0)
		goto cleanup;
	grown = realloc(n->files, (n->nfiles + 1) * sizeof(*grown));
	if (!grown) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	n->files = grown;
	df = &n->files[n->nfiles++];
	snprintf(df->path, sizeof(df->path), "%s", path);
	snprintf(df->context, sizeof(df->context), "%s", context);
	snprintf(why, sizeof(why), "FROM in %s", path);
	json_array_foreach(froms, i, v)
		if (add_image(n, json_string_value(v), 0, why, e) < 0)
			goto cleanup;
	rc = add_mounts(n, df, mounts, e);
cleanup:
	json_decref(froms);
	json_decref(mounts);
	return rc;
}

static int gather_dockerfiles(struct ci_needs *n, const struct ci_needs_request *rq,
			      struct err *e)
{
	const char *first = rq->contexts && rq->contexts->n ? rq->contexts->items[0] : ".";
	char path[PATH_MAX];
	struct stat st;
	int i;

	if (rq->contexts)
		for (i = 0; i < rq->contexts->n; i++) {
			snprintf(path, sizeof(path), "%s/Dockerfile", rq->contexts->items[i]);
			/* a context built with -f has no ./Dockerfile of its own */
			if (i == 0 && rq->files && rq->files->n && stat(path, &st) < 0)
				continue;
			if (read_dockerfile(n, path, rq->contexts->items[i], e) < 0)
				return -1;
		}
	if (rq->files)
		for (i = 0; i < rq->files->n; i++)
			if (read_dockerfile(n, rq->files->items[i], first, e) < 0)
				return -1;
	if ((!rq->contexts || !rq->contexts->n) && (!rq->files || !rq->files->n)) {
		if (stat("Dockerfile", &st) == 0)
			return read_dockerfile(n, "./Dockerfile", ".", e);
		if (errno != ENOENT)
			return err_set(e, "reading './Dockerfile': %s", strerror(errno));
		if (json_array_append_new(n->warnings, json_string(
			"no ./Dockerfile here (give --context DIR or --file PATH): only the "
			"--image and --registry arguments are set up")) < 0)
			return err_set(e, "out of memory");
	}
	return 0;
}

int ci_needs_gather(struct ci_needs *n, const struct ci_needs_request *rq, struct err *e)
{
	char reg[IMAGEREF_DOMAIN_MAX];
	int i;

	memset(n, 0, sizeof(*n));
	if (!(n->warnings = json_array()))
		return err_set(e, "out of memory");
	if (gather_dockerfiles(n, rq, e) < 0)
		return -1;
	if (rq->images)
		for (i = 0; i < rq->images->n; i++)
			if (add_image(n, rq->images->items[i], rq->push,
				      rq->push ? "--image, --push" : "--image", e) < 0)
				return -1;
	if (rq->registries)
		for (i = 0; i < rq->registries->n; i++) {
			if (regname_normalise(rq->registries->items[i], reg, sizeof(reg), e) < 0)
				return err_prefix(e, "--registry '%s'", rq->registries->items[i]);
			if (!add_registry(n, reg))
				return err_set(e, "out of memory");
		}
	if (rq->push && (!rq->images || !rq->images->n))
		return err_set(e, "--push needs --image REF (the images the build pushes)");
	return 0;
}

void ci_needs_release(struct ci_needs *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nregs; i++)
		free(n->regs[i].repos);
	free(n->regs);
	free(n->mounts);
	free(n->files);
	json_decref(n->warnings);
	memset(n, 0, sizeof(*n));
}

void ci_repo_scope(const struct ci_repo *r, char *out, size_t n)
{
	snprintf(out, n, "repository:%s:%s", r->path, r->push ? "pull,push" : "pull");
}
