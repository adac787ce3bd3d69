/* t-dockerauthcfg — DOCKER_AUTH_CONFIG as docker CLI >= 28.3 and the GitLab runner read it (facts §6). */
#include "docker/dockerauthcfg.h"
#include "t-lib-cfg.h"

struct row {
	const char *name;
	const char *value;      /* "%s" is replaced by base64(alice:CANARY) */
	int cli, gitlab;
	const char *cli_problem;   /* substring, or NULL */
	const char *gitlab_problem;
	const char *form;
};

static const struct row rows[] = {
	{ "minimal", "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}}}", 1, 1, NULL, NULL, "raw" },
	{ "case-insensitive fields", "{\"AUTHS\":{\"ghcr.io\":{\"Auth\":\"%s\"}}}", 1, 1, NULL, NULL, "raw" },
	{ "credsStore", "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}},\"credsStore\":\"desktop\"}", 0, 1,
	  "json: unknown field \"credsStore\"", NULL, "raw" },
	{ "credHelpers", "{\"credHelpers\":{\"ghcr.io\":\"gh\"}}", 0, 1, "unknown field \"credHelpers\"", NULL, "raw" },
	{ "username field", "{\"auths\":{\"ghcr.io\":{\"username\":\"u\",\"password\":\"p\"}}}", 0, 1,
	  "unknown field \"username\"", NULL, "raw" },
	{ "email field", "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\",\"email\":\"a@b\"}}}", 0, 1, "unknown field \"email\"", NULL, "raw" },
	{ "entry without auth", "{\"auths\":{\"ghcr.io\":{}}}", 0, 1,
	  "DOCKER_AUTH_CONFIG environment variable is missing key `auth` for ghcr.io", NULL, "raw" },
	{ "second object", "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}}} {\"auths\":{}}", 0, 1,
	  "DOCKER_AUTH_CONFIG does not support more than one JSON object", NULL, "raw" },
	{ "bad base64", "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s!\"}}}", 0, 0, "illegal base64 data at input byte",
	  "illegal base64", "raw" },
	{ "no colon", "{\"auths\":{\"ghcr.io\":{\"auth\":\"bm9jb2xvbg==\"}}}", 0, 0, "invalid auth configuration file (auths key 'ghcr.io')",
	  "invalid auth configuration file", "raw" },
	{ "syntax error", "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}}", 0, 0, NULL, NULL, "raw" },
	{ "helper path traversal", "{\"credHelpers\":{\"ghcr.io\":\"../../tmp/x\"}}", 0, 0, NULL, "path traversal", "raw" },
	{ "not JSON", "hello", 0, 0, "invalid character 'h' looking for beginning of value", NULL, "raw" },
};

static void test_table(void)
{
	char value[1024];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct docker_auth_config d = DOCKER_AUTH_CONFIG_INIT;
		struct err e = ERR_INIT;

		const char *pct = strstr(rows[i].value, "%s");

		if (pct)
			snprintf(value, sizeof(value), "%.*s%s%s", (int)(pct - rows[i].value), rows[i].value,
				 canary_auth("alice"), pct + 2);
		else
			snprintf(value, sizeof(value), "%s", rows[i].value);
		ok(dac_decode(&d, value, &e) == 0, "%s: decodes", rows[i].name);
		is_int(d.cli_accepts, rows[i].cli, "%s: docker CLI verdict (%s)", rows[i].name, d.cli_problem);
		is_int(d.gitlab_accepts, rows[i].gitlab, "%s: GitLab verdict (%s)", rows[i].name, d.gitlab_problem);
		if (rows[i].cli_problem)
			ok(strstr(d.cli_problem, rows[i].cli_problem) != NULL, "%s: CLI problem: %s", rows[i].name, d.cli_problem);
		if (rows[i].gitlab_problem)
			ok(strstr(d.gitlab_problem, rows[i].gitlab_problem) != NULL, "%s: runner problem: %s",
			   rows[i].name, d.gitlab_problem);
		is_str(dac_form_name(d.form), rows[i].form, "%s: form", rows[i].name);
		ok(!leaks(d.cli_problem) && !leaks(d.gitlab_problem) && !json_leaks(d.keys),
		   "%s: no canary in problems or keys", rows[i].name);
		dac_release(&d);
	}
}

