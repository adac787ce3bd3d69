/* t-fix-jsonedit — Go's MarshalIndent text (gojson) and path edits that
 * keep the file (jsonedit), checked byte for byte against what docker CLI
 * itself writes when `docker logout` and `docker context use` save a
 * config (when a docker binary is on PATH; skipped otherwise). */
#include "fix/jsonedit.h"

#include <limits.h>

#include "util/clock.h"
#include "util/sensitive.h"
#include "util/paths.h"
#include "fix/atomicfile.h"
#include "util/proc.h"
#include "fix/gojson.h"
#include "t-lib-fix.h"

/* jsonedit on text: parse, fn, dump. Returns the new text (static) or the error. */
static const char *edit(const char *text, const char *op, const char *path, json_t *value)
{
	static struct buf out;
	struct err e = ERR_INIT;
	json_t *root = NULL;
	int rc;

	buf_release(&out);
	out = (struct buf)BUF_INIT(1 << 20);
	if (jsonedit_parse(&root, "config.json", text, strlen(text), &e) < 0) {
		json_decref(value);
		return buf_appends(&out, e.msg) < 0 ? "?" : out.data;
	}
	if (strcmp(op, "set") == 0)
		rc = jsonedit_set(root, path, value, &e);
	else
		rc = jsonedit_delete(root, path, &e);
	if (rc < 0 || jsonedit_dump(&out, root, &e) < 0) {
		buf_release(&out);
		out = (struct buf)BUF_INIT(1 << 20);
		if (buf_appends(&out, e.msg) < 0)
			return "?";
	}
	json_decref(root);
	return out.data;
}

static void test_strings(void)
{
	static const struct { const char *in; size_t n; const char *want; } c[] = {
		{ "plain", 5, "\"plain\"" },
		{ "a<b>&c", 6, "\"a\\u003cb\\u003e\\u0026c\"" },
		{ "q\"b\\s/", 6, "\"q\\\"b\\\\s/\"" },
		{ "\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"" },
		{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\x7f\"" },
		{ "x\0y", 3, "\"x\\u0000y\"" },
		{ "\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\\u2028\\u2029\"" },
		{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"" },
		{ "\xff", 1, "\"\\ufffd\"" },
		{ "a\xc3", 2, "\"a\\ufffd\"" },
		{ "\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"" },
	};
	struct err e = ERR_INIT;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct buf b = BUF_INIT(1024);

		gojson_string(&b, c[i].in, c[i].n, &e);
		is_str(b.data, c[i].want, "Go string %zu", i);
		buf_release(&b);
	}
}

static void test_reals(void)
{
	static const struct { double v; const char *want; } c[] = {
		{ 1.5, "1.5" }, { 2.0, "2" }, { -0.0, "-0" }, { 0.1, "0.1" },
		{ 1e20, "100000000000000000000" }, { 1e21, "1e+21" }, { 1.5e300, "1.5e+300" },
		{ 0.000001, "0.000001" }, { 1e-7, "1e-7" }, { 1.25e-10, "1.25e-10" },
		{ 123456789.125, "123456789.125" }, { 5e-324, "5e-324" },
		{ 1.7976931348623157e308, "1.7976931348623157e+308" }, { 100, "100" },
		{ 0.3, "0.3" }, { 2.5e-5, "0.000025" },
	};
	char out[32];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		gojson_real(out, c[i].v);
		is_str(out, c[i].want, "Go float64 %zu", i);
	}
}

