/* clients.c — the installed clients and their versions; see clients.h.
 * Version sources: docker/cli cli/cobra.go (--version template), docker/
 * buildx commands/version.go, moby/buildkit cmd/buildctl/main.go
 * (cli.VersionPrinter), podman/skopeo/buildah's cobra --version. The
 * thresholds: docker/cli 9b83d5b (v28.3.0, DOCKER_AUTH_CONFIG), buildx
 * v0.26.0 go.mod (docker/cli v28.3.2), buildkit v0.24.0 go.mod (docker/cli
 * v28.3.3), containers/image b3748aab (v5.24.0) vendored by skopeo
 * v1.11.0, podman v4.4.0 and buildah v1.29.0. */
#include "docker/clients.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "docker/clientcache.h"
#include "util/clock.h"
#include "util/jsontext.h"
#include "util/paths.h"
#include "util/proc.h"

extern char **environ;

#define VERSION_OUT_MAX 4096

/* What a version command may see: where to find plugins and nothing that
 * holds a credential (DOCKER_AUTH_CONFIG stays out) or a daemon address. */
static const char *const env_keep[] = {
	"PATH", "HOME", "DOCKER_CONFIG", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
	"TMPDIR", NULL,
};

static struct clients cache;
static int cached;

const char *client_name(enum client_id id)
{
	switch (id) {
	case CLIENT_DOCKER: return "docker CLI";
	case CLIENT_BUILDX: return "buildx";
	case CLIENT_BUILDCTL: return "buildctl";
	case CLIENT_PODMAN: return "podman";
	case CLIENT_SKOPEO: return "skopeo";
	case CLIENT_BUILDAH: return "buildah";
	}
	return "client";
}

static const char *state_name(enum client_state s)
{
	switch (s) {
	case CLIENT_ABSENT: return "absent";
	case CLIENT_FOUND: return "found";
	case CLIENT_UNKNOWN: return "unknown";
	}
	return "unknown";
}

/* digits at p (at most 9 of them): the value, or -1 */
static int read_num(const char *p, size_t left, size_t *used)
{
	size_t i = 0;
	int v = 0;

	while (i < left && i < 9 && isdigit((unsigned char)p[i]))
		v = v * 10 + (p[i++] - '0');
	*used = i;
	return i ? v : -1;
}

int clients_parse_version(const char *text, size_t len, int *major, int *minor, int *patch,
			  char *out, size_t n)
{
	size_t i, u1, u2, u3;
	int a, b, c;

	for (i = 0; i < len; i++) {
		char prev = i ? text[i - 1] : ' ';
		size_t j = i;

		if (text[i] == 'v' && (prev == ' ' || prev == '(' || prev == '\t'))
			j = i + 1;
		else if (!(prev == ' ' || prev == '(' || prev == '\t' || i == 0))
			continue;
		a = read_num(text + j, len - j, &u1);
		if (a < 0 || j + u1 >= len || text[j + u1] != '.')
			continue;
		b = read_num(text + j + u1 + 1, len - j - u1 - 1, &u2);
		if (b < 0)
			continue;
		c = 0;
		u3 = 0;
		if (j + u1 + 1 + u2 < len && text[j + u1 + 1 + u2] == '.') {
			c = read_num(text + j + u1 + 2 + u2, len - j - u1 - 2 - u2, &u3);
			if (c < 0)
				c = 0;
		}
		*major = a;
		*minor = b;
		*patch = c;
		if (n)
			snprintf(out, n, "%d.%d.%d", a, b, c);
		return 0;
	}
	return -1;
}

