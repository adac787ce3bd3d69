#include "audit/summarize.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/report.h"
#include "audit/safefs.h"
#include "config.h"
#include "util/jsonerr.h"
#include "util/buf.h"

struct summ {
	json_t *files;     /* array of paths, sorted later */
	json_t *rules;     /* object: rule -> {rule, severity, title, findings, hosts:{}} */
	json_t *hosts;     /* array */
	enum audit_severity fail_on;
	int failed;
};

static int find_reports(struct summ *sm, const char *dir, int depth, struct err *e)
{
	DIR *d;
	struct dirent *de;
	char path[PATH_MAX];
	size_t n;
	int fd, rc = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (depth ? O_NOFOLLOW : 0));
	if (fd < 0)
		return err_set(e, "--summarize '%s': %s", dir, strerror(errno));
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return err_set(e, "--summarize '%s': %s", dir, strerror(errno));
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		n = strlen(de->d_name);
		if (de->d_type == DT_DIR && depth < SUMMARIZE_DEPTH)
			rc = find_reports(sm, path, depth + 1, e);
		else if ((de->d_type == DT_REG || de->d_type == DT_UNKNOWN) && n > 5 &&
			 strcmp(de->d_name + n - 5, ".json") == 0) {
			if (json_array_size(sm->files) >= SUMMARIZE_REPORTS_MAX)
				rc = err_set(e, "--summarize '%s': more than %d reports", dir,
					     SUMMARIZE_REPORTS_MAX);
			else
				json_array_append_new(sm->files, json_string(path));
		}
	}
	closedir(d);
	return rc;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

static json_t *load_report(const char *path, struct err *e)
{
	struct buf b = BUF_INIT(SUMMARIZE_FILE_MAX);
	json_error_t je;
	struct stat st;
	char where[256];
	json_t *doc = NULL;
	int missing = 0;

	if (safefs_read(&b, "/", path, SUMMARIZE_FILE_MAX, &st, &missing, e) < 0 || missing) {
		if (missing)
			err_set(e, "reading '%s': no such file", path);
		buf_release(&b);
		return NULL;
	}
	doc = json_loadb(b.data, b.len, 0, &je);
	buf_release(&b);
	if (!doc) {
		jsonerr_format(where, sizeof(where), &je);
		err_set(e, "'%s' is not JSON: %s", path, where);
	}
	return doc;
}

static int check_report(const json_t *doc, const char *path, struct err *e)
{
	const json_t *f = json_object_get(doc, "findings");
	size_t i;

	if (!json_is_object(doc) || !json_is_string(json_object_get(doc, "command")) ||
	    strcmp(json_string_value(json_object_get(doc, "command")), "audit") != 0)
		return err_set(e, "'%s' is not a 'fixkb audit --format json' report", path);
	if (!json_is_string(json_object_get(doc, "host")) || !json_is_array(f))
		return err_set(e, "'%s': an audit report needs \"host\" and \"findings\"", path);
	for (i = 0; i < json_array_size(f); i++) {
		const json_t *it = json_array_get(f, i);

		if (!json_is_string(json_object_get(it, "rule")) ||
		    audit_severity_parse(json_string_value(json_object_get(it, "severity"))) < 0)
			return err_set(e, "'%s': finding %zu has no rule or no valid severity", path, i);
	}
	return 0;
}

static const char *rule_title(const json_t *doc, const char *rule)
{
	const json_t *rules = json_object_get(doc, "rules");
	const struct audit_rule *known = audit_rule_find(rule);
	size_t i;

	for (i = 0; i < json_array_size(rules); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(rules, i), "id")) ?
			   json_string_value(json_object_get(json_array_get(rules, i), "id")) : "",
			   rule) == 0)
			return json_string_value(json_object_get(json_array_get(rules, i), "title"));
	return known ? known->title : "";
}

static void count_rule(struct summ *sm, const json_t *doc, const json_t *f, const char *host)
{
	const char *rule = json_string_value(json_object_get(f, "rule"));
	const char *sev = json_string_value(json_object_get(f, "severity"));
	const char *title = rule_title(doc, rule);
	json_t *r = json_object_get(sm->rules, rule);

	if (!r) {
		r = json_pack("{s:s, s:s, s:s, s:i, s:{}}", "rule", rule, "severity", sev, "title",
			      title ? title : "", "findings", 0, "hosts");
		json_object_set_new(sm->rules, rule, r);
	}
	json_object_set_new(r, "findings",
			    json_integer(json_integer_value(json_object_get(r, "findings")) + 1));
	json_object_set_new(json_object_get(r, "hosts"), host, json_true());
}

