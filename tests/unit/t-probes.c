/* t-probes.c — the probe table, and every probe run for real.
 *
 * 1. The table: sorted, unique, snake_case, summaries, deadlines; every
 *    probe has docs/probes/<name>.md, is listed in checks/meson.build and
 *    defined in checks/<name>.c, and every .c file in checks/ (but
 *    registry.c) and .md file in docs/probes/ is a probe in the table.
 *    These need SRCDIR (meson sets it): without it the test bails out
 *    instead of passing.
 * 2. Every probe in the table is called through its run() (and run_batch()
 *    when it has one) with a real context, in several scratch setups (HOME,
 *    DOCKER_CONFIG, PATH, D-Bus address) whose right answers follow from
 *    DESIGN.md and docs/probes/. Each result must have a valid status,
 *    a non-empty snake_case code (a cause code on warn/fail), a one-line
 *    non-empty detail within PROBE_DETAIL_MAX, a JSON-object evidence, no
 *    canary secret anywhere, and the status and code expected there. A
 *    probe in the table with no expectation for a setup fails the test, so
 *    a new probe must be added here too.
 *    The network probe talks only to 127.0.0.1: a port nothing listens on
 *    (connection refused) and a port that accepts and never answers (it
 *    must give up by its deadline). */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "cause.h"
#include "checks/checks.h"
#include "config.h"
#include "util/clock.h"
#include "t-lib-cfg.h"

static int file_contains(const char *path, const char *needle)
{
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, needle) != NULL;
}

static int snake_case(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static void table_checks(void)
{
	size_t i;

	ok(probe_table[0] != NULL, "the table is not empty");
	for (i = 0; probe_table[i]; i++) {
		const struct probe *p = probe_table[i];

		if (probe_table[i + 1])
			ok(strcmp(p->name, probe_table[i + 1]->name) < 0,
			   "sorted and unique: %s < %s", p->name, probe_table[i + 1]->name);
		ok(p->summary && strlen(p->summary) > 10 && strcmp(p->summary, "placeholder") != 0,
		   "%s has a summary", p->name);
		ok(p->run != NULL && p->deadline_ms > 0, "%s has a run function and a deadline", p->name);
		ok(probe_find(p->name) == p, "probe_find(%s)", p->name);
		ok(snake_case(p->name), "%s is snake_case", p->name);
	}
	ok(probe_find("nosuch") == NULL, "unknown names are not found");
	ok(probe_find(NULL) == NULL, "NULL is not found");
	is_str(probe_status_name(PROBE_OK), "ok", "status name ok");
	is_str(probe_status_name(PROBE_WARN), "warn", "status name warn");
	is_str(probe_status_name(PROBE_FAIL), "fail", "status name fail");
	is_str(probe_status_name(PROBE_SKIP), "skip", "status name skip");
	is_str(probe_status_name(PROBE_ERROR), "error", "status name error");
}

/* Every file in dir ending in suffix (but `except`) names a probe in the table. */
static void files_are_probes(const char *src, const char *rel, const char *suffix, const char *except)
{
	char path[4096], name[256];
	size_t sl = strlen(suffix), n = 0;
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%s", src, rel);
	dir = opendir(path);
	if (!ok(dir != NULL, "%s can be read", rel))
		return;
	while ((d = readdir(dir))) {
		size_t len = strlen(d->d_name);

		if (len <= sl || strcmp(d->d_name + len - sl, suffix) != 0 ||
		    (except && strcmp(d->d_name, except) == 0))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - sl), d->d_name);
		ok(probe_find(name) != NULL, "%s/%s is a probe in the table", rel, d->d_name);
		n++;
	}
	closedir(dir);
	ok(n > 0, "%s holds probe files", rel);
}

static void source_checks(const char *src)
{
	char path[4096], needle[256];
	size_t i;

	for (i = 0; probe_table[i]; i++) {
		const struct probe *p = probe_table[i];

		snprintf(path, sizeof(path), "%s/docs/probes/%s.md", src, p->name);
		ok(access(path, R_OK) == 0, "docs/probes/%s.md exists", p->name);
		snprintf(path, sizeof(path), "%s/checks/meson.build", src);
		snprintf(needle, sizeof(needle), "'%s.c'", p->name);
		ok(file_contains(path, needle), "checks/meson.build lists %s.c", p->name);
		snprintf(path, sizeof(path), "%s/checks/%s.c", src, p->name);
		snprintf(needle, sizeof(needle), "probe_%s =", p->name);
		ok(file_contains(path, needle), "checks/%s.c defines probe_%s", p->name, p->name);
	}
	files_are_probes(src, "checks", ".c", "registry.c");
	files_are_probes(src, "docs/probes", ".md", NULL);
}

