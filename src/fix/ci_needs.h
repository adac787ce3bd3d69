/* ci_needs.h — what a CI job's build needs from registries and from the
 * build client: each registry with the repositories it pulls or pushes
 * (the scopes BuildKit asks a token for), and the build secrets and SSH
 * agents its RUN steps mount.
 *
 * Sources, in order:
 *  - the FROM images of each Dockerfile (docker/dockerfile.h): pull;
 *  - --image REF: pull, or pull,push with --push (the images the build
 *    pushes; a FROM image pushed too is pull,push once);
 *  - --registry HOST: a registry to set up even when no image names it
 *    (checked as docker login checks it: the token endpoint, no scope);
 *  - the RUN --mount=type=secret|ssh lines of each Dockerfile.
 * The Dockerfiles: <context>/Dockerfile for each --context (default
 * "."), and each --file (docker build -f), which belongs to the first
 * context. A Dockerfile named but missing is an error; ./Dockerfile
 * missing when nothing was named is not (the job may build nothing).
 *
 * Registries are fixkb's names (docker/regname.h: "docker.io" for Docker
 * Hub), in the order first met; repositories are unique per registry.
 * Everything is owned by struct ci_needs; ci_needs_release frees it. */
#ifndef FIXKB_FIX_CI_NEEDS_H
#define FIXKB_FIX_CI_NEEDS_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>

#include "util/err.h"
#include "util/strlist.h"
#include "docker/imageref.h"

struct ci_repo {
	char image[IMAGEREF_NAME_MAX + IMAGEREF_DOMAIN_MAX + IMAGEREF_DIGEST_MAX];   /* as given */
	char path[IMAGEREF_NAME_MAX];   /* "owner/img" */
	char ref[IMAGEREF_DIGEST_MAX];  /* tag or digest */
	int push;                       /* pull,push (else pull) */
	char why[PATH_MAX + 64];        /* "FROM in ./Dockerfile", "--image --push" */
};

struct ci_reg {
	char name[IMAGEREF_DOMAIN_MAX];   /* fixkb's registry name */
	struct ci_repo *repos;
	size_t nrepos;
};

struct ci_mount {
	int ssh;                       /* ssh agent (else a secret) */
	char id[256];
	int required;
	char env[128];                 /* env= of the mount ("" none) */
	char dockerfile[PATH_MAX];
	int line;
};

struct ci_dockerfile {
	char path[PATH_MAX];           /* as named */
	char context[PATH_MAX];        /* its build context, as named */
};

struct ci_needs {
	struct ci_reg *regs;
	size_t nregs;
	struct ci_mount *mounts;
	size_t nmounts;
	struct ci_dockerfile *files;   /* the Dockerfiles read */
	size_t nfiles;
	json_t *warnings;              /* array of strings (owned) */
};

#define CI_NEEDS_INIT { NULL, 0, NULL, 0, NULL, 0, NULL }

struct ci_needs_request {
	const struct strlist *registries;   /* --registry */
	const struct strlist *images;       /* --image */
	const struct strlist *contexts;     /* --context */
	const struct strlist *files;        /* --file */
	int push;                           /* --push: the --image references are pushed */
};

/* Gathers what the job needs. -1 with e set on a bad reference or
 * registry name, an unreadable Dockerfile, or OOM. */
int ci_needs_gather(struct ci_needs *n, const struct ci_needs_request *rq, struct err *e);
void ci_needs_release(struct ci_needs *n);

/* "repository:<path>:pull" or ":pull,push". */
void ci_repo_scope(const struct ci_repo *r, char *out, size_t n);

/* The registry named name, or NULL. */
struct ci_reg *ci_needs_find(struct ci_needs *n, const char *name);

#endif
