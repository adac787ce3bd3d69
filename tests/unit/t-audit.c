/* The audit's pieces that need no walk: the rule table, the report (ids,
 * display, URIs, baseline), Dockerfile rules, secret classes, shell
 * start-up files, and safefs confinement. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/dockerfile.h"
#include "audit/report.h"
#include "audit/rules.h"
#include "audit/safefs.h"
#include "audit/secretclass.h"
#include "audit/shellrc.h"
#include "t-lib-cfg.h"

static void rule_table(void)
{
	const char *src = getenv("SRCDIR");
	char page[1024];
	struct stat st;
	int i, j, kebab;

	for (i = 0; i < RULE_COUNT; i++) {
		const struct audit_rule *r = audit_rule_get((enum audit_rule_id)i);
		const char *p;

		is_int(r->rule, i, "rule %s sits at its enum value", r->id);
		for (kebab = 1, p = r->id; *p; p++)
			kebab &= (*p >= 'a' && *p <= 'z') || *p == '-';
		ok(kebab && r->id[0] != '-', "rule id %s is kebab-case", r->id);
		ok(r->title[0] && r->help[0] && strlen(r->help) > 80, "rule %s has a title and help", r->id);
		for (j = 0; j < i; j++)
			ok(strcmp(audit_rule_get((enum audit_rule_id)j)->id, r->id) != 0 &&
			   strcmp(audit_rule_get((enum audit_rule_id)j)->name, r->name) != 0,
			   "rule %s differs from %s", r->id, audit_rule_get((enum audit_rule_id)j)->id);
		if (src) {
			snprintf(page, sizeof(page), "%s/docs/audit/%s.md", src, r->id);
			ok(stat(page, &st) == 0, "rule %s has its page docs/audit/%s.md", r->id, r->id);
		}
		ok(audit_rule_find(r->id) == r, "audit_rule_find(%s)", r->id);
	}
	for (i = 0; i < AUDIT_SEVERITY_COUNT; i++)
		is_int(audit_severity_parse(audit_severity_name((enum audit_severity)i)), i,
		       "severity %s round-trips", audit_severity_name((enum audit_severity)i));
	is_int(audit_severity_parse("severe"), -1, "an unknown severity is refused");
}

static void report_basics(void)
{
	struct audit_report r;
	struct err e = ERR_INIT;
	struct audit_loc a = { "alice", "/h/.docker/config.json", "~/.docker/config.json", NULL, 3,
			       "ghcr.io", "auths: ghcr.io" };
	struct audit_loc b = a;
	char id1[AUDIT_ID_HEX + 1], id2[AUDIT_ID_HEX + 1], buf[256];
	json_t *doc;

	audit_finding_id(id1, RULE_PLAINTEXT_CREDENTIALS, &a);
	b.line = 40;
	audit_finding_id(id2, RULE_PLAINTEXT_CREDENTIALS, &b);
	is_str(id1, id2, "a finding id does not depend on the line");
	b.user = "bob";
	audit_finding_id(id2, RULE_PLAINTEXT_CREDENTIALS, &b);
	ok(strcmp(id1, id2) != 0, "nor is it the same for another user");
	audit_display_text(buf, sizeof(buf), "ok\xff\xfe/x\ny\xc3\xa9");
	is_str(buf, "ok?" "?/x?y\xc3\xa9", "display: bad bytes and controls become '?', UTF-8 stays");
	audit_path_uri(buf, sizeof(buf), "/w/p q/\xff", "/w");
	is_str(buf, "p%20q/%FF", "uri: relative under cwd, percent-encoded");
	audit_path_uri(buf, sizeof(buf), "/etc/x", "/w");
	is_str(buf, "file:///etc/x", "uri: absolute file:// elsewhere");

	ok(audit_report_init(&r, &e) == 0, "report init");
	audit_add(&r, RULE_PLAINTEXT_CREDENTIALS, &a, NULL, "first");
	audit_add(&r, RULE_PLAINTEXT_CREDENTIALS, &a, NULL, "again");
	is_int(json_array_size(r.findings), 1, "the same finding twice is kept once");
	audit_add(&r, RULE_LEGACY_DOCKERCFG, &a, NULL, "low one");
	ok(audit_report_failed(&r, SEV_LOW) && audit_report_failed(&r, SEV_HIGH) &&
	   !audit_report_failed(&r, SEV_CRITICAL), "fail-on: high reached, critical not");
	doc = audit_report_json(&r, SEV_MEDIUM, 0, 0);
	is_str(json_string_value(json_object_get(json_array_get(json_object_get(doc, "findings"), 0),
						 "rule")), "plaintext-credentials", "findings: most severe first");
	is_int(json_integer_value(json_object_get(doc, "schema_version")), AUDIT_SCHEMA_VERSION,
	       "the report is versioned");
	json_decref(doc);
	audit_report_release(&r);

	/* baseline: an earlier report suppresses what it lists */
	put("base.json", "{\"command\":\"audit\",\"findings\":[]}");
	ok(audit_report_init(&r, &e) == 0, "report init");
	snprintf(buf, sizeof(buf), "{\"suppress\":[\"%s\"]}", id1);
	put("ids.json", buf);
	ok(audit_report_load_baseline(&r, spath("ids.json"), &e) == 0, "baseline of ids loads");
	audit_add(&r, RULE_PLAINTEXT_CREDENTIALS, &a, NULL, "suppressed");
	is_int(json_array_size(r.findings), 0, "a baselined finding is not reported");
	is_int(json_array_size(r.suppressed), 1, "but counted as suppressed");
	put("bad.json", "{\"command\":\"doctor\"}");
	ok(audit_report_load_baseline(&r, spath("bad.json"), &e) < 0, "a non-audit baseline is refused");
	ok(strstr(e.msg, "neither") != NULL, "and says what it must be: %s", e.msg);
	err_clear(&e);
	ok(audit_report_load_baseline(&r, spath("nope.json"), &e) < 0, "a missing baseline is refused");
	audit_report_release(&r);
}

