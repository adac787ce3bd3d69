/* summarize.h — `fixkb audit --summarize DIR`: merge the reports of a
 * fleet (each `fixkb audit --format json` output, as the Ansible playbook
 * in contrib/ansible/ collects them) into one table per rule and per host.
 *
 * Every *.json file under DIR (at most SUMMARIZE_DEPTH levels down, not
 * following symlinks) must be an audit report: an object with
 * "command":"audit", a "host" string and a "findings" array whose items
 * have "rule" and "severity" strings. Anything else is an error naming
 * the file (exit 2): a fleet summary that silently drops a host would lie. */
#ifndef FIXKB_AUDIT_SUMMARIZE_H
#define FIXKB_AUDIT_SUMMARIZE_H

#include <jansson.h>

#include "audit/rules.h"
#include "util/err.h"

#define SUMMARIZE_DEPTH 4
#define SUMMARIZE_FILE_MAX (64u << 20)
#define SUMMARIZE_REPORTS_MAX 100000

/* *out: {fixkb, command:"audit-summary", reports, fail_on, failed,
 *        rules:[{rule, severity, title, findings, hosts:[...]}],
 *        hosts:[{host, file, generated, critical, high, medium, low, total,
 *                suppressed, failed}]}
 * rules most severe first, then by findings; hosts by name. *failed: a
 * host reached fail_on. -1 with e set on an unreadable DIR or report. */
int audit_summarize(json_t **out, int *failed, const char *dir, enum audit_severity fail_on,
		    struct err *e);

#endif
