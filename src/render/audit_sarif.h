/* audit_sarif.h — an audit report as SARIF 2.1.0 (OASIS; the schema is
 * tests/audit/sarif-schema-2.1.0.json), for code-scanning uploads.
 *
 * One run; tool.driver.rules holds every audit rule with its short and
 * full description, help (text and markdown), helpUri (its docs page),
 * default level and GitHub's security-severity; each finding is a result
 * with ruleId/ruleIndex, level (critical/high: error, medium: warning,
 * low: note), its message, a physical location (a URI relative to
 * %SRCROOT% = the working directory when the file is under it, else an
 * absolute file:// URI, and the line), and partialFingerprints carrying
 * the finding id so re-uploads match up. Notes become tool execution
 * notifications. */
#ifndef FIXKB_RENDER_AUDIT_SARIF_H
#define FIXKB_RENDER_AUDIT_SARIF_H

#include <jansson.h>

/* A new reference. */
json_t *audit_render_sarif(const json_t *doc);

#endif
