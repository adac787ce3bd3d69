/* t-fix-ci — fix --ci's pure parts: each CI system detected from its own
 * variables (and not from another's), the job directory per system, the
 * candidate order and scoping from a job's environment, the advice in
 * each system's terms, the log commands and hand-off lines each system
 * reads, shell quoting, the build-secret flags. */
#include "fix/ci_advice.h"
#include "fix/ci_cands.h"
#include "fix/ci_detect.h"
#include "fix/ci_out.h"
#include "fix/ci_report.h"
#include "t-lib-cfg.h"

#include <stdarg.h>

/* An environment vector from a NULL-terminated list of strings. */
static char *const *vars(const char *first, ...)
{
	static char *v[64];
	va_list ap;
	size_t n = 0;
	const char *s;

	va_start(ap, first);
	for (s = first; s && n < 63; s = va_arg(ap, const char *))
		v[n++] = (char *)s;
	va_end(ap);
	v[n] = NULL;
	return v;
}

static void detect_case(const char *name, char *const *v, int forced, enum ci_system want,
			const char *evidence)
{
	struct ci_env c;

	is_int(ci_detect(&c, v, forced), want, "detect: %s", name);
	if (evidence)
		is_str(c.evidence, evidence, "detect: %s: evidence", name);
}

static void test_detect(void)
{
	detect_case("GitHub", vars("GITHUB_ACTIONS=true", "CI=true", NULL), 0, CI_GITHUB,
		    "GITHUB_ACTIONS=true");
	detect_case("GitHub needs true", vars("GITHUB_ACTIONS=false", NULL), 0, CI_NONE, NULL);
	detect_case("GitLab", vars("GITLAB_CI=true", NULL), 0, CI_GITLAB, "GITLAB_CI=true");
	detect_case("Jenkins needs BUILD_TAG too", vars("JENKINS_URL=http://j/", NULL), 0, CI_NONE, NULL);
	detect_case("Jenkins", vars("JENKINS_URL=http://j/", "BUILD_TAG=jenkins-x-1", NULL), 0, CI_JENKINS,
		    "JENKINS_URL=… and BUILD_TAG");
	detect_case("CircleCI", vars("CIRCLECI=true", NULL), 0, CI_CIRCLECI, NULL);
	detect_case("Buildkite", vars("BUILDKITE=true", NULL), 0, CI_BUILDKITE, NULL);
	detect_case("Azure (True, any case)", vars("TF_BUILD=True", NULL), 0, CI_AZURE, "TF_BUILD=True");
	detect_case("Bitbucket", vars("BITBUCKET_BUILD_NUMBER=7", NULL), 0, CI_BITBUCKET, NULL);
	detect_case("Woodpecker before generic CI", vars("CI=woodpecker", NULL), 0, CI_WOODPECKER, NULL);
	detect_case("Drone", vars("DRONE=true", "CI=true", NULL), 0, CI_DRONE, NULL);
	detect_case("CI=true alone is not auto", vars("CI=true", NULL), 0, CI_NONE, NULL);
	detect_case("--ci with CI=true", vars("CI=true", NULL), 1, CI_GENERIC, "--ci (CI=true)");
	detect_case("--ci with nothing", vars(NULL), 1, CI_GENERIC, "--ci (no CI system detected)");
	detect_case("empty value ignored", vars("GITLAB_CI=", "BUILDKITE=true", NULL), 0, CI_BUILDKITE, NULL);
	is_str(ci_system_name(CI_AZURE), "Azure Pipelines", "system name");
	is_str(ci_system_id(CI_GENERIC), "generic", "generic id");
	is_str(ci_env_file_var(CI_CIRCLECI), "BASH_ENV", "CircleCI hands on through BASH_ENV");
}

static void dir_case(const char *name, char *const *v, int forced, const char *want, const char *from)
{
	struct ci_env c;
	char out[512];
	const char *f = NULL;

	ci_detect(&c, v, forced);
	ok(ci_job_dir(&c, out, sizeof(out), &f) == 0, "job dir: %s: fits", name);
	is_str(out, want, "job dir: %s", name);
	is_str(f, from, "job dir: %s: from", name);
}

