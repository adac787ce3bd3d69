/* kb_check.c — an entry's checks: JSON, schema, and the semantics the
 * schema cannot say; with KB_CHECK_SIGNATURES (kb lint) also every
 * signature as explain runs it. */
#include "kb_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "cause.h"
#include "checks/checks.h"
#include "kb_embedded.h"
#include "sigcompile.h"

#define KB_FIELD_MAX 512
#define KB_PROBLEM_MAX 768
#define KB_PATH_MAX 1024

static const char *const placeholders[] = {
	"{registry}", "{registry_url}", "{helper}", "{helper_key}", "{auth_key}", "{image}",
	"{config}", NULL,
};

/* Where a signature's problems go. */
struct sig_report {
	struct kb_report *r;
	size_t index;
};

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

void kb_report_problem(struct kb_report *r, const char *field, const char *fmt, ...)
{
	char msg[KB_PROBLEM_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->count++;
	if (r->first)
		err_set(r->first, "%s: %s: %s", r->file, field, msg);
	if (r->fn)
		r->fn(r->ctx, r->file, field, msg);
}

static void schema_problem(void *ctx, const char *pointer, const char *message)
{
	kb_report_problem(ctx, pointer[0] ? pointer : "/", "%s", message);
}


/* ---- semantic checks (after the schema passed) ---- */

static int in_strings(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

static void on_sig_problem(void *ctx, const char *field, const char *message)
{
	struct sig_report *sr = ctx;
	char full[KB_FIELD_MAX];

	snprintf(full, sizeof(full), "/signatures/%zu%s", sr->index, field);
	kb_report_problem(sr->r, full, "%s", message);
}

/* Each signature compiled and its examples run as explain runs them. */
static void check_signatures(struct kb_report *r, const json_t *doc)
{
	struct sig_report sr = { r, 0 };
	struct kb_signature sg;
	const char **examples;
	const json_t *caps;
	size_t i, j;
	json_t *sig, *ex;

	json_array_foreach(json_object_get(doc, "signatures"), i, sig) {
		memset(&sg, 0, sizeof(sg));
		caps = json_object_get(sig, "captures");
		sg.literal = str(sig, "literal");
		sg.regex = str(sig, "regex");
		sg.cap_registry = (int)json_integer_value(json_object_get(caps, "registry"));
		sg.cap_status = (int)json_integer_value(json_object_get(caps, "status"));
		sg.cap_url = (int)json_integer_value(json_object_get(caps, "url"));
		sg.n_examples = json_array_size(json_object_get(sig, "examples"));
		examples = calloc(sg.n_examples ? sg.n_examples : 1, sizeof(*examples));
		if (!examples) {
			kb_report_problem(r, "/", "out of memory");
			return;
		}
		json_array_foreach(json_object_get(sig, "examples"), j, ex)
			examples[j] = json_string_value(ex);
		sg.examples = examples;
		sr.index = i;
		sig_check(&sg, on_sig_problem, &sr);
		free(examples);
	}
}

/* Each signature's "also": not the entry itself, no entry twice, and the
 * priors of the signature add up to at most 1. That each names an entry
 * of another cause is checked once all are loaded (kb_load.c). */
static void check_also(struct kb_report *r, const json_t *doc)
{
	const char *self = str(doc, "id");
	char field[KB_FIELD_MAX];
	size_t i, j, k;
	json_t *sig, *a;

	json_array_foreach(json_object_get(doc, "signatures"), i, sig) {
		const json_t *also = json_object_get(sig, "also"), *p = json_object_get(sig, "prior");
		double sum = p ? json_number_value(p) : 0;

		json_array_foreach(also, j, a) {
			const char *id = str(a, "entry");

			snprintf(field, sizeof(field), "/signatures/%zu/also/%zu/entry", i, j);
			if (self && strcmp(id, self) == 0)
				kb_report_problem(r, field, "lists the entry itself (its prior is \"prior\")");
			for (k = 0; k < j; k++)
				if (strcmp(str(json_array_get(also, k), "entry"), id) == 0)
					kb_report_problem(r, field, "\"%s\" listed twice", id);
			sum += json_number_value(json_object_get(a, "prior"));
		}
		if (sum > 1.0 + 1e-9) {
			snprintf(field, sizeof(field), "/signatures/%zu/also", i);
			kb_report_problem(r, field,
					  "the priors of the signature add up to %.2f, more than 1", sum);
		}
	}
}

static void check_command(struct kb_report *r, const char *field, const char *cmd)
{
	const char *p = cmd, *close;
	size_t i, n;

	while ((p = strchr(p, '{')) != NULL) {
		close = strchr(p, '}');
		n = close ? (size_t)(close - p) + 1 : 0;
		/* Only {word} is a placeholder; shell and YAML braces pass. */
		if (n > 2 && strspn(p + 1, "abcdefghijklmnopqrstuvwxyz_") == n - 2) {
			for (i = 0; placeholders[i]; i++)
				if (strlen(placeholders[i]) == n && strncmp(p, placeholders[i], n) == 0)
					break;
			if (!placeholders[i])
				kb_report_problem(r, field, "unknown placeholder %.*s (known: {registry} "
					"{registry_url} {helper} {helper_key} {auth_key} {image} {config})", (int)n, p);
		}
		p++;
	}
}

/* A machine condition: env with set, or program with on_path, alone. */
static void check_machine_condition(struct kb_report *r, const json_t *when, const char *field)
{
	int env = json_object_get(when, "env") != NULL;
	const char *flag = env ? "set" : "on_path", *other = env ? "on_path" : "set";

	if (!json_is_boolean(json_object_get(when, flag)))
		kb_report_problem(r, field, "%s needs \"%s\": true or false", env ? "env" : "program",
				  flag);
	if (json_object_get(when, other) || json_object_get(when, "status") ||
	    json_object_get(when, "code") || json_object_get(when, "evidence"))
		kb_report_problem(r, field, "%s goes only with \"%s\"", env ? "env" : "program", flag);
}

static void check_condition(struct kb_report *r, const json_t *doc, const json_t *c,
			    const char *base)
{
	const json_t *when = json_object_get(c, "when");
	const char *probe = str(when, "probe"), *ctx = str(when, "context");
	int kinds = !!probe + !!ctx + !!json_object_get(when, "env") +
		    !!json_object_get(when, "program");
	char field[KB_FIELD_MAX];

	snprintf(field, sizeof(field), "%s/when", base);
	if (kinds != 1) {
		kb_report_problem(r, field, "needs exactly one of \"probe\", \"context\", \"env\" or "
				  "\"program\"");
		return;
	}
	if (!probe && !ctx) {
		check_machine_condition(r, when, field);
		return;
	}
	if (json_object_get(when, "set") || json_object_get(when, "on_path"))
		kb_report_problem(r, field, "set and on_path go with env and program");
	if (ctx) {
		if (json_object_get(when, "status") || json_object_get(when, "code") ||
		    json_object_get(when, "evidence"))
			kb_report_problem(r, field, "status, code and evidence go with a probe, not a context");
		snprintf(field, sizeof(field), "%s/when/context", base);
		if (!kb_context_fact_known(ctx))
			kb_report_problem(r, field, "unknown context fact \"%s\" (see kb_context_facts)", ctx);
		return;
	}
	snprintf(field, sizeof(field), "%s/when/probe", base);
	if (!probe_find(probe))
		kb_report_problem(r, field, "unknown probe \"%s\"", probe);
	else if (!in_strings(json_object_get(doc, "probes"), probe))
		kb_report_problem(r, field, "probe \"%s\" is not in the entry's probes", probe);
}

/* A history workaround names the one that corrects it, which is in the
 * entry and offered itself. */
static void check_history(struct kb_report *r, const json_t *doc, const json_t *w, size_t i)
{
	const char *by = str(json_object_get(w, "history"), "superseded_by");
	const json_t *o;
	char field[KB_FIELD_MAX];
	size_t j;

	if (!by)
		return;
	snprintf(field, sizeof(field), "/workarounds/%zu/history/superseded_by", i);
	json_array_foreach(json_object_get(doc, "workarounds"), j, o) {
		if (strcmp(str(o, "id"), by) != 0)
			continue;
		if (json_object_get(o, "history"))
			kb_report_problem(r, field, "\"%s\" is history itself: name the workaround "
					  "offered in its place", by);
		return;
	}
	kb_report_problem(r, field, "no workaround \"%s\" in this entry", by);
}

static void check_semantics(struct kb_report *r, const json_t *doc, const char *rel,
			    unsigned checks)
{
	char field[KB_FIELD_MAX], id[KB_PATH_MAX];
	const char *s;
	size_t i, j, n;
	json_t *v, *w, *c;

	n = strlen(rel);
	snprintf(id, sizeof(id), "%.*s", n > 5 ? (int)(n - 5) : 0, rel);
	if (strcmp(str(doc, "id"), id) != 0)
		kb_report_problem(r, "/id", "\"%s\" does not match the file's path (want \"%s\")",
			str(doc, "id"), id);
	if (!cause_is_valid(str(doc, "cause")))
		kb_report_problem(r, "/cause", "unknown cause \"%s\" (see src/cause.h)", str(doc, "cause"));

	json_array_foreach(json_object_get(doc, "probes"), i, v) {
		snprintf(field, sizeof(field), "/probes/%zu", i);
		if (!probe_find(json_string_value(v)))
			kb_report_problem(r, field, "unknown probe \"%s\"", json_string_value(v));
		for (j = 0; j < i; j++)
			if (strcmp(json_string_value(json_array_get(json_object_get(doc, "probes"), j)),
				   json_string_value(v)) == 0)
				kb_report_problem(r, field, "probe \"%s\" listed twice", json_string_value(v));
	}
	check_also(r, doc);
	if (checks & KB_CHECK_SIGNATURES)
		check_signatures(r, doc);
	if (json_array_size(json_object_get(doc, "signatures")) == 0 &&
	    json_array_size(json_object_get(doc, "probes")) == 0)
		kb_report_problem(r, "/signatures", "an entry without signatures is found only by "
				  "its probes: list at least one");

	json_array_foreach(json_object_get(doc, "workarounds"), i, w) {
		const char *wid = str(w, "id");

		for (j = 0; j < i; j++) {
			if (strcmp(str(json_array_get(json_object_get(doc, "workarounds"), j), "id"),
				   wid) == 0) {
				snprintf(field, sizeof(field), "/workarounds/%zu/id", i);
				kb_report_problem(r, field, "duplicate workaround id \"%s\"", wid);
			}
		}
		s = str(w, "action");
		if (s && !action_find(s)) {
			snprintf(field, sizeof(field), "/workarounds/%zu/action", i);
			kb_report_problem(r, field, "unknown action \"%s\" (see src/actions.c)", s);
		}
		s = str(w, "command");
		if (s) {
			snprintf(field, sizeof(field), "/workarounds/%zu/command", i);
			check_command(r, field, s);
		}
		check_history(r, doc, w, i);
		json_array_foreach(json_object_get(w, "conditions"), j, c) {
			snprintf(field, sizeof(field), "/workarounds/%zu/conditions/%zu", i, j);
			check_condition(r, doc, c, field);
		}
	}
}

/* ---- parsing ---- */

int kb_check_schema(struct jsonschema **out, struct err *e)
{
	if (jsonschema_compile_text(out, kb_embedded_schema, kb_embedded_schema_len, e) < 0)
		return err_prefix(e, "embedded kb/schema.json");
	return 0;
}

json_t *kb_check_parse(const struct jsonschema *schema, const char *rel, const char *text,
		       size_t len, unsigned checks, struct kb_report *r)
{
	json_error_t je;
	json_t *doc;
	size_t before = r->count;
	char where[64];

	if (len > KB_FILE_MAX) {
		kb_report_problem(r, "/", "file is larger than %d bytes", KB_FILE_MAX);
		return NULL;
	}
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		snprintf(where, sizeof(where), "line %d column %d", je.line, je.column);
		kb_report_problem(r, where, "invalid JSON: %s", je.text);
		return NULL;
	}
	/* The semantic checks rely on the schema's types. */
	if (jsonschema_validate(schema, doc, schema_problem, r) == 0)
		check_semantics(r, doc, rel, checks);
	if (r->count != before) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

size_t kb_check_text(const char *rel, const char *text, size_t len, kb_problem_fn fn,
		     void *ctx)
{
	struct jsonschema *schema = NULL;
	struct kb_report r = { fn, ctx, rel, 0, NULL };
	struct err e = ERR_INIT;

	if (kb_check_schema(&schema, &e) < 0) {
		kb_report_problem(&r, "/", "%s", e.msg);
		return r.count;
	}
	json_decref(kb_check_parse(schema, rel, text, len, KB_CHECK_SIGNATURES, &r));
	jsonschema_free(schema);
	return r.count;
}