static size_t count_rule(const struct audit_report *r, const char *rule)
{
	size_t i, n = 0;

	for (i = 0; i < json_array_size(r->findings); i++)
		n += strcmp(json_string_value(json_object_get(json_array_get(r->findings, i), "rule")),
			    rule) == 0;
	return n;
}

static int line_of(const struct audit_report *r, size_t i)
{
	return (int)json_integer_value(json_object_get(json_array_get(r->findings, i), "line"));
}

static void dockerfile_rules(void)
{
	struct audit_report r;
	struct err e = ERR_INIT;
	struct dockerfile_scan sc;
	struct audit_loc loc = { "u", "/p/Dockerfile", "Dockerfile", NULL, 0, NULL, NULL };
	const char *df =
		"# syntax=docker/dockerfile:1\n"
		"FROM node:20 AS build\n"
		"ARG NPM_TOKEN\n"
		"ARG VERSION=1 GITHUB_TOKEN_FILE=/run/x PUBLIC_KEY\n"
		"ENV API_KEY=abc \\\n"
		"    # a comment inside the continuation\n"
		"    DEBUG=1\n"
		"ENV password hunter2\n"
		"RUN <<EOF\n"
		"ARG NOT_AN_INSTRUCTION_TOKEN\n"
		"EOF\n"
		"COPY --chown=1:1 .docker/config.json /root/.docker/config.json\n"
		"COPY [\"src/.npmrc\", \"/app/\"]\n"
		"COPY config.json /root/.docker/\n"
		"COPY . /app\n"
		"ADD --link containers/auth.json /etc/containers/auth.json\n"
		"COPY --from=build /app/dist /srv\n"
		"RUN --mount=type=secret,id=npm_token npm ci\n";

	ok(dockerfile_secret_name("NPM_TOKEN") && dockerfile_secret_name("api_key") &&
	   dockerfile_secret_name("AUTH") && dockerfile_secret_name("DB_PASSWORD_X"),
	   "BuildKit's secret names");
	ok(!dockerfile_secret_name("TOKENIZER") && !dockerfile_secret_name("GITHUB_TOKEN_FILE") &&
	   !dockerfile_secret_name("PUBLIC_KEY") && !dockerfile_secret_name("VERSION") &&
	   !dockerfile_secret_name("MY-TOKEN"), "and what it lets through");
	ok(dockerfile_is_name("Dockerfile") && dockerfile_is_name("Containerfile") &&
	   dockerfile_is_name("app.Dockerfile") && dockerfile_is_name("Dockerfile.dev") &&
	   dockerfile_is_name("dockerfile"), "Dockerfile names");
	ok(!dockerfile_is_name("Dockerfile.dockerignore") && !dockerfile_is_name("Dockerfile.") &&
	   !dockerfile_is_name("README"), "not Dockerfiles");

	audit_report_init(&r, &e);
	ok(dockerfile_audit(&r, &loc, df, strlen(df), &sc) == 0, "dockerfile_audit runs");
	is_int(count_rule(&r, "dockerfile-secret-arg"), 3, "ARG NPM_TOKEN, ENV API_KEY, ENV password");
	is_int(count_rule(&r, "dockerfile-copies-credentials"), 4,
	       ".docker/config.json, .npmrc, config.json into .docker, containers/auth.json");
	is_int(sc.copy_all_line, 15, "COPY . /app found at line 15");
	ok(line_of(&r, 0) == 3, "the ARG finding is at line 3 (got %d)", line_of(&r, 0));
	audit_report_release(&r);

	audit_report_init(&r, &e);
	df = "# escape=`\nFROM x\nARG A=1 `\n    SECRET_TOKEN\nCOPY \\ /x\n";
	dockerfile_audit(&r, &loc, df, strlen(df), &sc);
	is_int(count_rule(&r, "dockerfile-secret-arg"), 1, "the escape directive: ` continues a line");
	is_int(line_of(&r, 0), 3, "an instruction's line is where it starts");
	audit_report_release(&r);
}

