#include "audit/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "docker/dockercfg.h"
#include "util/fileio.h"
#include "util/jsonerr.h"
#include "util/jsontext.h"
#include "util/uri.h"
#include "util/buf.h"
#include "util/crypto.h"

int audit_report_init(struct audit_report *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	r->findings = json_array();
	r->notes = json_array();
	r->credentials = json_array();
	r->users = json_array();
	r->contexts = json_array();
	r->seen = json_object();
	r->suppressed = json_array();
	if (!getcwd(r->cwd, sizeof(r->cwd)))
		r->cwd[0] = '\0';
	if (!r->findings || !r->notes || !r->credentials || !r->users || !r->contexts ||
	    !r->seen || !r->suppressed) {
		audit_report_release(r);
		return err_set(e, "out of memory");
	}
	return 0;
}

void audit_report_release(struct audit_report *r)
{
	json_decref(r->findings);
	json_decref(r->notes);
	json_decref(r->credentials);
	json_decref(r->users);
	json_decref(r->contexts);
	json_decref(r->seen);
	json_decref(r->baseline);
	json_decref(r->suppressed);
	r->findings = r->notes = r->credentials = r->users = r->contexts = NULL;
	r->seen = r->baseline = r->suppressed = NULL;
}

void audit_display_text(char *out, size_t n, const char *s)
{
	if (n == 0)
		return;
	snprintf(out, n, "%s", s ? s : "");
	jsontext_sanitize_utf8(out);   /* also a character cut in half at the end */
	for (; *out; out++)
		if (*out == 0x7f)
			*out = '?';
}


void audit_path_uri(char *out, size_t n, const char *path, const char *cwd)
{
	uri_from_path(out, n, path, cwd);
}

static void id_part(unsigned char *buf, size_t *len, size_t cap, const char *s)
{
	size_t l = s ? strlen(s) : 0;

	if (*len + l + 1 > cap)
		l = cap > *len + 1 ? cap - *len - 1 : 0;
	memcpy(buf + *len, s ? s : "", l);
	*len += l;
	buf[(*len)++] = '\0';
}

void audit_finding_id(char out[AUDIT_ID_HEX + 1], enum audit_rule_id rule,
		      const struct audit_loc *loc)
{
	unsigned char buf[8192];
	char hex[65];
	size_t len = 0;
	const char *ident = loc->ident ? loc->ident : loc->display ? loc->display : loc->path;

	id_part(buf, &len, sizeof(buf), audit_rule_get(rule)->id);
	id_part(buf, &len, sizeof(buf), loc->user);
	id_part(buf, &len, sizeof(buf), ident);
	id_part(buf, &len, sizeof(buf), loc->registry);
	id_part(buf, &len, sizeof(buf), loc->subject);
	sha256_hex(buf, len, hex);
	memcpy(out, hex, AUDIT_ID_HEX);
	out[AUDIT_ID_HEX] = '\0';
}

static void set_text(json_t *o, const char *key, const char *s)
{
	char clean[4096];

	if (!s || !*s)
		return;
	audit_display_text(clean, sizeof(clean), s);
	json_object_set_new(o, key, json_string(clean));
}

static json_t *finding_new(const struct audit_report *r, enum audit_rule_id rule,
			   const struct audit_loc *loc, const char *id, const char *msg)
{
	const struct audit_rule *ru = audit_rule_get(rule);
	char uri[8192];
	json_t *f;

	f = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "rule", ru->id,
		      "severity", audit_severity_name(ru->severity), "cause", ru->cause);
	if (!f)
		return NULL;
	set_text(f, "message", msg);
	set_text(f, "user", loc->user);
	if (loc->path && *loc->path) {
		set_text(f, "file", loc->display ? loc->display : loc->path);
		set_text(f, "path", loc->path);
		audit_path_uri(uri, sizeof(uri), loc->path, r->cwd);
		json_object_set_new(f, "uri", json_string(uri));
	}
	if (loc->line > 0)
		json_object_set_new(f, "line", json_integer(loc->line));
	set_text(f, "registry", loc->registry);
	set_text(f, "subject", loc->subject);
	return f;
}

