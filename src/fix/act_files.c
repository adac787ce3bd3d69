/* act_files.c — files other than docker's config:
 *   install_registry_ca     the registry's CA (--cacert) where each client
 *                           reads it: docker's certs.d/<host>/ca.crt,
 *                           containers' certs.d/<host>/ca.crt, and
 *                           buildkitd.toml [registry."<host>"] ca = [...]
 *   add_dockerignore_entry  credential files inside the build context listed
 *                           in its .dockerignore, so `docker build` never sends
 *                           them (the seed's config-json-in-context)
 *
 * Where (root): docker /etc/docker/certs.d (FIXKB_DOCKER_CERTS_D, as the
 * token_endpoint probe reads it); containers/image /etc/containers/certs.d,
 * or ~/.config/containers/certs.d for a user that is not root (c/image
 * reads both; FIXKB_CONTAINERS_CERTS_D); BuildKit /etc/buildkit/buildkitd.toml,
 * or $XDG_CONFIG_HOME/buildkit/buildkitd.toml rootless (FIXKB_BUILDKITD_TOML).
 * The FIXKB_* variables exist for tests, which must not write to /etc. */
#include "fix/fixaction.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fix/atomicfile.h"
#include "net/ssllib.h"
#include "net/trust.h"
#include "util/fileio.h"
#include "util/paths.h"

#define CA_FILE_MAX (1u << 20)

/* ================= install_registry_ca ================= */

static int ca_choose(const struct fix_ctx *c, const json_t *f, struct fix_step *st,
		     char *reason, size_t n)
{
	(void)f;
	if (strcmp(fixact_code(c, "token_endpoint", st->registry), "tls_untrusted_ca") != 0) {
		snprintf(reason, n, "%s's certificate is not the problem here", st->registry);
		return FIXACT_NO;
	}
	if (!c->in->cacert)
		return fixstep_set(&st->needs, "the CA certificate that signed %s's certificate: "
				   "--cacert FILE (PEM)", st->registry) < 0 ? FIXACT_NO : FIXACT_BLOCKED;
	return fixstep_set(&st->what, "install the CA from %s for %s where docker, BuildKit and "
			   "containers/image read it", c->in->cacert, st->registry) < 0
	       ? FIXACT_NO : FIXACT_YES;
}

static void root_path(char *out, size_t n, const char *env, const char *as_root,
		      const char *rootless)
{
	const char *v = getenv(env), *xdg = getenv("XDG_CONFIG_HOME"), *home = paths_home_dir();

	if (v && *v)
		snprintf(out, n, "%s", v);
	else if (geteuid() == 0 || !rootless)
		snprintf(out, n, "%s", as_root);
	else if (xdg && xdg[0] == '/')
		snprintf(out, n, "%s/%s", xdg, rootless);
	else
		snprintf(out, n, "%s/.config/%s", home ? home : "", rootless);
}

/* 1 when text holds at least one PEM certificate (0 too when OpenSSL
 * cannot be loaded: nothing is installed then). */
static int pem_certs(const char *text, size_t len)
{
	BIO *bio;
	X509 *x;
	int n = 0;

	if (ssllib_load(NULL) < 0)
		return 0;
	bio = BIO_new_mem_buf(text, (int)len);
	while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		X509_free(x);
		n++;
	}
	BIO_free(bio);
	return n > 0;
}

/* Whether the line s[0..n) sets the key "ca". */
static int is_ca_key(const char *s, size_t n)
{
	size_t i = 2;

	if (n < 3 || s[0] != 'c' || s[1] != 'a')
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == '=';
}

/* buildkitd.toml with [registry."host"] ca = ["path"] (the section's
 * other keys kept, a ca line replaced). */
static int toml_with_ca(struct buf *out, const char *old, size_t len, const char *host,
			const char *ca)
{
	char header[600];
	const char *p = old, *end = old + len, *nl;
	int in_section = 0, done = 0, rc = 0;

	snprintf(header, sizeof(header), "[registry.\"%s\"]", host);
	while (p < end && rc == 0) {
		const char *s;
		size_t ll;

		nl = memchr(p, '\n', (size_t)(end - p));
		ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		for (s = p; s < p + ll && (*s == ' ' || *s == '\t'); s++)
			;
		if (s < p + ll && *s == '[') {
			if (in_section && !done) {
				rc = buf_appendf(out, "  ca = [\"%s\"]\n", ca);
				done = 1;
			}
			in_section = (size_t)(p + ll - s) >= strlen(header) &&
				     strncmp(s, header, strlen(header)) == 0;
		} else if (in_section && is_ca_key(s, (size_t)(p + ll - s))) {
			rc = buf_appendf(out, "  ca = [\"%s\"]\n", ca);
			done = 1;
			p += ll + (nl ? 1 : 0);
			continue;
		}
		if (rc == 0)
			rc = buf_append(out, p, ll) < 0 || buf_appends(out, "\n") < 0 ? -1 : 0;
		p += ll + (nl ? 1 : 0);
	}
	if (rc == 0 && in_section && !done)
		return buf_appendf(out, "  ca = [\"%s\"]\n", ca) < 0 ? -1 : 0;
	if (rc == 0 && !done)
		rc = buf_appendf(out, "%s[registry.\"%s\"]\n  ca = [\"%s\"]\n",
				 out->len && out->data[out->len - 1] != '\n' ? "\n" : "", host, ca) < 0
		     ? -1 : 0;
	return rc;
}

