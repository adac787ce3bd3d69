/* t-jsonschema.c — the schema validator, table-driven. */
#include "util/jsonschema.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

struct collect {
	char first[1024];
	size_t n;
};

static void collect(void *ctx, const char *pointer, const char *message)
{
	struct collect *c = ctx;

	if (c->n++ == 0)
		snprintf(c->first, sizeof(c->first), "%s: %s", pointer, message);
}

static const char *schema_text =
	"{ \"type\": \"object\", \"required\": [\"id\", \"title\"],"
	"  \"additionalProperties\": false,"
	"  \"properties\": {"
	"    \"id\": { \"type\": \"string\", \"pattern\": \"^[a-z]+/[a-z-]+$\" },"
	"    \"title\": { \"$ref\": \"#/$defs/text\" },"
	"    \"n\": { \"type\": \"integer\", \"minimum\": 1, \"maximum\": 3 },"
	"    \"rate\": { \"type\": \"number\", \"minimum\": 0, \"maximum\": 1 },"
	"    \"kind\": { \"enum\": [\"a\", \"b\"] },"
	"    \"fixed\": { \"const\": 42 },"
	"    \"maybe\": { \"type\": [\"string\", \"null\"], \"minLength\": 2 },"
	"    \"list\": { \"type\": \"array\", \"minItems\": 1,"
	"                \"items\": { \"type\": \"object\", \"required\": [\"success\"],"
	"                             \"properties\": { \"success\": { \"$ref\": \"#/$defs/rate\" } } } },"
	"    \"map\": { \"type\": \"object\", \"additionalProperties\": { \"type\": \"boolean\" } }"
	"  },"
	"  \"$defs\": {"
	"    \"rate\": { \"type\": \"number\", \"minimum\": 0, \"maximum\": 1 },"
	"    \"text\": { \"type\": \"object\", \"required\": [\"en\", \"zh\"], \"additionalProperties\": false,"
	"               \"properties\": { \"en\": { \"type\": \"string\", \"minLength\": 1 },"
	"                                 \"zh\": { \"type\": \"string\", \"minLength\": 1 } } }"
	"  }"
	"}";

struct vcase {
	const char *doc;
	size_t problems;
	const char *first;   /* expected first problem, or NULL */
};

#define OKDOC "\"id\": \"cicd/x-y\", \"title\": {\"en\": \"t\", \"zh\": \"标题\"}"

static const struct vcase cases[] = {
	{ "{" OKDOC "}", 0, NULL },
	{ "{" OKDOC ", \"n\": 2, \"rate\": 0.5, \"kind\": \"a\", \"fixed\": 42, \"maybe\": null}", 0, NULL },
	{ "{" OKDOC ", \"n\": 2.0}", 0, NULL },   /* 2.0 is an integer in 2020-12 */
	{ "{" OKDOC ", \"maybe\": \"ok\", \"map\": {\"x\": true}}", 0, NULL },
	{ "[]", 1, ": expected object, got array" },
	{ "{\"id\": \"cicd/x-y\"}", 1, "/title: required field is missing" },
	{ "{\"id\": \"cicd/x-y\", \"title\": {\"en\": \"t\"}}", 1, "/title/zh: required field is missing" },
	{ "{\"id\": \"cicd/x-y\", \"title\": {\"en\": \"t\", \"zh\": \"\"}}", 1, "/title/zh: must not be empty" },
	{ "{\"id\": \"Cicd\", \"title\": {\"en\": \"t\", \"zh\": \"z\"}}", 1,
	  "/id: \"Cicd\" does not match ^[a-z]+/[a-z-]+$" },
	{ "{\"id\": 7, \"title\": {\"en\": \"t\", \"zh\": \"z\"}}", 1, "/id: expected string, got integer" },
	{ "{" OKDOC ", \"colour\": 1}", 1, "/colour: unknown field" },
	{ "{" OKDOC ", \"n\": 0}", 1, "/n: 0 is below minimum 1" },
	{ "{" OKDOC ", \"n\": 4}", 1, "/n: 4 is above maximum 3" },
	{ "{" OKDOC ", \"n\": 1.5}", 1, "/n: expected integer, got number" },
	{ "{" OKDOC ", \"kind\": \"c\"}", 1, "/kind: \"c\" is not one of \"a\", \"b\"" },
	{ "{" OKDOC ", \"fixed\": 41}", 1, "/fixed: 41 must be 42" },
	{ "{" OKDOC ", \"maybe\": \"x\"}", 1, "/maybe: is shorter than 2 characters" },
	{ "{" OKDOC ", \"maybe\": \"中文\"}", 0, NULL },   /* minLength counts code points */
	{ "{" OKDOC ", \"maybe\": 3}", 1, "/maybe: expected string or null, got integer" },
	{ "{" OKDOC ", \"list\": []}", 1, "/list: has 0 items, needs at least 1" },
	{ "{" OKDOC ", \"list\": [{\"success\": 0.5}, {\"success\": 0.2}, {\"success\": 1.5}]}", 1,
	  "/list/2/success: 1.5 is above maximum 1" },
	{ "{" OKDOC ", \"list\": [{}]}", 1, "/list/0/success: required field is missing" },
	{ "{" OKDOC ", \"map\": {\"a/b\": 1}}", 1, "/map/a~1b: expected boolean, got integer" },
	{ "{\"colour\": 1, \"n\": 9}", 4, "/id: required field is missing" },
};