static void test_job_dir(void)
{
	char uid[64];

	dir_case("GitHub: RUNNER_TEMP", vars("GITHUB_ACTIONS=true", "RUNNER_TEMP=/home/r/_work/_temp", NULL),
		 0, "/home/r/_work/_temp/fixkb-docker-config", "RUNNER_TEMP");
	dir_case("GitHub without RUNNER_TEMP: TMPDIR and the run id",
		 vars("GITHUB_ACTIONS=true", "TMPDIR=/t", "GITHUB_RUN_ID=99", NULL), 0,
		 "/t/fixkb-docker-config-99", "TMPDIR");
	dir_case("GitLab: the checkout", vars("GITLAB_CI=true", "CI_PROJECT_DIR=/builds/g/p", NULL), 0,
		 "/builds/g/p/.fixkb-docker-config", "CI_PROJECT_DIR");
	dir_case("Azure: Agent.TempDirectory", vars("TF_BUILD=True", "AGENT_TEMPDIRECTORY=/a/_temp", NULL),
		 0, "/a/_temp/fixkb-docker-config", "AGENT_TEMPDIRECTORY");
	dir_case("Jenkins: /tmp and BUILD_TAG made safe",
		 vars("JENKINS_URL=x", "BUILD_TAG=jenkins-a/b c-3", NULL), 0,
		 "/tmp/fixkb-docker-config-jenkins-a_b_c-3", "");
	snprintf(uid, sizeof(uid), "/t/fixkb-docker-config-uid%lu", (unsigned long)geteuid());
	dir_case("--ci: the user id", vars("TMPDIR=/t", NULL), 1, uid, "TMPDIR");
}

/* The candidates' kinds for registry in env, joined by ' '. */
static void cands_case(const char *name, char *const *v, const char *registry,
		       const struct ci_explicit *ex, size_t nex, const char *token_registry,
		       const char *want)
{
	struct settings s = SETTINGS_INIT;
	struct ci_env env;
	struct ci_cands cs = CI_CANDS_INIT;
	struct ci_cands_request rq;
	struct err e = ERR_INIT;
	char got[1024] = "";
	size_t i, l;

	s.config_dir = spath("docker");
	ci_detect(&env, v, 1);
	rq = (struct ci_cands_request){ &env, &s, ex, nex, token_registry, 0 };
	if (!ok(ci_cands_for(&cs, &rq, registry, &e) == 0, "cands: %s: listed", name)) {
		diag(e.msg);
		return;
	}
	for (i = 0; i < cs.n; i++) {
		l = strlen(got);
		snprintf(got + l, sizeof(got) - l, "%s%s%s", l ? " " : "", ci_cand_kind_name(cs.c[i].kind),
			 cs.c[i].usable ? "" : "(-)");
	}
	is_str(got, want, "cands: %s", name);
	ci_cands_release(&cs);
}