int audit_add(struct audit_report *r, enum audit_rule_id rule, const struct audit_loc *loc,
	      json_t *details, const char *fmt, ...)
{
	char msg[AUDIT_MSG_MAX], id[AUDIT_ID_HEX + 1], seenkey[AUDIT_ID_HEX + 2];
	json_t *f;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	audit_finding_id(id, rule, loc);
	snprintf(seenkey, sizeof(seenkey), "%s", id);
	if (json_object_get(r->seen, seenkey)) {
		json_decref(details);
		return 0;
	}
	json_object_set_new(r->seen, seenkey, json_true());
	if (r->baseline && json_object_get(r->baseline, id)) {
		json_array_append_new(r->suppressed, json_string(id));
		json_decref(details);
		return 0;
	}
	if (json_array_size(r->findings) >= AUDIT_FINDINGS_MAX) {
		r->findings_dropped++;
		json_decref(details);
		return 0;
	}
	f = finding_new(r, rule, loc, id, msg);
	if (!f) {
		json_decref(details);
		return -1;
	}
	if (details) {
		json_object_set_new(f, "details", details);
	}
	json_array_append_new(r->findings, f);
	r->counts[audit_rule_get(rule)->severity]++;
	return 0;
}

void audit_note(struct audit_report *r, const char *path, const char *fmt, ...)
{
	char msg[AUDIT_MSG_MAX];
	json_t *n;
	va_list ap;

	if (json_array_size(r->notes) >= AUDIT_NOTES_MAX) {
		r->notes_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = json_object();
	set_text(n, "what", msg);
	set_text(n, "path", path);
	json_array_append_new(r->notes, n);
}

/* ---- baseline ---- */

static int baseline_add_ids(json_t *set, const json_t *arr, const char *member)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *v = json_array_get(arr, i);
		const char *id = member ? json_string_value(json_object_get(v, member))
					: json_string_value(v);

		if (!id)
			return -1;
		json_object_set_new(set, id, json_true());
	}
	return 0;
}

int audit_report_load_baseline(struct audit_report *r, const char *file, struct err *e)
{
	struct buf b = BUF_INIT(0);
	json_error_t je;
	json_t *doc = NULL, *set = json_object();
	char where[256];
	int missing = 0, rc = -1;

	if (!set)
		return err_set(e, "out of memory");
	if (fileio_read(&b, file, DOCKERCFG_FILE_MAX, &missing, e) < 0)
		goto cleanup;
	if (missing) {
		err_set(e, "baseline '%s': no such file", file);
		goto cleanup;
	}
	doc = json_loadb(b.data ? b.data : "", b.len, 0, &je);
	if (!doc) {
		jsonerr_format(where, sizeof(where), &je);
		err_set(e, "baseline '%s' is not JSON: %s", file, where);
		goto cleanup;
	}
	if (json_is_array(json_object_get(doc, "suppress"))) {
		if (baseline_add_ids(set, json_object_get(doc, "suppress"), NULL) < 0) {
			err_set(e, "baseline '%s': \"suppress\" must list finding ids", file);
			goto cleanup;
		}
	} else if (json_is_array(json_object_get(doc, "findings")) &&
		   json_is_string(json_object_get(doc, "command")) &&
		   strcmp(json_string_value(json_object_get(doc, "command")), "audit") == 0) {
		if (baseline_add_ids(set, json_object_get(doc, "findings"), "id") < 0 ||
		    baseline_add_ids(set, json_object_get(doc, "suppressed"), NULL) < 0) {
			err_set(e, "baseline '%s': a finding without an id", file);
			goto cleanup;
		}
	} else {
		err_set(e, "baseline '%s' is neither a 'fixkb audit --format json' report nor "
			"{\"suppress\": [ids]}", file);
		goto cleanup;
	}
	json_decref(r->baseline);
	r->baseline = set;
	set = NULL;
	rc = 0;
cleanup:
	json_decref(set);
	json_decref(doc);
	buf_release(&b);
	return rc;
}

/* ---- the document ---- */

