#include "util/jsonschema.h"

#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JS_POINTER_MAX 512
#define JS_MESSAGE_MAX 512
#define JS_REF_CHAIN_MAX 32
#define JS_DEPTH_MAX 64

struct js_pattern {
	const json_t *node;   /* the "pattern" string in the schema */
	regex_t re;
};

struct jsonschema {
	json_t *root;                 /* owned reference */
	struct js_pattern *patterns;  /* owned, compiled */
	size_t npatterns, cap;
};

struct js_run {
	const struct jsonschema *s;
	jsonschema_report_fn fn;
	void *ctx;
	size_t problems;
	char ptr[JS_POINTER_MAX];
	size_t ptrlen;
};

static const char *const validators[] = {
	"type", "required", "properties", "additionalProperties", "items", "enum",
	"const", "minimum", "maximum", "minLength", "minItems", "pattern", "$ref",
	"$defs", NULL,
};

static const char *const annotations[] = {
	"$schema", "$id", "$comment", "title", "description", "default", "examples", NULL,
};

static const char *const type_names[] = {
	"object", "array", "string", "number", "integer", "boolean", "null", NULL,
};

static int in_list(const char *const *list, const char *s)
{
	size_t i;

	for (i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

/* ---- compiling ---- */

static const json_t *resolve_ref(const json_t *root, const char *ref)
{
	const char *prefix = "#/$defs/";
	const json_t *defs;

	if (strncmp(ref, prefix, strlen(prefix)) != 0)
		return NULL;
	defs = json_object_get(root, "$defs");
	if (!json_is_object(defs))
		return NULL;
	return json_object_get(defs, ref + strlen(prefix));
}

static int add_pattern(struct jsonschema *s, const json_t *node, const char *where,
		       struct err *e)
{
	struct js_pattern *p;
	char msg[256];
	int rc;

	if (s->npatterns == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 8;

		p = realloc(s->patterns, ncap * sizeof(*p));
		if (!p)
			return err_set(e, "out of memory");
		s->patterns = p;
		s->cap = ncap;
	}
	p = &s->patterns[s->npatterns];
	rc = regcomp(&p->re, json_string_value(node), REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &p->re, msg, sizeof(msg));
		return err_set(e, "schema %s/pattern: invalid regex: %s", where, msg);
	}
	p->node = node;
	s->npatterns++;
	return 0;
}

static int compile_node(struct jsonschema *s, const json_t *node, const char *where,
			int depth, struct err *e);

static int compile_map(struct jsonschema *s, const json_t *map, const char *where,
		       const char *kw, int depth, struct err *e)
{
	const char *key;
	json_t *sub;
	char path[JS_POINTER_MAX];

	if (!json_is_object(map))
		return err_set(e, "schema %s/%s: must be an object", where, kw);
	json_object_foreach((json_t *)map, key, sub) {
		snprintf(path, sizeof(path), "%s/%s/%s", where, kw, key);
		if (compile_node(s, sub, path, depth + 1, e) < 0)
			return -1;
	}
	return 0;
}

static int check_type_kw(const json_t *v, const char *where, struct err *e)
{
	size_t i;
	json_t *t;

	if (json_is_string(v)) {
		if (!in_list(type_names, json_string_value(v)))
			return err_set(e, "schema %s/type: unknown type '%s'", where,
				       json_string_value(v));
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) == 0)
		return err_set(e, "schema %s/type: must be a type name or a list of them", where);
	json_array_foreach(v, i, t) {
		if (!json_is_string(t) || !in_list(type_names, json_string_value(t)))
			return err_set(e, "schema %s/type/%zu: unknown type", where, i);
	}
	return 0;
}