static void secret_classes(void)
{
	struct sensitive s = SENSITIVE_INIT;
	struct secret_verdict v;
	long long now = (long long)time(NULL);
	char jwt[512], *h, *p;

#define JUDGE(reg, user, secret, kind) \
	(sensitive_set(&s, secret, strlen(secret)), \
	 secretclass_judge(&v, reg, user, &s, kind, now), v.rule)
	is_int(JUDGE("ghcr.io", "a", "ghp_0123456789abcdefghijABCDEFGHIJ012345", SECRET_PASSWORD),
	       RULE_COUNT, "ghcr.io + classic PAT: fine");
	is_int(JUDGE("ghcr.io", "a", "github_pat_11AAAAAA0_xyz", SECRET_PASSWORD),
	       RULE_UNSUPPORTED_TOKEN, "ghcr.io + fine-grained PAT: unsupported");
	is_int(JUDGE("ghcr.io", "a", "ghs_0123456789abcdefghijABCDEFGHIJ012345", SECRET_PASSWORD),
	       RULE_UNSUPPORTED_TOKEN, "ghcr.io + Actions token: short-lived");
	is_int(JUDGE("ghcr.io", "a", "hunter2", SECRET_PASSWORD), RULE_ACCOUNT_PASSWORD,
	       "ghcr.io + no prefix: an account password");
	is_int(JUDGE("ghcr.io", "a", "0123456789abcdef0123456789abcdef01234567", SECRET_PASSWORD),
	       RULE_COUNT, "ghcr.io + 40 hex: a pre-2021 token, not flagged");
	is_int(JUDGE("docker.io", "a", "dckr_pat_abcdefghijklmnopqrstuvwxyz0", SECRET_PASSWORD),
	       RULE_COUNT, "Docker Hub PAT: fine");
	is_int(JUDGE("docker.io", "a", "dckr_oat_abcdefghijklmnopqrstuvwxyz0", SECRET_PASSWORD),
	       RULE_COUNT, "Docker Hub organization token: fine");
	is_int(JUDGE("docker.io", "a", "hunter2", SECRET_PASSWORD), RULE_ACCOUNT_PASSWORD,
	       "Docker Hub password");
	is_int(JUDGE("docker.io", "a", "ghp_0123456789abcdefghijABCDEFGHIJ012345", SECRET_PASSWORD),
	       RULE_UNSUPPORTED_TOKEN, "a GitHub token stored for Docker Hub");
	is_int(JUDGE("registry.gitlab.com", "a", "glpat-abcdefghij0123456789", SECRET_PASSWORD),
	       RULE_COUNT, "GitLab PAT: fine");
	is_int(JUDGE("registry.gitlab.com", "gitlab+deploy-token-1", "abcdefghij", SECRET_PASSWORD),
	       RULE_COUNT, "GitLab deploy token from before the prefix: not flagged");
	is_int(JUDGE("registry.gitlab.com", "a", "glcbt-abc_def", SECRET_PASSWORD),
	       RULE_UNSUPPORTED_TOKEN, "GitLab job token: short-lived");
	is_int(JUDGE("quay.io", "a", "hunter2", SECRET_PASSWORD), RULE_COUNT,
	       "a registry fixkb knows no token scheme for: nothing said");
	is_int(JUDGE("docker.io", "a", "hunter2", SECRET_IDENTITY_TOKEN), RULE_COUNT,
	       "an identity token is not judged by its prefix");

	h = b64_encode_url_padded("{\"alg\":\"RS256\"}", 15);
	snprintf(jwt, sizeof(jwt), "{\"sub\":\"a\",\"exp\":%lld}", now - 3600);
	p = b64_encode_url_padded(jwt, strlen(jwt));
	if (strchr(h, '='))
		*strchr(h, '=') = '\0';
	if (strchr(p, '='))
		*strchr(p, '=') = '\0';
	snprintf(jwt, sizeof(jwt), "%s.%s.c2ln", h, p);
	is_int(JUDGE("quay.io", "", jwt, SECRET_IDENTITY_TOKEN), RULE_EXPIRED_TOKEN,
	       "an expired JWT identity token");
	ok(v.exp == now - 3600 && strstr(v.why, "expired at") != NULL, "with its expiry: %s", v.why);
	free(p);
	snprintf(jwt, sizeof(jwt), "{\"sub\":\"a\",\"exp\":%lld}", now + 3600);
	p = b64_encode_url_padded(jwt, strlen(jwt));
	if (strchr(p, '='))
		*strchr(p, '=') = '\0';
	snprintf(jwt, sizeof(jwt), "%s.%s.c2ln", h, p);
	is_int(JUDGE("docker.io", "a", jwt, SECRET_PASSWORD), RULE_COUNT,
	       "a live JWT password is neither expired nor an account password");
	free(p);
	free(h);
	sensitive_release(&s);
#undef JUDGE
}