static int add_report(struct summ *sm, const char *path, struct err *e)
{
	json_t *doc = load_report(path, e), *f, *h;
	long long counts[AUDIT_SEVERITY_COUNT] = { 0 };
	const char *host;
	size_t i;
	int s, failed = 0;

	if (!doc)
		return -1;
	if (check_report(doc, path, e) < 0) {
		json_decref(doc);
		return -1;
	}
	host = json_string_value(json_object_get(doc, "host"));
	f = json_object_get(doc, "findings");
	for (i = 0; i < json_array_size(f); i++) {
		s = audit_severity_parse(json_string_value(json_object_get(json_array_get(f, i),
									    "severity")));
		counts[s]++;
		failed |= s >= (int)sm->fail_on;
		count_rule(sm, doc, json_array_get(f, i), host);
	}
	h = json_pack("{s:s, s:s, s:O?, s:I, s:I, s:I, s:I, s:I, s:O?, s:b}", "host", host,
		      "file", path, "generated", json_object_get(doc, "generated"),
		      "critical", (json_int_t)counts[SEV_CRITICAL], "high", (json_int_t)counts[SEV_HIGH],
		      "medium", (json_int_t)counts[SEV_MEDIUM], "low", (json_int_t)counts[SEV_LOW],
		      "total", (json_int_t)json_array_size(f),
		      "suppressed", json_object_get(json_object_get(doc, "summary"), "suppressed"),
		      "failed", failed);
	json_array_append_new(sm->hosts, h);
	sm->failed |= failed;
	json_decref(doc);
	return 0;
}

static int rule_cmp(const void *a, const void *b)
{
	const json_t *ra = *(json_t *const *)a, *rb = *(json_t *const *)b;
	int sa = audit_severity_parse(json_string_value(json_object_get(ra, "severity")));
	int sb = audit_severity_parse(json_string_value(json_object_get(rb, "severity")));
	json_int_t fa = json_integer_value(json_object_get(ra, "findings"));
	json_int_t fb = json_integer_value(json_object_get(rb, "findings"));

	if (sa != sb)
		return sb - sa;
	if (fa != fb)
		return fa < fb ? 1 : -1;
	return strcmp(json_string_value(json_object_get(ra, "rule")),
		      json_string_value(json_object_get(rb, "rule")));
}

static int host_cmp(const void *a, const void *b)
{
	const json_t *ha = *(json_t *const *)a, *hb = *(json_t *const *)b;
	int c = strcmp(json_string_value(json_object_get(ha, "host")),
		       json_string_value(json_object_get(hb, "host")));

	return c ? c : strcmp(json_string_value(json_object_get(ha, "file")),
			      json_string_value(json_object_get(hb, "file")));
}

static json_t *rules_list(json_t *rules)
{
	json_t *arr = json_array(), *v, *hosts, *list, *out;
	const char *k, *h;

	json_object_foreach(rules, k, v) {
		hosts = json_array();
		json_object_foreach(json_object_get(v, "hosts"), h, list)
			json_array_append_new(hosts, json_string(h));
		list = audit_json_sorted(hosts, str_cmp);
		json_decref(hosts);
		json_object_set_new(v, "hosts", list ? list : json_array());
		json_array_append(arr, v);
	}
	out = audit_json_sorted(arr, rule_cmp);
	json_decref(arr);
	return out;
}

int audit_summarize(json_t **out, int *failed, const char *dir, enum audit_severity fail_on,
		    struct err *e)
{
	struct summ sm = { json_array(), json_object(), json_array(), fail_on, 0 };
	json_t *files = NULL;
	size_t i;
	int rc = -1;

	*out = NULL;
	*failed = 0;
	if (!sm.files || !sm.rules || !sm.hosts) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	if (find_reports(&sm, dir, 0, e) < 0)
		goto cleanup;
	if (json_array_size(sm.files) == 0) {
		err_set(e, "--summarize '%s': no *.json report in it", dir);
		goto cleanup;
	}
	files = audit_json_sorted(sm.files, str_cmp);
	for (i = 0; files && i < json_array_size(files); i++)
		if (add_report(&sm, json_string_value(json_array_get(files, i)), e) < 0)
			goto cleanup;
	*out = json_pack("{s:s, s:s, s:I, s:s, s:b, s:o, s:o}", "fixkb", FIXKB_VERSION,
			 "command", "audit-summary", "reports", (json_int_t)json_array_size(files),
			 "fail_on", audit_severity_name(fail_on), "failed", sm.failed,
			 "rules", rules_list(sm.rules), "hosts", audit_json_sorted(sm.hosts, host_cmp));
	*failed = sm.failed;
	rc = *out ? 0 : err_set(e, "out of memory");
cleanup:
	json_decref(files);
	json_decref(sm.files);
	json_decref(sm.rules);
	json_decref(sm.hosts);
	return rc;
}
