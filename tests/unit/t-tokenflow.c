/* The pure parts of the token flows: query encoding as Go does it, token
 * URLs, per-client fallback tables, the messages clients print, scopes,
 * RFC 3339. (Body redaction, URLs, loopback and insecure registries are
 * tested with their modules: t-redact, t-url, t-daemoncfg, t-jsontext.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/http.h"
#include "tap.h"
#include "net/tokenflow.h"

static const char *esc(const char *s)
{
	static char out[1024];
	struct buf b = BUF_INIT(1000);

	tf_query_escape(&b, s, strlen(s));
	snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
	buf_release(&b);
	return out;
}

struct fb { enum tf_client c; enum tf_method failed; long status; int user; enum tf_method want; };

int main(void)
{
	char url[HTTP_URL_MAX], msg[TF_MSG_MAX];
	char sc[SCOPE_SET_MAX][SCOPE_MAX];
	struct buf b = BUF_INIT(4096);
	size_t i, n;

	/* Go url.QueryEscape */
	is_str(esc("repository:fixkb/tiny:pull"), "repository%3Afixkb%2Ftiny%3Apull", "':' and '/' escaped");
	is_str(esc("a b,c~d_e.f-g"), "a+b%2Cc~d_e.f-g", "space is '+', ',' escaped, unreserved kept");
	is_str(esc("é"), "%C3%A9", "UTF-8 bytes escaped upper-case");

	/* url.Values.Encode: keys sorted, stable within a key */
	{
		struct tf_kv kv[] = { { "service", "reg", 3 }, { "scope", "s2", 2 }, { "account", "alice", 5 },
				      { "scope", "s1", 2 } };

		tf_encode_values(&b, kv, 4);
		is_str(b.data, "account=alice&scope=s2&scope=s1&service=reg", "keys sorted, values in order");
		buf_release(&b);
	}

	/* The exact GET token URL BuildKit prints (facts §2.1 / brief). */
	{
		struct tf_kv kv[] = { { "service", "fixkb-registry", 14 },
				      { "scope", "repository:fixkb/tiny:pull", 26 } };

		tf_token_get_url(url, sizeof(url), "http://127.0.0.1:5000/token", kv, 2);
		is_str(url, "http://127.0.0.1:5000/token?scope=repository%3Afixkb%2Ftiny%3Apull&service=fixkb-registry",
		       "scope before service, percent-encoded");
		tf_token_get_url(url, sizeof(url), "https://auth.example/token?z=1&a=b%20c", kv, 2);
		is_str(url, "https://auth.example/token?a=b+c&scope=repository%3Afixkb%2Ftiny%3Apull&service=fixkb-registry&z=1",
		       "realm's own query merged and re-encoded");
		tf_token_get_url(url, sizeof(url), "https://ghcr.io/token", kv, 0);
		is_str(url, "https://ghcr.io/token", "no parameters: realm as is");
	}
	{
		struct tf_kv kv[] = { { "service", "s", 1 }, { "scope", "repository:a:pull", 17 },
				      { "scope", "repository:b:pull", 17 } };

		tf_token_get_url(url, sizeof(url), "https://r/t", kv, 3);
		is_str(url, "https://r/t?scope=repository%3Aa%3Apull&scope=repository%3Ab%3Apull&service=s",
		       "one scope parameter per scope");
	}
	{
		struct tf_kv kv[] = { { "service", "s", 1 }, { "offline_token", "true", 4 },
				      { "client_id", "docker", 6 }, { "account", "alice", 5 } };

		tf_token_get_url(url, sizeof(url), "https://r/token", kv, 4);
		is_str(url, "https://r/token?account=alice&client_id=docker&offline_token=true&service=s",
		       "docker login GET: no scope");
	}

	/* Fallback tables (facts §2.2-§2.4) */
	{
		static const struct fb t[] = {
			{ TF_CLIENT_BUILDKIT, TF_POST, 401, 1, TF_GET },
			{ TF_CLIENT_BUILDKIT, TF_POST, 404, 1, TF_GET },
			{ TF_CLIENT_BUILDKIT, TF_POST, 405, 1, TF_GET },
			{ TF_CLIENT_BUILDKIT, TF_POST, 405, 0, TF_NONE },
			{ TF_CLIENT_BUILDKIT, TF_POST, 400, 1, TF_NONE },
			{ TF_CLIENT_BUILDKIT, TF_POST, 403, 1, TF_NONE },
			{ TF_CLIENT_BUILDKIT, TF_POST, 500, 1, TF_NONE },
			{ TF_CLIENT_BUILDKIT, TF_GET, 401, 1, TF_NONE },
			{ TF_CLIENT_BUILDKIT, TF_POST, 401, 0, TF_GET },
			{ TF_CLIENT_CONTAINERD, TF_POST, 400, 1, TF_GET },
			{ TF_CLIENT_CONTAINERD, TF_POST, 400, 0, TF_GET },
			{ TF_CLIENT_CONTAINERD, TF_POST, 401, 1, TF_GET },
			{ TF_CLIENT_CONTAINERD, TF_POST, 404, 0, TF_GET },
			{ TF_CLIENT_CONTAINERD, TF_POST, 405, 0, TF_NONE },
			{ TF_CLIENT_CONTAINERD, TF_POST, 403, 1, TF_NONE },
			{ TF_CLIENT_CONTAINERD, TF_POST, 503, 1, TF_NONE },
			{ TF_CLIENT_BUILDKIT_DAEMON, TF_GET, 401, 1, TF_POST },
			{ TF_CLIENT_BUILDKIT_DAEMON, TF_GET, 404, 1, TF_POST },
			{ TF_CLIENT_BUILDKIT_DAEMON, TF_GET, 405, 1, TF_POST },
			{ TF_CLIENT_BUILDKIT_DAEMON, TF_GET, 405, 0, TF_NONE },
			{ TF_CLIENT_BUILDKIT_DAEMON, TF_GET, 400, 1, TF_NONE },
			{ TF_CLIENT_BUILDKIT_DAEMON, TF_POST, 401, 1, TF_NONE },
			{ TF_CLIENT_DOCKER_LOGIN, TF_GET, 401, 1, TF_NONE },
		};

		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
			is_int(tf_fallback(t[i].c, t[i].failed, t[i].status, t[i].user), t[i].want,
			       "%s: %s %ld%s -> fallback", tf_client_name(t[i].c),
			       t[i].failed == TF_POST ? "POST" : "GET", t[i].status,
			       t[i].user ? " (username)" : " (no username)");
	}
	is_int(tf_first_method(TF_CLIENT_BUILDKIT, 1), TF_POST, "buildkit client: POST first");
	is_int(tf_first_method(TF_CLIENT_CONTAINERD, 1), TF_POST, "containerd: POST first");
	is_int(tf_first_method(TF_CLIENT_BUILDKIT_DAEMON, 1), TF_GET, "buildkit daemon: GET first");
	is_int(tf_first_method(TF_CLIENT_DOCKER_LOGIN, 1), TF_GET, "docker login: GET");
	is_int(tf_first_method(TF_CLIENT_BUILDKIT, 0), TF_GET, "no secret: anonymous GET");
	is_str(tf_client_id(TF_CLIENT_BUILDKIT), "buildkit-client", "client_id buildkit");
	is_str(tf_client_id(TF_CLIENT_CONTAINERD), "containerd-client", "client_id containerd");

	/* Messages */
	tf_fetch_message(msg, sizeof(msg), 0, "GET",
			 "http://127.0.0.1:5000/token?scope=repository%3Afixkb%2Ftiny%3Apull&service=fixkb-registry",
			 401, "Unauthorized");
	is_str(msg, "failed to fetch oauth token: unexpected status from GET request to "
	       "http://127.0.0.1:5000/token?scope=repository%3Afixkb%2Ftiny%3Apull&service=fixkb-registry: "
	       "401 Unauthorized", "BuildKit client-path message");
	tf_fetch_message(msg, sizeof(msg), 0, "POST", "https://ghcr.io/token", 401, "");
	is_str(msg, "failed to fetch oauth token: unexpected status from POST request to "
	       "https://ghcr.io/token: 401 Unauthorized", "daemon-path message (HTTP/2: standard reason)");
	tf_fetch_message(msg, sizeof(msg), 1, "GET", "https://r/t?service=s", 403, "Forbidden");
	is_str(msg, "failed to fetch anonymous token: unexpected status from GET request to "
	       "https://r/t?service=s: 403 Forbidden", "anonymous message");
	tf_fetch_message_v024(msg, sizeof(msg), 0, "GET", "https://ghcr.io/token?x", 403, "Forbidden",
			      "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"denied\"}]}",
			      strlen("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"denied\"}]}"));
	is_str(msg, "failed to fetch oauth token: denied: denied", "v0.24: registry error JSON");
	{
		const char *body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}";

		tf_fetch_message_v024(msg, sizeof(msg), 0, "GET", "u", 401, "Unauthorized", body, strlen(body));
		is_str(msg, "failed to fetch oauth token: unauthorized", "v0.24: default message shows only the code");
	}
	{
		const char *body = "{\"details\": \"incorrect username or password\"}\n";

		tf_fetch_message_v024(msg, sizeof(msg), 0, "GET", "u", 401, "Unauthorized", body, strlen(body));
		is_str(msg, "failed to fetch oauth token: unexpected status from GET request to u: 401 "
		       "Unauthorized: {\"details\": \"incorrect username or password\"}", "v0.24: other body appended");
		tf_fetch_message_v024(msg, sizeof(msg), 1, "GET", "u", 401, "Unauthorized", body, strlen(body));
		ok(strstr(msg, "details") == NULL, "v0.24: anonymous errors untouched");
	}
	{
		char big[600];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		tf_fetch_message_v024(msg, sizeof(msg), 0, "GET", "u", 500, "Internal Server Error", big, strlen(big));
		is_int(strlen(strstr(msg, "Error: ") + 7), 256, "v0.24: body cut at 256 bytes");
	}

	/* Scopes per client */
	{
		char *ch[] = { "repository:fixkb/tiny:push", "repository:fixkb/tiny:pull" };

		n = tf_scopes_for(TF_CLIENT_BUILDKIT, "repository:fixkb/tiny:pull", ch, 2, sc, SCOPE_SET_MAX);
		is_int(n, 1, "buildkit merges actions per name");
		is_str(sc[0], "repository:fixkb/tiny:pull,push", "buildkit normalised scope");
		n = tf_scopes_for(TF_CLIENT_CONTAINERD, "repository:fixkb/tiny:pull", ch, 2, sc, SCOPE_SET_MAX);
		is_int(n, 2, "containerd de-duplicates strings only");
		is_str(sc[0], "repository:fixkb/tiny:pull", "containerd sorted 1");
		is_str(sc[1], "repository:fixkb/tiny:push", "containerd sorted 2");
		n = tf_scopes_for(TF_CLIENT_DOCKER_LOGIN, "repository:fixkb/tiny:pull", ch, 2, sc, SCOPE_SET_MAX);
		is_int(n, 0, "docker login requests no scope");
	}

	/* RFC 3339 */
	ok(tf_rfc3339_valid("2026-11-28T08:54:25Z"), "Z form");
	ok(tf_rfc3339_valid("2026-11-28T08:54:25.123456789+02:00"), "fraction and offset");
	ok(!tf_rfc3339_valid("not-a-date"), "garbage");
	ok(!tf_rfc3339_valid("2026-11-28 08:54:25Z"), "space separator");
	ok(!tf_rfc3339_valid("2026-13-28T08:54:25Z"), "month 13");
	ok(!tf_rfc3339_valid("2026-11-28T08:54:25"), "no zone");

	/* Credential description never holds the secret */
	{
		struct sensitive s = SENSITIVE_INIT;

		sensitive_set(&s, "alicepw", 7);
		tf_credential_desc(msg, sizeof(msg), "Basic", "alice", &s);
		ok(strncmp(msg, "Basic alice:sha256:", 19) == 0 && !strstr(msg, "alicepw"), "Basic alice:sha256:…");
		sensitive_release(&s);
	}

	is_str(http_status_text(405), "Method Not Allowed", "status text");
	return tap_done();
}