/* FIXACT_MARKED_BLOCKED when one of the paths cannot be written: nothing
 * of the step is then edited. */
static int ca_writable(struct fix_step *st, const char *const *paths, struct err *e)
{
	char target[PATH_MAX];
	struct err w = ERR_INIT;
	size_t i;

	for (i = 0; paths[i]; i++) {
		if (atomicfile_resolve(target, sizeof(target), paths[i], e) < 0)
			return -1;
		if (atomicfile_check_writable(target, &w) == 0)
			continue;
		st->kind = FIX_BLOCKED;
		return fixstep_set(&st->needs, "to be run as root (sudo fixkb fix --cacert ...): %s",
				   w.msg) < 0 ? err_set(e, "out of memory") : FIXACT_MARKED_BLOCKED;
	}
	return 0;
}

/* path's new text in the set. 0, FIXACT_RESTART or -1. */
static int ca_target(struct fix_plan *p, struct fix_step *st, const char *path,
		     const char *text, size_t len, struct err *e)
{
	size_t idx;
	int rc = fixplan_file(p, path, 0, &idx, e);

	if (rc != 0)
		return rc;
	if (writeset_replace(&p->ws, idx, text, len, e) < 0)
		return -1;
	if (p->ws.files[idx].change != WRITESET_KEEP && fixstep_file(st, path) < 0)
		return err_set(e, "out of memory");
	return 0;
}

static int ca_realise(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
		      struct err *e)
{
	struct buf ca = BUF_INIT(CA_FILE_MAX), toml = BUF_INIT(4u << 20);
	char dockerd[PATH_MAX], podd[PATH_MAX], bk[PATH_MAX], dca[PATH_MAX + 300],
	     pca[PATH_MAX + 300];
	const char *paths[] = { dca, pca, bk, NULL };
	size_t idx;
	int rc = -1;

	root_path(dockerd, sizeof(dockerd), "FIXKB_DOCKER_CERTS_D", TRUST_CERTS_D_DEFAULT, NULL);
	root_path(podd, sizeof(podd), "FIXKB_CONTAINERS_CERTS_D", "/etc/containers/certs.d",
		  "containers/certs.d");
	root_path(bk, sizeof(bk), "FIXKB_BUILDKITD_TOML", "/etc/buildkit/buildkitd.toml",
		  "buildkit/buildkitd.toml");
	snprintf(dca, sizeof(dca), "%s/%s/ca.crt", dockerd, st->registry);
	snprintf(pca, sizeof(pca), "%s/%s/ca.crt", podd, st->registry);
	if (fileio_read(&ca, c->in->cacert, CA_FILE_MAX, NULL, e) < 0)
		goto cleanup;
	if (!pem_certs(ca.data, ca.len)) {
		rc = err_set(e, "--cacert '%s': no PEM certificate in it", c->in->cacert);
		goto cleanup;
	}
	rc = ca_writable(st, paths, e);
	if (rc != 0)
		goto cleanup;
	rc = ca_target(p, st, dca, ca.data, ca.len, e);
	if (rc == 0)
		rc = ca_target(p, st, pca, ca.data, ca.len, e);
	if (rc == 0)
		rc = fixplan_file(p, bk, 0, &idx, e);
	if (rc != 0)
		goto cleanup;
	if (toml_with_ca(&toml, p->ws.files[idx].old.data ? p->ws.files[idx].old.data : "",
			 p->ws.files[idx].old.len, st->registry, dca) < 0) {
		rc = err_set(e, "out of memory");
		goto cleanup;
	}
	rc = ca_target(p, st, bk, toml.data, toml.len, e);
	if (rc == 0)
		rc = json_array_size(st->files) ? 0 : FIXACT_NOTHING;
cleanup:
	buf_release(&ca);
	buf_release(&toml);
	return rc == FIXACT_MARKED_BLOCKED ? 0 : rc;
}

