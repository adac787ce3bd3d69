/* tokresp_parse: a token endpoint's answer decoded as the clients decode
 * it (see tokenresp.h for where each rule comes from). */
#include <string.h>

#include "tap.h"
#include "net/tokenresp.h"

static struct tokresp tr;

static enum tokresp_status parse(const char *body, int post)
{
	tokresp_release(&tr);
	tokresp_parse(&tr, body, strlen(body), post);
	return tr.status;
}

static const char *token(void)
{
	return tr.token.data ? tr.token.data : "";
}

int main(void)
{
	/* GET: token or access_token, access_token wins */
	is_int(parse("{\"token\":\"t1\"}", 0), TOKRESP_OK, "GET: token alone");
	is_str(token(), "t1", "GET: token is the token");
	is_int(parse("{\"token\":\"t1\",\"access_token\":\"a1\"}", 0), TOKRESP_OK, "GET: both");
	is_str(token(), "a1", "GET: access_token wins over token");
	ok(tr.has_token && tr.has_access_token, "GET: both fields seen");
	is_int(parse("{\"token\":\"t1\",\"access_token\":\"\"}", 0), TOKRESP_OK, "GET: empty access_token");
	is_str(token(), "t1", "GET: an empty access_token does not win");
	is_int(parse("{\"token\":\"\"}", 0), TOKRESP_NO_TOKEN, "GET: empty token is no token");
	is_int(parse("{\"token\":7}", 0), TOKRESP_NO_TOKEN, "GET: a number is no token");
	is_int(parse("{}", 0), TOKRESP_NO_TOKEN, "GET: {} has no token");

	/* POST (OAuth2): only access_token counts */
	is_int(parse("{\"token\":\"t1\"}", 1), TOKRESP_NO_TOKEN, "POST: token alone is not enough");
	ok(tr.has_token && !tr.has_access_token, "POST: token seen, access_token not");
	is_int(parse("{\"access_token\":\"a1\",\"token\":\"t1\"}", 1), TOKRESP_OK, "POST: access_token");
	is_str(token(), "a1", "POST: access_token is the token");

	/* not JSON */
	is_int(parse("", 0), TOKRESP_NOT_JSON, "empty body: not JSON");
	is_str(tr.detail, "EOF", "empty body: Go's io.EOF");
	is_int(parse(" \r\n", 0), TOKRESP_NOT_JSON, "blank body: not JSON");
	is_str(tr.detail, "EOF", "blank body: Go's io.EOF");
	is_int(parse("<html>hi</html>", 0), TOKRESP_NOT_JSON, "HTML: not JSON");
	is_str(tr.detail, "invalid character '<' looking for beginning of value",
	       "HTML: Go's json error");
	parse("\n'x'", 0);
	is_str(tr.detail, "invalid character '\\'' looking for beginning of value",
	       "a quote is escaped as Go does");
	is_int(parse("{\"token\":\"abc", 0), TOKRESP_NOT_JSON, "cut off: not JSON");
	is_str(tr.detail, "unexpected EOF", "cut off: Go's io.ErrUnexpectedEOF");
	is_int(parse("{\"token\":\"abc\"}\n<html>", 0), TOKRESP_OK,
	       "trailing bytes after the object are not read (json.Decoder)");
	is_str(token(), "abc", "trailing bytes: token");
	parse("{\"token\": tru}", 0);
	ok(tr.status == TOKRESP_NOT_JSON && tr.detail[0], "bad literal: jansson's reason (%s)", tr.detail);
	is_int(parse("[\"token\"]", 0), TOKRESP_NOT_JSON, "an array: not JSON object");
	is_str(tr.detail, "not a JSON object", "an array: says so");
	is_int(parse("{\"token\":\"t1\"", 0), TOKRESP_NOT_JSON, "truncated: not JSON");
	ok(tr.token.data == NULL, "truncated: no token kept");

	/* issued_at */
	is_int(parse("{\"token\":\"t\",\"issued_at\":\"2024-03-20T10:00:00Z\"}", 0), TOKRESP_OK,
	       "issued_at RFC 3339");
	ok(tr.has_issued_at && strcmp(tr.issued_at, "2024-03-20T10:00:00Z") == 0, "issued_at kept");
	is_int(parse("{\"token\":\"t\",\"issued_at\":\"2024-03-20 10:00:00\"}", 0),
	       TOKRESP_BAD_ISSUED_AT, "issued_at not RFC 3339 fails the whole decode");
	ok(tr.token.data == NULL, "bad issued_at: no token kept");
	is_int(parse("{\"access_token\":\"a\",\"issued_at\":\"yesterday\"}", 1),
	       TOKRESP_BAD_ISSUED_AT, "POST: bad issued_at too");

	/* expires_in */
	parse("{\"token\":\"t\"}", 0);
	ok(!tr.has_expires_in && tr.expires_in == 60, "no expires_in: 60 s");
	parse("{\"token\":\"t\",\"expires_in\":300}", 0);
	ok(tr.has_expires_in && tr.expires_in == 300, "expires_in 300");
	parse("{\"token\":\"t\",\"expires_in\":0}", 0);
	ok(tr.has_expires_in && tr.expires_in_given == 0 && tr.expires_in == 60, "expires_in 0: 60 s");
	parse("{\"token\":\"t\",\"expires_in\":-5}", 0);
	ok(tr.expires_in == 60, "expires_in < 0: 60 s");
	parse("{\"token\":\"t\",\"expires_in\":\"300\"}", 0);
	ok(!tr.has_expires_in && tr.expires_in == 60, "expires_in as a string: not an integer, 60 s");

	/* refresh_token: presence only */
	parse("{\"access_token\":\"a\",\"refresh_token\":\"r\"}", 1);
	ok(tr.has_refresh_token, "refresh_token seen");

	/* the body need not be NUL-terminated */
	tokresp_release(&tr);
	tokresp_parse(&tr, "{\"token\":\"abc\"}garbage", 15, 0);
	is_int(tr.status, TOKRESP_OK, "length-bounded body");
	is_str(token(), "abc", "length-bounded body: token");

	tokresp_release(&tr);
	ok(tr.token.data == NULL && tr.token.len == 0, "release empties the token");
	tokresp_release(&tr);
	tokresp_release(NULL);
	return tap_done();
}
