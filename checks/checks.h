/* checks.h — the probe interface and the probe table.
 *
 * A probe is a pure observer: it never prints, exits or changes the
 * machine. It gets a context (the registry in question, the settings, its
 * deadline) and fills a result: a status, a code, a one-line detail with
 * every secret replaced by its fingerprint, and structured evidence.
 * The engine (src/engine.c) times it and enforces what it needs.
 *
 * Whether a probe runs is the engine's decision (engine_run_for): what
 * it needs (enum probe_needs), and its own applies() rule when it has one.
 *
 * Adding a probe: write checks/<name>.c exporting only
 * `const struct probe probe_<name>`, add it to checks/registry.c (sorted
 * by name), to checks/meson.build, and document it in docs/probes/<name>.md.
 * tests/unit/t-probes.c checks the table. */
#ifndef FIXKB_CHECKS_CHECKS_H
#define FIXKB_CHECKS_CHECKS_H

#include <jansson.h>
#include <stddef.h>

#include "util/settings.h"

enum probe_status { PROBE_OK, PROBE_WARN, PROBE_FAIL, PROBE_SKIP, PROBE_ERROR };

/* What a probe needs; the engine turns an unmet need into `skip`. */
enum probe_needs {
	NEEDS_REGISTRY = 1 << 0,  /* runs once per registry (ctx->registry set) */
	NEEDS_NETWORK = 1 << 1,   /* talks to the network: skipped with --offline */
	NEEDS_CONFIG = 1 << 2,    /* reads docker/containers config files */
	NEEDS_HELPER = 1 << 3,    /* runs a credential helper */
	NEEDS_KEYRING = 1 << 4,   /* talks to the Secret Service over D-Bus */
};

struct probe_ctx {
	const struct settings *settings;
	const char *registry;   /* normalised host[:port] ("docker.io" for Hub), or NULL */
	const char *image;      /* an image reference on that registry, or NULL */
	double deadline_ms;     /* absolute, on clock_now_ms()'s clock */
};

#define PROBE_CODE_MAX 64
#define PROBE_DETAIL_MAX 512

struct probe_result {
	enum probe_status status;
	/* For warn/fail: a cause code (src/cause.h). Otherwise a short
	 * probe-specific snake_case code ("credential_found", "no_bus"). */
	char code[PROBE_CODE_MAX];
	char detail[PROBE_DETAIL_MAX];   /* one line, no secrets */
	json_t *evidence;                /* a JSON object, owned; never NULL after run */
	double ms;                       /* set by the engine */
};

struct probe {
	const char *name;        /* snake_case; the string KB entries and JSON use */
	const char *summary;     /* one line for `fixkb probe --help` */
	unsigned needs;          /* enum probe_needs */
	int deadline_ms;         /* the probe's own budget, capped by the run's */
	void (*run)(const struct probe_ctx *ctx, struct probe_result *res);
	/* Optional: runs n contexts at once (network probes drive every
	 * registry concurrently under one deadline). NULL: the engine calls
	 * run() for each in turn. */
	void (*run_batch)(const struct probe_ctx *ctxs, struct probe_result *res, size_t n);
	/* Optional: does the probe have anything to say for ctx (registry,
	 * image, settings)? Read-only and fast (no helper, no network). The
	 * engine asks it before engine_run_for runs the probe; when it says
	 * no, the probe is not run and leaves no record. NULL: it always
	 * applies. engine_run (fixkb probe NAME) does not ask. */
	int (*applies)(const struct probe_ctx *ctx);
};

/* Sets status, code and a printf-formatted detail in one call. A detail
 * longer than PROBE_DETAIL_MAX - 1 bytes is cut by probe_detail_cut. */
void probe_result_set(struct probe_result *res, enum probe_status status,
		      const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Copies in to out[cap]; when it does not fit, cuts it on a UTF-8
 * character boundary, at a word boundary (a blank) within the last 48
 * bytes when there is one, drops trailing blanks and , ; : and ends it
 * with "…" (U+2026). The result is always NUL-terminated and valid
 * UTF-8 if in was. */
void probe_detail_cut(char *out, size_t cap, const char *in);
void probe_result_release(struct probe_result *res);
const char *probe_status_name(enum probe_status s);

/* The table (checks/registry.c), sorted by name, NULL-terminated. */
extern const struct probe *const probe_table[];
const struct probe *probe_find(const char *name);

extern const struct probe probe_config_auth;
extern const struct probe probe_cred_helper;
extern const struct probe probe_docker_auth_config;
extern const struct probe probe_keyring;
extern const struct probe probe_token_endpoint;

#endif