static void test_cands(void)
{
	static const struct ci_explicit all[] = { { NULL, "U", "P" } };
	static const struct ci_explicit scoped[] = { { "other.example", "U", "P" },
						     { "https://ghcr.io/", "U2", "P2" } };
	struct ci_env env;
	struct ci_cands cs = CI_CANDS_INIT;
	struct settings s = SETTINGS_INIT;
	struct ci_cands_request rq;
	struct err e = ERR_INIT;
	char dac[512], *b64;

	put("docker/config.json", "{\"credHelpers\":{\"unused.invalid\":\"unused\"}}\n");
	cands_case("GitHub, ghcr.io", vars("GITHUB_ACTIONS=true", "GITHUB_ACTOR=a", "GITHUB_TOKEN=t", NULL),
		   "ghcr.io", NULL, 0, NULL, "github-token anonymous");
	cands_case("GitHub, another registry", vars("GITHUB_ACTIONS=true", "GITHUB_TOKEN=t", NULL),
		   "quay.io", NULL, 0, NULL, "anonymous");
	cands_case("GitHub Enterprise Server: containers.<host>",
		   vars("GITHUB_ACTIONS=true", "GITHUB_SERVER_URL=https://GHE.example.com",
			"GITHUB_ACTOR=a", "GITHUB_TOKEN=t", NULL),
		   "containers.ghe.example.com", NULL, 0, NULL, "github-token anonymous");
	cands_case("--token-registry moves the job token", vars("GITHUB_ACTIONS=true", "GITHUB_ACTOR=a",
		   "GITHUB_TOKEN=t", NULL), "ghcr.io", NULL, 0, "127.0.0.1:5000", "anonymous");
	cands_case("GITHUB_TOKEN unset: listed, not usable", vars("GITHUB_ACTIONS=true", "GITHUB_ACTOR=a", NULL),
		   "ghcr.io", NULL, 0, NULL, "github-token(-) anonymous");
	cands_case("explicit first, then the CI system's", vars("GITHUB_ACTIONS=true", "GITHUB_ACTOR=a",
		   "GITHUB_TOKEN=t", "U=u", "P=p", NULL), "ghcr.io", all, 1, NULL, "env github-token anonymous");
	cands_case("explicit pairs scoped by --registry (normalised)", vars("GITHUB_ACTIONS=true",
		   "U=u", "P=p", "U2=u2", "P2=p2", NULL), "ghcr.io", scoped, 2, NULL,
		   "env github-token(-) anonymous");
	cands_case("GitLab registry: pair, deploy token, job token",
		   vars("GITLAB_CI=true", "CI_REGISTRY=registry.example.com", "CI_REGISTRY_USER=gitlab-ci-token",
			"CI_REGISTRY_PASSWORD=jt", "CI_JOB_TOKEN=jt2", "CI_DEPLOY_USER=d", "CI_DEPLOY_PASSWORD=dp",
			NULL), "registry.example.com", NULL, 0, NULL,
		   "gitlab-registry gitlab-deploy-token gitlab-job-token anonymous");
	cands_case("GitLab: the job token equal to the registry pair is tried once",
		   vars("GITLAB_CI=true", "CI_REGISTRY=registry.example.com", "CI_REGISTRY_USER=gitlab-ci-token",
			"CI_REGISTRY_PASSWORD=jt", "CI_JOB_TOKEN=jt", NULL), "registry.example.com", NULL, 0,
		   NULL, "gitlab-registry anonymous");
	cands_case("GitLab dependency proxy: its :443 dropped too",
		   vars("GITLAB_CI=true", "CI_DEPENDENCY_PROXY_SERVER=gitlab.example.com:443",
			"CI_DEPENDENCY_PROXY_USER=u", "CI_DEPENDENCY_PROXY_PASSWORD=p", "CI_JOB_TOKEN=jt", NULL),
		   "gitlab.example.com", NULL, 0, NULL, "gitlab-dependency-proxy gitlab-job-token anonymous");
	cands_case("ECR host, helper not on PATH", vars("AWS_ACCESS_KEY_ID=x", NULL),
		   "123456789012.dkr.ecr.eu-west-1.amazonaws.com", NULL, 0, NULL, "cred-helper(-) anonymous");
	cands_case("Artifact Registry host", vars(NULL), "europe-docker.pkg.dev", NULL, 0, NULL,
		   "cred-helper(-) anonymous");
	cands_case("not a cloud host", vars(NULL), "dkr.ecr.example.com", NULL, 0, NULL, "anonymous");

	/* DOCKER_AUTH_CONFIG in base64: decoded, the CLI's refusal noted */
	snprintf(dac, sizeof(dac), "{\"auths\":{\"https://quay.io/v1/\":{\"auth\":\"%s\"}}}",
		 "dTpwd2Q=");   /* u:pwd */
	b64 = b64_encode_std(dac, strlen(dac));
	snprintf(dac, sizeof(dac), "DOCKER_AUTH_CONFIG=%s", b64);
	free(b64);
	s.config_dir = spath("docker");
	ci_detect(&env, vars(dac, NULL), 1);
	rq = (struct ci_cands_request){ &env, &s, NULL, 0, NULL, 0 };
	ok(ci_cands_for(&cs, &rq, "quay.io", &e) == 0 && cs.n == 2 &&
	   cs.c[0].kind == CI_CAND_DOCKER_AUTH_CONFIG, "DAC: its entry for quay.io (URL key)");
	if (cs.n == 2) {
		is_str(cs.c[0].cred.username, "u", "DAC: the user decoded");
		ok(cs.c[0].derived && strstr(cs.c[0].note, "rejects this value") != NULL,
		   "DAC: derived, the CLI's refusal noted: %s", cs.c[0].note);
		is_str(cs.c[0].source, "DOCKER_AUTH_CONFIG (base64 form), auths \"https://quay.io/v1/\"",
		       "DAC: source");
	}
	ci_cands_release(&cs);
}

