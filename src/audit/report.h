/* report.h — what an audit found: findings, notes, the credential
 * inventory and the walk's counts, and the versioned JSON document built
 * from them (docs/audit.schema.json; renderers in src/render/audit_*.c
 * read only that document).
 *
 * A finding is a rule, a location and a one-line message. Messages never
 * hold a secret: callers format credentials with sensitive_fingerprint().
 * Every finding gets a stable id (see audit_finding_id) used to
 * de-duplicate within a run and to match --baseline across runs; the
 * line number is left out of it so an edit above a finding keeps its id.
 *
 * Ownership: struct audit_report owns every json_t it holds; audit_add
 * steals `details`. Paths may be any bytes: the report stores a
 * UTF-8-safe display form ('?' for bad bytes) and an exact
 * percent-encoded URI. */
#ifndef FIXKB_AUDIT_REPORT_H
#define FIXKB_AUDIT_REPORT_H

#include <jansson.h>
#include <stddef.h>

#include "audit/rules.h"
#include "util/err.h"

#define AUDIT_MSG_MAX 1024
#define AUDIT_NOTES_MAX 200         /* notes beyond this are counted, not kept */
#define AUDIT_FINDINGS_MAX 20000    /* a hostile tree cannot grow the report without bound */
#define AUDIT_ID_HEX 16

/* Where a finding is. Every field may be NULL or 0. */
struct audit_loc {
	const char *user;      /* whose home it is in ("" or NULL: not a home) */
	const char *path;      /* the file, absolute (any bytes) */
	const char *display;   /* how to show it ("~/.docker/config.json"); NULL: path */
	const char *ident;     /* stable form for the id (path relative to the scanned root,
	                          "~/.docker/config.json"); NULL: display */
	int line;              /* 1-based; 0: none */
	const char *registry;  /* normalised registry, when the finding is about one */
	const char *subject;   /* what in the file (an auths key, "ARG NPM_TOKEN") */
};

struct audit_report {
	json_t *findings;          /* array of finding objects */
	json_t *notes;             /* array of {what, path} */
	json_t *credentials;       /* array: the inventory (no secrets) */
	json_t *users;             /* array of {user, home, current} audited */
	json_t *contexts;          /* array of walked roots */
	json_t *seen;              /* object: "<id>" -> true, this run */
	json_t *baseline;          /* object: ids to suppress, or NULL */
	json_t *suppressed;        /* array of suppressed ids */
	size_t counts[AUDIT_SEVERITY_COUNT];
	size_t notes_dropped;      /* notes beyond AUDIT_NOTES_MAX */
	size_t findings_dropped;
	/* walk statistics */
	size_t dirs, files, dockerfiles, build_contexts;
	double walk_ms;
	char cwd[4096];            /* for relative SARIF URIs */
};

int audit_report_init(struct audit_report *r, struct err *e);
void audit_report_release(struct audit_report *r);

/* Adds a finding (message formatted like printf); de-duplicated by id.
 * `details` (may be NULL) is merged into the finding object and stolen.
 * Returns -1 on OOM only. */
int audit_add(struct audit_report *r, enum audit_rule_id rule, const struct audit_loc *loc,
	      json_t *details, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A note: something the audit could not look at, and why ("cannot read
 * '/x': Permission denied"). path may be NULL. */
void audit_note(struct audit_report *r, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The finding id: the first AUDIT_ID_HEX hex digits of SHA-256 over the
 * rule id, user, ident, registry and subject. */
void audit_finding_id(char out[AUDIT_ID_HEX + 1], enum audit_rule_id rule,
		      const struct audit_loc *loc);

/* Loads a --baseline: an earlier `fixkb audit --format json` report (or
 * a list of ids {"suppress": ["<id>", ...]}). Findings whose id is in it
 * are counted as suppressed instead of reported. -1 with e set when the
 * file cannot be read or is not one of those. */
int audit_report_load_baseline(struct audit_report *r, const char *file, struct err *e);

/* Copies s into out as UTF-8 that JSON can hold: invalid bytes and
 * control characters become '?'. */
void audit_display_text(char *out, size_t n, const char *s);

/* The URI of an absolute path: relative to cwd (when under it) or
 * file:///..., every byte outside RFC 3986's unreserved set and '/'
 * percent-encoded. */
void audit_path_uri(char *out, size_t n, const char *path, const char *cwd);

/* The whole document (a new reference):
 * {fixkb, command:"audit", schema_version, host, generated, scope, rules,
 *  findings (most severe first), summary, credentials, walk, notes, probes}.
 * fail_on: the --fail-on severity, recorded with whether it was reached. */
json_t *audit_report_json(struct audit_report *r, enum audit_severity fail_on, int all_users,
			  int online);

/* A new array holding arr's items (new references) in qsort order; cmp
 * gets two `const json_t *const *`. NULL on OOM. */
json_t *audit_json_sorted(const json_t *arr, int (*cmp)(const void *, const void *));

/* 1 when a finding at or above fail_on was reported (not suppressed). */
int audit_report_failed(const struct audit_report *r, enum audit_severity fail_on);

#define AUDIT_SCHEMA_VERSION 1

#endif
