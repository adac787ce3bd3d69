/* rules.h — the audit rules: one row each, with an id, a severity, a
 * one-line title, the help text SARIF and `fixkb audit --help` show, and
 * the DESIGN.md §4 cause code the finding maps to.
 *
 * Adding a rule: a row in rules.c (the table is in enum order), a doc
 * page docs/audit/<id>.md, the code that emits it (audit_add with the new
 * enum value), and a test in tests/integration/t4*-audit-*.sh that makes
 * it fire and one that makes sure it does not. tests/unit/t-audit.c checks
 * the table (ids unique, kebab-case, a doc page each). */
#ifndef FIXKB_AUDIT_RULES_H
#define FIXKB_AUDIT_RULES_H

#include <jansson.h>

enum audit_severity { SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };
#define AUDIT_SEVERITY_COUNT 4

enum audit_rule_id {
	RULE_PLAINTEXT_CREDENTIALS,
	RULE_CREDENTIAL_FILE_PERMISSIONS,
	RULE_CREDENTIAL_IN_BUILD_CONTEXT,
	RULE_DOCKERFILE_COPIES_CREDENTIALS,
	RULE_DOCKERFILE_SECRET_ARG,
	RULE_HELPER_MISSING,
	RULE_HELPER_FAILED,
	RULE_EXPIRED_TOKEN,
	RULE_ACCOUNT_PASSWORD,
	RULE_UNSUPPORTED_TOKEN,
	RULE_SHADOWED_CREDENTIALS,
	RULE_HUB_KEY_UNREAD,
	RULE_DOCKER_AUTH_CONFIG_EXPORTED,
	RULE_LEGACY_DOCKERCFG,
	RULE_CREDENTIAL_REJECTED,
	RULE_COUNT
};

struct audit_rule {
	enum audit_rule_id rule;
	const char *id;          /* kebab-case: SARIF ruleId, docs/audit/<id>.md */
	const char *name;        /* PascalCase: SARIF rule name */
	enum audit_severity severity;
	const char *title;       /* one line */
	const char *help;        /* a paragraph: why it matters and what to do */
	const char *cause;       /* DESIGN.md §4 cause code, or "" */
};

/* The row for r (never NULL for r < RULE_COUNT). */
const struct audit_rule *audit_rule_get(enum audit_rule_id r);
/* The row whose id is `id`, or NULL. */
const struct audit_rule *audit_rule_find(const char *id);

const char *audit_severity_name(enum audit_severity s);   /* "low" ... "critical" */
/* Parses "low|medium|high|critical"; -1 when it is none of them. */
int audit_severity_parse(const char *name);

/* Where a rule's page lives once published: the SARIF helpUri. */
#define AUDIT_DOC_BASE "https://github.com/fixkb/fixkb/blob/main/docs/audit/"

/* Every rule as JSON: [{id, name, severity, title, help, doc, cause}]
 * (a new reference). The audit report carries it, so renderers and
 * --summarize need nothing but the report. */
json_t *audit_rules_json(void);

#endif