static void test_layout(void)
{
	is_str(edit("{\"b\":[1,\"x\",{}],\"a\":{\"c\":true,\"d\":null},\"e\":[], \"f\": 2.50}", "delete", "zz", NULL),
	       "{\n\t\"b\": [\n\t\t1,\n\t\t\"x\",\n\t\t{}\n\t],\n\t\"a\": {\n\t\t\"c\": true,\n\t\t\"d\": null\n\t},"
	       "\n\t\"e\": [],\n\t\"f\": 2.5\n}",
	       "tabs, \": \", {} and [], member order kept, no newline at the end");
	is_str(edit("", "set", "credsStore", json_string("pass")), "{\n\t\"credsStore\": \"pass\"\n}",
	       "an empty file is an empty config");
	is_str(edit(" \n\t", "delete", "auths", NULL), "{}", "so is whitespace");
	is_str(edit("{\"auths\":{}} trailing", "delete", "x", NULL), "{\n\t\"auths\": {}\n}",
	       "what follows the object is ignored, as Go's Decoder does");
	is_str(edit("[1]", "delete", "x", NULL), "'config.json': not a JSON object (an array)", "an array is refused");
	is_str(edit("{\"auths\": {\"x\": {\"auth\": \"s3cr3tXYZ", "delete", "x", NULL),
	       "'config.json': line 1 column 35: premature end of input",
	       "a parse error gives line and column, never the text near it");
	is_str(edit("{\"a\":1,\"b\":2,\"a\":3}", "delete", "zz", NULL), "{\n\t\"a\": 3,\n\t\"b\": 2\n}",
	       "a repeated member: the last value, in the first place (Go keeps the last)");
}

static void test_set_order(void)
{
	const char *docker = "{\n\t\"auths\": {\n\t\t\"b.io\": {\n\t\t\t\"auth\": \"dTpw\"\n\t\t}\n\t},"
			     "\n\t\"currentContext\": \"x\"\n}";

	is_str(edit(docker, "set", "auths.\"a.io\".auth", json_string("YTpi")),
	       "{\n\t\"auths\": {\n\t\t\"a.io\": {\n\t\t\t\"auth\": \"YTpi\"\n\t\t},\n\t\t\"b.io\": {\n\t\t\t\"auth\": \"dTpw\"\n\t\t}\n\t},"
	       "\n\t\"currentContext\": \"x\"\n}", "a new auths key goes in sorted place");
	is_str(edit(docker, "set", "credsStore", json_string("pass")),
	       "{\n\t\"auths\": {\n\t\t\"b.io\": {\n\t\t\t\"auth\": \"dTpw\"\n\t\t}\n\t},\n\t\"credsStore\": \"pass\","
	       "\n\t\"currentContext\": \"x\"\n}", "a new field goes in docker's field order");
	is_str(edit(docker, "set", "credHelpers.\"ghcr.io\"", json_string("pass")),
	       "{\n\t\"auths\": {\n\t\t\"b.io\": {\n\t\t\t\"auth\": \"dTpw\"\n\t\t}\n\t},\n\t\"credHelpers\": {\n\t\t\"ghcr.io\": \"pass\"\n\t},"
	       "\n\t\"currentContext\": \"x\"\n}", "a new map is made, in its place");
	is_str(edit(docker, "set", "auths.\"b.io\".identitytoken", json_string("t")),
	       "{\n\t\"auths\": {\n\t\t\"b.io\": {\n\t\t\t\"auth\": \"dTpw\",\n\t\t\t\"identitytoken\": \"t\"\n\t\t}\n\t},"
	       "\n\t\"currentContext\": \"x\"\n}", "AuthConfig's field order");
	is_str(edit("{\"zz\":1,\"credsStore\":\"a\",\"auths\":{}}", "set", "credHelpers.x", json_string("h")),
	       "{\n\t\"zz\": 1,\n\t\"credsStore\": \"a\",\n\t\"auths\": {},\n\t\"credHelpers\": {\n\t\t\"x\": \"h\"\n\t}\n}",
	       "fields out of docker's order (edited by hand): appended");
	is_str(edit("{\"auths\":{\"z\":{},\"a\":{}}}", "set", "auths.\"m\"", json_object()),
	       "{\n\t\"auths\": {\n\t\t\"z\": {},\n\t\t\"a\": {},\n\t\t\"m\": {}\n\t}\n}", "an unsorted map: appended");
	is_str(edit("{\"Auths\":{\"x\":{\"Auth\":\"old\"}},\"other\":{\"k\":[1,2]}}", "set", "auths.\"x\".auth",
		    json_string("new")),
	       "{\n\t\"Auths\": {\n\t\t\"x\": {\n\t\t\t\"Auth\": \"new\"\n\t\t}\n\t},\n\t\"other\": {\n\t\t\"k\": [\n\t\t\t1,\n\t\t\t2\n\t\t]\n\t}\n}",
	       "fields match as Go matches them (Auths, Auth), their spelling and unknown fields kept");
	is_str(edit("{\"auths\":{},\"AUTHS\":{}}", "set", "auths.\"x\"", json_object()),
	       "the file has both 'auths' and 'AUTHS' (Go reads both as auths): not editing it; keep one",
	       "two spellings of one field: refused");
	is_str(edit("{\"auths\":{\"Ghcr.io\":{}}}", "set", "auths.\"ghcr.io\".auth", json_string("a")),
	       "{\n\t\"auths\": {\n\t\t\"Ghcr.io\": {},\n\t\t\"ghcr.io\": {\n\t\t\t\"auth\": \"a\"\n\t\t}\n\t}\n}",
	       "quoted keys match exactly (docker's map lookup)");
	is_str(edit("{\"auths\":\"x\"}", "set", "auths.\"a\".auth", json_string("a")),
	       "'auths' is a string, not an object", "a parent that is not an object");
	is_str(edit("{}", "set", "auths.\"a\"..x", json_string("a")),
	       "bad JSON path 'auths.\"a\"..x': empty segment", "a bad path");
	is_str(edit("{}", "set", "auths.\"a", json_string("a")),
	       "bad JSON path 'auths.\"a': unterminated quote", "an open quote");
	is_str(edit("{}", "set", "auths.\"a\\\"b\\\\\".auth", json_string("a")),
	       "{\n\t\"auths\": {\n\t\t\"a\\\"b\\\\\": {\n\t\t\t\"auth\": \"a\"\n\t\t}\n\t}\n}", "escapes in a quoted key");
}