/* Runs argv under the remaining budget; fills ci from its output. */
static void ask(struct client_info *ci, const char *const *argv, const struct settings *s,
		double budget_end)
{
	struct proc_result pr = PROC_RESULT_INIT(VERSION_OUT_MAX, VERSION_OUT_MAX);
	struct proc_spec sp = PROC_SPEC_INIT;
	struct proc_env env = PROC_ENV_INIT;
	struct err e = ERR_INIT;
	double deadline = clock_now_ms() + CLIENTS_EACH_MS;
	const char *text;
	size_t len;

	ci->state = CLIENT_UNKNOWN;
	if (deadline > budget_end)
		deadline = budget_end;
	if (proc_env_filter(&env, environ, env_keep, &e) < 0 ||
	    (s && s->config_dir && *s->config_dir &&
	     proc_env_set(&env, "DOCKER_CONFIG", s->config_dir, &e) < 0) ||
	    proc_env_set(&env, "LANG", "C", &e) < 0 || proc_env_set(&env, "LC_ALL", "C", &e) < 0) {
		snprintf(ci->note, sizeof(ci->note), "%s", e.msg);
		goto cleanup;
	}
	sp.argv = argv;
	sp.envp = (const char *const *)env.vars;
	sp.deadline_ms = deadline;
	if (proc_run(&pr, &sp, &e) < 0) {
		snprintf(ci->note, sizeof(ci->note), "%s", e.msg);
		goto cleanup;
	}
	if (pr.outcome == PROC_SPAWN_FAILED) {
		ci->state = pr.spawn_errno == ENOENT ? CLIENT_ABSENT : CLIENT_UNKNOWN;
		snprintf(ci->note, sizeof(ci->note), "%s", proc_spawn_strerror(pr.spawn_errno));
		goto cleanup;
	}
	snprintf(ci->binary, sizeof(ci->binary), "%s", pr.binary);
	if (pr.outcome == PROC_TIMED_OUT) {
		snprintf(ci->note, sizeof(ci->note), "'%s %s' did not answer within %.0f ms",
			 argv[0], argv[1], pr.ms);
		goto cleanup;
	}
	if (pr.outcome != PROC_EXITED || pr.exit_code != 0) {
		snprintf(ci->note, sizeof(ci->note), "'%s %s' exited %d", argv[0], argv[1], pr.exit_code);
		goto cleanup;
	}
	text = pr.out.data ? pr.out.data : "";
	len = strcspn(text, "\n");
	if (ci->id == CLIENT_BUILDX && !strstr(text, "buildx")) {
		snprintf(ci->note, sizeof(ci->note), "'docker buildx version' did not name buildx");
		goto cleanup;
	}
	if (ci->id == CLIENT_DOCKER && strstr(text, "podman")) {
		ci->is_podman_shim = 1;
		snprintf(ci->note, sizeof(ci->note), "podman's docker shim, not a docker CLI");
	}
	if (clients_parse_version(text, len, &ci->major, &ci->minor, &ci->patch,
				  ci->version, sizeof(ci->version)) == 0)
		ci->state = CLIENT_FOUND;
	else
		snprintf(ci->note, sizeof(ci->note), "no version in the output of '%s %s'",
			 argv[0], argv[1]);
cleanup:
	proc_env_release(&env);
	proc_result_release(&pr);
}

static void ask_buildx(struct client_info *bx, const struct client_info *docker,
		       const struct settings *s, double budget_end)
{
	static const char *const argv[] = { "docker", "buildx", "version", NULL };

	if (docker->state != CLIENT_FOUND || docker->is_podman_shim) {
		snprintf(bx->note, sizeof(bx->note), "no working docker CLI to run it");
		return;
	}
	ask(bx, argv, s, budget_end);
	if (bx->state == CLIENT_UNKNOWN && strstr(bx->note, "' exited ")) {
		/* `docker buildx` without the plugin: "unknown command" */
		bx->state = CLIENT_ABSENT;
		bx->binary[0] = '\0';
		snprintf(bx->note, sizeof(bx->note), "the buildx plugin is not installed");
	}
}

/* ci from a remembered answer; 0, or -1 when it is not one fixkb keeps. */
static int from_cache(struct client_info *ci, const json_t *en)
{
	const char *state = jsontext_member(en, "state");

	if (strcmp(state, "found") == 0)
		ci->state = CLIENT_FOUND;
	else if (strcmp(state, "absent") == 0)
		ci->state = CLIENT_ABSENT;
	else
		return -1;
	ci->major = (int)json_integer_value(json_object_get(en, "major"));
	ci->minor = (int)json_integer_value(json_object_get(en, "minor"));
	ci->patch = (int)json_integer_value(json_object_get(en, "patch"));
	snprintf(ci->version, sizeof(ci->version), "%s", jsontext_member(en, "version"));
	snprintf(ci->binary, sizeof(ci->binary), "%s", jsontext_member(en, "binary"));
	snprintf(ci->note, sizeof(ci->note), "%s", jsontext_member(en, "note"));
	ci->is_podman_shim = json_is_true(json_object_get(en, "podman_shim"));
	return 0;
}

