/* t-credplan — which source each consumer uses (facts §4 precedence, §6, §7). */
#include "checks/checks.h"
#include "docker/clients.h"
#include "docker/credential.h"
#include "docker/credplan.h"
#include "t-lib-cfg.h"

static struct settings S = SETTINGS_INIT;

static void docker_cfg(const char *text)
{
	put("home/.docker/config.json", text);
}

static int resolve(struct cred_plan *p, const char *reg, enum consumer c)
{
	struct err e = ERR_INIT;
	int rc = credplan_resolve(p, &S, reg, c, &e);

	if (json_leaks(p->shadowed) || json_leaks(p->problems) || leaks(e.msg))
		ok(0, "canary leaked into the plan for %s", reg);
	return rc;
}

static int has_kind(const struct cred_plan *p, const char *kind)
{
	size_t i;
	json_t *it;

	json_array_foreach(p->problems, i, it)
		if (strcmp(json_string_value(json_object_get(it, "kind")), kind) == 0)
			return 1;
	return 0;
}

static void test_docker_precedence(void)
{
	struct cred_plan p = CRED_PLAN_INIT;
	struct credential cr = CREDENTIAL_INIT;
	struct err e = ERR_INIT;
	char json[2048], dac[512];

	snprintf(json, sizeof(json),
		 "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"},\"https://index.docker.io/v1/\":{\"auth\":\"%s\"}}}",
		 canary_auth("alice"), canary_auth("bob"));
	docker_cfg(json);
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "auths", "plain auths");
	ok(p.plaintext, "plaintext flagged");
	is_str(p.key, "ghcr.io", "key");
	ok(credplan_read_auths(&cr, &p, &e) == 0, "read auths: %s", e.msg);
	is_str(cr.username, "alice", "username read");
	ok(cr.secret.data && strcmp(cr.secret.data, CANARY) == 0, "password read into sensitive");
	credential_release(&cr);
	resolve(&p, "docker.io", CONSUMER_DOCKER);
	is_str(p.key, "https://index.docker.io/v1/", "Hub uses the v1 key");
	is_str(cred_source_name(p.source), "auths", "Hub auths");

	/* credsStore replaces auths, even when it finds nothing */
	snprintf(json, sizeof(json), "{\"credsStore\":\"desktop\",\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}}}",
		 canary_auth("alice"));
	docker_cfg(json);
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "credsStore", "credsStore beats auths");
	is_str(p.helper, "desktop", "helper name");
	ok(p.helper_name_valid, "valid helper name");
	is_int(json_array_size(p.shadowed), 1, "auths entry recorded as shadowed");
	ok(credplan_read_auths(&cr, &p, &e) < 0, "read_auths refuses helper sources");

	/* credHelpers beats credsStore; exact key only */
	snprintf(json, sizeof(json), "{\"credsStore\":\"desktop\",\"credHelpers\":{\"ghcr.io\":\"gh\",\"https://quay.io\":\"q\"},"
		 "\"auths\":{\"ghcr.io\":{}}}");
	docker_cfg(json);
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "credHelpers", "credHelpers beats credsStore");
	is_str(p.helper, "gh", "the host's helper");
	is_int(json_array_size(p.shadowed), 0, "an empty {} auths entry is not shadowed");
	resolve(&p, "quay.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "credsStore", "credHelpers key with scheme does not apply");
	ok(has_kind(&p, "mismatch"), "near-miss credHelpers key reported");
	docker_cfg("{\"credHelpers\":{\"GHCR.io\":\"gh\"}}");
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	ok(p.source == SRC_NONE && has_kind(&p, "mismatch"), "a credHelpers key differing in case is reported");
	docker_cfg("{\"credHelpers\":{\"index.docker.io\":\"gh\",\"https://index.docker.io/v1/\":\"hub\"}}");
	resolve(&p, "docker.io", CONSUMER_DOCKER);
	is_str(p.helper, "hub", "Hub: the helper of the exact Hub key");
	ok(has_kind(&p, "mismatch"), "and index.docker.io reported as not used");
	docker_cfg("{\"credsStore\":\"desktop\",\"credHelpers\":{\"ghcr.io\":\"\"}}");
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "none", "credHelpers \"\" means the file store");
	docker_cfg("{\"credHelpers\":{\"ghcr.io\":\"../../bin/sh\"}}");
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	ok(p.source == SRC_CRED_HELPER && !p.helper_name_valid, "path-like helper name flagged invalid");

	/* DOCKER_AUTH_CONFIG */
	snprintf(json, sizeof(json), "{\"credHelpers\":{\"ghcr.io\":\"gh\"}}");
	docker_cfg(json);
	snprintf(dac, sizeof(dac), "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}}}", canary_auth("bob"));
	setenv("DOCKER_AUTH_CONFIG", dac, 1);
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "DOCKER_AUTH_CONFIG", "DOCKER_AUTH_CONFIG wins");
	is_int(json_array_size(p.shadowed), 1, "the helper is shadowed");
	ok(credplan_read_auths(&cr, &p, &e) == 0 && strcmp(cr.username, "bob") == 0, "read from DOCKER_AUTH_CONFIG");
	credential_release(&cr);
	resolve(&p, "ghcr.io", CONSUMER_CONTAINERS);
	ok(p.source != SRC_DOCKER_AUTH_CONFIG, "containers/image never reads DOCKER_AUTH_CONFIG");
	snprintf(dac, sizeof(dac), "{\"auths\":{\"https://ghcr.io\":{\"auth\":\"%s\"}}}", canary_auth("bob"));
	setenv("DOCKER_AUTH_CONFIG", dac, 1);
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "credHelpers", "DOCKER_AUTH_CONFIG key with scheme: no exact match, falls through");
	ok(has_kind(&p, "mismatch"), "near miss reported");
	snprintf(dac, sizeof(dac), "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}},\"credsStore\":\"x\"}", canary_auth("bob"));
	setenv("DOCKER_AUTH_CONFIG", dac, 1);
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "credHelpers", "rejected DOCKER_AUTH_CONFIG falls through");
	ok(has_kind(&p, "malformed"), "rejected variable recorded as a problem");
	unsetenv("DOCKER_AUTH_CONFIG");

	/* malformed config.json */
	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}}", canary_auth("alice"));
	docker_cfg(json);
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	ok(p.source == SRC_NONE && has_kind(&p, "malformed"), "malformed config: nothing, problem recorded");

	/* identity token */
	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"identitytoken\":\"%s\"}}}", CANARY);
	docker_cfg(json);
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	ok(p.source == SRC_AUTHS && p.has_identity_token && !p.plaintext, "identity token, no plaintext password");
	ok(credplan_read_auths(&cr, &p, &e) == 0 && cr.identity_token && cr.username[0] == '\0',
	   "identity token sent with an empty username (BuildKit)");
	credential_release(&cr);
	cred_plan_release(&p);
}

