/* localsecrets.c — the secrets stored here, and scrubbing text of them;
 * see localsecrets.h. */
#include "docker/localsecrets.h"

#include <stdlib.h>
#include <string.h>

#include "util/crypto.h"
#include "util/redact.h"
#include "docker/authfile.h"
#include "docker/dockerauthcfg.h"
#include "docker/dockercfg.h"

#define REDACTED "[redacted]"
#define OPAQUE_MIN 20

static int add_one(struct localsecrets *l, const void *p, size_t n)
{
	struct sensitive *grown;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->items[i].len == n && memcmp(l->items[i].data, p, n) == 0)
			return 0;
	if (l->n == l->cap) {
		size_t want = l->cap ? 2 * l->cap : 16;

		grown = realloc(l->items, want * sizeof(*grown));
		if (!grown)
			return -1;
		l->items = grown;
		l->cap = want;
	}
	l->items[l->n] = (struct sensitive)SENSITIVE_INIT;
	if (sensitive_set(&l->items[l->n], p, n) < 0)
		return -1;
	l->n++;
	return 0;
}

int localsecrets_add(struct localsecrets *l, const void *p, size_t n)
{
	char *enc;
	size_t el;
	int rc;

	if (!p || n < LOCALSECRETS_MIN_LEN)
		return 0;
	if (add_one(l, p, n) < 0)
		return -1;
	enc = b64_encode_std(p, n);
	if (!enc)
		return -1;
	el = strlen(enc);
	while (el && enc[el - 1] == '=')
		el--;
	rc = add_one(l, enc, el);
	explicit_bzero(enc, strlen(enc));
	free(enc);
	return rc;
}

void localsecrets_release(struct localsecrets *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		sensitive_release(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

static int add_sens(struct localsecrets *l, const struct sensitive *s)
{
	return sensitive_is_empty(s) ? 0 : localsecrets_add(l, s->data, s->len);
}

static int add_dockercfg(struct localsecrets *l, const struct dockercfg *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nauths; i++)
		if (add_sens(l, &cfg->auths[i].password) < 0 ||
		    add_sens(l, &cfg->auths[i].identity_token) < 0 ||
		    add_sens(l, &cfg->auths[i].registry_token) < 0)
			return -1;
	return 0;
}

/* A containers auth file keeps `auth` raw: its password half counts. */
static int add_authfile(struct localsecrets *l, const struct authfile *f)
{
	struct sensitive raw = SENSITIVE_INIT;
	struct err de = ERR_INIT;
	const char *colon;
	size_t i;
	int rc = 0;

	for (i = 0; i < f->nauths && rc == 0; i++) {
		const struct authfile_entry *en = &f->auths[i];

		rc = add_sens(l, &en->identity_token);
		if (rc < 0 || sensitive_is_empty(&en->auth) ||
		    b64_decode_std(&raw, en->auth.data, en->auth.len, &de) < 0)
			continue;
		colon = raw.data ? memchr(raw.data, ':', raw.len) : NULL;
		rc = localsecrets_add(l, colon ? colon + 1 : raw.data,
				      colon ? raw.len - (size_t)(colon + 1 - raw.data) : raw.len);
		sensitive_release(&raw);
	}
	sensitive_release(&raw);
	return rc;
}

static int add_cimage_files(struct localsecrets *l, const struct settings *s, struct err *e)
{
	struct authfile_chain ch;
	size_t i;
	int t, rc = 0;

	for (t = 0; t < 2 && rc == 0; t++) {
		/* not exclusive: also the files an older c/image reads after a
		 * given authfile; a secret too many costs nothing */
		if (authfile_chain(&ch, s, t ? AUTHFILE_PODMAN : AUTHFILE_SKOPEO, 0, e) < 0)
			return -1;
		for (i = 0; i < ch.n && rc == 0; i++) {
			struct authfile f = AUTHFILE_INIT;

			rc = authfile_load(&f, ch.p[i].path, ch.p[i].legacy, e);
			if (rc == 0)
				rc = add_authfile(l, &f);
			authfile_release(&f);
		}
	}
	return rc;
}

int localsecrets_collect(struct localsecrets *l, const struct settings *s, struct err *e)
{
	static const char *const env[] = { "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", NULL };
	struct docker_auth_config dac = DOCKER_AUTH_CONFIG_INIT;
	struct dockercfg cfg = DOCKERCFG_INIT;
	char path[PATH_MAX];
	struct err pe = ERR_INIT;
	int rc = -1;
	size_t i;

	if (dockercfg_default_path(path, sizeof(path), s, &pe) == 0) {
		if (dockercfg_load(&cfg, path, e) < 0 || add_dockercfg(l, &cfg) < 0)
			goto cleanup;
	}
	if (dac_load_env(&dac, e) < 0 || add_dockercfg(l, &dac.cfg) < 0)
		goto cleanup;
	if (add_cimage_files(l, s, e) < 0)
		goto cleanup;
	for (i = 0; env[i]; i++) {
		const char *v = getenv(env[i]);

		if (v && localsecrets_add(l, v, strlen(v)) < 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	if (rc < 0)
		err_set(e, "out of memory collecting the stored secrets");
	dockercfg_release(&cfg);
	dac_release(&dac);
	return rc;
}

/* ---- scrubbing ---- */

/* Step 1: every byte inside a known secret is masked, then each masked
 * run becomes one [redacted]. */
static int hide_known(struct buf *out, const struct localsecrets *l, const char *in, size_t n)
{
	unsigned char *mask = calloc(n + 1, 1);
	const char *hit;
	size_t i, at;
	int rc = 0;

	if (!mask)
		return -1;
	for (i = 0; l && i < l->n; i++) {
		for (at = 0; at < n; at = (size_t)(hit - in) + 1) {
			hit = memmem(in + at, n - at, l->items[i].data, l->items[i].len);
			if (!hit)
				break;
			memset(mask + (hit - in), 1, l->items[i].len);
		}
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (!mask[i])
			rc = buf_append(out, in + i, 1);
		else if (i == 0 || !mask[i - 1])
			rc = buf_appends(out, REDACTED);
	}
	free(mask);
	return rc < 0 ? -1 : buf_append(out, "", 0);
}

int localsecrets_scrub(struct buf *out, const struct localsecrets *l, const char *in, size_t n)
{
	struct buf known = BUF_INIT(LOCALSECRETS_SCRUB_MAX * 3 + 64);
	size_t cap;
	char *shaped = NULL;
	int rc = -1;

	if (!in)
		n = 0;
	if (n > LOCALSECRETS_SCRUB_MAX)
		n = LOCALSECRETS_SCRUB_MAX;
	if (hide_known(&known, l, in ? in : "", n) < 0)
		goto cleanup;
	cap = known.len * 2 + 64;
	shaped = malloc(cap);
	if (!shaped)
		goto cleanup;
	redact_text(known.data ? known.data : "", known.len, shaped, cap);
	redact_opaque_runs(shaped, "_+=", OPAQUE_MIN, 1);
	out->max = cap;
	if (buf_appends(out, shaped) < 0 || buf_append(out, "", 0) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	if (shaped) {
		explicit_bzero(shaped, cap);
		free(shaped);
	}
	buf_release(&known);
	return rc;
}
