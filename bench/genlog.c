/* genlog — writes a CI-like build log for bench/explain-throughput.sh.
 *
 *   genlog MEGABYTES [SEED] > log.txt
 *
 * GitHub Actions timestamps, BuildKit "#N 1.234 " steps, ANSI colour on
 * some lines, '\r' progress redraws, and about one registry-auth error
 * line per 100 000 lines (some with ANSI codes inside the message).
 * Prints the number of error lines written on stderr. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const char *const body[] = {
	"npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory",
	"Get:%d http://deb.debian.org/debian bookworm/main amd64 libssl3 amd64 3.0.11-1~deb12u2 [2019 kB]",
	"go: downloading github.com/docker/docker v24.0.%d+incompatible",
	"sha256:%h %d.5MB / 45.2MB 0.8s",
	"  CC       src/module_%d.o",
	"[auth] owner/app:pull token for ghcr.io",
	"extracting sha256:%h done",
	"writing image sha256:%h done",
	"naming to ghcr.io/owner/app:sha-%d done",
	"Collecting requests==2.31.%d",
	"  Downloading requests-2.31.0-py3-none-any.whl (%d kB)",
	"test result: ok. %d passed; 0 failed; 0 ignored; 0 measured",
	"warning: unused variable `token_%d` [-Wunused-variable]",
	"Fetched %d kB in 2s (4415 kB/s)",
	"Setting up libcurl4:amd64 (7.88.1-10+deb12u5) ...",
	"remote: Enumerating objects: %d, done.",
	"Resolving deltas: 100%% (%d/567), done.",
	"DONE 0.%ds",
	"CACHED",
	"transferring context: %d.34MB 0.2s done",
	"[internal] load metadata for docker.io/library/node:20-alpine",
	"resolve docker.io/library/node:20-alpine@sha256:%h done",
	"Login Succeeded",
	"[2/7] RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates",
	"added %d packages, and audited 1024 packages in 12s",
	"Successfully built wheel for cryptography (pyproject.toml): filename=cryptography-%d.whl",
	"the registry answered 200 OK for the manifest of owner/app:%d",
	"Compiling serde_json v1.0.%d",
	"ok  	github.com/example/app/internal/auth	0.%ds",
	"	--- PASS: TestTokenRefresh (0.%ds)",
};
#define NBODY (sizeof(body) / sizeof(body[0]))

static const char *const errors[] = {
	"ERROR: failed to solve: failed to fetch oauth token: unexpected status from GET request to "
	"https://ghcr.io/token?scope=repository%3Aowner%2Fapp%3Apull&service=ghcr.io: 403 Forbidden",
	"Error response from daemon: pull access denied for owner/private, repository does not exist "
	"or may require 'docker login': denied: requested access to the resource is denied",
	"error getting credentials - err: exec: \"docker-credential-desktop\": executable file not "
	"found in $PATH, out: ``",
	"\x1b[31mERROR\x1b[0m: failed to authorize: failed to fetch oauth token: unexpected status from "
	"POST request to https://auth.docker.io/token: 401 Unauthorized",
	"toomanyrequests: You have reached your pull rate limit. You may increase the limit by "
	"authenticating and upgrading: https://www.docker.com/increase-rate-limit",
	/* ANSI inside the message: grep and rg cannot see this one */
	"ERROR: \x1b[1mpull access de\x1b[0mnied for foo/bar, repository does not exist or may "
	"require 'docker login'",
	"time=\"2024-03-20T10:11:12Z\" level=fatal msg=\"pinging container registry 127.0.0.1:5000: "
	"Get \\\"https://127.0.0.1:5000/v2/\\\": x509: certificate signed by unknown authority\"",
};
#define NERRORS (sizeof(errors) / sizeof(errors[0]))

static char out[1 << 20];
static size_t olen;
static unsigned long long total;

