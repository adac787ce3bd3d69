/* t-fix-jsonedit-docker.h — random configs in docker's own form, edited by
 * docker CLI (logout, context use) and by jsonedit: the bytes must agree.
 * Part of t-fix-jsonedit.c. */
#ifndef FIXKB_TESTS_T_FIX_JSONEDIT_DOCKER_H
#define FIXKB_TESTS_T_FIX_JSONEDIT_DOCKER_H

#define DOCKER_RUNS 30

static unsigned long long rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* A random string of the pieces Go's encoder treats specially. */
static json_t *rnd_string(int maxpieces)
{
	static const char *const pieces[] = {
		"a", "Z", "7", " ", "{{.ID}}", "<", ">", "&", "\"", "\\", "/", "\x01", "\x1f", "\n", "\t",
		"\r", "\b", "\f", "\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe2\x80\xa8",
		"\xe2\x80\xa9", "\xc2\x85", "-", ".", ":", "%", "+", "=",
	};
	char s[512] = "";
	int i, n = 1 + (int)rnd((unsigned)maxpieces);
	size_t len = 0, pl;

	for (i = 0; i < n; i++) {
		const char *p = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];

		pl = strlen(p);
		if (len + pl >= sizeof(s))
			break;
		memcpy(s + len, p, pl);
		len += pl;
	}
	return json_stringn(s, len);
}

/* A map of 0..max random keys (Go writes map keys sorted): jansson keeps
 * insertion order, so insert them sorted. */
static json_t *rnd_map(unsigned max, json_t *(*value)(void), const char *avoid)
{
	json_t *keys = json_array(), *m = json_object();
	unsigned i, n = rnd(max + 1);
	size_t a, b;

	for (i = 0; i < n; i++) {
		json_t *k = rnd_string(4);

		if (!avoid || !strstr(json_string_value(k), avoid))
			json_array_append_new(keys, k);
		else
			json_decref(k);
	}
	for (a = 0; a < json_array_size(keys); a++)     /* selection sort: tiny arrays */
		for (b = a + 1; b < json_array_size(keys); b++)
			if (strcmp(json_string_value(json_array_get(keys, a)),
				   json_string_value(json_array_get(keys, b))) > 0) {
				json_t *t = json_incref(json_array_get(keys, a));

				json_array_set(keys, a, json_array_get(keys, b));
				json_array_set_new(keys, b, t);
			}
	for (a = 0; a < json_array_size(keys); a++)
		json_object_set_new(m, json_string_value(json_array_get(keys, a)), value());
	json_decref(keys);
	return m;
}

static json_t *rnd_string_value(void)
{
	return rnd_string(5);
}

/* An auths entry as docker saves it: auth, email, identitytoken, registrytoken. */
static json_t *rnd_auth(void)
{
	json_t *o = json_object();
	char raw[64], *enc;

	if (rnd(5) == 0)
		return o;   /* a helper-backed host: {} */
	snprintf(raw, sizeof(raw), "user%u:p%u<&>%s", rnd(100), rnd(1000), rnd(2) ? "\xc3\xa9" : "");
	enc = b64_encode_std(raw, strlen(raw));
	json_object_set_new(o, "auth", json_string(enc));
	free(enc);
	if (rnd(3) == 0)
		json_object_set_new(o, "email", rnd_string(3));
	if (rnd(3) == 0)
		json_object_set_new(o, "identitytoken", rnd_string(3));
	if (rnd(3) == 0)
		json_object_set_new(o, "registrytoken", rnd_string(3));
	return o;
}

static json_t *rnd_proxy(void)
{
	static const char *const f[] = { "httpProxy", "httpsProxy", "noProxy", "ftpProxy", "allProxy" };
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < 5; i++)
		if (rnd(2))
			json_object_set_new(o, f[i], rnd_string(3));
	return o;
}

static json_t *rnd_plugin(void)
{
	return rnd_map(2, rnd_string_value, NULL);
}

/* obj's members in sorted key order (at most 8). */
static json_t *sorted_copy(json_t *obj)
{
	const char *k, *ks[8], *t;
	json_t *v, *sorted = json_object();
	size_t n = 0, x, y;

	json_object_foreach(obj, k, v)
		if (n < 8)
			ks[n++] = k;
	for (x = 0; x < n; x++)
		for (y = x + 1; y < n; y++)
			if (strcmp(ks[x], ks[y]) > 0) {
				t = ks[x];
				ks[x] = ks[y];
				ks[y] = t;
			}
	for (x = 0; x < n; x++)
		json_object_set(sorted, ks[x], json_object_get(obj, ks[x]));
	return sorted;
}

static void maybe(json_t *c, const char *k, json_t *v)
{
	if (rnd(2) && !(json_is_object(v) && json_object_size(v) == 0))
		json_object_set_new(c, k, v);
	else
		json_decref(v);
}

/* A config in the form docker saves: its fields in ConfigFile order, the
 * omitempty ones only when set, maps sorted; auths always holds
 * "k0.example" (which logout removes) and never its other spellings. */