static void test_auto_store(void)
{
	struct cred_plan p = CRED_PLAN_INIT;
	char path[1100];

	docker_cfg("{\"psFormat\":\"table\"}");
	mkdir(spath("bin"), 0700);
	put_exe("bin/docker-credential-secretservice");
	snprintf(path, sizeof(path), "%s", spath("bin"));
	setenv("PATH", path, 1);
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "auto-store", "no auth settings: auto store");
	is_str(p.helper, "secretservice", "secretservice auto-selected");
	docker_cfg("{\"auths\":{}}");
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "auto-store", "an empty auths map is no auth setting");
	docker_cfg("{\"auths\":{\"other.io\":{}}}");
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "none", "any auths key (even an empty {}) disables the auto store");
	docker_cfg("{not json");
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "auto-store", "malformed config: empty config, auto store still applies");
	setenv("PATH", "/nonexistent-fixkb", 1);
	rm_rel("home/.docker/config.json");
	cred_plan_release(&p);
}

static void test_containers_chain(void)
{
	struct cred_plan p = CRED_PLAN_INIT;
	struct credential cr = CREDENTIAL_INIT;
	struct err e = ERR_INIT;
	char json[1024];

	/* no DOCKER_CONFIG: the full chain */
	snprintf(json, sizeof(json), "{\"auths\":{\"quay.io\":{\"auth\":\"%s\"}}}", canary_auth("alice"));
	put("home/.config/containers/auth.json", json);
	snprintf(json, sizeof(json), "{\"auths\":{\"quay.io\":{\"auth\":\"%s\"}},\"credsStore\":\"desktop\"}",
		 canary_auth("bob"));
	docker_cfg(json);
	resolve(&p, "quay.io", CONSUMER_CONTAINERS);
	is_str(cred_source_name(p.source), "auths", "containers: auths");
	ok(strstr(p.file, ".config/containers/auth.json") != NULL, "XDG_CONFIG_HOME file first: %s", p.file);
	is_int(json_array_size(p.shadowed), 1, "docker's config.json entry is shadowed");
	ok(has_kind(&p, "ignored"), "credsStore ignored by containers/image");
	ok(credplan_read_auths(&cr, &p, &e) == 0 && strcmp(cr.username, "alice") == 0, "read containers auths");
	credential_release(&cr);
	resolve(&p, "quay.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "credsStore", "docker: credsStore");

	/* runtime dir first */
	put("run/containers/auth.json", "{\"credHelpers\":{\"quay.io\":\"q\"}}");
	resolve(&p, "quay.io", CONSUMER_CONTAINERS);
	is_str(cred_source_name(p.source), "credHelpers", "XDG_RUNTIME_DIR credHelpers first");
	ok(json_array_size(p.shadowed) >= 1 &&
	   json_is_true(json_object_get(json_array_get(p.shadowed, 0), "fallback")),
	   "later files are fallbacks for a c/image helper");

	/* a malformed file in the chain fails the lookup */
	put("run/containers/auth.json", "{\"auths\":");
	resolve(&p, "quay.io", CONSUMER_CONTAINERS);
	ok(p.source == SRC_NONE && has_kind(&p, "malformed"), "malformed auth.json stops containers/image");
	put("run/containers/auth.json", "");
	resolve(&p, "quay.io", CONSUMER_CONTAINERS);
	ok(p.source == SRC_NONE && has_kind(&p, "malformed"), "an empty auth.json is an error for c/image");
	rm_rel("run/containers/auth.json");

	/* REGISTRY_AUTH_FILE is the only file */
	setenv("REGISTRY_AUTH_FILE", put("raf.json", "{}"), 1);
	resolve(&p, "quay.io", CONSUMER_CONTAINERS);
	is_str(cred_source_name(p.source), "none", "REGISTRY_AUTH_FILE alone");
	unsetenv("REGISTRY_AUTH_FILE");

	/* DOCKER_CONFIG set: skopeo keeps c/image's chain; podman/buildah take
	 * its config.json as the authfile, alone (no podman here: c/image >= 5.24) */
	setenv("DOCKER_CONFIG", spath("home/.docker"), 1);
	resolve(&p, "quay.io", CONSUMER_CONTAINERS);
	ok(p.source == SRC_AUTHS && strstr(p.file, ".config/containers/auth.json"),
	   "DOCKER_CONFIG: skopeo still reads ~/.config/containers/auth.json first (%s)", p.file);
	resolve(&p, "quay.io", CONSUMER_PODMAN);
	ok(p.source == SRC_AUTHS && strstr(p.file, ".docker/config.json") && json_array_size(p.shadowed) == 0,
	   "DOCKER_CONFIG: podman/buildah read only its config.json (%s)", p.file);
	ok(json_is_true(json_object_get(p.lookup, "authfile_alone")) &&
	   json_is_true(json_object_get(p.lookup, "version_assumed")), "lookup: authfile alone, version assumed");
	ok(credplan_read_auths(&cr, &p, &e) == 0 && strcmp(cr.username, "bob") == 0, "podman reads bob");
	credential_release(&cr);
	unsetenv("DOCKER_CONFIG");

	/* username/password fields are docker-only */
	rm_rel("home/.config/containers/auth.json");
	docker_cfg("{\"auths\":{\"quay.io\":{\"username\":\"u\",\"password\":\"" CANARY "\"}}}");
	resolve(&p, "quay.io", CONSUMER_CONTAINERS);
	is_str(cred_source_name(p.source), "none", "containers/image ignores username/password fields");
	resolve(&p, "quay.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "auths", "docker reads them");

	/* legacy ~/.dockercfg */
	rm_rel("home/.docker/config.json");
	snprintf(json, sizeof(json), "{\"https://index.docker.io/v1/\":{\"auth\":\"%s\"}}", canary_auth("alice"));
	put("home/.dockercfg", json);
	resolve(&p, "docker.io", CONSUMER_CONTAINERS);
	ok(p.source == SRC_AUTHS && strstr(p.file, ".dockercfg"), "legacy ~/.dockercfg read by containers/image");
	resolve(&p, "docker.io", CONSUMER_DOCKER);
	is_str(cred_source_name(p.source), "none", "docker no longer reads ~/.dockercfg");
	rm_rel("home/.dockercfg");
	cred_plan_release(&p);
}

/* bin/NAME printing a version, on a PATH of its own */
static void fake_client(const char *name, const char *line)
{
	char rel[64], text[256];

	snprintf(rel, sizeof(rel), "cbin/%s", name);
	snprintf(text, sizeof(text), "#!/bin/sh\necho '%s'\n", line);
	chmod(put(rel, text), 0755);
	setenv("PATH", spath("cbin"), 1);
	clients_reset();
}

static void no_clients(void)
{
	rm_rel("cbin");
	setenv("PATH", "/nonexistent-fixkb", 1);
	clients_reset();
}

/* c/image < 5.24 reads the files after a given authfile; registries.conf
 * credential-helpers come first when listed first. */
static void test_cimage_versions(void)
{
	struct cred_plan p = CRED_PLAN_INIT;
	char json[1024];

	snprintf(json, sizeof(json), "{\"auths\":{\"quay.io\":{\"auth\":\"%s\"}}}", canary_auth("alice"));
	put("home/.config/containers/auth.json", json);
	setenv("REGISTRY_AUTH_FILE", put("raf.json", "{\"auths\":{}}"), 1);
	resolve(&p, "quay.io", CONSUMER_CONTAINERS);
	is_str(cred_source_name(p.source), "none", "no skopeo known: REGISTRY_AUTH_FILE alone");
	fake_client("skopeo", "skopeo version 1.9.3");
	resolve(&p, "quay.io", CONSUMER_CONTAINERS);
	ok(p.source == SRC_AUTHS && strstr(p.file, ".config/containers/auth.json"),
	   "skopeo 1.9.3: after REGISTRY_AUTH_FILE, ~/.config/containers/auth.json (%s)", p.file);
	ok(json_is_false(json_object_get(p.lookup, "authfile_alone")), "lookup says not alone");
	fake_client("skopeo", "skopeo version 1.11.0");
	resolve(&p, "quay.io", CONSUMER_CONTAINERS);
	is_str(cred_source_name(p.source), "none", "skopeo 1.11.0: REGISTRY_AUTH_FILE alone");
	unsetenv("REGISTRY_AUTH_FILE");
	fake_client("podman", "podman version 4.3.1");
	setenv("DOCKER_CONFIG", spath("home/.docker"), 1);
	docker_cfg("{}");
	resolve(&p, "quay.io", CONSUMER_PODMAN);
	ok(p.source == SRC_AUTHS && strstr(p.file, ".config/containers/auth.json"),
	   "podman 4.3.1 with DOCKER_CONFIG: config.json first, then ~/.config/containers/auth.json");
	unsetenv("DOCKER_CONFIG");
	no_clients();

	/* registries.conf credential-helpers */
	put("home/.config/containers/registries.conf",
	    "# a comment\nunqualified-search-registries = [\"docker.io\",\n  \"quay.io\"]  # x\n"
	    "credential-helpers = [ \"secretservice\", # first\n \"containers-auth.json\", ]\n"
	    "[[registry]]\nlocation = \"x\"\ncredential-helpers = [\"nope\"]\n");
	resolve(&p, "quay.io", CONSUMER_CONTAINERS);
	ok(p.source == SRC_CRED_HELPER && p.global_helper && strcmp(p.helper, "secretservice") == 0 &&
	   strstr(p.file, "registries.conf"), "credential-helpers: secretservice first (%s)", p.helper);
	ok(json_array_size(p.shadowed) == 1 &&
	   json_is_true(json_object_get(json_array_get(p.shadowed, 0), "fallback")),
	   "the auth file behind it is a fallback");
	put("home/.config/containers/registries.conf",
	    "credential-helpers = [\"containers-auth.json\", 'secretservice']\n");
	resolve(&p, "quay.io", CONSUMER_PODMAN);
	ok(p.source == SRC_AUTHS && json_array_size(p.shadowed) == 1, "auth files first, the helper behind");
	put("home/.config/containers/registries.conf.d/10-x.conf", "credential-helpers = [\"pass\"]\n");
	put("home/.config/containers/registries.conf.d/20-y.conf", "credential-helpers = []\n");
	resolve(&p, "quay.io", CONSUMER_PODMAN);
	ok(p.source == SRC_CRED_HELPER && strcmp(p.helper, "pass") == 0 && strstr(p.file, "10-x.conf"),
	   "a drop-in replaces the list, an empty one does not (%s)", p.file);
	put("home/.config/containers/registries.conf", "credential-helpers = \"pass\"\n");
	rm_rel("home/.config/containers/registries.conf.d");
	resolve(&p, "quay.io", CONSUMER_PODMAN);
	ok(p.source == SRC_AUTHS && has_kind(&p, "ignored"), "a value not understood: noted, default assumed");
	rm_rel("home/.config/containers");
	cred_plan_release(&p);
}

/* DOCKER_AUTH_CONFIG counts only when the build client reads it. */
static void test_dac_gate(void)
{
	struct cred_plan p = CRED_PLAN_INIT;
	char json[1024];

	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}}}", canary_auth("alice"));
	docker_cfg(json);
	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}}}", canary_auth("bob"));
	setenv("DOCKER_AUTH_CONFIG", json, 1);
	fake_client("docker", "Docker version 28.2.2, build e6534b4");
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	ok(p.source == SRC_AUTHS && json_array_size(p.shadowed) == 0 && has_kind(&p, "ignored"),
	   "docker 28.2.2: DOCKER_AUTH_CONFIG ignored, config.json's auths used and not shadowed");
	fake_client("docker", "Docker version 28.3.0, build abcdef0");
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	ok(p.source == SRC_DOCKER_AUTH_CONFIG && json_array_size(p.shadowed) == 1,
	   "docker 28.3.0: DOCKER_AUTH_CONFIG wins and shadows auths");
	setenv("DOCKER_AUTH_CONFIG", "{\"auths\":{},\"credsStore\":\"x\"}", 1);
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	ok(has_kind(&p, "malformed"), "docker 28.3.0: a rejected value is a problem");
	fake_client("docker", "Docker version 28.2.2, build e6534b4");
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	ok(!has_kind(&p, "malformed") && has_kind(&p, "ignored"), "docker 28.2.2: the same value is only ignored");
	unsetenv("DOCKER_AUTH_CONFIG");
	no_clients();
	cred_plan_release(&p);
}

