/* util/jsontext.h: text from outside made fit for JSON — invalid UTF-8
 * and control bytes become '?', the cap cuts and marks the cut. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "util/jsontext.h"
#include "tap.h"

/* jsontext_string(s, len, max) as a C string (static), "(null)" for JSON null. */
static const char *js(const char *s, size_t len, size_t max)
{
	static char out[1024];
	json_t *j = jsontext_string(s, len, max);

	if (!j)
		snprintf(out, sizeof(out), "(no value)");
	else if (json_is_null(j))
		snprintf(out, sizeof(out), "(null)");
	else if (!json_is_string(j))
		snprintf(out, sizeof(out), "(not a string)");
	else
		snprintf(out, sizeof(out), "%s", json_string_value(j));
	json_decref(j);
	return out;
}

static const char *san(const char *s)
{
	static char out[256];

	snprintf(out, sizeof(out), "%s", s);
	jsontext_sanitize_utf8(out);
	return out;
}

static const struct {
	const char *in;
	size_t len;
	const char *want, *why;
} cases[] = {
	{ "plain text", 10, "plain text", "ASCII kept" },
	{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "2-, 3- and 4-byte sequences kept" },
	{ "\xf4\x8f\xbf\xbf", 4, "\xf4\x8f\xbf\xbf", "U+10FFFF, the last code point, kept" },
	{ "a\xff" "b\x01", 4, "a?b?", "invalid byte and control byte" },
	{ "\xc0\xaf", 2, "??", "overlong '/' (2 bytes)" },
	{ "\xe0\x80\xaf", 3, "???", "overlong '/' (3 bytes)" },
	{ "\xed\xa0\x80", 3, "???", "a UTF-16 surrogate" },
	{ "\xf4\x90\x80\x80", 4, "????", "past U+10FFFF" },
	{ "\x80x", 2, "?x", "a lone continuation byte" },
	{ "x\xe2\x82", 3, "x??", "a sequence cut by the end of the text" },
	{ "\xe2(\xa1", 3, "?(?", "a sequence broken by ASCII" },
	{ "\x1b[31mred", 8, "?[31mred", "ESC (terminal escapes) replaced" },
	{ "a\0b", 3, "a?b", "NUL inside the text replaced, text not cut" },
	{ "line\nnext\ttab\r", 14, "line\nnext\ttab?", "newline and tab kept, CR replaced" },
	{ "del\x7f", 4, "del\x7f", "DEL is not a C0 control: kept" },
};

static void test_string(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_str(js(cases[i].in, cases[i].len, 100), cases[i].want, "string: %s", cases[i].why);
	is_str(js(NULL, 0, 10), "(null)", "string: NULL gives JSON null");
	is_str(js("", 0, 10), "", "string: empty");
}

static void test_cap(void)
{
	is_str(js("abcdef", 6, 3), "abc\xe2\x80\xa6", "cap: cut at max and marked with an ellipsis");
	is_str(js("abc", 3, 3), "abc", "cap: exactly max is not cut");
	is_str(js("abcd", 4, 3), "abc\xe2\x80\xa6", "cap: one byte over is cut");
	is_str(js("abc", 3, 0), "\xe2\x80\xa6", "cap: max 0 keeps only the mark");
	is_str(js("\xc3\xa9\xc3\xa9", 4, 3), "\xc3\xa9?\xe2\x80\xa6", "cap: a sequence cut by the cap becomes '?'");
	is_str(js("a\xff\xff\xff", 4, 2), "a?\xe2\x80\xa6", "cap: replacement never outgrows the cut");
}

static void test_sanitize(void)
{
	char s[] = "a\xff" "b\nc\td\x1b" "e";

	is_str(san("plain \xc3\xa9"), "plain \xc3\xa9", "sanitize: valid UTF-8 kept");
	jsontext_sanitize_utf8(s);
	is_str(s, "a?b?c?d?e", "sanitize: invalid byte, newline, tab, ESC replaced");
	is_int(strlen(s), 9, "sanitize: length unchanged");
	is_str(san("\xed\xa0\x80!"), "???" "!", "sanitize: surrogate replaced byte by byte");
	is_str(san("x\xe2\x82"), "x??", "sanitize: sequence cut by the end");
	is_str(san(""), "", "sanitize: empty");
}

int main(void)
{
	test_string();
	test_cap();
	test_sanitize();
	return tap_done();
}