/* ---- running the probes ---- */

#define ANY_CODE NULL

struct expect {
	const char *probe;
	enum probe_status status;
	const char *code;   /* exact code */
	const char *detail; /* a substring the detail must hold ("a|b": one of them), or NULL */
};

struct setup {
	const char *name;
	const char *registry;   /* for every probe that needs one */
	const struct expect *want;
};

static char refused[64], blackhole[64], blackhole2[64];

/* A TCP socket bound on 127.0.0.1 (port chosen by the kernel): with
 * listen it accepts connections into its backlog and never answers;
 * without, a connection is refused. Kept open so no one else takes it. */
static int loopback_port(char *out, size_t n, int do_listen)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0 || (do_listen && listen(fd, 16) < 0)) {
		perror("loopback socket");
		exit(99);
	}
	snprintf(out, n, "127.0.0.1:%d", ntohs(a.sin_port));
	return fd;
}

static const struct expect *find_expect(const struct setup *su, const char *probe)
{
	const struct expect *w;

	for (w = su->want; w->probe; w++)
		if (strcmp(w->probe, probe) == 0)
			return w;
	return NULL;
}

/* Does text hold one of the '|'-separated substrings of alts? */
static int holds_one_of(const char *text, const char *alts)
{
	char buf[256], *one, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", alts);
	for (one = strtok_r(buf, "|", &save); one; one = strtok_r(NULL, "|", &save))
		if (strstr(text, one))
			return 1;
	return 0;
}

/* Marks a result as unfilled: an invalid status, no NUL in code or detail. */
static void poison(struct probe_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = (enum probe_status)99;
	memset(r->code, 'X', sizeof(r->code));
	memset(r->detail, 'X', sizeof(r->detail));
	r->evidence = NULL;
}

static void check_result(const char *how, const struct probe *p, const struct probe_result *r,
			 const struct expect *w)
{
	const char *cend = memchr(r->code, '\0', sizeof(r->code));
	const char *dend = memchr(r->detail, '\0', sizeof(r->detail));
	int valid = r->status >= PROBE_OK && r->status <= PROBE_ERROR;

	if (!ok(valid, "%s: %s sets a valid status", how, p->name))
		return;
	if (!ok(cend != NULL && cend > r->code, "%s: %s sets a non-empty code", how, p->name))
		return;
	ok(snake_case(r->code), "%s: %s code '%s' is snake_case", how, p->name, r->code);
	if (r->status == PROBE_WARN || r->status == PROBE_FAIL)
		ok(cause_is_valid(r->code), "%s: %s %s code '%s' is a cause code", how, p->name,
		   probe_status_name(r->status), r->code);
	if (!ok(dend != NULL && dend > r->detail, "%s: %s sets a non-empty detail", how, p->name))
		return;
	ok(!strchr(r->detail, '\n') && !strchr(r->detail, '\r'), "%s: %s detail is one line", how,
	   p->name);
	ok(json_is_object(r->evidence), "%s: %s evidence is a JSON object", how, p->name);
	ok(!leaks(r->detail) && !json_leaks(r->evidence), "%s: %s shows no secret", how, p->name);
	if (!ok(w != NULL, "%s: an expectation for probe %s", how, p->name))
		return;
	if (!ok(r->status == w->status && strcmp(r->code, w->code) == 0,
		"%s: %s is %s/%s", how, p->name, probe_status_name(w->status), w->code))
		printf("#   got %s/%s: %s\n", probe_status_name(r->status), r->code, r->detail);
	if (w->detail && !ok(holds_one_of(r->detail, w->detail), "%s: %s detail names '%s'", how,
			     p->name, w->detail))
		printf("#   detail: %s\n", r->detail);
}