static json_t *rnd_config(int with_context)
{
	static const char *const formats[] = { "psFormat", "imagesFormat", "networksFormat", "pluginsFormat",
		"volumesFormat", "statsFormat", "detachKeys" };
	static const char *const formats2[] = { "serviceInspectFormat", "servicesFormat", "tasksFormat",
		"secretFormat", "configFormat", "nodesFormat" };
	json_t *c = json_object(), *auths = rnd_map(3, rnd_auth, "k0.example");
	size_t i;

	json_object_set_new(auths, "k0.example", rnd_auth());
	json_object_set_new(c, "auths", sorted_copy(auths));
	json_decref(auths);
	maybe(c, "HttpHeaders", rnd_map(2, rnd_string_value, "ser-"));
	for (i = 0; i < 7; i++)
		maybe(c, formats[i], rnd_string(4));
	maybe(c, "credHelpers", rnd_map(3, rnd_string_value, "k0.example"));
	for (i = 0; i < 6; i++)
		maybe(c, formats2[i], rnd_string(3));
	maybe(c, "pruneFilters", json_pack("[o]", rnd_string(3)));
	maybe(c, "proxies", rnd_map(2, rnd_proxy, NULL));
	if (with_context)
		maybe(c, "currentContext", json_string("ctx"));
	maybe(c, "cliPluginsExtraDirs", json_pack("[s]", "/x"));
	maybe(c, "plugins", rnd_map(2, rnd_plugin, NULL));
	maybe(c, "aliases", json_pack("{s:s}", "builder", "buildx"));
	maybe(c, "features", rnd_map(2, rnd_string_value, NULL));
	maybe(c, "experimental", json_string(rnd(2) ? "enabled" : "disabled"));
	return c;
}

/* Runs docker with DOCKER_CONFIG=dir; 0 when it exited 0. */
static int run_docker(const char *docker, const char *dir, const char *a1, const char *a2,
		      const char *a3, const char *a4, const char *a5)
{
	char dc[PATH_MAX + 16], home[PATH_MAX + 8], path[PATH_MAX + 8], bin[PATH_MAX], base[PATH_MAX];
	const char *argv[] = { docker, a1, a2, a3, a4, a5, NULL };
	const char *envp[] = { dc, home, path, NULL };
	struct proc_spec sp = PROC_SPEC_INIT;
	struct proc_result r = PROC_RESULT_INIT(64 << 10, 64 << 10);
	struct err e = ERR_INIT;
	int rc;

	/* PATH holds docker's own directory only: no credential helper and no
	 * `pass` for docker to auto-select a store with. */
	if (atomicfile_split(docker, bin, sizeof(bin), base, sizeof(base)) < 0)
		return -1;
	snprintf(dc, sizeof(dc), "DOCKER_CONFIG=%s", dir);
	snprintf(home, sizeof(home), "HOME=%s", scratch);
	snprintf(path, sizeof(path), "PATH=%s", bin);
	sp.argv = argv;
	sp.envp = envp;
	sp.deadline_ms = clock_now_ms() + 30000;
	rc = proc_run(&r, &sp, &e) == 0 && r.outcome == PROC_EXITED && r.exit_code == 0 ? 0 : -1;
	if (rc < 0)
		printf("# docker %s: %.*s\n", a1, (int)r.err.len, r.err.data ? r.err.data : e.msg);
	proc_result_release(&r);
	return rc;
}

static char *dump(const json_t *v)
{
	struct buf b = BUF_INIT(1 << 20);
	struct err e = ERR_INIT;

	if (gojson_dump(&b, v, &e) < 0)
		exit(99);
	return buf_detach(&b, NULL);
}

/* One random config: docker's edit and ours, byte for byte. */
static int one_run(const char *docker, const char *dir, const char *cfg, int logout)
{
	json_t *c = rnd_config(logout);
	char *before = dump(c), *theirs = NULL, *back = NULL;
	const char *ours;
	struct err e = ERR_INIT;
	json_t *parsed = NULL;
	int same = 0;

	if (atomicfile_replace(cfg, before, strlen(before), &(struct atomicfile_opts)ATOMICFILE_CREDENTIALS, &e) < 0)
		goto cleanup;
	if (logout ? run_docker(docker, dir, "logout", "k0.example", NULL, NULL, NULL)
		   : run_docker(docker, dir, "context", "use", "ctx", NULL, NULL))
		goto cleanup;
	theirs = slurp(cfg);
	ours = logout ? edit(before, "delete", "auths.\"k0.example\"", NULL)
		      : edit(before, "set", "currentContext", json_string("ctx"));
	same = theirs && strcmp(ours, theirs) == 0;
	if (!same)
		printf("# before:\n%s\n# docker wrote:\n%s\n# jsonedit wrote:\n%s\n", before, theirs, ours);
	if (same && jsonedit_parse(&parsed, cfg, theirs, strlen(theirs), &e) == 0) {
		back = dump(parsed);
		same = strcmp(back, theirs) == 0 ? 1 : 2;   /* 2: the round trip differs */
	}
cleanup:
	json_decref(parsed);
	json_decref(c);
	free(before);
	free(theirs);
	free(back);
	return same;
}

static void test_against_docker(const char *docker)
{
	char dir[PATH_MAX], cfg[PATH_MAX + 16];
	int i, logout, agree, roundtrip, runs;

	snprintf(dir, sizeof(dir), "%s", spath("dockercfg"));
	snprintf(cfg, sizeof(cfg), "%s/config.json", dir);
	mkdir(dir, 0700);
	if (run_docker(docker, dir, "context", "create", "ctx", "--docker", "host=unix:///nonexistent") < 0) {
		skip("docker context create failed: the comparison with docker did not run");
		return;
	}
	for (logout = 1; logout >= 0; logout--) {
		agree = roundtrip = runs = 0;
		for (i = 0; i < DOCKER_RUNS; i++) {
			int r = one_run(docker, dir, cfg, logout);

			runs++;
			agree += r >= 1;
			roundtrip += r == 1;
		}
		is_int(agree, runs, "%s on %d random configs: jsonedit writes the bytes docker writes",
		       logout ? "docker logout (a map key deleted)" : "docker context use (a field added)", runs);
		is_int(roundtrip, runs, "and parsing what docker wrote and dumping it gives it back unchanged");
	}
}

#endif