struct scase {
	const char *schema;
	const char *error_has;
};

static const struct scase bad_schemas[] = {
	{ "{\"oneOf\": []}", "unsupported keyword 'oneOf'" },
	{ "{\"type\": \"float\"}", "unknown type 'float'" },
	{ "{\"$ref\": \"#/$defs/nope\"}", "cannot resolve" },
	{ "{\"$ref\": \"http://x/y\"}", "cannot resolve" },
	{ "{\"pattern\": \"(\"}", "invalid regex" },
	{ "{\"properties\": {\"a\": {\"minItems\": -1}}}", "/properties/a/minItems" },
	{ "{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"$ref\": \"#/$defs/a\"}}, \"$ref\": \"#/$defs/a\"}",
	  "reference loop" },
	{ "{\"items\": 3}", "must be an object or a boolean" },
};

int main(void)
{
	struct jsonschema *s = NULL;
	struct err e = ERR_INIT;
	size_t i;

	ok(jsonschema_compile_text(&s, schema_text, strlen(schema_text), &e) == 0,
	   "test schema compiles (%s)", e.msg);
	for (i = 0; s && i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_error_t je;
		json_t *doc = json_loads(cases[i].doc, 0, &je);
		struct collect c = { "", 0 };

		if (!ok(doc != NULL, "case %zu parses", i))
			continue;
		is_int(jsonschema_validate(s, doc, collect, &c), cases[i].problems,
		       "case %zu: %zu problem(s): %s", i, cases[i].problems, cases[i].doc);
		if (cases[i].first)
			is_str(c.first, cases[i].first, "case %zu names the field", i);
		err_clear(&e);
		is_int(jsonschema_check(s, doc, &e), cases[i].problems ? -1 : 0,
		       "case %zu: check agrees", i);
		json_decref(doc);
	}
	jsonschema_free(s);

	for (i = 0; i < sizeof(bad_schemas) / sizeof(bad_schemas[0]); i++) {
		err_clear(&e);
		s = NULL;
		ok(jsonschema_compile_text(&s, bad_schemas[i].schema, strlen(bad_schemas[i].schema),
					   &e) < 0 && s == NULL, "bad schema %zu rejected", i);
		ok(strstr(e.msg, bad_schemas[i].error_has) != NULL, "bad schema %zu: '%s' in '%s'",
		   i, bad_schemas[i].error_has, e.msg);
	}
	err_clear(&e);
	ok(jsonschema_compile_text(&s, "{", 1, &e) < 0, "unparsable schema rejected: %s", e.msg);
	return tap_done();
}