/* An answer worth remembering: a version read, or buildx's plugin not
 * installed; never one that depends on timing (a timeout, a crash). */
static json_t *to_cache(const struct client_info *ci)
{
	if (!(ci->state == CLIENT_FOUND || (ci->state == CLIENT_ABSENT && ci->id == CLIENT_BUILDX)))
		return NULL;
	return json_pack("{s:s, s:i, s:i, s:i, s:s, s:s, s:s, s:b}", "state",
			 ci->state == CLIENT_FOUND ? "found" : "absent", "major", ci->major, "minor",
			 ci->minor, "patch", ci->patch, "version", ci->version, "binary", ci->binary,
			 "note", ci->note, "podman_shim", ci->is_podman_shim);
}

/* ci from the cache when its key matches, else asked (and remembered). */
static void ask_cached(struct clientcache *cc, struct client_info *ci, const char *const *argv,
		       const struct settings *s, double budget_end)
{
	char key[CLIENTCACHE_KEY_LEN];
	const json_t *hit;
	json_t *en;

	clientcache_key(key, ci->id == CLIENT_BUILDX ? "docker" : argv[0], ci->id == CLIENT_BUILDX, s);
	hit = clientcache_get(cc, client_name(ci->id), key);
	if (hit && from_cache(ci, hit) == 0)
		return;
	if (ci->id == CLIENT_BUILDX) {
		ask_buildx(ci, &cache.c[CLIENT_DOCKER], s, budget_end);
		/* buildx's answer is docker's: kept only when docker answered */
		if (cache.c[CLIENT_DOCKER].state != CLIENT_FOUND)
			return;
	} else {
		ask(ci, argv, s, budget_end);
	}
	if ((en = to_cache(ci)))
		clientcache_put(cc, client_name(ci->id), key, en);
}

const struct clients *clients_get(const struct settings *s)
{
	static const char *const docker[] = { "docker", "--version", NULL };
	static const char *const buildctl[] = { "buildctl", "--version", NULL };
	static const char *const podman[] = { "podman", "--version", NULL };
	static const char *const skopeo[] = { "skopeo", "--version", NULL };
	static const char *const buildah[] = { "buildah", "--version", NULL };
	static const char *const *const argv[CLIENT_COUNT] = {
		[CLIENT_DOCKER] = docker,
		[CLIENT_BUILDX] = NULL,   /* ask_buildx: through docker, when it is one */
		[CLIENT_BUILDCTL] = buildctl,
		[CLIENT_PODMAN] = podman,
		[CLIENT_SKOPEO] = skopeo,
		[CLIENT_BUILDAH] = buildah,
	};
	struct clientcache cc;
	double end;
	int i;

	if (cached)
		return &cache;
	memset(&cache, 0, sizeof(cache));
	for (i = 0; i < CLIENT_COUNT; i++)
		cache.c[i].id = (enum client_id)i;
	end = clock_now_ms() + CLIENTS_BUDGET_MS;
	clientcache_open(&cc);
	/* in enum order: buildx is asked through the docker found first */
	for (i = 0; i < CLIENT_COUNT; i++)
		ask_cached(&cc, &cache.c[i], argv[i], s, end);
	clientcache_close(&cc);
	cached = 1;
	return &cache;
}

void clients_reset(void)
{
	cached = 0;
	memset(&cache, 0, sizeof(cache));
}

int client_at_least(const struct client_info *ci, int major, int minor, int patch)
{
	if (!ci || ci->state != CLIENT_FOUND)
		return -1;
	if (ci->major != major)
		return ci->major > major;
	if (ci->minor != minor)
		return ci->minor > minor;
	return ci->patch >= patch;
}

void client_describe(const struct client_info *ci, char *out, size_t n)
{
	switch (ci->state) {
	case CLIENT_FOUND:
		if (ci->is_podman_shim)
			snprintf(out, n, "docker (podman %s's docker shim)", ci->version);
		else
			snprintf(out, n, "%s %s", client_name(ci->id), ci->version);
		break;
	case CLIENT_ABSENT:
		snprintf(out, n, "%s (not installed)", client_name(ci->id));
		break;
	case CLIENT_UNKNOWN:
		snprintf(out, n, "%s (version unknown)", client_name(ci->id));
		break;
	}
}