/* An auths key docker never reads for the registry. */
static void test_unused_keys(void)
{
	struct cred_plan p = CRED_PLAN_INIT;
	char json[1024];

	snprintf(json, sizeof(json), "{\"auths\":{\"docker.io\":{\"auth\":\"%s\"}}}", canary_auth("alice"));
	docker_cfg(json);
	resolve(&p, "docker.io", CONSUMER_DOCKER);
	ok(p.source == SRC_NONE && has_kind(&p, "unused"), "Hub credentials under docker.io: unused by docker");
	resolve(&p, "docker.io", CONSUMER_CONTAINERS);
	ok(p.source == SRC_AUTHS, "containers/image reads docker.io for Hub");
	snprintf(json, sizeof(json), "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"%s\"},"
		 "\"GHCR.io\":{\"auth\":\"%s\"}}}", canary_auth("alice"), canary_auth("bob"));
	docker_cfg(json);
	resolve(&p, "docker.io", CONSUMER_DOCKER);
	ok(p.source == SRC_AUTHS && !has_kind(&p, "unused"), "the v1 key: read, nothing unused");
	resolve(&p, "ghcr.io", CONSUMER_DOCKER);
	ok(p.source == SRC_NONE && has_kind(&p, "unused"), "GHCR.io is not read for ghcr.io");
	cred_plan_release(&p);
}

