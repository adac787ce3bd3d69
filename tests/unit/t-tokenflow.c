/* The pure parts of the token flows: query encoding as Go does it
 * (net/urlvalues.h), token URLs, per-client fallback tables and scopes
 * (net/tokenclient.h), the messages clients print (net/tokenmsg.h),
 * credential descriptions. The flows themselves: t-tokencases.c; RFC
 * 3339: t-rfc3339.c. (Body redaction, URLs, loopback and insecure
 * registries are tested with their modules: t-redact, t-url,
 * t-daemoncfg, t-jsontext.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/http.h"
#include "tap.h"
#include "net/tokenclient.h"
#include "net/tokenmsg.h"
#include "net/tokenstep.h"
#include "net/urlvalues.h"

static const char *esc(const char *s)
{
	static char out[1024];
	struct buf b = BUF_INIT(1000);

	urlvalues_escape(&b, s, strlen(s));
	snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
	buf_release(&b);
	return out;
}

/* Collects "[k=v]" into arg (a 256-byte string). */
static int join_pair(const char *key, const char *val, void *arg)
{
	char *s = arg;
	size_t l = strlen(s);

	snprintf(s + l, 256 - l, "[%s=%s]", key, val);
	return 0;
}

static int stop_at_b(const char *key, const char *val, void *arg)
{
	(void)val;
	(void)arg;
	return strcmp(key, "b") == 0 ? -1 : 0;
}

struct fb { enum tokenclient c; enum tokenclient_method failed; long status; int user; enum tokenclient_method want; };

