/* localsecrets.h — every secret stored in this machine's credential
 * configuration, so text from outside (a credential helper's error
 * output) can be scrubbed of them before it is shown anywhere.
 *
 * Collected: the password (decoded from `auth`, or `password`), identity
 * token and registry token of every auths entry in docker's config.json,
 * in DOCKER_AUTH_CONFIG (as docker and as the GitLab runner read it) and
 * in every containers auth file skopeo, podman or buildah read (auth.json
 * files, ~/.dockercfg), plus the AWS secrets a helper's environment
 * carries (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). Each is kept in a
 * struct sensitive (wiped on release), with its standard base64.
 *
 * localsecrets_scrub() is what helper output goes through:
 *  1. every collected secret (4 bytes or longer) and its base64 → "[redacted]";
 *  2. util/redact's shapes (Basic/Bearer credentials, JWTs, password=,
 *     "Secret": …, URL user info, -p VALUE);
 *  3. every run of 20 or more [A-Za-z0-9_+=] holding both a letter and a
 *     digit (an API token, a PAT, a random password) → "[opaque]".
 * Only the first LOCALSECRETS_SCRUB_MAX bytes are kept (the rest is never
 * shown: helper text is cut to CREDHELPER_MSG_MAX), which also bounds the
 * cost with a config of many thousand entries. */
#ifndef FIXKB_DOCKER_LOCALSECRETS_H
#define FIXKB_DOCKER_LOCALSECRETS_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/sensitive.h"
#include "util/settings.h"

#define LOCALSECRETS_SCRUB_MAX (4u << 10)
#define LOCALSECRETS_MIN_LEN 4   /* shorter secrets would match everywhere */

struct localsecrets {
	struct sensitive *items;   /* owned, each wiped on release */
	size_t n, cap;
};

#define LOCALSECRETS_INIT { NULL, 0, 0 }

/* Collects every secret named above, reading the files as the clients
 * would (s: --config; may be NULL). Unreadable or malformed files are
 * skipped. Returns 0, or -1 on OOM. */
int localsecrets_collect(struct localsecrets *l, const struct settings *s, struct err *e);
/* Adds one secret (and its base64); empty, short and duplicate ones are
 * skipped. Returns 0, or -1 on OOM. */
int localsecrets_add(struct localsecrets *l, const void *p, size_t n);
void localsecrets_release(struct localsecrets *l);

/* Scrubs in[0..n) into *out (a fresh BUF_INIT, wiped on release by the
 * caller): steps 1–3 above. l may be NULL (steps 2–3 only). Returns 0, or
 * -1 on OOM. */
int localsecrets_scrub(struct buf *out, const struct localsecrets *l, const char *in, size_t n);

#endif