static void test_delete_get(void)
{
	struct err e = ERR_INIT;
	json_t *root = NULL, *v;

	is_str(edit("{\"auths\":{\"a\":{}},\"credHelpers\":{\"x\":\"h\"},\"credsStore\":\"s\"}", "delete",
		    "credHelpers.\"x\"", NULL),
	       "{\n\t\"auths\": {\n\t\t\"a\": {}\n\t},\n\t\"credsStore\": \"s\"\n}",
	       "the last credHelpers key: the map goes too (docker omits it when empty)");
	is_str(edit("{\"auths\":{\"a\":{}}}", "delete", "auths.\"a\"", NULL), "{\n\t\"auths\": {}\n}",
	       "the last auths key: auths stays {} (docker always writes it)");
	is_str(edit("{\"auths\":{\"a\":{\"auth\":\"x\",\"email\":\"e\"}}}", "delete", "auths.\"a\".auth", NULL),
	       "{\n\t\"auths\": {\n\t\t\"a\": {\n\t\t\t\"email\": \"e\"\n\t\t}\n\t}\n}", "a field of an entry");
	jsonedit_parse(&root, "c", "{\"Auths\":{\"a\":{\"auth\":\"x\"}}}", 29, &e);
	is_int(jsonedit_get(&v, root, "auths.\"a\".auth", &e), 1, "get finds a member");
	is_str(json_string_value(v), "x", "borrowed value");
	is_int(jsonedit_get(&v, root, "auths.\"b\".auth", &e), 0, "a missing parent: absent");
	is_int(jsonedit_delete(root, "credsStore", &e), 0, "deleting what is not there: 0");
	is_int(jsonedit_delete(root, "auths.\"a\".auth", &e), 1, "deleting: 1");
	json_decref(root);
}

#include "t-fix-jsonedit-docker.h"

int main(void)
{
	char docker[PATH_MAX];
	int have_docker = paths_find_on_path("docker", NULL, docker, sizeof(docker));

	scratch_init();
	sensitive_wipe_json_allocations();
	test_strings();
	test_reals();
	test_layout();
	test_set_order();
	test_delete_get();
	if (have_docker)
		test_against_docker(docker);
	else
		skip("no docker CLI on PATH: the byte-for-byte comparison with docker did not run");
	edit("{}", "delete", "x", NULL);
	scratch_done();
	return tap_done();
}