static void test_forms_and_matching(void)
{
	struct docker_auth_config d = DOCKER_AUTH_CONFIG_INIT;
	struct err e = ERR_INIT;
	char json[512], near[512];
	char *b64;
	const char *path;

	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}}}", canary_auth("alice"));
	b64 = b64_encode_std(json, strlen(json));
	dac_decode(&d, b64, &e);
	is_str(dac_form_name(d.form), "base64", "base64 form detected");
	ok(!d.cli_accepts && strstr(d.cli_problem, "invalid character 'e'") && strstr(d.cli_problem, "base64"),
	   "CLI rejects base64: %s", d.cli_problem);
	ok(!d.gitlab_accepts && strstr(d.gitlab_problem, "base64"), "runner rejects base64: %s", d.gitlab_problem);
	is_int(json_array_size(d.keys), 1, "keys read from the decoded JSON");
	ok(!leaks(d.cli_problem), "no canary");
	dac_release(&d);
	free(b64);

	path = put("gitlab-var", json);
	dac_decode(&d, path, &e);
	is_str(dac_form_name(d.form), "file", "file form (GitLab file-type variable)");
	ok(!d.cli_accepts && strstr(d.cli_problem, "invalid character '/'"), "CLI rejects a path: %s", d.cli_problem);
	ok(d.gitlab_accepts, "the runner reads the contents");
	is_str(d.path, path, "path kept");
	dac_release(&d);
	dac_decode(&d, "/builds/tmp/DOCKER_AUTH_CONFIG", &e);
	ok(strstr(d.gitlab_problem, "does not exist") != NULL, "missing file path said: %s", d.gitlab_problem);
	dac_release(&d);

	dac_decode(&d, json, &e);
	ok(dac_cli_entry(&d, "ghcr.io") != NULL, "ghcr.io matches exactly");
	ok(dac_gitlab_matches(&d, "ghcr.io"), "runner matches ghcr.io");
	ok(dac_cli_entry(&d, "docker.io") == NULL, "no key for docker.io");
	dac_release(&d);
	snprintf(json, sizeof(json), "{\"auths\":{\"https://GHCR.io\":{\"auth\":\"%s\"}}}", canary_auth("alice"));
	dac_decode(&d, json, &e);
	ok(dac_cli_entry(&d, "ghcr.io") == NULL, "CLI: https://GHCR.io does not match ghcr.io");
	ok(dac_gitlab_matches(&d, "ghcr.io"), "runner: host lower-cased, scheme stripped");
	ok(dac_near_miss(&d, "ghcr.io", near, sizeof(near)) && strstr(near, "exactly"), "near miss: %s", near);
	dac_release(&d);
	snprintf(json, sizeof(json), "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"%s\"}}}", canary_auth("alice"));
	dac_decode(&d, json, &e);
	ok(dac_cli_entry(&d, "docker.io") != NULL, "Hub key matches docker.io");
	ok(dac_gitlab_matches(&d, "docker.io"), "runner: https://index.docker.io/v1/ is docker.io");
	dac_release(&d);
	/* The runner maps index.docker.io only behind a scheme, and never
	 * registry-1.docker.io (gitlab-runner auth.go convertToRegistryPath). */
	snprintf(json, sizeof(json), "{\"auths\":{\"index.docker.io\":{\"auth\":\"%s\"},"
		 "\"registry-1.docker.io\":{\"auth\":\"%s\"}}}", canary_auth("alice"), canary_auth("bob"));
	dac_decode(&d, json, &e);
	ok(!dac_gitlab_matches(&d, "docker.io"), "runner: index.docker.io and registry-1.docker.io keys are not docker.io");
	ok(dac_near_miss(&d, "docker.io", near, sizeof(near)) && strstr(near, "https://index.docker.io/v1/"),
	   "CLI near miss names the Hub key: %s", near);
	dac_release(&d);
	snprintf(json, sizeof(json), "{\"auths\":{\"HTTPS://Index.Docker.IO/v1/\":{\"auth\":\"%s\"}}}",
		 canary_auth("alice"));
	dac_decode(&d, json, &e);
	ok(dac_gitlab_matches(&d, "docker.io"), "runner: the scheme and host match in any case");
	ok(dac_cli_entry(&d, "docker.io") == NULL, "CLI: only the exact Hub key");
	dac_release(&d);
	snprintf(json, sizeof(json), "{\"auths\":{\"GHCR.io\":{\"auth\":\"%s\"}}}", canary_auth("alice"));
	dac_decode(&d, json, &e);
	ok(dac_near_miss(&d, "ghcr.io", near, sizeof(near)) && strstr(near, "GHCR.io"),
	   "near miss for a key differing in case: %s", near);
	dac_release(&d);
	dac_decode(&d, NULL, &e);
	ok(!d.set, "unset");
	dac_release(&d);
	dac_decode(&d, "   ", &e);
	ok(d.set && d.cli_accepts, "blank value: io.EOF, accepted by the CLI");
	dac_release(&d);
}

int main(void)
{
	scratch_init();
	test_table();
	test_forms_and_matching();
	scratch_done();
	return tap_done();
}
