/* WWW-Authenticate parsing, table-driven from facts §1 (containerd parse.go). */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "net/wwwauth.h"

struct row {
	const char *name;
	const char *line;
	int rc;                 /* wwwauth_parse_line */
	const char *scheme;     /* lower-case scheme token */
	const char *params;     /* "k=v|k=v" in parse order ("" none) */
	const char *scopes;     /* "a|b" */
};

static const struct row rows[] = {
	{ "registry challenge", "Bearer realm=\"https://auth.example/token\",service=\"registry\",scope=\"repository:a/b:pull\"",
	  0, "bearer", "realm=https://auth.example/token|service=registry|scope=repository:a/b:pull", "repository:a/b:pull" },
	{ "scheme lower-cased, names lower-cased, values keep case", "BEARER Realm=\"HTTPS://X/Token\",SERVICE=Reg",
	  0, "bearer", "realm=HTTPS://X/Token|service=Reg", "" },
	{ "basic", "Basic realm=\"fixkb-basic-realm\"", 0, "basic", "realm=fixkb-basic-realm", "" },
	{ "spaces after commas", "Bearer realm=\"r\",  service=\"s\" ,scope=\"x:y:pull\"", 0, "bearer",
	  "realm=r|service=s|scope=x:y:pull", "x:y:pull" },
	{ "backslash escapes", "Bearer realm=\"a\\\"b\\\\c\\x\"", 0, "bearer", "realm=a\"b\\cx", "" },
	{ "unterminated quote: empty value, stop", "Bearer realm=\"abc,service=\"s\"", 0, "bearer", "realm=abc,service=", "" },
	{ "unterminated quote at end", "Bearer realm=\"https://x", 0, "bearer", "realm=", "" },
	{ "unterminated after an escape", "Bearer realm=\"a\\\"b", 0, "bearer", "realm=", "" },
	{ "unquoted value stops at ':'", "Bearer realm=https://x/token,service=s", 0, "bearer", "realm=https", "" },
	{ "second scheme on one line stops parsing", "Bearer realm=\"a\", Basic realm=\"c\"", 0, "bearer", "realm=a", "" },
	{ "empty value kept, parsing continues", "Bearer scope=\"\",realm=\"r\"", 0, "bearer", "scope=|realm=r", "" },
	{ "several scopes split on spaces", "Bearer realm=\"r\",scope=\"repository:a:pull repository:b:pull,push\"",
	  0, "bearer", "realm=r|scope=repository:a:pull repository:b:pull,push", "repository:a:pull|repository:b:pull,push" },
	{ "error parameter kept", "Bearer realm=\"r\",service=\"s\",scope=\"repository:a:pull\",error=\"insufficient_scope\"",
	  0, "bearer", "realm=r|service=s|scope=repository:a:pull|error=insufficient_scope", "repository:a:pull" },
	{ "repeated name: last wins", "Bearer realm=\"a\",realm=\"b\"", 0, "bearer", "realm=b", "" },
	{ "scheme only", "Negotiate", 0, "negotiate", "", "" },
	{ "token68-ish param with no '=' stops", "Bearer abc", 0, "bearer", "", "" },
	{ "empty line", "", 1, NULL, NULL, NULL },
	{ "only spaces", "   \t", 1, NULL, NULL, NULL },
	{ "leading separator: no scheme", ",Bearer realm=\"x\"", 1, NULL, NULL, NULL },
	{ "surrounding whitespace trimmed", "  Bearer realm=\"x\"  \r\n", 0, "bearer", "realm=x", "" },
	{ "host:port scope unsplit", "Bearer scope=\"repository:localhost:5000/a:pull\"", 0, "bearer",
	  "scope=repository:localhost:5000/a:pull", "repository:localhost:5000/a:pull" },
	{ "ghcr", "Bearer realm=\"https://ghcr.io/token\",service=\"ghcr.io\",scope=\"repository:owner/img:pull\"",
	  0, "bearer", "realm=https://ghcr.io/token|service=ghcr.io|scope=repository:owner/img:pull", "repository:owner/img:pull" },
};

static void joined_params(const struct wwwauth_challenge *c, char *out, size_t n)
{
	size_t i, w = 0;

	out[0] = '\0';
	for (i = 0; i < c->nparams && w < n; i++)
		w += (size_t)snprintf(out + w, n - w, "%s%s=%s", i ? "|" : "", c->params[i].name,
				      c->params[i].value);
}