int main(void)
{
	char url[HTTP_URL_MAX], msg[TOKENMSG_MAX];
	char sc[SCOPE_SET_MAX][SCOPE_MAX];
	struct buf b = BUF_INIT(4096);
	size_t i, n;

	/* Go url.QueryEscape */
	is_str(esc("repository:fixkb/tiny:pull"), "repository%3Afixkb%2Ftiny%3Apull", "':' and '/' escaped");
	is_str(esc("a b,c~d_e.f-g"), "a+b%2Cc~d_e.f-g", "space is '+', ',' escaped, unreserved kept");
	is_str(esc("é"), "%C3%A9", "UTF-8 bytes escaped upper-case");

	/* url.Values.Encode: keys sorted, stable within a key */
	{
		struct urlvalues_kv kv[] = { { "service", "reg", 3 }, { "scope", "s2", 2 }, { "account", "alice", 5 },
				      { "scope", "s1", 2 } };

		urlvalues_encode(&b, kv, 4);
		is_str(b.data, "account=alice&scope=s2&scope=s1&service=reg", "keys sorted, values in order");
		buf_release(&b);
	}

	/* The exact GET token URL BuildKit prints (facts §2.1 / brief). */
	{
		struct urlvalues_kv kv[] = { { "service", "fixkb-registry", 14 },
				      { "scope", "repository:fixkb/tiny:pull", 26 } };

		urlvalues_url(url, sizeof(url), "http://127.0.0.1:5000/token", kv, 2);
		is_str(url, "http://127.0.0.1:5000/token?scope=repository%3Afixkb%2Ftiny%3Apull&service=fixkb-registry",
		       "scope before service, percent-encoded");
		urlvalues_url(url, sizeof(url), "https://auth.example/token?z=1&a=b%20c", kv, 2);
		is_str(url, "https://auth.example/token?a=b+c&scope=repository%3Afixkb%2Ftiny%3Apull&service=fixkb-registry&z=1",
		       "realm's own query merged and re-encoded");
		urlvalues_url(url, sizeof(url), "https://ghcr.io/token", kv, 0);
		is_str(url, "https://ghcr.io/token", "no parameters: realm as is");
	}
	{
		struct urlvalues_kv kv[] = { { "service", "s", 1 }, { "scope", "repository:a:pull", 17 },
				      { "scope", "repository:b:pull", 17 } };

		urlvalues_url(url, sizeof(url), "https://r/t", kv, 3);
		is_str(url, "https://r/t?scope=repository%3Aa%3Apull&scope=repository%3Ab%3Apull&service=s",
		       "one scope parameter per scope");
	}
	{
		struct urlvalues_kv kv[] = { { "service", "s", 1 }, { "offline_token", "true", 4 },
				      { "client_id", "docker", 6 }, { "account", "alice", 5 } };

		urlvalues_url(url, sizeof(url), "https://r/token", kv, 4);
		is_str(url, "https://r/token?account=alice&client_id=docker&offline_token=true&service=s",
		       "docker login GET: no scope");
	}
	/* url.ParseQuery (lenient) */
	{
		char seen[256] = "";

		is_int(urlvalues_parse("a=1&&b=x+y%2Fz&c&d=%zz", 22, join_pair, seen), 0, "parse: ok");
		is_str(seen, "[a=1][b=x y/z][c=][d=%zz]", "parse: '+', %%XX, no '=', bad escape kept, empty piece skipped");
		is_int(urlvalues_parse("a=1&b=2", 7, stop_at_b, seen), -1, "parse: the callback stops it");
	}

	/* Fallback tables (facts §2.2-§2.4) */
	{
		static const struct fb t[] = {
			{ TOKENCLIENT_BUILDKIT, TOKENCLIENT_POST, 401, 1, TOKENCLIENT_GET },
			{ TOKENCLIENT_BUILDKIT, TOKENCLIENT_POST, 404, 1, TOKENCLIENT_GET },
			{ TOKENCLIENT_BUILDKIT, TOKENCLIENT_POST, 405, 1, TOKENCLIENT_GET },
			{ TOKENCLIENT_BUILDKIT, TOKENCLIENT_POST, 405, 0, TOKENCLIENT_NONE },
			{ TOKENCLIENT_BUILDKIT, TOKENCLIENT_POST, 400, 1, TOKENCLIENT_NONE },
			{ TOKENCLIENT_BUILDKIT, TOKENCLIENT_POST, 403, 1, TOKENCLIENT_NONE },
			{ TOKENCLIENT_BUILDKIT, TOKENCLIENT_POST, 500, 1, TOKENCLIENT_NONE },
			{ TOKENCLIENT_BUILDKIT, TOKENCLIENT_GET, 401, 1, TOKENCLIENT_NONE },
			{ TOKENCLIENT_BUILDKIT, TOKENCLIENT_POST, 401, 0, TOKENCLIENT_GET },
			{ TOKENCLIENT_CONTAINERD, TOKENCLIENT_POST, 400, 1, TOKENCLIENT_GET },
			{ TOKENCLIENT_CONTAINERD, TOKENCLIENT_POST, 400, 0, TOKENCLIENT_GET },
			{ TOKENCLIENT_CONTAINERD, TOKENCLIENT_POST, 401, 1, TOKENCLIENT_GET },
			{ TOKENCLIENT_CONTAINERD, TOKENCLIENT_POST, 404, 0, TOKENCLIENT_GET },
			{ TOKENCLIENT_CONTAINERD, TOKENCLIENT_POST, 405, 0, TOKENCLIENT_NONE },
			{ TOKENCLIENT_CONTAINERD, TOKENCLIENT_POST, 403, 1, TOKENCLIENT_NONE },
			{ TOKENCLIENT_CONTAINERD, TOKENCLIENT_POST, 503, 1, TOKENCLIENT_NONE },
			{ TOKENCLIENT_BUILDKIT_DAEMON, TOKENCLIENT_GET, 401, 1, TOKENCLIENT_POST },
			{ TOKENCLIENT_BUILDKIT_DAEMON, TOKENCLIENT_GET, 404, 1, TOKENCLIENT_POST },
			{ TOKENCLIENT_BUILDKIT_DAEMON, TOKENCLIENT_GET, 405, 1, TOKENCLIENT_POST },
			{ TOKENCLIENT_BUILDKIT_DAEMON, TOKENCLIENT_GET, 405, 0, TOKENCLIENT_NONE },
			{ TOKENCLIENT_BUILDKIT_DAEMON, TOKENCLIENT_GET, 400, 1, TOKENCLIENT_NONE },
			{ TOKENCLIENT_BUILDKIT_DAEMON, TOKENCLIENT_POST, 401, 1, TOKENCLIENT_NONE },
			{ TOKENCLIENT_DOCKER_LOGIN, TOKENCLIENT_GET, 401, 1, TOKENCLIENT_NONE },
			{ TOKENCLIENT_PODMAN, TOKENCLIENT_GET, 401, 1, TOKENCLIENT_NONE },
			{ TOKENCLIENT_PODMAN, TOKENCLIENT_POST, 401, 0, TOKENCLIENT_NONE },
			{ TOKENCLIENT_PODMAN, TOKENCLIENT_POST, 404, 1, TOKENCLIENT_NONE },
		};

		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
			is_int(tokenclient_fallback(t[i].c, t[i].failed, t[i].status, t[i].user), t[i].want,
			       "%s: %s %ld%s -> fallback", tokenclient_name(t[i].c),
			       t[i].failed == TOKENCLIENT_POST ? "POST" : "GET", t[i].status,
			       t[i].user ? " (username)" : " (no username)");
	}
	is_int(tokenclient_first_method(TOKENCLIENT_BUILDKIT, 1), TOKENCLIENT_POST, "buildkit client: POST first");
	is_int(tokenclient_first_method(TOKENCLIENT_CONTAINERD, 1), TOKENCLIENT_POST, "containerd: POST first");
	is_int(tokenclient_first_method(TOKENCLIENT_BUILDKIT_DAEMON, 1), TOKENCLIENT_GET, "buildkit daemon: GET first");
	is_int(tokenclient_first_method(TOKENCLIENT_DOCKER_LOGIN, 1), TOKENCLIENT_GET, "docker login: GET");
	is_int(tokenclient_first_method(TOKENCLIENT_BUILDKIT, 0), TOKENCLIENT_GET, "no secret: anonymous GET");
	is_str(tokenclient_id(TOKENCLIENT_BUILDKIT), "buildkit-client", "client_id buildkit");
	is_str(tokenclient_id(TOKENCLIENT_CONTAINERD), "containerd-client", "client_id containerd");
	is_str(tokenclient_id(TOKENCLIENT_PODMAN), "containers/image", "client_id containers/image");
	{
		enum tokenclient c = TOKENCLIENT_BUILDKIT;

		ok(tokenclient_from_name("containerd", &c) == 0 && c == TOKENCLIENT_CONTAINERD, "name -> containerd");
		ok(tokenclient_from_name("docker-login", &c) == 0 && c == TOKENCLIENT_DOCKER_LOGIN, "name -> docker-login");
		ok(tokenclient_from_name("podman", &c) == 0 && c == TOKENCLIENT_PODMAN, "name -> podman");
		ok(tokenclient_from_name("skopeo", &c) < 0 && c == TOKENCLIENT_PODMAN, "unknown name: -1, untouched");
		is_str(tokenclient_name(TOKENCLIENT_BUILDKIT_DAEMON), "buildkit-daemon", "name of the daemon path");
	}

	/* Messages */
	tokenmsg_fetch(msg, sizeof(msg), 0, "GET",
			 "http://127.0.0.1:5000/token?scope=repository%3Afixkb%2Ftiny%3Apull&service=fixkb-registry",
			 401, "Unauthorized");
	is_str(msg, "failed to fetch oauth token: unexpected status from GET request to "
	       "http://127.0.0.1:5000/token?scope=repository%3Afixkb%2Ftiny%3Apull&service=fixkb-registry: "
	       "401 Unauthorized", "BuildKit client-path message");
	tokenmsg_fetch(msg, sizeof(msg), 0, "POST", "https://ghcr.io/token", 401, "");
	is_str(msg, "failed to fetch oauth token: unexpected status from POST request to "
	       "https://ghcr.io/token: 401 Unauthorized", "daemon-path message (HTTP/2: standard reason)");
	tokenmsg_fetch(msg, sizeof(msg), 1, "GET", "https://r/t?service=s", 403, "Forbidden");
	is_str(msg, "failed to fetch anonymous token: unexpected status from GET request to "
	       "https://r/t?service=s: 403 Forbidden", "anonymous message");
	tokenmsg_fetch_v024(msg, sizeof(msg), 0, "GET", "https://ghcr.io/token?x", 403, "Forbidden",
			      "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"denied\"}]}",
			      strlen("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"denied\"}]}"));
	is_str(msg, "failed to fetch oauth token: denied: denied", "v0.24: registry error JSON");
	{
		const char *body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}";

		tokenmsg_fetch_v024(msg, sizeof(msg), 0, "GET", "u", 401, "Unauthorized", body, strlen(body));
		is_str(msg, "failed to fetch oauth token: unauthorized", "v0.24: default message shows only the code");
	}
	{
		static const struct { const char *body, *want, *name; } t[] = {
			{ "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\"}]}",
			  "failed to fetch oauth token: unknown: repository name not known to registry",
			  "v0.24: a code containerd does not register is unknown" },
			{ "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\",\"detail\":\"no pull\"}]}",
			  "failed to fetch oauth token: denied: requested access to the resource is denied - no pull",
			  "v0.24: a detail keeps the message and is appended" },
			{ "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"service unavailable\",\"detail\":null}]}",
			  "failed to fetch oauth token: unavailable", "v0.24: a null detail is no detail" },
			{ "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"a\"},{\"code\":\"UNAUTHORIZED\"}]}",
			  "failed to fetch oauth token: errors: denied: a unauthorized", "v0.24: several errors" },
			{ "{\"errors\":[]}",
			  "failed to fetch oauth token: unexpected status from GET request to u: 403 Forbidden: {\"errors\":[]}",
			  "v0.24: no error in the list: the body" },
		};

		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			tokenmsg_fetch_v024(msg, sizeof(msg), 0, "GET", "u", 403, "Forbidden", t[i].body,
					    strlen(t[i].body));
			is_str(msg, t[i].want, "%s", t[i].name);
		}
	}
	{
		const char *body = "{\"details\": \"incorrect username or password\"}\n";

		tokenmsg_fetch_v024(msg, sizeof(msg), 0, "GET", "u", 401, "Unauthorized", body, strlen(body));
		is_str(msg, "failed to fetch oauth token: unexpected status from GET request to u: 401 "
		       "Unauthorized: incorrect username or password", "v0.24: the details string appended");
		tokenmsg_fetch_v024(msg, sizeof(msg), 1, "GET", "u", 401, "Unauthorized", body, strlen(body));
		ok(strstr(msg, "details") == NULL, "v0.24: anonymous errors untouched");
	}
	{
		char big[600];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		tokenmsg_fetch_v024(msg, sizeof(msg), 0, "GET", "u", 500, "Internal Server Error", big, strlen(big));
		is_str(strstr(msg, "Error: ") + 7 + 256, "... (343 bytes truncated)", "v0.24: body cut at 256 bytes, the rest counted");
		tokenmsg_fetch_v024(msg, sizeof(msg), 0, "POST", "u", 404, "Not Found", "404 page not found\n", 19);
		is_str(msg, "failed to fetch oauth token: unexpected status from POST request to u: 404 Not Found: "
		       "404 page not found", "v0.24: a text body, its line break dropped");
	}

	/* docker login's wording (distribution registry/client/errors.go) */
	{
		const char *d = "{\"details\":\"incorrect username or password\"}";
		const char *tm = "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}";

		tokenmsg_login(msg, sizeof(msg), "https://r/v2/", 401, "Unauthorized", d, strlen(d));
		is_str(msg, "Get \"https://r/v2/\": unauthorized: incorrect username or password", "login 401: details");
		tokenmsg_login(msg, sizeof(msg), "https://r/v2/", 401, "Unauthorized", "", 0);
		is_str(msg, "Get \"https://r/v2/\": unauthorized: authentication required", "login 401: no body");
		tokenmsg_login(msg, sizeof(msg), "https://r/v2/", 429, "Too Many Requests", tm, strlen(tm));
		is_str(msg, "Get \"https://r/v2/\": toomanyrequests: slow down", "login 429: registry error JSON");
		tokenmsg_login(msg, sizeof(msg), "https://r/v2/", 429, "Too Many Requests", "Rate exceeded\nmore", 18);
		is_str(msg, "Get \"https://r/v2/\": toomanyrequests: Rate exceeded", "login 429: text body, first line");
		tokenmsg_login(msg, sizeof(msg), "https://r/v2/", 429, "Too Many Requests", "{\"details\":\"wait\"}", 18);
		is_str(msg, "Get \"https://r/v2/\": toomanyrequests: wait", "login 429: details");
		tokenmsg_login(msg, sizeof(msg), "https://r/v2/", 503, "Service Unavailable", "<html>", 6);
		is_str(msg, "Get \"https://r/v2/\": unexpected status 503 Service Unavailable", "login 503: not JSON");
	}

	/* Scopes per client */
	{
		char *ch[] = { "repository:fixkb/tiny:push", "repository:fixkb/tiny:pull" };

		n = tokenclient_scopes(TOKENCLIENT_BUILDKIT, "repository:fixkb/tiny:pull", ch, 2, sc, SCOPE_SET_MAX);
		is_int(n, 1, "buildkit merges actions per name");
		is_str(sc[0], "repository:fixkb/tiny:pull,push", "buildkit normalised scope");
		n = tokenclient_scopes(TOKENCLIENT_CONTAINERD, "repository:fixkb/tiny:pull", ch, 2, sc, SCOPE_SET_MAX);
		is_int(n, 2, "containerd de-duplicates strings only");
		is_str(sc[0], "repository:fixkb/tiny:pull", "containerd sorted 1");
		is_str(sc[1], "repository:fixkb/tiny:push", "containerd sorted 2");
		n = tokenclient_scopes(TOKENCLIENT_DOCKER_LOGIN, "repository:fixkb/tiny:pull", ch, 2, sc, SCOPE_SET_MAX);
		is_int(n, 0, "docker login requests no scope");
		n = tokenclient_scopes(TOKENCLIENT_PODMAN, "repository:fixkb/tiny:pull,push", ch, 2, sc, SCOPE_SET_MAX);
		is_int(n, 1, "c/image asks for its own scope only");
		is_str(sc[0], "repository:fixkb/tiny:pull,push", "c/image scope as built");
		ok(scope_push(sc[0], SCOPE_MAX, "fixkb/tiny") == 0 &&
		   strcmp(sc[0], "repository:fixkb/tiny:pull,push") == 0, "scope_push: pull,push");
	}

	/* containers/image messages (docker/errors.go, distribution_error.go) */
	{
		struct wwwauth_set ch2 = { 0 };
		const char *isc = "Bearer realm=\"https://r/token\",service=\"r\",scope=\"repository:a:pull\",error=\"insufficient_scope\"";
		const char *errs = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}";
		const char *denied = "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"permission_denied: write_package\"}]}";

		tokenmsg_cimage_error(msg, sizeof(msg), 404, "Not Found", NULL, errs, strlen(errs));
		is_str(msg, "manifest unknown", "c/image: a default message alone");
		tokenmsg_cimage_error(msg, sizeof(msg), 403, "Forbidden", NULL, denied, strlen(denied));
		is_str(msg, "denied: permission_denied: write_package", "c/image: code and message");
		tokenmsg_cimage_error(msg, sizeof(msg), 404, "Not Found", NULL, "404 page not found\n", 19);
		is_str(msg, "StatusCode: 404, \"404 page not found\\n\"", "c/image: a non-JSON 4xx body, Go-quoted");
		tokenmsg_cimage_error(msg, sizeof(msg), 401, "Unauthorized", NULL, "<html>", 6);
		is_str(msg, "authentication required", "c/image: a 401 without JSON");
		tokenmsg_cimage_error(msg, sizeof(msg), 502, "Bad Gateway", NULL, "", 0);
		is_str(msg, "received unexpected HTTP status: 502 Bad Gateway", "c/image: outside 4xx");
		wwwauth_set_add_line(&ch2, isc, strlen(isc));
		tokenmsg_cimage_error(msg, sizeof(msg), 401, "Unauthorized", &ch2, "", 0);
		is_str(msg, "requested access to the resource is denied", "c/image: the challenge's insufficient_scope first");
		wwwauth_set_release(&ch2);
		tokenmsg_cimage_token(msg, sizeof(msg), 1, 400, "Bad Request", NULL, "", 0);
		is_str(msg, "Trying to obtain access token: received unexpected HTTP status: 400 Bad Request", "c/image: the POST's context");
		tokenmsg_cimage_token(msg, sizeof(msg), 0, 429, "Too Many Requests", NULL, "", 0);
		is_str(msg, "too many requests to registry", "c/image: 429 on the token");
	}

	/* Credential description never holds the secret */
	{
		struct sensitive s = SENSITIVE_INIT;

		sensitive_set(&s, "alicepw", 7);
		tokenstep_credential_desc(msg, sizeof(msg), "Basic", "alice", &s);
		ok(strncmp(msg, "Basic alice:sha256:", 19) == 0 && !strstr(msg, "alicepw"), "Basic alice:sha256:…");
		sensitive_release(&s);
	}

	is_str(http_status_text(405), "Method Not Allowed", "status text");
	return tap_done();
}