static int finding_cmp(const void *a, const void *b)
{
	const json_t *fa = *(const json_t *const *)a, *fb = *(const json_t *const *)b;
	int sa = audit_severity_parse(json_string_value(json_object_get(fa, "severity")));
	int sb = audit_severity_parse(json_string_value(json_object_get(fb, "severity")));
	const struct audit_rule *ra = audit_rule_find(json_string_value(json_object_get(fa, "rule")));
	const struct audit_rule *rb = audit_rule_find(json_string_value(json_object_get(fb, "rule")));
	const char *pa = json_string_value(json_object_get(fa, "file"));
	const char *pb = json_string_value(json_object_get(fb, "file"));
	int c;

	if (sa != sb)
		return sb - sa;
	if (ra && rb && ra->rule != rb->rule)
		return (int)ra->rule - (int)rb->rule;
	c = strcmp(pa ? pa : "", pb ? pb : "");
	if (c)
		return c;
	c = (int)(json_integer_value(json_object_get(fa, "line")) -
		  json_integer_value(json_object_get(fb, "line")));
	if (c)
		return c;
	return strcmp(json_string_value(json_object_get(fa, "id")),
		      json_string_value(json_object_get(fb, "id")));
}

json_t *audit_json_sorted(const json_t *arr, int (*cmp)(const void *, const void *))
{
	size_t n = json_array_size(arr), i;
	json_t **v = calloc(n ? n : 1, sizeof(*v)), *out = json_array();

	if (!v || !out) {
		free(v);
		json_decref(out);
		return NULL;
	}
	for (i = 0; i < n; i++)
		v[i] = json_array_get(arr, i);
	qsort(v, n, sizeof(*v), cmp);
	for (i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	return out;
}

int audit_report_failed(const struct audit_report *r, enum audit_severity fail_on)
{
	int s;

	for (s = fail_on; s < AUDIT_SEVERITY_COUNT; s++)
		if (r->counts[s])
			return 1;
	return 0;
}

static json_t *summary_json(const struct audit_report *r, enum audit_severity fail_on)
{
	size_t total = 0;
	int s;
	json_t *o = json_object();

	for (s = 0; s < AUDIT_SEVERITY_COUNT; s++) {
		json_object_set_new(o, audit_severity_name((enum audit_severity)s),
				    json_integer((json_int_t)r->counts[s]));
		total += r->counts[s];
	}
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "suppressed", json_integer((json_int_t)json_array_size(r->suppressed)));
	json_object_set_new(o, "dropped", json_integer((json_int_t)r->findings_dropped));
	json_object_set_new(o, "fail_on", json_string(audit_severity_name(fail_on)));
	json_object_set_new(o, "failed", json_boolean(audit_report_failed(r, fail_on)));
	return o;
}

static void utc_now(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, n, "1970-01-01T00:00:00Z");
}

json_t *audit_report_json(struct audit_report *r, enum audit_severity fail_on, int all_users,
			  int online)
{
	char host[256] = "", clean[256], when[32], base[8192];
	json_t *doc, *walk;
	size_t bl;

	if (gethostname(host, sizeof(host) - 1) < 0)
		snprintf(host, sizeof(host), "unknown");
	audit_display_text(clean, sizeof(clean), host);
	utc_now(when, sizeof(when));
	audit_path_uri(base, sizeof(base) - 1, r->cwd[0] ? r->cwd : "/", NULL);
	bl = strlen(base);
	if (bl == 0 || base[bl - 1] != '/')
		memcpy(base + bl, "/", 2);
	walk = json_pack("{s:I, s:I, s:I, s:I, s:f}", "directories", (json_int_t)r->dirs,
			 "files", (json_int_t)r->files, "dockerfiles", (json_int_t)r->dockerfiles,
			 "build_contexts", (json_int_t)r->build_contexts, "ms", r->walk_ms);
	doc = json_pack("{s:s, s:s, s:i, s:s, s:s, s:{s:O, s:O, s:b, s:b}, s:o, s:o?, s:o, "
			"s:O, s:O, s:o, s:O, s:I, s:[], s:s}",
			"fixkb", FIXKB_VERSION, "command", "audit",
			"schema_version", AUDIT_SCHEMA_VERSION, "host", clean, "generated", when,
			"scope", "users", r->users, "contexts", r->contexts,
			"all_users", all_users, "online", online,
			"rules", audit_rules_json(),
			"findings", audit_json_sorted(r->findings, finding_cmp),
			"summary", summary_json(r, fail_on),
			"suppressed", r->suppressed, "credentials", r->credentials,
			"walk", walk, "notes", r->notes,
			"notes_dropped", (json_int_t)r->notes_dropped, "probes", "base_uri", base);
	return doc;
}