static int scan(const char *text, int dotenv, struct audit_report *r)
{
	struct audit_loc loc = { "u", "/h/.bashrc", "~/.bashrc", NULL, 0, NULL, NULL };

	return shellrc_scan_text(r, &loc, text, strlen(text), dotenv);
}

static void shell_files(void)
{
	struct audit_report r;
	struct err e = ERR_INIT;
	const char *msg;

	audit_report_init(&r, &e);
	is_int(scan("# export DOCKER_AUTH_CONFIG=x\necho $DOCKER_AUTH_CONFIG\nunset DOCKER_AUTH_CONFIG\n"
		    "export DOCKER_AUTH_CONFIG_FILE=x\n", 0, &r), 0,
	       "comments, reads, unset and longer names are not settings");
	is_int(scan("PATH=/bin\n  export DOCKER_AUTH_CONFIG='{\"auths\":{}}'\n", 0, &r), 1,
	       "export NAME='...'");
	is_int(line_of(&r, 0), 2, "at its line");
	msg = json_string_value(json_object_get(json_array_get(r.findings, 0), "message"));
	ok(msg && strstr(msg, "sha256:") && !strstr(msg, "auths"), "the value is fingerprinted, not shown");
	audit_report_release(&r);
	audit_report_init(&r, &e);
	is_int(scan("setenv DOCKER_AUTH_CONFIG '{}'\n", 0, &r), 1, "csh setenv");
	audit_report_release(&r);
	audit_report_init(&r, &e);
	is_int(scan("set -gx DOCKER_AUTH_CONFIG (pass show x)\n", 0, &r), 1, "fish set -gx");
	audit_report_release(&r);
	audit_report_init(&r, &e);
	is_int(scan("declare -x DOCKER_AUTH_CONFIG=\"$(pass show docker)\"\n", 0, &r), 1, "declare -x");
	msg = json_string_value(json_object_get(json_array_get(r.findings, 0), "message"));
	ok(msg && strstr(msg, "computed"), "a computed value is described, not fingerprinted");
	audit_report_release(&r);
	audit_report_init(&r, &e);
	is_int(scan("DOCKER_AUTH_CONFIG={\"auths\":{}}\r\n", 1, &r), 1, ".env assignment (CRLF)");
	audit_report_release(&r);
	ok(shellrc_is_env_name(".env") && shellrc_is_env_name(".env.local") &&
	   shellrc_is_env_name("prod.env") && !shellrc_is_env_name(".envrc") &&
	   !shellrc_is_env_name("env") && !shellrc_is_env_name(".env."), ".env names");
}

