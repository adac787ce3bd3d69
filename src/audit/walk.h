/* walk.h — the fast walk for build contexts and the credential files in
 * them.
 *
 * One pass over a tree, one directory open at a time per level, no stat
 * per file (d_type; fstatat only where a file system gives DT_UNKNOWN).
 * A directory holding a Dockerfile (dockerfile_is_name) is a build
 * context: its Dockerfile runs the Dockerfile rules, and its
 * <Dockerfile>.dockerignore (else .dockerignore) is pushed for everything
 * below. A file below one or more contexts that holds registry
 * credentials (a docker config.json or containers auth.json with a
 * credential, a .dockercfg, a .env setting DOCKER_AUTH_CONFIG) and that
 * the context's ignore file does not exclude is credential-in-build-context.
 * .env files anywhere are checked for DOCKER_AUTH_CONFIG.
 *
 * Not descended: .git, node_modules, symlinks (never followed: BuildKit
 * sends a symlink as a symlink, not what it points at), directories a
 * .gitignore on the way ignores — except .docker, which is what a
 * .gitignore hides and a build context still sends. Gitignored files are
 * still looked at by name: the builder does not read .gitignore.
 * A symlinked Dockerfile is read through safefs, confined to opts->confine.
 *
 * Bounded: the run's deadline stops the walk (noted), depth is capped at
 * WALK_MAX_DEPTH, at most WALK_DIR_MAX subdirectories of one directory are
 * kept, files are read only when named as above and only up to 4 MiB; a
 * directory that cannot be read is noted and skipped. */
#ifndef FIXKB_AUDIT_WALK_H
#define FIXKB_AUDIT_WALK_H

#include "audit/homes.h"
#include "audit/report.h"

#define WALK_MAX_DEPTH 128
#define WALK_DIR_MAX 100000
#define WALK_CONTEXTS_MAX 256

struct walk_opts {
	const char *root;               /* the directory to walk (absolute) */
	const char *confine;            /* safefs root: "/" or the home being audited */
	const struct audit_home *home;  /* for ~ display and the finding's user, or NULL */
	double deadline_ms;
};

/* Walks one tree; findings, notes and counts go to r. -1 on OOM only. */
int walk_tree(struct audit_report *r, const struct walk_opts *o);

#endif
