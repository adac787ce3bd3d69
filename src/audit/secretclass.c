#include "audit/secretclass.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "docker/regname.h"
#include "net/jwt.h"

enum vendor { VENDOR_NONE, VENDOR_GITHUB, VENDOR_DOCKER, VENDOR_GITLAB };

#define SHAPE_OK 0          /* the registry's own token: fine */
#define SHAPE_SHORT 1       /* lives for a job or hours: dead once stored */
#define SHAPE_WRONG 2       /* not accepted by this registry */

struct shape {
	const char *prefix;
	enum vendor vendor;
	const char *what;
	int on_own_registry;   /* SHAPE_* when stored for its vendor's registry */
	const char *why;       /* for SHAPE_SHORT / SHAPE_WRONG */
};

static const struct shape shapes[] = {
	{ "ghp_", VENDOR_GITHUB, "GitHub personal access token (classic)", SHAPE_OK, "" },
	{ "github_pat_", VENDOR_GITHUB, "GitHub fine-grained personal access token", SHAPE_WRONG,
	  "ghcr.io accepts only personal access tokens (classic), with read:packages to pull" },
	{ "gho_", VENDOR_GITHUB, "GitHub OAuth access token", SHAPE_OK, "" },
	{ "ghu_", VENDOR_GITHUB, "GitHub App user access token", SHAPE_SHORT,
	  "a GitHub App user access token expires after eight hours" },
	{ "ghs_", VENDOR_GITHUB, "GitHub App installation token (GITHUB_TOKEN)", SHAPE_SHORT,
	  "an installation token (Actions' GITHUB_TOKEN) expires within hours, at the latest "
	  "when its job ends" },
	{ "ghr_", VENDOR_GITHUB, "GitHub App refresh token", SHAPE_WRONG,
	  "a refresh token is not accepted as a registry password" },
	{ "dckr_pat_", VENDOR_DOCKER, "Docker Hub personal access token", SHAPE_OK, "" },
	{ "dckr_oat_", VENDOR_DOCKER, "Docker Hub organization access token", SHAPE_OK, "" },
	{ "glpat-", VENDOR_GITLAB, "GitLab access token", SHAPE_OK, "" },
	{ "gldt-", VENDOR_GITLAB, "GitLab deploy token", SHAPE_OK, "" },
	{ "glcbt-", VENDOR_GITLAB, "GitLab CI/CD job token", SHAPE_SHORT,
	  "a CI/CD job token is valid only while its job runs" },
};

static const char *const vendor_names[] = { "", "GitHub", "Docker Hub", "GitLab" };

static enum vendor registry_vendor(const char *registry)
{
	if (strcmp(registry, "ghcr.io") == 0 || strcmp(registry, "docker.pkg.github.com") == 0)
		return VENDOR_GITHUB;
	if (strcmp(registry, REGNAME_HUB) == 0)
		return VENDOR_DOCKER;
	if (strcmp(registry, "registry.gitlab.com") == 0)
		return VENDOR_GITLAB;
	return VENDOR_NONE;
}

static const struct shape *find_shape(const struct sensitive *s)
{
	size_t i, l;

	for (i = 0; s->data && i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		l = strlen(shapes[i].prefix);
		if (s->len > l && memcmp(s->data, shapes[i].prefix, l) == 0)
			return &shapes[i];
	}
	return NULL;
}

const char *secretclass_prefix_class(const struct sensitive *s)
{
	const struct shape *sh = find_shape(s);

	return sh ? sh->what : NULL;
}

const char *secret_kind_name(enum secret_kind k)
{
	switch (k) {
	case SECRET_PASSWORD: return "password";
	case SECRET_IDENTITY_TOKEN: return "identity_token";
	case SECRET_REGISTRY_TOKEN: return "registry_token";
	}
	return "password";
}

static int looks_like_jwt(const struct sensitive *s)
{
	return s->data && s->len > 10 && memcmp(s->data, "eyJ", 3) == 0 &&
	       memchr(s->data, '.', s->len) != NULL;
}

static int is_hex40(const struct sensitive *s)
{
	size_t i;

	if (s->len != 40)
		return 0;
	for (i = 0; i < 40; i++)
		if (!strchr("0123456789abcdef", s->data[i]))
			return 0;
	return 1;
}

/* Expired JWT: 1 (v filled), else 0. */
static int judge_jwt(struct secret_verdict *v, const struct sensitive *secret,
		     enum secret_kind kind, long long now)
{
	struct jwt_info j = JWT_INFO_INIT;
	struct err e = ERR_INIT;
	char when[32] = "";
	time_t t;
	struct tm tm;

	if (!looks_like_jwt(secret) || jwt_decode(&j, secret, &e) < 0) {
		jwt_info_release(&j);
		return 0;
	}
	v->is_jwt = 1;
	snprintf(v->what, sizeof(v->what), "JWT");
	if (j.has_exp)
		v->exp = j.exp;
	jwt_info_release(&j);
	if (!v->exp || v->exp > now)
		return 0;
	t = (time_t)v->exp;
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	v->rule = RULE_EXPIRED_TOKEN;
	snprintf(v->why, sizeof(v->why), "the %s is a JWT that expired at %s",
		 kind == SECRET_IDENTITY_TOKEN ? "identity token" :
		 kind == SECRET_REGISTRY_TOKEN ? "registry token" : "password", when);
	return 1;
}

void secretclass_judge(struct secret_verdict *v, const char *registry, const char *username,
		       const struct sensitive *secret, enum secret_kind kind, long long now)
{
	enum vendor reg = registry_vendor(registry);
	const struct shape *sh;

	*v = (struct secret_verdict)SECRET_VERDICT_INIT;
	if (!secret->data || secret->len == 0)
		return;
	if (judge_jwt(v, secret, kind, now) || v->is_jwt || kind != SECRET_PASSWORD)
		return;
	sh = find_shape(secret);
	if (sh) {
		snprintf(v->what, sizeof(v->what), "%s", sh->what);
		if (reg == VENDOR_NONE)
			return;
		if (sh->vendor != reg) {
			v->rule = RULE_UNSUPPORTED_TOKEN;
			snprintf(v->why, sizeof(v->why), "a %s is stored for %s, a %s registry: it is "
				 "never accepted there", sh->what, registry, vendor_names[reg]);
		} else if (sh->on_own_registry != SHAPE_OK) {
			v->rule = RULE_UNSUPPORTED_TOKEN;
			snprintf(v->why, sizeof(v->why), "a %s is stored for %s: %s", sh->what,
				 registry, sh->why);
		}
		return;
	}
	snprintf(v->what, sizeof(v->what), "no documented token prefix");
	if (reg == VENDOR_NONE || (reg == VENDOR_GITHUB && is_hex40(secret)) ||
	    (reg == VENDOR_GITLAB && strncmp(username, "gitlab+deploy-token", 19) == 0))
		return;   /* a token from before the prefixes, which may still work */
	v->rule = RULE_ACCOUNT_PASSWORD;
	snprintf(v->why, sizeof(v->why), "the secret has no %s token prefix (%s): it is an "
		 "account password%s", vendor_names[reg],
		 reg == VENDOR_GITHUB ? "ghp_" : reg == VENDOR_DOCKER ? "dckr_pat_, dckr_oat_" :
		 "glpat-, gldt-",
		 reg == VENDOR_GITHUB ? ", which ghcr.io never accepts" :
		 ", which unlocks the whole account; use an access token with registry scopes");
}
