/* t-lib-cfg.h — scratch dirs, files and the canary for the config tests. */
#ifndef FIXKB_TESTS_T_LIB_CFG_H
#define FIXKB_TESTS_T_LIB_CFG_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/crypto.h"
#include "tap.h"

#define CANARY "fxkC4n4ryUNIT7e3Zq"

static char scratch[512];

__attribute__((unused))
static void scratch_init(void)
{
	char home[600], run[600], cfg[600];

	snprintf(scratch, sizeof(scratch), "%s/fixkb-unit.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(scratch)) {
		perror("mkdtemp");
		exit(99);
	}
	snprintf(home, sizeof(home), "%s/home", scratch);
	snprintf(run, sizeof(run), "%s/run", scratch);
	snprintf(cfg, sizeof(cfg), "%s/home/.config", scratch);
	mkdir(home, 0700);
	mkdir(run, 0700);
	mkdir(cfg, 0700);
	setenv("HOME", home, 1);
	setenv("XDG_RUNTIME_DIR", run, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_CACHE_HOME");   /* the clients' cache: $HOME/.cache */
	unsetenv("XDG_STATE_HOME");
	unsetenv("DOCKER_CONFIG");
	unsetenv("DOCKER_AUTH_CONFIG");
	unsetenv("REGISTRY_AUTH_FILE");
	/* no helper of the developer's may be found */
	setenv("PATH", "/nonexistent-fixkb", 1);
}

__attribute__((unused))
static void scratch_done(void)
{
	char cmd[700];

	if (getenv("KEEP_TEST_DIR"))
		return;
	snprintf(cmd, sizeof(cmd), "/bin/rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		diag("could not remove the scratch dir");
}

/* Writes text to scratch/<rel>, creating parent dirs; returns the path (static). */
__attribute__((unused))
static const char *put(const char *rel, const char *text)
{
	static char path[1024];
	char *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", scratch, rel);
	for (p = path + strlen(scratch) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	f = fopen(path, "w");
	if (!f)
		exit(99);
	fputs(text, f);
	fclose(f);
	return path;
}

__attribute__((unused))
static const char *spath(const char *rel)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/%s", scratch, rel);
	return path;
}

__attribute__((unused))
static void rm_rel(const char *rel)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "/bin/rm -rf '%s/%s'", scratch, rel);
	if (system(cmd) != 0)
		exit(99);
}

/* base64 of user:CANARY (static buffer) */
__attribute__((unused))
static const char *canary_auth(const char *user)
{
	static char out[256];
	char raw[128];
	char *enc;

	snprintf(raw, sizeof(raw), "%s:%s", user, CANARY);
	enc = b64_encode_std(raw, strlen(raw));
	snprintf(out, sizeof(out), "%s", enc);
	free(enc);
	return out;
}

/* 1 when text holds the canary or its base64 (alone or as user:canary) */
__attribute__((unused))
static int leaks(const char *text)
{
	char *enc;
	int hit;

	if (!text)
		return 0;
	if (strstr(text, CANARY))
		return 1;
	enc = b64_encode_std(CANARY, strlen(CANARY));
	hit = strstr(text, enc) != NULL;
	free(enc);
	if (!hit) {
		static const char *users[] = { "alice", "bob", "u", "ci-user", NULL };
		int i;

		for (i = 0; users[i] && !hit; i++)
			hit = strstr(text, canary_auth(users[i])) != NULL;
		/* any 12-char window of the canary's base64 at any alignment */
		if (!hit) {
			char pre[64];
			int a;

			for (a = 0; a < 3 && !hit; a++) {
				snprintf(pre, sizeof(pre), "%.*s%s", a, "xx", CANARY);
				enc = b64_encode_std(pre, strlen(pre));
				if (strlen(enc) > 18) {
					enc[16] = '\0';
					hit = strstr(text, enc + 4) != NULL;
				}
				free(enc);
			}
		}
	}
	return hit;
}

__attribute__((unused))
static int json_leaks(const json_t *j)
{
	char *s;
	int hit;

	if (!j)
		return 0;
	s = json_dumps(j, JSON_COMPACT);
	hit = leaks(s);
	free(s);
	return hit;
}

/* Puts an executable shell script at scratch/<rel>. */
__attribute__((unused))
static void put_exe(const char *rel)
{
	chmod(put(rel, "#!/bin/sh\nexit 1\n"), 0755);
}

#endif