static void test_advice(void)
{
	struct ci_env env;
	struct ci_reg reg;
	struct ci_cand c;
	struct ci_trial t = CI_TRIAL_INIT;
	json_t *lines = json_array();
	char *all;

	memset(&reg, 0, sizeof(reg));
	snprintf(reg.name, sizeof(reg.name), "ghcr.io");
	memset(&c, 0, sizeof(c));
	c.kind = CI_CAND_GITHUB_TOKEN;
	c.usable = 1;
	snprintf(c.source, sizeof(c.source), "GITHUB_TOKEN as GITHUB_ACTOR (a)");
	snprintf(t.code, sizeof(t.code), "insufficient_scope_or_permission");
	snprintf(t.failed_scope, sizeof(t.failed_scope), "repository:acme/app:pull,push");
	ci_detect(&env, vars("GITHUB_ACTIONS=true", "GITHUB_REPOSITORY=acme/app",
			     "GITHUB_EVENT_NAME=pull_request", NULL), 0);
	ci_advice_candidate(lines, &env, &reg, &c, &t);
	all = json_dumps(lines, 0);
	ok(strstr(all, "may not push to ghcr.io/acme/app") && strstr(all, "packages: write") &&
	   strstr(all, "Manage Actions access → Add repository, role Write") &&
	   strstr(all, "a pull request from a fork gets a read-only GITHUB_TOKEN"),
	   "GitHub push denied: packages: write, Manage Actions access, the fork PR: %s", all);
	free(all);
	json_array_clear(lines);
	snprintf(t.code, sizeof(t.code), "oauth_token_rejected");
	ci_advice_candidate(lines, &env, &reg, &c, &t);
	all = json_dumps(lines, 0);
	ok(strstr(all, "was REJECTED by ghcr.io's token endpoint") && strstr(all, "it is not missing"),
	   "rejected named as rejected: %s", all);
	free(all);
	json_array_clear(lines);
	c.kind = CI_CAND_GITLAB_JOB_TOKEN;
	snprintf(t.code, sizeof(t.code), "insufficient_scope_or_permission");
	ci_detect(&env, vars("GITLAB_CI=true", "CI_PROJECT_PATH=g/p", "CI_REGISTRY_IMAGE=reg/g/p", NULL), 0);
	ci_advice_candidate(lines, &env, &reg, &c, &t);
	all = json_dumps(lines, 0);
	ok(strstr(all, "a job token pushes only to its own project's container registry (reg/g/p)") &&
	   strstr(all, "write_registry"), "GitLab job token push: its own registry only: %s", all);
	free(all);
	json_array_clear(lines);
	snprintf(t.failed_scope, sizeof(t.failed_scope), "repository:other/base:pull");
	ci_advice_candidate(lines, &env, &reg, &c, &t);
	all = json_dumps(lines, 0);
	ok(strstr(all, "Job token permissions → add g/p to the allowlist") != NULL,
	   "GitLab job token pull: the allowlist: %s", all);
	free(all);
	is_int(ci_refusal_of("shadowed_credentials"), CI_REFUSED_REJECTED, "shadowed is a rejection");
	is_int(ci_refusal_of("registry_outage"), CI_REFUSED_UNKNOWN, "an outage says nothing");
	json_decref(lines);
}

static char *log_of(enum ci_system sys, void (*fn)(struct ci_log *))
{
	struct ci_env env = CI_ENV_INIT;
	struct ci_log l;
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	env.sys = sys;
	ci_log_init(&l, f, &env);
	fn(&l);
	fclose(f);
	return text;
}

static void some_log(struct ci_log *l)
{
	struct sensitive v = SENSITIVE_INIT;

	ci_log_group(l, "g1", "title: a, b");
	ci_log_annotate(l, CI_ERROR, "t: x,y", "100% bad\nsecond line");
	ci_log_annotate(l, CI_NOTICE, "n", "note");
	sensitive_set(&v, "s3cr3t", 6);
	ci_log_mask(l, &v);
	sensitive_release(&v);
	ci_log_endgroup(l);
}

static void pct_mask(struct ci_log *l)
{
	struct sensitive v = SENSITIVE_INIT;

	sensitive_set(&v, "p%25w:d", 7);
	ci_log_mask(l, &v);
	sensitive_release(&v);
}

static void test_log(void)
{
	char *t;

	t = log_of(CI_GITHUB, pct_mask);
	is_str(t, "::add-mask::p%2525w:d\n", "a mask is escaped as command data (the runner unescapes it)");
	free(t);

	t = log_of(CI_GITHUB, some_log);
	is_str(t, "::group::title: a, b\n::error title=t%3A x%2Cy::100%25 bad%0Asecond line\n"
	       "::notice title=n::note\n::add-mask::s3cr3t\n::endgroup::\n", "GitHub commands, escaped");
	free(t);
	t = log_of(CI_AZURE, some_log);
	is_str(t, "##[group]title: a, b\n##vso[task.logissue type=error]t: x,y: 100%AZP25 bad%0Asecond line\n"
	       "##vso[task.setsecret]s3cr3t\n##[endgroup]\n", "Azure commands");
	free(t);
	t = log_of(CI_GITLAB, some_log);
	ok(strncmp(t, "\033[0Ksection_start:", 18) == 0 && strstr(t, ":g1[collapsed=true]\r\033[0Ktitle: a, b\n") &&
	   strstr(t, "error: t: x,y: 100% bad second line\n") && !strstr(t, "s3cr3t") &&
	   strstr(t, "\033[0Ksection_end:") && strstr(t, ":g1\r\033[0K\n"), "GitLab sections, no mask, no notice");
	free(t);
	t = log_of(CI_BUILDKITE, some_log);
	ok(strncmp(t, "--- title: a, b\n", 16) == 0 && !strstr(t, "s3cr3t"), "Buildkite --- group");
	free(t);
}

