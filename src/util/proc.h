/* proc.h — run a program without a shell, under a deadline.
 *
 * proc_run() starts argv[0] (looked up in PATH by us, so "not found" is
 * ENOENT and never confused with a program that exits 127) with exactly
 * the environment given, writes stdin_data to its stdin (SIGPIPE is kept
 * away from us: a child that does not read gets EPIPE, not our death),
 * and collects stdout and stderr into capped bufs: bytes past a cap are
 * read and thrown away so the child never blocks, and the buf's
 * `truncated` is set. All fds but 0, 1 and 2 are closed in the child,
 * which runs in its own process group. At the deadline (absolute, on
 * clock_now_ms()) the whole group gets SIGTERM, then SIGKILL 100 ms
 * later, and is reaped: proc_run never leaves a zombie or waits past the
 * deadline by more than that grace. No threads, no signal handlers: one
 * poll() loop (plus a pidfd when the kernel has one).
 *
 *   struct proc_spec sp = PROC_SPEC_INIT;
 *   struct proc_result r = PROC_RESULT_INIT(64 << 10, 4 << 10);
 *   sp.argv = argv; sp.envp = env; sp.deadline_ms = clock_now_ms() + 5000;
 *   if (proc_run(&r, &sp, &e) < 0) ...           // OOM or pipe/fork failure
 *   switch (r.outcome) { case PROC_EXITED: r.exit_code ... }
 *   proc_result_release(&r);                       // wipes the captured output
 */
#ifndef FIXKB_UTIL_PROC_H
#define FIXKB_UTIL_PROC_H

#include <limits.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* Grace between SIGTERM and SIGKILL once the deadline has passed. */
#define PROC_KILL_GRACE_MS 100

struct proc_spec {
	const char *const *argv;     /* argv[0] is the program: a bare name is looked up in
	                                `path`; a name with a '/' is used as is */
	const char *const *envp;     /* the child's whole environment; NULL means empty */
	const char *path;            /* PATH for the lookup; NULL: the PATH in envp. With no
	                                PATH at all nothing is found (as Go's LookPath).
	                                Empty and relative entries are ignored. */
	const void *stdin_data;      /* written to the child's stdin, then closed; may be NULL */
	size_t stdin_len;
	double deadline_ms;          /* absolute, clock_now_ms() clock */
};

#define PROC_SPEC_INIT { NULL, NULL, NULL, NULL, 0, 0 }

enum proc_outcome {
	PROC_EXITED,        /* exit_code is set */
	PROC_SIGNALED,      /* killed by term_signal (not by us) */
	PROC_TIMED_OUT,     /* the deadline passed: we killed its process group */
	PROC_SPAWN_FAILED,  /* never ran: spawn_errno (ENOENT: not found in PATH,
	                       EACCES: found but not executable, or exec's errno) */
};

struct proc_result {
	enum proc_outcome outcome;
	int exit_code;              /* PROC_EXITED; -1 otherwise */
	int term_signal;            /* PROC_SIGNALED; 0 otherwise */
	int spawn_errno;            /* PROC_SPAWN_FAILED; 0 otherwise */
	char binary[PATH_MAX];      /* the resolved program path, "" if not found */
	struct buf out;             /* stdout, capped by out.max (may hold a secret: wiped on release) */
	struct buf err;             /* stderr, capped by err.max */
	double ms;                  /* wall time from spawn to reap */
};

#define PROC_RESULT_INIT(outmax, errmax) \
	{ PROC_EXITED, -1, 0, 0, "", BUF_INIT(outmax), BUF_INIT(errmax), 0 }

/* Runs the program to completion or to the deadline; see above. Returns 0
 * whenever an outcome is known (including PROC_SPAWN_FAILED), -1 with e set
 * only when fixkb itself could not try (no memory, no pipes, fork failed). */
int proc_run(struct proc_result *r, const struct proc_spec *sp, struct err *e);
/* Wipes and frees the captured output; r can be reused after
 * re-initialising it. */
void proc_result_release(struct proc_result *r);

/* Finds an executable `name` in `path` the way Go's exec.LookPath does
 * (regular file with an execute bit; empty/relative entries skipped).
 * Returns 0 with out filled, or an errno: ENOENT, EACCES (a candidate
 * exists but is not executable), ENAMETOOLONG. */
int proc_lookpath(const char *name, const char *path, char *out, size_t outlen);

/* A NULL-terminated environment vector built from `from` (an environ-like
 * vector), keeping only variables named in `keep`: an entry "NAME" keeps
 * that variable, "PREFIX*" keeps every name starting with PREFIX. */
struct proc_env {
	char **vars;   /* owned, NULL-terminated */
	size_t n;
};

#define PROC_ENV_INIT { NULL, 0 }

int proc_env_filter(struct proc_env *env, char *const *from,
		    const char *const *keep, struct err *e);
/* Adds or replaces NAME=value. */
int proc_env_set(struct proc_env *env, const char *name, const char *value, struct err *e);
/* The value of NAME in a vector, or NULL. */
const char *proc_env_get(char *const *vars, const char *name);
void proc_env_release(struct proc_env *env);

/* A short English description of a spawn errno for messages
 * ("not found in PATH", "not executable", strerror otherwise). */
const char *proc_spawn_strerror(int err);

#endif