const struct fix_action fixact_install_registry_ca = {
	"install_registry_ca", PHASE_FILES, ca_choose, ca_realise,
};

/* ================= add_dockerignore_entry ================= */

/* The credential files of a build context, relative to it. */
static const char *const cred_files[] = { ".docker/config.json", "config.json", ".dockercfg",
					  NULL };

/* Whether text has line as a line of its own. */
static int has_line(const char *text, size_t len, const char *line)
{
	size_t ll = strlen(line);
	const char *p = text, *end = text + len;

	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
			n--;
		if (n == ll && memcmp(p, line, ll) == 0)
			return 1;
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

static int ignore_choose(const struct fix_ctx *c, const json_t *f, struct fix_step *st,
			 char *reason, size_t n)
{
	char ctx[PATH_MAX], path[PATH_MAX * 2];
	size_t i, found = 0;

	(void)f;
	if (!realpath(c->in->context ? c->in->context : ".", ctx)) {
		snprintf(reason, n, "no build context to look at (--context DIR)");
		return FIXACT_NO;
	}
	for (i = 0; cred_files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", ctx, cred_files[i]);
		found += access(path, F_OK) == 0;
	}
	if (!found) {
		snprintf(reason, n, "no credential file in the build context %s", ctx);
		return FIXACT_NO;
	}
	snprintf(st->target, sizeof(st->target), "%s", ctx);
	st->registry[0] = '\0';
	return fixstep_set(&st->what, "list the credential files of the build context in its "
			   ".dockerignore") < 0 ? FIXACT_NO : FIXACT_YES;
}

/* The lines .dockerignore must have: the known credential files present,
 * and config.json of the docker config dir when it lies in the context. */
static int ignore_lines(struct fix_plan *p, const char *ctx, json_t *want)
{
	char path[PATH_MAX * 2], cfg[PATH_MAX];
	size_t i, n = strlen(ctx);

	for (i = 0; cred_files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", ctx, cred_files[i]);
		if (access(path, F_OK) == 0 && json_array_append_new(want, json_string(cred_files[i])) < 0)
			return -1;
	}
	if (p->cfg_path[0] && realpath(p->cfg_path, cfg) == NULL) {
		/* not written yet: its directory decides */
		snprintf(cfg, sizeof(cfg), "%s", p->cfg_path);
	}
	if (p->cfg_path[0] && strncmp(cfg, ctx, n) == 0 && cfg[n] == '/' &&
	    json_array_append_new(want, json_string(cfg + n + 1)) < 0)
		return -1;
	return 0;
}

static int ignore_realise(struct fix_plan *p, const struct fix_ctx *c, struct fix_step *st,
			  struct err *e)
{
	struct buf text = BUF_INIT(WRITESET_FILE_MAX);
	char file[PATH_MAX + 16];
	json_t *want = json_array();
	const struct writeset_file *f;
	size_t i, idx, added = 0;
	int rc;

	(void)c;
	snprintf(file, sizeof(file), "%s/.dockerignore", st->target);
	rc = want ? fixplan_file(p, file, 0, &idx, e) : err_set(e, "out of memory");
	if (rc != 0 || ignore_lines(p, st->target, want) < 0)
		goto cleanup;
	f = &p->ws.files[idx];
	rc = buf_append(&text, f->old.data ? f->old.data : "", f->old.len);
	if (rc == 0 && text.len && text.data[text.len - 1] != '\n')
		rc = buf_appends(&text, "\n");
	for (i = 0; rc == 0 && i < json_array_size(want); i++) {
		const char *line = json_string_value(json_array_get(want, i));

		if (has_line(text.data ? text.data : "", text.len, line))
			continue;
		rc = (added++ ? 0 : buf_appends(&text, "# credential files: never send them with "
						"the build context (fixkb)\n")) < 0 ||
		     buf_appendf(&text, "%s\n", line) < 0 ? -1 : 0;
	}
	if (rc < 0) {
		rc = err_set(e, "out of memory");
		goto cleanup;
	}
	rc = !added ? FIXACT_NOTHING :
	     writeset_replace(&p->ws, idx, text.data, text.len, e) < 0 || fixstep_file(st, file) < 0
	     ? -1 : 0;
cleanup:
	json_decref(want);
	buf_release(&text);
	return rc;
}

const struct fix_action fixact_add_dockerignore_entry = {
	"add_dockerignore_entry", PHASE_FILES, ignore_choose, ignore_realise,
};