static int compile_node(struct jsonschema *s, const json_t *node, const char *where,
			int depth, struct err *e)
{
	const char *key;
	json_t *v;
	char path[JS_POINTER_MAX];
	size_t i;

	if (depth > JS_DEPTH_MAX)
		return err_set(e, "schema %s: nested too deeply", where);
	if (json_is_boolean(node))
		return 0;
	if (!json_is_object(node))
		return err_set(e, "schema %s: a schema must be an object or a boolean", where);
	json_object_foreach((json_t *)node, key, v) {
		if (in_list(annotations, key))
			continue;
		if (!in_list(validators, key))
			return err_set(e, "schema %s: unsupported keyword '%s'", where, key);
		if (strcmp(key, "type") == 0) {
			if (check_type_kw(v, where, e) < 0)
				return -1;
		} else if (strcmp(key, "required") == 0) {
			json_t *r;

			if (!json_is_array(v))
				return err_set(e, "schema %s/required: must be an array", where);
			json_array_foreach(v, i, r)
				if (!json_is_string(r))
					return err_set(e, "schema %s/required/%zu: must be a string",
						       where, i);
		} else if (strcmp(key, "properties") == 0 || strcmp(key, "$defs") == 0) {
			if (compile_map(s, v, where, key, depth, e) < 0)
				return -1;
		} else if (strcmp(key, "additionalProperties") == 0 || strcmp(key, "items") == 0) {
			snprintf(path, sizeof(path), "%s/%s", where, key);
			if (compile_node(s, v, path, depth + 1, e) < 0)
				return -1;
		} else if (strcmp(key, "enum") == 0) {
			if (!json_is_array(v) || json_array_size(v) == 0)
				return err_set(e, "schema %s/enum: must be a non-empty array", where);
		} else if (strcmp(key, "minimum") == 0 || strcmp(key, "maximum") == 0) {
			if (!json_is_number(v))
				return err_set(e, "schema %s/%s: must be a number", where, key);
		} else if (strcmp(key, "minLength") == 0 || strcmp(key, "minItems") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) < 0)
				return err_set(e, "schema %s/%s: must be a non-negative integer",
					       where, key);
		} else if (strcmp(key, "pattern") == 0) {
			if (!json_is_string(v))
				return err_set(e, "schema %s/pattern: must be a string", where);
			if (add_pattern(s, v, where, e) < 0)
				return -1;
		} else if (strcmp(key, "$ref") == 0) {
			const json_t *target = node;
			int hops = 0;

			if (!json_is_string(v) || !resolve_ref(s->root, json_string_value(v)))
				return err_set(e, "schema %s/$ref: cannot resolve (only #/$defs/NAME)",
					       where);
			/* A chain of bare $refs must end somewhere. */
			while (json_is_object(target) && json_object_get(target, "$ref") &&
			       json_object_size(target) == 1) {
				if (++hops > JS_REF_CHAIN_MAX)
					return err_set(e, "schema %s/$ref: reference loop", where);
				target = resolve_ref(s->root,
						     json_string_value(json_object_get(target, "$ref")));
				if (!target)
					return err_set(e, "schema %s/$ref: cannot resolve", where);
			}
		}
		/* "const" accepts any value. */
	}
	return 0;
}

void jsonschema_free(struct jsonschema *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->npatterns; i++)
		regfree(&s->patterns[i].re);
	free(s->patterns);
	json_decref(s->root);
	free(s);
}

int jsonschema_compile(struct jsonschema **out, json_t *schema, struct err *e)
{
	struct jsonschema *s = NULL;
	int rc = -1;

	*out = NULL;
	if (!schema)
		return err_set(e, "schema: missing");
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(e, "out of memory");
	s->root = json_incref(schema);
	if (compile_node(s, schema, "", 0, e) < 0)
		goto cleanup;
	*out = s;
	s = NULL;
	rc = 0;
cleanup:
	jsonschema_free(s);
	return rc;
}

int jsonschema_compile_text(struct jsonschema **out, const char *text, size_t len,
			    struct err *e)
{
	json_error_t je;
	json_t *doc;
	int rc;

	*out = NULL;
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return err_set(e, "schema: line %d: %s", je.line, je.text);
	rc = jsonschema_compile(out, doc, e);
	json_decref(doc);
	return rc;
}

/* ---- validating ---- */

__attribute__((format(printf, 2, 3)))
static void report(struct js_run *run, const char *fmt, ...)
{
	char msg[JS_MESSAGE_MAX];
	va_list ap;

	run->problems++;
	if (!run->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	run->fn(run->ctx, run->ptr, msg);
}

/* Appends "/token" (escaped per RFC 6901) and returns the old length. */
static size_t ptr_push(struct js_run *run, const char *token)
{
	size_t old = run->ptrlen, n = run->ptrlen;
	const char *p;

	if (n + 1 < sizeof(run->ptr))
		run->ptr[n++] = '/';
	for (p = token; *p && n + 2 < sizeof(run->ptr); p++) {
		if (*p == '~' || *p == '/') {
			run->ptr[n++] = '~';
			run->ptr[n++] = *p == '~' ? '0' : '1';
		} else {
			run->ptr[n++] = *p;
		}
	}
	run->ptr[n] = '\0';
	run->ptrlen = n;
	return old;
}

static void ptr_pop(struct js_run *run, size_t old)
{
	run->ptrlen = old;
	run->ptr[old] = '\0';
}

static const char *type_of(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	case JSON_NULL: return "null";
	}
	return "unknown";
}

