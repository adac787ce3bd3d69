/* secretclass.h — what kind of secret a stored credential holds, from
 * its shape alone. The secret is looked at here and nowhere else in the
 * audit, and only to classify it: nothing derived from it leaves but the
 * class, an expiry time and (elsewhere) sensitive_fingerprint().
 *
 * Token prefixes, as their vendors document them:
 *  - GitHub ("Behind GitHub's new authentication token formats", and the
 *    changelog 2021-03-31 "Authentication token format updates are
 *    generally available"; docs.github.com "About authentication to
 *    GitHub", GitHub's token formats): ghp_ personal access token
 *    (classic), github_pat_ fine-grained personal access token, gho_
 *    OAuth access token, ghu_ GitHub App user access token, ghs_
 *    installation token (GITHUB_TOKEN in Actions), ghr_ refresh token.
 *    ghcr.io takes only classic PATs (github/docs
 *    data/reusables/package_registry/packages-classic-pat-only.md).
 *  - Docker Hub: dckr_pat_ personal access token (docs.docker.com,
 *    reference/api/hub "Create access token"), dckr_oat_ organization
 *    access token (docker/docs content/reference/api/ai-governance/api.yaml
 *    token formats table).
 *  - GitLab (docs.gitlab.com/ee/security/tokens, "Token prefixes"):
 *    glpat- personal, project and group access tokens, gldt- deploy
 *    tokens, glcbt- CI/CD job tokens.
 * A JWT (three base64url segments, "eyJ...") is read for its `exp` claim
 * (src/net/jwt.c); the signature is never checked or kept. */
#ifndef FIXKB_AUDIT_SECRETCLASS_H
#define FIXKB_AUDIT_SECRETCLASS_H

#include "audit/rules.h"
#include "util/sensitive.h"

enum secret_kind { SECRET_PASSWORD, SECRET_IDENTITY_TOKEN, SECRET_REGISTRY_TOKEN };

struct secret_verdict {
	enum audit_rule_id rule;   /* RULE_COUNT when nothing is wrong */
	char what[160];            /* the secret's class ("GitHub personal access token (classic)",
	                              "JWT", "no documented token prefix") */
	char why[400];             /* the finding's reason, when rule is set */
	int is_jwt;
	long long exp;             /* JWT exp claim (0: none) */
};

#define SECRET_VERDICT_INIT { RULE_COUNT, "", "", 0, 0 }

/* The documented token class of s, or NULL. */
const char *secretclass_prefix_class(const struct sensitive *s);

/* Judges one stored secret for a normalised registry ("ghcr.io",
 * "docker.io"): an expired JWT (RULE_EXPIRED_TOKEN, checked for every
 * kind), then for passwords an account password where the registry
 * issues tokens (RULE_ACCOUNT_PASSWORD) or a token it does not accept
 * here (RULE_UNSUPPORTED_TOKEN). now: seconds since the epoch. */
void secretclass_judge(struct secret_verdict *v, const char *registry, const char *username,
		       const struct sensitive *secret, enum secret_kind kind, long long now);

const char *secret_kind_name(enum secret_kind k);   /* "password", "identity_token", ... */

#endif