json_t *clients_json(const struct clients *cl)
{
	json_t *o = json_object();
	int i;

	for (i = 0; o && i < CLIENT_COUNT; i++) {
		const struct client_info *ci = &cl->c[i];

		json_object_set_new(o, client_name(ci->id),
				    json_pack("{s:s, s:s?, s:s?, s:s?}", "state", state_name(ci->state),
					      "version", ci->version[0] ? ci->version : NULL,
					      "binary", ci->binary[0] ? ci->binary : NULL,
					      "note", ci->note[0] ? ci->note : NULL));
	}
	return o;
}

/* ---- rules ---- */

/* One reader of DOCKER_AUTH_CONFIG: -1 unknown, else whether it reads. */
static int dac_reads(const struct clients *cl, enum client_id id)
{
	const struct client_info *ci = &cl->c[id];

	switch (id) {
	case CLIENT_DOCKER:
		return ci->is_podman_shim ? 0 : client_at_least(ci, 28, 3, 0);
	case CLIENT_BUILDX:
		return client_at_least(ci, 0, 26, 0);
	case CLIENT_BUILDCTL:
		return client_at_least(ci, 0, 24, 0);
	default:
		return 0;
	}
}

static const char *dac_threshold(enum client_id id)
{
	return id == CLIENT_BUILDX ? "0.26" : id == CLIENT_BUILDCTL ? "0.24" : "28.3";
}

void clients_dac_gate(struct dac_gate *g, const struct clients *cl)
{
	static const enum client_id order[] = { CLIENT_BUILDX, CLIENT_DOCKER, CLIENT_BUILDCTL };
	char who[96], other[96];
	size_t i, k;
	int r = -1;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		r = dac_reads(cl, order[i]);
		if (r >= 0)
			break;
	}
	if (r < 0) {
		g->reads = 1;
		g->assumed = 1;
		snprintf(g->why, sizeof(g->why),
			 "no docker CLI, buildx or buildctl version found here: judged as docker CLI "
			 ">= 28.3 and buildx >= 0.26, which read DOCKER_AUTH_CONFIG");
		return;
	}
	g->reads = r;
	client_describe(&cl->c[order[i]], who, sizeof(who));
	snprintf(g->why, sizeof(g->why), "%s%s %s DOCKER_AUTH_CONFIG (%s >= %s does)", who,
		 order[i] == CLIENT_BUILDX ? " (runs docker build)" : "",
		 r ? "reads" : "does not read", client_name(order[i]), dac_threshold(order[i]));
	if (cl->c[order[i]].is_podman_shim)
		snprintf(g->why, sizeof(g->why), "%s is podman, which never reads DOCKER_AUTH_CONFIG",
			 who);
	/* another installed reader that disagrees */
	for (k = i + 1; k < sizeof(order) / sizeof(order[0]); k++) {
		int rk = dac_reads(cl, order[k]);
		size_t used = strlen(g->why);

		if (rk < 0 || rk == r)
			continue;
		client_describe(&cl->c[order[k]], other, sizeof(other));
		snprintf(g->why + used, sizeof(g->why) - used, "; %s (%s) %s it", other,
			 order[k] == CLIENT_DOCKER ? "docker pull/push/login" : "buildctl build",
			 rk ? "reads" : "does not read");
	}
}

int clients_authfile_exclusive(const struct clients *cl, enum client_id tool, int *assumed)
{
	const struct client_info *ci;
	int r;

	*assumed = 0;
	if (tool == CLIENT_SKOPEO) {
		r = client_at_least(&cl->c[CLIENT_SKOPEO], 1, 11, 0);
	} else {
		ci = &cl->c[CLIENT_PODMAN];
		r = client_at_least(ci, 4, 4, 0);
		if (r < 0)
			r = client_at_least(&cl->c[CLIENT_BUILDAH], 1, 29, 0);
		if (r < 0)   /* `skopeo login` reads this way, with skopeo's c/image */
			r = client_at_least(&cl->c[CLIENT_SKOPEO], 1, 11, 0);
	}
	if (r < 0) {
		*assumed = 1;
		return 1;
	}
	return r;
}