static void test_known(void)
{
	json_t *arr;
	char *s;

	docker_cfg("{\"auths\":{\"https://index.docker.io/v1/\":{},\"https://ghcr.io/\":{}},"
		   "\"credHelpers\":{\"123.dkr.ecr.us-east-1.amazonaws.com\":\"ecr-login\"}}");
	put("home/.config/containers/auth.json", "{\"auths\":{\"quay.io/org\":{}}}");
	setenv("DOCKER_AUTH_CONFIG", "{\"auths\":{\"host:5000\":{\"auth\":\"dTpw\"}}}", 1);
	arr = credplan_known_registries(&S);
	s = json_dumps(arr, JSON_COMPACT);
	is_str(s, "[\"docker.io\",\"ghcr.io\",\"123.dkr.ecr.us-east-1.amazonaws.com\",\"host:5000\",\"quay.io\"]",
	       "known registries, normalised and de-duplicated");
	free(s);
	json_decref(arr);
	unsetenv("DOCKER_AUTH_CONFIG");
	rm_rel("home/.config/containers/auth.json");
}

static void probe(const struct probe *pr, const char *reg, const char *status, const char *code)
{
	struct probe_ctx ctx = { &S, reg, NULL, 0 };
	struct probe_result res;

	memset(&res, 0, sizeof(res));
	pr->run(&ctx, &res);
	is_str(probe_status_name(res.status), status, "%s %s: status (%s)", pr->name, reg ? reg : "-", res.detail);
	is_str(res.code, code, "%s %s: code", pr->name, reg ? reg : "-");
	ok(res.evidence && json_is_object(res.evidence), "evidence is an object");
	ok(!leaks(res.detail) && !json_leaks(res.evidence), "%s: no canary in detail or evidence", pr->name);
	ok(strchr(res.detail, '\n') == NULL, "detail is one line");
	probe_result_release(&res);
}