static void run_setup(const struct settings *s, const struct setup *su)
{
	size_t i;

	for (i = 0; probe_table[i]; i++) {
		const struct probe *p = probe_table[i];
		const struct expect *w = find_expect(su, p->name);
		struct probe_ctx ctx = { s, su->registry, NULL, 0 };
		struct probe_result r;
		char how[128];
		double t0 = clock_now_ms(), budget = 3000 * tap_time_factor();

		poison(&r);
		ctx.deadline_ms = t0 + budget;
		p->run(&ctx, &r);
		snprintf(how, sizeof(how), "%s, run", su->name);
		check_result(how, p, &r, w);
		ok(clock_now_ms() - t0 < budget + 1000 * tap_time_factor(),
		   "%s: %s returned by its deadline (%.0f ms)", how, p->name, clock_now_ms() - t0);
		probe_result_release(&r);
		ok(r.evidence == NULL, "%s: probe_result_release clears the evidence", how);
	}
}

/* run_batch over n registries at once, each with its own expectation. */
static void run_batches(const struct settings *s, const struct setup *const *su, size_t n)
{
	struct probe_ctx ctx[4];
	struct probe_result r[4];
	size_t i, k;

	for (i = 0; probe_table[i]; i++) {
		const struct probe *p = probe_table[i];
		double t0 = clock_now_ms(), budget = 2000 * tap_time_factor();
		char how[160];

		if (!p->run_batch)
			continue;
		for (k = 0; k < n; k++) {
			poison(&r[k]);
			ctx[k] = (struct probe_ctx){ s, su[k]->registry, NULL, t0 + budget };
		}
		p->run_batch(ctx, r, n);
		for (k = 0; k < n; k++) {
			snprintf(how, sizeof(how), "batch, %s", su[k]->name);
			check_result(how, p, &r[k], find_expect(su[k], p->name));
			probe_result_release(&r[k]);
		}
		/* concurrently under one deadline: two silent registries one
		 * after the other would take twice the budget */
		ok(clock_now_ms() - t0 < budget + 1000 * tap_time_factor(),
		   "batch: %s ran %zu registries by the one deadline (%.0f ms for %.0f)", p->name,
		   n, clock_now_ms() - t0, budget);
	}
}

static void put_config(const char *json)
{
	rm_rel("docker/config.json");
	if (json)
		put("docker/config.json", json);
}

/* The keyring probe when the configuration does not use secretservice:
 * its bus problem is not blamed on an unused keyring. */
#if HAVE_LIBSECRET
#define KEYRING_UNUSED PROBE_SKIP, "not_used"
#else
#define KEYRING_UNUSED PROBE_SKIP, "built_without_libsecret"
#endif

/* 1 when s is valid UTF-8 (no cut sequence, no stray continuation). */
static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 :
			(*p & 0xF8) == 0xF0 ? 3 : -1;

		if (n < 0)
			return 0;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}

static int ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

/* Details longer than PROBE_DETAIL_MAX: cut on a character and a word
 * boundary, with an ellipsis. */
static void test_detail_cut(void)
{
	struct probe_result res;
	char text[4096], out[64];
	size_t i, n;
	int bad = 0;

	memset(&res, 0, sizeof(res));
	probe_result_set(&res, PROBE_OK, "x", "%s", "short detail");
	is_str(res.detail, "short detail", "a short detail is kept as it is");

	/* 2-, 3- and 4-byte characters, one long word after another */
	for (i = 0, n = 0; n < 1500; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s",
				      i % 3 == 0 ? "注册表凭据 " : i % 3 == 1 ? "Grüße, " : "\xf0\x9f\x94\x91key ");
	probe_result_set(&res, PROBE_WARN, "x", "%s", text);
	ok(strlen(res.detail) < PROBE_DETAIL_MAX, "cut under %d bytes (%zu)", PROBE_DETAIL_MAX,
	   strlen(res.detail));
	ok(strlen(res.detail) > PROBE_DETAIL_MAX - 60, "but not far under (%zu)", strlen(res.detail));
	ok(valid_utf8(res.detail), "still valid UTF-8");
	ok(ends_with(res.detail, "\xe2\x80\xa6"), "ends with an ellipsis");
	n = strlen(res.detail) - 3;
	ok(strncmp(res.detail, text, n) == 0, "a prefix of the text");
	ok(text[n] == ' ' || text[n] == ',', "cut at a word boundary (next: '%c')", text[n]);
	ok(res.detail[n - 1] != ' ' && res.detail[n - 1] != ',', "no blank or comma before the ellipsis");

	/* no blank at all: still a character boundary, at every length */
	for (i = 4; i < sizeof(out); i++) {
		probe_detail_cut(out, i, "ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé");
		if (!valid_utf8(out) || strlen(out) >= i || !ends_with(out, "\xe2\x80\xa6"))
			bad++;
	}
	ok(!bad, "one long word of 2-byte characters: valid, fits, ellipsis at every size");
	probe_detail_cut(out, 3, "abcdef");
	is_str(out, "", "no room for the ellipsis: empty");
	probe_detail_cut(out, 7, "abcdef");
	is_str(out, "abcdef", "exactly fits: unchanged");
	probe_detail_cut(out, 7, "abcdefg");
	is_str(out, "abc\xe2\x80\xa6", "one byte too long: cut with the ellipsis");
	probe_result_release(&res);
}