static int has_type(const json_t *v, const char *t)
{
	if (strcmp(t, "object") == 0)
		return json_is_object(v);
	if (strcmp(t, "array") == 0)
		return json_is_array(v);
	if (strcmp(t, "string") == 0)
		return json_is_string(v);
	if (strcmp(t, "number") == 0)
		return json_is_number(v);
	if (strcmp(t, "integer") == 0)
		return json_is_integer(v) ||
		       (json_is_real(v) && isfinite(json_real_value(v)) &&
			floor(json_real_value(v)) == json_real_value(v));
	if (strcmp(t, "boolean") == 0)
		return json_is_boolean(v);
	if (strcmp(t, "null") == 0)
		return json_is_null(v);
	return 0;
}

/* A short rendering of a value for messages. */
static void describe(char *out, size_t size, const json_t *v)
{
	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		if (strlen(s) > 60)
			snprintf(out, size, "\"%.57s...\"", s);
		else
			snprintf(out, size, "\"%s\"", s);
	} else if (json_is_number(v)) {
		snprintf(out, size, "%g", json_number_value(v));
	} else if (json_is_boolean(v)) {
		snprintf(out, size, "%s", json_is_true(v) ? "true" : "false");
	} else if (json_is_null(v)) {
		snprintf(out, size, "null");
	} else {
		snprintf(out, size, "an %s", type_of(v));
	}
}

static size_t utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static const regex_t *find_pattern(const struct jsonschema *s, const json_t *node)
{
	size_t i;

	for (i = 0; i < s->npatterns; i++)
		if (s->patterns[i].node == node)
			return &s->patterns[i].re;
	return NULL;
}

static void validate(struct js_run *run, const json_t *schema, const json_t *inst, int depth);

static void check_type(struct js_run *run, const json_t *t, const json_t *inst, int *ok)
{
	char types[128] = "";
	size_t i, n = 0;
	json_t *x;

	if (json_is_string(t)) {
		*ok = has_type(inst, json_string_value(t));
		if (!*ok)
			report(run, "expected %s, got %s", json_string_value(t), type_of(inst));
		return;
	}
	*ok = 0;
	json_array_foreach(t, i, x) {
		if (has_type(inst, json_string_value(x)))
			*ok = 1;
		n += (size_t)snprintf(types + n, n < sizeof(types) ? sizeof(types) - n : 0,
				      "%s%s", i ? " or " : "", json_string_value(x));
		if (n >= sizeof(types))
			n = sizeof(types) - 1;
	}
	if (!*ok)
		report(run, "expected %s, got %s", types, type_of(inst));
}

static void check_enum(struct js_run *run, const json_t *list, const json_t *inst)
{
	char got[96], opts[256] = "", one[96];
	size_t i, n = 0;
	json_t *x;

	json_array_foreach(list, i, x)
		if (json_equal(x, (json_t *)inst))
			return;
	json_array_foreach(list, i, x) {
		describe(one, sizeof(one), x);
		n += (size_t)snprintf(opts + n, n < sizeof(opts) ? sizeof(opts) - n : 0,
				      "%s%s", i ? ", " : "", one);
		if (n >= sizeof(opts))
			n = sizeof(opts) - 1;
	}
	describe(got, sizeof(got), inst);
	report(run, "%s is not one of %s", got, opts);
}

static void check_object(struct js_run *run, const json_t *schema, const json_t *inst, int depth)
{
	const json_t *req = json_object_get(schema, "required");
	const json_t *props = json_object_get(schema, "properties");
	const json_t *extra = json_object_get(schema, "additionalProperties");
	const char *key;
	json_t *v, *sub;
	size_t i, old;

	json_array_foreach(req, i, v) {
		if (json_object_get(inst, json_string_value(v)))
			continue;
		old = ptr_push(run, json_string_value(v));
		report(run, "required field is missing");
		ptr_pop(run, old);
	}
	json_object_foreach((json_t *)inst, key, v) {
		sub = props ? json_object_get(props, key) : NULL;
		old = ptr_push(run, key);
		if (sub)
			validate(run, sub, v, depth + 1);
		else if (json_is_false(extra))
			report(run, "unknown field");
		else if (json_is_object(extra))
			validate(run, extra, v, depth + 1);
		ptr_pop(run, old);
	}
}