static void safefs_confinement(void)
{
	struct buf b = BUF_INIT(1024);
	struct err e = ERR_INIT;
	struct stat st;
	char home[1024], out[1024], p[1100];
	int missing = 0;

	snprintf(home, sizeof(home), "%s/sf/home", scratch);
	snprintf(out, sizeof(out), "%s/sf/outside", scratch);
	put("sf/home/.docker/real.json", "inside");
	put("sf/outside/secret.json", "outside");
	snprintf(p, sizeof(p), "%s/.docker/config.json", home);
	symlink("real.json", p);                                   /* relative, stays inside */
	snprintf(p, sizeof(p), "%s/abs.json", home);
	snprintf(out + strlen(out), sizeof(out) - strlen(out), "/secret.json");
	symlink(out, p);                                           /* absolute, leaves */
	snprintf(p, sizeof(p), "%s/dots.json", home);
	symlink("../outside/secret.json", p);                      /* .. leaves */
	snprintf(p, sizeof(p), "%s/loop", home);
	symlink("loop", p);

	ok(safefs_read(&b, home, "/", 100, &st, &missing, &e) < 0, "a directory is no file");
	err_clear(&e);
	snprintf(p, sizeof(p), "%s/.docker/config.json", home);
	ok(safefs_read(&b, home, p, 100, &st, &missing, &e) == 0 && b.data &&
	   strcmp(b.data, "inside") == 0, "a symlink inside the root is followed");
	buf_release(&b);
	b = (struct buf)BUF_INIT(1024);
	snprintf(p, sizeof(p), "%s/abs.json", home);
	ok(safefs_read(&b, home, p, 100, &st, &missing, &e) < 0 && strstr(e.msg, "leads out"),
	   "an absolute symlink out of the root is refused: %s", e.msg);
	err_clear(&e);
	snprintf(p, sizeof(p), "%s/dots.json", home);
	ok(safefs_read(&b, home, p, 100, &st, &missing, &e) < 0 && strstr(e.msg, "out of"),
	   "'..' out of the root is refused: %s", e.msg);
	err_clear(&e);
	snprintf(p, sizeof(p), "%s/loop", home);
	ok(safefs_read(&b, home, p, 100, &st, &missing, &e) < 0 && strstr(e.msg, "symbolic links"),
	   "a symlink loop ends: %s", e.msg);
	err_clear(&e);
	snprintf(p, sizeof(p), "%s/none.json", home);
	ok(safefs_read(&b, home, p, 100, &st, &missing, &e) == 0 && missing && !e.set,
	   "a missing file: missing, no error");
	ok(safefs_read(&b, "/", out, 100, &st, &missing, &e) == 0 && b.data &&
	   strcmp(b.data, "outside") == 0, "root \"/\" reads anywhere");
	buf_release(&b);
}

int main(void)
{
	scratch_init();
	rule_table();
	report_basics();
	dockerfile_rules();
	secret_classes();
	shell_files();
	safefs_confinement();
	scratch_done();
	return tap_done();
}