static void test_out(void)
{
	struct ci_env env;
	struct ci_log l;
	struct ci_handoff h = { "/r/_temp/fixkb-docker-config", 1 };
	struct err e = ERR_INIT;
	char q[64], genv[600];
	const char *via;
	char *text = NULL;
	size_t n = 0;
	FILE *f;

	ok(ci_shell_quote(q, sizeof(q), "/a b/it's") == 0, "shell quote");
	is_str(q, "'/a b/it'\\''s'", "shell quote: a quote inside");
	ok(ci_shell_quote(q, 4, "abc") < 0, "shell quote: too long refused");
	snprintf(genv, sizeof(genv), "GITHUB_ENV=%s", put("gh/env", ""));
	ci_detect(&env, vars("GITHUB_ACTIONS=true", genv, NULL), 0);
	ci_log_init(&l, stdout, &env);
	ok(ci_out_handoff(&env, &l, &h, &via, &e) == 0, "GitHub hand-off");
	is_str(via, "$GITHUB_ENV", "via $GITHUB_ENV");
	f = fopen(spath("gh/env"), "r");
	text = calloc(1, 200);
	if (f && text)
		n = fread(text, 1, 199, f);
	if (f)
		fclose(f);
	is_str(text, "DOCKER_CONFIG=/r/_temp/fixkb-docker-config\nDOCKER_AUTH_CONFIG=\n",
	       "GITHUB_ENV lines (and DOCKER_AUTH_CONFIG emptied)");
	free(text);
	(void)n;
	h.dir = "/evil\nPATH=/tmp";
	ok(ci_out_handoff(&env, &l, &h, &via, &e) < 0 && strstr(e.msg, "line break"), "a line break in the path refused");
	ci_detect(&env, vars("GITHUB_ACTIONS=true", NULL), 0);
	err_clear(&e);
	h.dir = "/x";
	ok(ci_out_handoff(&env, &l, &h, &via, &e) < 0 && strstr(e.msg, "$GITHUB_ENV is not set"),
	   "GITHUB_ENV unset: said so");
	text = NULL;
	n = 0;
	f = open_memstream(&text, &n);
	h.unset_dac = 0;
	ci_out_print_env(f, &h, &e);
	fclose(f);
	is_str(text, "export DOCKER_CONFIG='/x'\n", "print-env line");
	free(text);
}

static void test_build_secrets(void)
{
	struct ci_needs nd = CI_NEEDS_INIT;
	struct ci_mount m[3];
	struct ci_env env;
	json_t *o;

	memset(m, 0, sizeof(m));
	snprintf(m[0].id, sizeof(m[0].id), "npm-token");
	snprintf(m[1].id, sizeof(m[1].id), "PIP_CONF");
	m[2].ssh = 1;
	snprintf(m[2].id, sizeof(m[2].id), "github");
	nd.mounts = m;
	nd.nmounts = 3;
	ci_detect(&env, vars("PIP_CONF=x", NULL), 1);
	o = ci_build_secrets_json(&nd, &env);
	is_str(json_string_value(json_object_get(o, "flags")),
	       "--secret id=npm-token,env=NPM_TOKEN --secret id=PIP_CONF,env=PIP_CONF --ssh github",
	       "flags: an id that is no variable name gets one");
	ok(json_is_true(json_object_get(json_array_get(json_object_get(o, "secrets"), 1), "env_set")) &&
	   json_is_false(json_object_get(json_array_get(json_object_get(o, "secrets"), 0), "env_set")),
	   "env_set per secret");
	is_str(json_string_value(json_object_get(o, "build_push_action")),
	       "secrets: |\n  npm-token=${{ secrets.NPM_TOKEN }}\n  PIP_CONF=${{ secrets.PIP_CONF }}\n"
	       "ssh: |\n  github\n", "build-push-action inputs");
	ok(json_is_false(json_object_get(o, "agent")), "no agent without SSH_AUTH_SOCK");
	json_decref(o);
}

int main(void)
{
	scratch_init();
	test_detect();
	test_job_dir();
	test_cands();
	test_advice();
	test_log();
	test_out();
	test_build_secrets();
	scratch_done();
	return tap_done();
}
