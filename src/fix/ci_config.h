/* ci_config.h — the job-scoped docker config fix --ci writes, never the
 * runner user's own ~/.docker.
 *
 * The directory is ci_job_dir's (fix/ci_detect.h: under RUNNER_TEMP on
 * GitHub, in the checkout on GitLab, $TMPDIR elsewhere), mode 0700, owned
 * by the user running fixkb (an existing one owned by another user, or a
 * symlink, is refused); config.json in it is 0600 and written through
 * fix/writeset.h (locked, diffed with secrets masked, backed up, atomic,
 * rolled back when the verification after the write fails).
 *
 * Its content: the job config as it stands when the directory already
 * has one (a second run adds to it), else the runner's config.json minus
 * its credentials (auths, credsStore, credHelpers: the proxies, headers
 * and other settings are kept), then for each registry
 *  - a credential: auths."<key>" = {"auth": base64(user:secret)} (an
 *    identity token as {"identitytoken": …}), its credHelpers entry gone;
 *  - a helper: credHelpers."<key>" = name, its auths entry gone;
 *  - nothing (anonymous): both gone, so no stale credential is sent;
 * where <key> is the key BuildKit asks for (docker/regname.h:
 * "https://index.docker.io/v1/" for Docker Hub). No credsStore is
 * written: the job's config never depends on a desktop keychain.
 *
 * When the directory lies inside a build context, its path is appended
 * to that context's ignore file (<Dockerfile>.dockerignore when it
 * exists, as BuildKit prefers it, else <context>/.dockerignore) unless a
 * line already names it, so the credentials never reach the builder.
 *
 * After the write, the runner's cli-plugins, buildx and contexts
 * directories (of the config dir in use before) are linked into the job
 * directory when it has none of its own, so docker finds its plugins,
 * buildx its builders (docker/setup-buildx-action's) and docker its
 * contexts with DOCKER_CONFIG pointing here; nothing is written into the
 * runner's directory. */
#ifndef FIXKB_FIX_CI_CONFIG_H
#define FIXKB_FIX_CI_CONFIG_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>

#include "util/err.h"
#include "util/sensitive.h"
#include "util/settings.h"
#include "docker/credential.h"
#include "fix/ci_detect.h"
#include "fix/ci_needs.h"
#include "fix/writeset.h"

/* What the job config holds for one registry. */
struct ci_entry {
	const char *registry;             /* fixkb's name (borrowed) */
	const struct credential *cred;    /* written to auths (borrowed), or NULL */
	const char *helper;               /* written to credHelpers (borrowed), or NULL */
};

#define CI_CONFIG_MASKS_MAX 64

struct ci_config {
	char dir[PATH_MAX];               /* the job-scoped config dir */
	char file[PATH_MAX];              /* dir/config.json */
	const char *dir_from;             /* the variable that gave its base ("RUNNER_TEMP") */
	char orig_dir[PATH_MAX];          /* the docker config dir before ("" when the same) */
	char base[PATH_MAX];              /* the file the other settings came from ("" none) */
	struct writeset ws;
	size_t cfg_index;
	json_t *ignores;                  /* [{"file", "entry"}]: ignore-file additions (owned) */
	json_t *links;                    /* [{"name", "target"}]: links made or to make (owned) */
	/* the derived secret values written (base64 auth strings): what a CI
	 * log must mask; owned, wiped on release */
	struct sensitive masks[CI_CONFIG_MASKS_MAX];
	size_t nmasks;
	int dir_created;                  /* ci_config_apply made the directory */
};

#define CI_CONFIG_INIT { "", "", "", "", "", WRITESET_INIT, 0, NULL, NULL, { SENSITIVE_INIT }, 0, 0 }

/* Plans the write: reads (locking when apply) the job config and the
 * ignore files, computes their new text. -1 with e set. */
int ci_config_plan(struct ci_config *c, const struct ci_env *env, const struct settings *s,
		   const struct ci_entry *entries, size_t n, const struct ci_needs *needs,
		   int apply, struct err *e);
/* How many files change. */
size_t ci_config_changes(const struct ci_config *c);
/* The unified diff of the planned changes, secrets as fingerprints. */
int ci_config_diff(const struct ci_config *c, struct buf *out, struct err *e);
/* Makes the directory (0700, checked), writes, links. -1 with e set;
 * then nothing was written (the directory may exist). */
int ci_config_apply(struct ci_config *c, struct err *e);
/* Puts the files back (the verification after the write failed) and
 * removes the links made. */
int ci_config_rollback(struct ci_config *c, struct err *e);
void ci_config_release(struct ci_config *c);

#endif
