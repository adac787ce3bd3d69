/* cause.h — the fixed vocabulary of cause codes (DESIGN.md §4) and what
 * goes with each cause: its one-line description and its severity.
 *
 * Every KB entry's "cause" and every failing probe's code is one of these.
 * A finding's severity is "fail" or "warn" (DESIGN.md §3 "severity"): a
 * finding raised by a probe takes the probe's status; one raised by a log
 * line alone (explain) takes its cause's severity from the table here.
 * The CI renderers map a severity to their level with severity_ci_level. */
#ifndef FIXKB_SRC_CAUSE_H
#define FIXKB_SRC_CAUSE_H

#include <stddef.h>

enum severity { SEVERITY_FAIL, SEVERITY_WARN };

struct cause_info {
	const char *code;          /* "oauth_token_rejected" */
	const char *describe;      /* one line, English */
	enum severity severity;    /* what a log line naming this cause means */
};

/* The table, in DESIGN.md order: cause_at(0 .. cause_count() - 1). */
size_t cause_count(void);
const struct cause_info *cause_at(size_t i);
/* The row for code, or NULL for an unknown (or NULL) code. */
const struct cause_info *cause_find(const char *code);

int cause_is_valid(const char *code);
/* One-line English description, or NULL for an unknown code. */
const char *cause_describe(const char *code);
/* The cause's severity; SEVERITY_FAIL for an unknown code. */
enum severity cause_severity(const char *code);

/* "fail" / "warn": the JSON "severity" of a finding. */
const char *severity_name(enum severity s);
/* "warn" is SEVERITY_WARN; anything else (NULL included) SEVERITY_FAIL. */
enum severity severity_from_name(const char *name);
/* "error" / "warning": GitHub's ::error/::warning and SARIF's "level". */
const char *severity_ci_level(enum severity s);

#endif