int main(void)
{
	const char *src = getenv("SRCDIR");
	struct settings s = SETTINGS_INIT;
	char cfg[512], dac[512], pass_dir[600];

	table_checks();
	test_detail_cut();
	if (!src || !*src) {
		printf("Bail out! SRCDIR is not set: the docs/build checks cannot run "
		       "(meson test sets it)\n");
		return 1;
	}
	source_checks(src);

	scratch_init();
	setenv("DOCKER_CONFIG", spath("docker"), 1);
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
	unsetenv("DISPLAY");
	snprintf(pass_dir, sizeof(pass_dir), "%s/no-password-store", scratch);
	setenv("PASSWORD_STORE_DIR", pass_dir, 1);
	int refused_fd = loopback_port(refused, sizeof(refused), 0);
	int blackhole_fd = loopback_port(blackhole, sizeof(blackhole), 1);
	int blackhole2_fd = loopback_port(blackhole2, sizeof(blackhole2), 1);

	/* A: a plain auths entry (plaintext), no helper, no DOCKER_AUTH_CONFIG;
	 * the registry refuses connections. */
	const struct expect want_a[] = {
		{ "config_auth", PROBE_WARN, "plaintext_credentials", "plain base64" },
		{ "cred_helper", PROBE_SKIP, "no_helper", refused },
		{ "docker_auth_config", PROBE_SKIP, "not_set", NULL },
		{ "keyring", KEYRING_UNUSED, NULL },
		{ "token_endpoint", PROBE_FAIL, "network_unreachable", refused },
		{ NULL, 0, NULL, NULL },
	};
	const struct setup a = { "plain auths, refused port", refused, want_a };
	snprintf(cfg, sizeof(cfg), "{\"auths\":{\"%s\":{\"auth\":\"%s\"}}}", refused,
		 canary_auth("alice"));
	put_config(cfg);
	run_setup(&s, &a);

	/* B: the registry accepts the connection and never answers: the
	 * network probe gives up by its deadline, and says so: a timeout
	 * (fixkb could not tell), not an unreachable registry (issue 10). */
	const struct expect want_b[] = {
		{ "config_auth", PROBE_WARN, "no_credentials", blackhole },
		{ "cred_helper", PROBE_SKIP, "no_helper", NULL },
		{ "docker_auth_config", PROBE_SKIP, "not_set", NULL },
		{ "keyring", KEYRING_UNUSED, NULL },
		{ "token_endpoint", PROBE_ERROR, "timeout", "slow, not unreachable" },
		{ NULL, 0, NULL, NULL },
	};
	const struct setup b = { "silent registry", blackhole, want_b };
	run_setup(&s, &b);
	/* three registries in one batch (config A) */
	const struct setup b2 = { "second silent registry", blackhole2, want_b };
	const struct setup *batch[] = { &a, &b, &b2 };
	run_batches(&s, batch, 3);

	/* C: credsStore "desktop" with no such helper on PATH. */
	const struct expect want_c[] = {
		{ "config_auth", PROBE_OK, "helper_configured", "docker-credential-desktop" },
		{ "cred_helper", PROBE_FAIL, "helper_missing", "docker-credential-desktop" },
		{ "docker_auth_config", PROBE_SKIP, "not_set", NULL },
		{ "keyring", KEYRING_UNUSED, NULL },
		/* BuildKit stops at the missing helper; fixkb probes anonymously */
		{ "token_endpoint", PROBE_FAIL, "network_unreachable", NULL },
		{ NULL, 0, NULL, NULL },
	};
	const struct setup c = { "credsStore desktop, missing", refused, want_c };
	put_config("{\"credsStore\":\"desktop\"}");
	run_setup(&s, &c);

	/* D: DOCKER_AUTH_CONFIG naming the registry, no config.json. */
	const struct expect want_d[] = {
		{ "config_auth", PROBE_OK, "credential_found", "DOCKER_AUTH_CONFIG" },
		{ "cred_helper", PROBE_SKIP, "no_helper", NULL },
		{ "docker_auth_config", PROBE_OK, "accepted", refused },
		{ "keyring", KEYRING_UNUSED, NULL },
		{ "token_endpoint", PROBE_FAIL, "network_unreachable", NULL },
		{ NULL, 0, NULL, NULL },
	};
	const struct setup d = { "DOCKER_AUTH_CONFIG", refused, want_d };
	put_config(NULL);
	snprintf(dac, sizeof(dac), "{\"auths\":{\"%s\":{\"auth\":\"%s\"}}}", refused,
		 canary_auth("bob"));
	setenv("DOCKER_AUTH_CONFIG", dac, 1);
	run_setup(&s, &d);

	/* E: DOCKER_AUTH_CONFIG that is not JSON: every consumer rejects it.
	 * No docker client on this PATH: judged as docker >= 28.3, which reads
	 * it, so the rejection is a failure (docker/clients.h). */
	const struct expect want_e[] = {
		{ "config_auth", PROBE_FAIL, "docker_auth_config_malformed", NULL },
		{ "cred_helper", PROBE_SKIP, "no_helper", NULL },
		{ "docker_auth_config", PROBE_FAIL, "docker_auth_config_malformed", NULL },
		{ "keyring", KEYRING_UNUSED, NULL },
		{ "token_endpoint", PROBE_FAIL, "network_unreachable", NULL },
		{ NULL, 0, NULL, NULL },
	};
	const struct setup e = { "DOCKER_AUTH_CONFIG malformed", refused, want_e };
	setenv("DOCKER_AUTH_CONFIG", "{\"auths\": {", 1);
	run_setup(&s, &e);
	unsetenv("DOCKER_AUTH_CONFIG");

	/* F: credsStore secretservice, the real helper, a bus address that
	 * goes nowhere: both the helper and the keyring fail on D-Bus. */
	if (access("/usr/bin/docker-credential-secretservice", X_OK) == 0) {
		const struct expect want_f[] = {
			{ "config_auth", PROBE_OK, "helper_configured", "secretservice" },
			{ "cred_helper", PROBE_FAIL, "helper_failed", "Could not connect" },
#if HAVE_LIBSECRET
			{ "keyring", PROBE_FAIL, "helper_failed", "bus_unreachable" },
#else
			{ "keyring", PROBE_SKIP, "built_without_libsecret", NULL },
#endif
			{ "docker_auth_config", PROBE_SKIP, "not_set", NULL },
			{ "token_endpoint", PROBE_FAIL, "network_unreachable", NULL },
			{ NULL, 0, NULL, NULL },
		};
		const struct setup f = { "secretservice, bus unreachable", refused, want_f };
		char bus[700];

		snprintf(bus, sizeof(bus), "unix:path=%s/no-bus", scratch);
		setenv("DBUS_SESSION_BUS_ADDRESS", bus, 1);
		setenv("PATH", "/usr/bin:/bin", 1);
		put_config("{\"credsStore\":\"secretservice\"}");
		run_setup(&s, &f);
		unsetenv("DBUS_SESSION_BUS_ADDRESS");
		setenv("PATH", "/nonexistent-fixkb", 1);
	} else {
		printf("ok %d # SKIP docker-credential-secretservice is not installed "
		       "(scripts/install-deps.sh installs it)\n", ++tap_count);
	}

	close(refused_fd);
	close(blackhole_fd);
	close(blackhole2_fd);
	scratch_done();
	return tap_done();
}