static void flush(void)
{
	if (fwrite(out, 1, olen, stdout) != olen) {
		perror("genlog: write");
		exit(1);
	}
	olen = 0;
}

static void put(const char *s, size_t n)
{
	if (olen + n > sizeof(out))
		flush();
	memcpy(out + olen, s, n);
	olen += n;
	total += n;
}

static void puts_(const char *s)
{
	put(s, strlen(s));
}

static void put_uint(unsigned long v, int width)
{
	char tmp[24];
	int i = 0;

	do {
		tmp[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i < 20);
	while (i < width)
		tmp[i++] = '0';
	while (i > 0)
		put(&tmp[--i], 1);
}

static void put_hex(int n)
{
	static const char hx[] = "0123456789abcdef";
	char tmp[64];
	uint64_t r = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (i % 16 == 0)
			r = rnd();
		tmp[i] = hx[r & 15];
		r >>= 4;
	}
	put(tmp, (size_t)n);
}

/* Expands %d (a small number), %h (64 hex digits) and %%. */
static void put_body(const char *t)
{
	const char *p;

	while ((p = strchr(t, '%'))) {
		put(t, (size_t)(p - t));
		if (p[1] == 'd')
			put_uint(rnd() % 1000, 0);
		else if (p[1] == 'h')
			put_hex(64);
		else
			put("%", 1);
		t = p + 2;
	}
	puts_(t);
}

int main(int argc, char **argv)
{
	unsigned long long want;
	unsigned long line = 0, nerr = 0, secs = 0, step = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: genlog MEGABYTES [SEED]\n");
		return 2;
	}
	want = strtoull(argv[1], NULL, 10) << 20;
	if (argc > 2)
		rng_state ^= strtoull(argv[2], NULL, 10) * 0x9e3779b97f4a7c15ULL;
	while (total < want) {
		uint64_t r = rnd();

		line++;
		if (line % 50 == 0)
			secs++;
		if (r % 5000 == 0)
			step++;
		/* GitHub Actions timestamp */
		puts_("2024-03-20T");
		put_uint(10 + (secs / 3600) % 14, 2);
		put(":", 1);
		put_uint((secs / 60) % 60, 2);
		put(":", 1);
		put_uint(secs % 60, 2);
		put(".", 1);
		put_uint(r % 10000000, 7);
		put("Z ", 2);
		if ((r >> 8) % 100000 == 0) {
			/* an error line, in a BuildKit step */
			put("#", 1);
			put_uint(step, 0);
			put(" ", 1);
			put_uint(secs, 0);
			put(".123 ", 5);
			puts_(errors[(r >> 30) % NERRORS]);
			nerr++;
		} else if ((r >> 8) % 100 < 70) {
			/* BuildKit step, sometimes coloured */
			if ((r >> 20) % 100 < 8) {
				puts_("\x1b[36m#");
				put_uint(step, 0);
				puts_("\x1b[0m ");
			} else {
				put("#", 1);
				put_uint(step, 0);
				put(" ", 1);
			}
			put_uint(secs, 0);
			put(".", 1);
			put_uint((r >> 40) % 1000, 3);
			put(" ", 1);
			put_body(body[(r >> 32) % NBODY]);
		} else if ((r >> 8) % 100 < 72) {
			/* a progress bar redrawn with '\r' */
			puts_("Downloading layer ");
			put_uint((r >> 16) % 50, 0);
			puts_("%\rDownloading layer ");
			put_uint(50 + (r >> 24) % 50, 0);
			puts_("%\rDownloading layer 100%");
		} else if ((r >> 8) % 100 < 76) {
			puts_("\x1b[1;33mwarning\x1b[0m: ");
			put_body(body[(r >> 32) % NBODY]);
		} else {
			put_body(body[(r >> 32) % NBODY]);
		}
		put("\n", 1);
	}
	flush();
	fprintf(stderr, "genlog: %lu lines, %lu error lines\n", line, nerr);
	return 0;
}