static void check_array(struct js_run *run, const json_t *schema, const json_t *inst, int depth)
{
	const json_t *items = json_object_get(schema, "items");
	const json_t *min = json_object_get(schema, "minItems");
	char idx[32];
	size_t i, old;
	json_t *v;

	if (min && json_array_size(inst) < (size_t)json_integer_value(min))
		report(run, "has %zu item%s, needs at least %lld", json_array_size(inst),
		       json_array_size(inst) == 1 ? "" : "s", (long long)json_integer_value(min));
	if (!items)
		return;
	json_array_foreach(inst, i, v) {
		snprintf(idx, sizeof(idx), "%zu", i);
		old = ptr_push(run, idx);
		validate(run, items, v, depth + 1);
		ptr_pop(run, old);
	}
}

static void check_string(struct js_run *run, const json_t *schema, const json_t *inst)
{
	const json_t *min = json_object_get(schema, "minLength");
	const json_t *pat = json_object_get(schema, "pattern");
	const char *s = json_string_value(inst);
	const regex_t *re;
	char got[96];

	if (min && utf8_length(s) < (size_t)json_integer_value(min)) {
		if (!s[0])
			report(run, "must not be empty");
		else
			report(run, "is shorter than %lld characters",
			       (long long)json_integer_value(min));
	}
	if (pat) {
		re = find_pattern(run->s, pat);
		if (re && regexec(re, s, 0, NULL, 0) != 0) {
			describe(got, sizeof(got), inst);
			report(run, "%s does not match %s", got, json_string_value(pat));
		}
	}
}

static void check_number(struct js_run *run, const json_t *schema, const json_t *inst)
{
	const json_t *min = json_object_get(schema, "minimum");
	const json_t *max = json_object_get(schema, "maximum");
	double v = json_number_value(inst);

	if (min && v < json_number_value(min))
		report(run, "%g is below minimum %g", v, json_number_value(min));
	if (max && v > json_number_value(max))
		report(run, "%g is above maximum %g", v, json_number_value(max));
}

static void validate(struct js_run *run, const json_t *schema, const json_t *inst, int depth)
{
	const json_t *t, *c, *en, *ref;
	char got[96], want[96];
	int ok = 1;

	if (json_is_true(schema))
		return;
	if (json_is_false(schema)) {
		report(run, "not allowed here");
		return;
	}
	if (depth > JS_DEPTH_MAX) {
		report(run, "nested too deeply");
		return;
	}
	ref = json_object_get(schema, "$ref");
	if (ref)
		validate(run, resolve_ref(run->s->root, json_string_value(ref)), inst, depth + 1);
	t = json_object_get(schema, "type");
	if (t) {
		check_type(run, t, inst, &ok);
		if (!ok)
			return;   /* the type-specific checks would only add noise */
	}
	c = json_object_get(schema, "const");
	if (c && !json_equal((json_t *)c, (json_t *)inst)) {
		describe(got, sizeof(got), inst);
		describe(want, sizeof(want), c);
		report(run, "%s must be %s", got, want);
	}
	en = json_object_get(schema, "enum");
	if (en)
		check_enum(run, en, inst);
	if (json_is_object(inst))
		check_object(run, schema, inst, depth);
	else if (json_is_array(inst))
		check_array(run, schema, inst, depth);
	else if (json_is_string(inst))
		check_string(run, schema, inst);
	else if (json_is_number(inst))
		check_number(run, schema, inst);
}

size_t jsonschema_validate(const struct jsonschema *s, const json_t *doc,
			   jsonschema_report_fn fn, void *ctx)
{
	struct js_run run;

	memset(&run, 0, sizeof(run));
	run.s = s;
	run.fn = fn;
	run.ctx = ctx;
	validate(&run, s->root, doc, 0);
	return run.problems;
}

static void first_problem(void *ctx, const char *pointer, const char *message)
{
	struct err *e = ctx;

	err_set(e, "%s: %s", pointer[0] ? pointer : "/", message);
}

int jsonschema_check(const struct jsonschema *s, const json_t *doc, struct err *e)
{
	return jsonschema_validate(s, doc, first_problem, e) ? -1 : 0;
}