static void joined_scopes(const struct wwwauth_challenge *c, char *out, size_t n)
{
	size_t i, w = 0;

	out[0] = '\0';
	for (i = 0; i < c->nscopes && w < n; i++)
		w += (size_t)snprintf(out + w, n - w, "%s%s", i ? "|" : "", c->scopes[i]);
}

int main(void)
{
	struct wwwauth_set set = WWWAUTH_SET_INIT;
	char buf[2048];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct wwwauth_challenge c;
		int rc = wwwauth_parse_line(&c, r->line, strlen(r->line));

		is_int(rc, r->rc, "%s: rc", r->name);
		if (rc != 0)
			continue;
		is_str(c.scheme_name, r->scheme, "%s: scheme", r->name);
		joined_params(&c, buf, sizeof(buf));
		is_str(buf, r->params, "%s: params", r->name);
		joined_scopes(&c, buf, sizeof(buf));
		is_str(buf, r->scopes, "%s: scopes", r->name);
		wwwauth_challenge_release(&c);
	}

	/* One challenge per header line; containerd keeps basic/digest/bearer,
	 * sorted Bearer > Digest > Basic, stable. */
	wwwauth_set_add_line(&set, "Basic realm=\"b1\"", 16);
	wwwauth_set_add_line(&set, "Negotiate", 9);
	wwwauth_set_add_line(&set, "Digest realm=\"d\"", 16);
	wwwauth_set_add_line(&set, "Bearer realm=\"r\"", 16);
	wwwauth_set_add_line(&set, "Basic realm=\"b2\"", 16);
	wwwauth_set_add_line(&set, "", 0);
	is_int(set.n, 5, "five challenges kept in header order");
	is_int(set.dropped, 1, "the empty line is dropped");
	is_str(set.c[0].scheme_name, "basic", "header order first is basic");
	wwwauth_containerd_order(&set);
	is_int(set.n, 4, "containerd drops negotiate");
	is_int(set.c[0].scheme, WWWAUTH_BEARER, "bearer first");
	is_int(set.c[1].scheme, WWWAUTH_DIGEST, "digest second");
	is_str(wwwauth_param(&set.c[2], "realm"), "b1", "basic b1 third (stable)");
	is_str(wwwauth_param(&set.c[3], "realm"), "b2", "basic b2 fourth (stable)");
	ok(wwwauth_find(&set, WWWAUTH_BEARER) == &set.c[0], "find bearer");
	ok(wwwauth_param(&set.c[0], "service") == NULL, "absent param is NULL");
	wwwauth_set_release(&set);

	/* Caps: many lines, many params, many scopes. */
	for (i = 0; i < WWWAUTH_MAX_CHALLENGES + 3; i++)
		wwwauth_set_add_line(&set, "Bearer realm=\"x\"", 16);
	is_int(set.n, WWWAUTH_MAX_CHALLENGES, "challenge cap");
	is_int(set.dropped, 3, "lines past the cap are counted");
	wwwauth_set_release(&set);
	{
		struct wwwauth_challenge c;
		char line[4096];
		size_t w = (size_t)snprintf(line, sizeof(line), "Bearer ");

		for (i = 0; i < 20; i++)
			w += (size_t)snprintf(line + w, sizeof(line) - w, "%sp%zu=\"v\"", i ? "," : "", i);
		wwwauth_parse_line(&c, line, strlen(line));
		is_int(c.nparams, WWWAUTH_MAX_PARAMS, "param cap");
		is_int(c.dropped_params, 4, "dropped params counted");
		wwwauth_challenge_release(&c);
	}
	{
		/* Embedded NUL and high bytes never crash; JSON stays valid. */
		static const char weird[] = "Bearer realm=\"a\xff\xfe\",service=\"\x01\"";
		struct wwwauth_challenge c;
		json_t *j;

		is_int(wwwauth_parse_line(&c, weird, sizeof(weird) - 1), 0, "binary bytes parse");
		j = wwwauth_challenge_json(&c);
		ok(j && json_object_get(j, "params"), "json of a binary challenge");
		json_decref(j);
		wwwauth_challenge_release(&c);
	}
	return tap_done();
}