static void test_probes(void)
{
	char json[1024], path[1100];

	docker_cfg("{}");
	probe(&probe_config_auth, "ghcr.io", "warn", "no_credentials");
	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}}}", canary_auth("alice"));
	docker_cfg(json);
	probe(&probe_config_auth, "ghcr.io", "warn", "plaintext_credentials");
	snprintf(json, sizeof(json), "{\"credHelpers\":{\"ghcr.io\":\"gh\"},\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}}}",
		 canary_auth("alice"));
	docker_cfg(json);
	probe(&probe_config_auth, "ghcr.io", "warn", "shadowed_credentials");   /* gh not on PATH */
	mkdir(spath("pbin"), 0700);
	put_exe("pbin/docker-credential-gh");
	snprintf(path, sizeof(path), "%s", spath("pbin"));
	setenv("PATH", path, 1);
	probe(&probe_config_auth, "ghcr.io", "ok", "helper_configured");  /* both consult credHelpers first */
	docker_cfg("{\"credHelpers\":{\"ghcr.io\":\"gh\"}}");
	probe(&probe_config_auth, "ghcr.io", "ok", "helper_configured");
	setenv("PATH", "/nonexistent-fixkb", 1);
	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}}", canary_auth("alice"));
	docker_cfg(json);
	probe(&probe_config_auth, "ghcr.io", "fail", "config_malformed");
	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"identitytoken\":\"%s\"}}}", CANARY);
	docker_cfg(json);
	probe(&probe_config_auth, "ghcr.io", "ok", "credential_found");
	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}}}", canary_auth("bob"));
	setenv("DOCKER_AUTH_CONFIG", json, 1);
	probe(&probe_config_auth, "ghcr.io", "warn", "shadowed_credentials");
	probe(&probe_docker_auth_config, "ghcr.io", "ok", "accepted");
	probe(&probe_docker_auth_config, NULL, "ok", "accepted");
	snprintf(json, sizeof(json), "{\"auths\":{\"https://ghcr.io\":{\"auth\":\"%s\"}}}", canary_auth("bob"));
	setenv("DOCKER_AUTH_CONFIG", json, 1);
	probe(&probe_docker_auth_config, "ghcr.io", "warn", "docker_auth_config_malformed");
	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s\"}},\"credsStore\":\"pass\"}", canary_auth("bob"));
	setenv("DOCKER_AUTH_CONFIG", json, 1);
	/* no client here: judged as docker >= 28.3, which rejects it */
	probe(&probe_docker_auth_config, "ghcr.io", "fail", "docker_auth_config_malformed");
	probe(&probe_config_auth, "ghcr.io", "fail", "docker_auth_config_malformed");
	fake_client("docker", "Docker version 28.2.2, build e6534b4");
	probe(&probe_docker_auth_config, "ghcr.io", "warn", "docker_auth_config_malformed");
	probe(&probe_config_auth, "ghcr.io", "ok", "credential_found");
	no_clients();
	snprintf(json, sizeof(json), "{\"auths\":{\"ghcr.io\":{\"auth\":\"%s=\"}}}", canary_auth("bob"));
	setenv("DOCKER_AUTH_CONFIG", json, 1);
	probe(&probe_docker_auth_config, "ghcr.io", "fail", "docker_auth_config_malformed");
	unsetenv("DOCKER_AUTH_CONFIG");
	probe(&probe_docker_auth_config, NULL, "skip", "not_set");
	rm_rel("home/.docker/config.json");
}

int main(void)
{
	scratch_init();
	test_docker_precedence();
	test_auto_store();
	test_containers_chain();
	test_cimage_versions();
	test_dac_gate();
	test_unused_keys();
	test_known();
	test_probes();
	scratch_done();
	return tap_done();
}
