/* regname.c — registry names, per client. Every rule names the upstream
 * source it follows; versions as in registry-auth-facts.md (docker/cli
 * 28f7560, BuildKit 73ed682, containerd 301026e, containers/image
 * df7e80d, distribution/reference, gitlab-runner d79f3e7). */
#include "docker/regname.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/hexdigit.h"

static int is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_lower(c) || is_upper(c) || is_digit(c);
}

static int is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char to_lower(char c)
{
	return is_upper(c) ? (char)(c - 'A' + 'a') : c;
}

/* out = s[0..len), cut to n - 1. */
static void put_span(char *out, size_t n, const char *s, size_t len)
{
	if (n == 0)
		return;
	if (len >= n)
		len = n - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

static void lower_in_place(char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && s[i]; i++)
		s[i] = to_lower(s[i]);
}

const char *regname_client_name(enum regname_client c)
{
	switch (c) {
	case REGNAME_DOCKER_CLI: return "docker CLI";
	case REGNAME_BUILDKIT: return "BuildKit";
	case REGNAME_CONTAINERD: return "containerd";
	case REGNAME_CIMAGE: return "containers/image";
	case REGNAME_GITLAB: return "GitLab runner";
	}
	return "docker CLI";
}

/* ---- image references ---- */

/* distribution/reference normalize.go splitDockerDomain: "localhost" and
 * "index.docker.io" are domains; so is a first component with '.' or ':'
 * (a name or an IP, "[::1]:5000"), or one that is not lower-case
 * (strings.ToLower(x) != x; an upper-case namespace is not allowed, so it
 * must be a host). Only ASCII letters are looked at: a first component
 * with other letters is not a valid reference either way. */
size_t regname_domain_len(const char *name, size_t len)
{
	const char *slash = memchr(name, '/', len);
	size_t first, i;

	if (!slash)
		return 0;   /* "alpine": docker.io/library/alpine */
	first = (size_t)(slash - name);
	if ((first == 9 && memcmp(name, "localhost", 9) == 0) ||
	    (first == strlen(REGNAME_HUB_LEGACY) && memcmp(name, REGNAME_HUB_LEGACY, first) == 0) ||
	    memchr(name, '.', first) || memchr(name, ':', first))
		return first;
	for (i = 0; i < first; i++)
		if (is_upper(name[i]))
			return first;
	return 0;
}

/* normalize.go: `case maybeDomain == legacyDefaultDomain: domain =
 * defaultDomain`. registry-1.docker.io is left alone. */
const char *regname_ref_domain(const char *domain)
{
	return strcmp(domain, REGNAME_HUB_LEGACY) == 0 ? REGNAME_HUB : domain;
}

/* regexp.go: domainNameComponent = [a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9],
 * joined by '.'; ipv6address = \[[a-fA-F0-9:]+\]; optionalPort = (:[0-9]+)?. */
int regname_valid_host(const char *h)
{
	const char *p = h;

	if (!h || !*h)
		return 0;
	if (*p == '[') {
		for (p++; is_hex(*p) || *p == ':'; p++)
			;
		if (*p != ']' || p == h + 1)
			return 0;
		p++;
	} else {
		for (;;) {
			if (!is_alnum(*p))
				return 0;
			while (is_alnum(*p) || *p == '-')
				p++;
			if (p[-1] == '-')
				return 0;
			if (*p != '.')
				break;
			p++;
		}
	}
	if (*p == '\0')
		return 1;
	if (*p != ':' || !is_digit(p[1]))
		return 0;
	for (p++; is_digit(*p); p++)
		;
	return *p == '\0';
}

/* ---- Docker Hub ---- */

int regname_client_is_hub(const char *host, enum regname_client c)
{
	if (!host)
		return 0;
	/* Every client parses references with distribution/reference, so
	 * docker.io and index.docker.io are Hub to all of them. */
	if (strcmp(host, REGNAME_HUB) == 0 || strcmp(host, REGNAME_HUB_LEGACY) == 0)
		return 1;
	if (strcmp(host, REGNAME_HUB_HOST) != 0)
		return 0;
	switch (c) {
	case REGNAME_DOCKER_CLI:
		/* internal/registry/config.go normalizeIndexName maps only
		 * "index.docker.io"; configfile/file.go getAuthConfigKey only
		 * docker.io and index.docker.io: registry-1.docker.io is its
		 * own registry with its own key. */
		return 0;
	case REGNAME_BUILDKIT:
		/* session/auth/authprovider/authconfigprovider.go: host
		 * DockerHubRegistryHost ("registry-1.docker.io") reads
		 * DockerHubConfigfileKey. */
		return 1;
	case REGNAME_CONTAINERD:
		/* core/remotes/docker/resolver.go DefaultHost: docker.io is
		 * served by registry-1.docker.io, the same host. */
		return 1;
	case REGNAME_CIMAGE:
		/* pkg/docker/config/config.go normalizeRegistry:
		 * "registry-1.docker.io", "docker.io" → "index.docker.io". */
		return 1;
	case REGNAME_GITLAB:
		/* helpers/docker/auth/auth.go maps only "index.docker.io". */
		return 0;
	}
	return 0;
}

int regname_is_hub(const char *host)
{
	return regname_client_is_hub(host, REGNAME_BUILDKIT);
}

const char *regname_canonical(const char *host)
{
	return regname_is_hub(host) ? REGNAME_HUB : host;
}

const char *regname_auth_key(const char *registry, enum regname_client c)
{
	/* docker/cli configfile/file.go getAuthConfigKey and BuildKit's
	 * authconfigprovider.go, above. */
	if ((c == REGNAME_DOCKER_CLI || c == REGNAME_BUILDKIT) && regname_client_is_hub(registry, c))
		return REGNAME_HUB_AUTH_KEY;
	return registry;
}

const char *regname_request_host(const char *registry)
{
	/* containerd core/remotes/docker/resolver.go DefaultHost; BuildKit
	 * util/resolver/resolver.go; containers/image docker/docker_client.go
	 * (dockerHostname → dockerRegistry). */
	return regname_is_hub(registry) ? REGNAME_HUB_HOST : registry;
}

/* ---- docker CLI: ConvertToHostname ----
 *
 * cli/config/credentials/file_store.go (since v27: url.Parse; the port
 * kept since v28; hostFromURLFallback since v29.7). The URL part follows
 * Go's net/url Parse as far as the host depends on it: a scheme, then
 * "//" authority up to '/', user info up to the last '@', the host and
 * an optional :digits port; '%' escapes must be well formed everywhere
 * and may only encode non-ASCII bytes in the host (except %25, and
 * anything in an IPv6 zone); an unbracketed host with more than one ':'
 * is refused (Go no longer takes bare IPv6 literals). Bracketed hosts
 * are not checked to be IPv6 addresses. */


/* Go's unescape() well-formedness: every '%' followed by two hex digits. */
static int go_escapes_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '%' && (i + 2 >= len || !is_hex(s[i + 1]) || !is_hex(s[i + 2])))
			return 0;
	return 1;
}

/* shouldEscape(c, encodeHost) is false for these (and for >= 0x80). */
static int go_host_byte(unsigned char c)
{
	return c >= 0x80 || is_alnum((char)c) || (c && strchr("-_.~!$&'()*+,;=:[]<>\"", c));
}

/* unescape(s, encodeHost), or encodeZone from the first "%25" inside an
 * IPv6 literal, decoded into out: 0, or -1 when Go refuses it. */
static int go_unescape_host(const char *s, size_t len, char *out, size_t n)
{
	const char *close = NULL;
	size_t i, o = 0;
	int zone = 0;
	char c;

	if (len > 0 && s[0] == '[')
		for (i = len; i-- > 0;)
			if (s[i] == ']') {
				close = s + i;
				break;
			}
	if (!go_escapes_ok(s, len))
		return -1;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (close && s + i == close)
			zone = 0;
		if (c == '%') {
			unsigned char v = (unsigned char)(hexdigit_value(s[i + 1]) << 4 | hexdigit_value(s[i + 2]));
			int pct25 = s[i + 1] == '2' && s[i + 2] == '5';

			if (pct25 && close && s + i < close)
				zone = 1;   /* RFC 6874: the zone starts */
			else if (!zone && !pct25 && hexdigit_value(s[i + 1]) < 8)
				return -1;   /* the host escapes only non-ASCII bytes */
			else if (zone && !pct25 && v != ' ' && (v >= 0x80 || !go_host_byte(v)))
				return -1;   /* the zone escapes only what it could write */
			c = (char)v;
			i += 2;
		} else if (!go_host_byte((unsigned char)c)) {
			return -1;
		}
		if (o + 1 < n)
			out[o++] = c;
	}
	out[o < n ? o : n - 1] = '\0';
	return 0;
}

/* validOptionalPort: "" or ':' followed by digits only. */
static int go_optional_port(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return 1;
	if (s[0] != ':')
		return 0;
	for (i = 1; i < len; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/* parseHost(authority without user info): 0 with the decoded Host. */
static int go_parse_host(const char *h, size_t len, char *out, size_t n)
{
	size_t i, colon = len;

	if (len > 0 && h[0] == '[') {
		for (i = len; i-- > 0 && h[i] != ']';)
			;
		if (i >= len || h[i] != ']')
			return -1;   /* missing ']' in host */
		if (!go_optional_port(h + i + 1, len - i - 1))
			return -1;
	} else {
		for (i = len; i-- > 0;)
			if (h[i] == ':') {
				colon = i;
				break;
			}
		if (colon < len && (!go_optional_port(h + colon, len - colon) ||
				    memchr(h, ':', colon) != NULL))
			return -1;   /* a bad port, or a bare IPv6 literal */
	}
	return go_unescape_host(h, len, out, n);
}

/* validUserinfo and the user/password unescapes. */
static int go_userinfo_ok(const char *u, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_alnum(u[i]) && !strchr("-._:~!$&'()*+,;=%@", u[i]))
			return 0;
	return go_escapes_ok(u, len);
}

/* getScheme: a letter, then letters, digits, '+', '-', '.', up to ':'.
 * Returns the scheme length, 0 for none, -1 for an error (':' first). */
static int go_scheme_len(const char *s)
{
	int i;

	for (i = 0; s[i]; i++) {
		if (is_alnum(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.') {
			if (i == 0 && !is_lower(s[i]) && !is_upper(s[i]))
				return 0;   /* a scheme starts with a letter */
			continue;
		}
		if (s[i] == ':')
			return i == 0 ? -1 : i;
		return 0;
	}
	return 0;
}

/* url.Parse(s).Host, decoded, into out: 0 (possibly ""), -1 when Parse fails. */
static int go_url_host(const char *s, char *out, size_t n)
{
	size_t end = strcspn(s, "#"), qpos, alen, seg, i, k;
	const char *rest, *auth, *at = NULL;
	int sl;

	out[0] = '\0';
	for (i = 0; i < end; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return -1;
	if (s[end] && !go_escapes_ok(s + end + 1, strlen(s + end + 1)))
		return -1;   /* the fragment */
	sl = go_scheme_len(s);
	if (sl < 0)
		return -1;
	rest = s + (sl > 0 ? sl + 1 : 0);
	qpos = (size_t)(strcspn(rest, "?") + (size_t)(rest - s));
	if (qpos > end)
		qpos = end;
	alen = qpos - (size_t)(rest - s);   /* rest[0..alen): before '?' and '#' */
	if (alen == 0 || rest[0] != '/') {
		if (sl > 0)
			return 0;   /* opaque: no host */
		seg = strcspn(rest, "/");
		if (memchr(rest, ':', seg < alen ? seg : alen))
			return -1;   /* first path segment cannot contain a colon */
	}
	if (!(alen >= 2 && rest[0] == '/' && rest[1] == '/') || (sl == 0 && alen >= 3 && rest[2] == '/'))
		return go_escapes_ok(rest, alen) ? 0 : -1;
	auth = rest + 2;
	i = strcspn(auth, "/");
	if (i > alen - 2)
		i = alen - 2;
	if (!go_escapes_ok(auth + i, alen - 2 - i))
		return -1;   /* the path */
	for (k = i; k-- > 0;)
		if (auth[k] == '@') {
			at = auth + k;
			break;
		}
	if (at && !go_userinfo_ok(auth, (size_t)(at - auth)))
		return -1;
	if (at)
		return go_parse_host(at + 1, i - (size_t)(at + 1 - auth), out, n);
	return go_parse_host(auth, i, out, n);
}

/* u.Hostname() and u.Port() joined back with net.JoinHostPort; -1 (out
 * untouched) when Hostname() is "" (":80", "[]"). */
static int go_host_port(const char *host, char *out, size_t n)
{
	const char *colon = strrchr(host, ':'), *port = "";
	size_t hl = strlen(host);

	if (colon && go_optional_port(colon, strlen(colon))) {
		hl = (size_t)(colon - host);
		port = colon + 1;
	}
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host++;
		hl -= 2;
	}
	if (hl == 0)
		return -1;
	if (!*port)
		put_span(out, n, host, hl);
	else if (memchr(host, ':', hl))
		snprintf(out, n, "[%.*s]:%s", (int)hl, host, port);
	else
		snprintf(out, n, "%.*s:%s", (int)hl, host, port);
	return 0;
}

/* hostFromURLFallback: what follows "://" up to '/'; an unbracketed
 * "addr:port" with several ':' is bracketed. */
static void docker_fallback(const char *key, char *out, size_t n)
{
	const char *rest = strstr(key, "://") + 3, *last;
	size_t len = strcspn(rest, "/"), colons = 0, i;

	for (i = 0; i < len; i++)
		colons += rest[i] == ':';
	out[0] = '\0';
	if (len == 0)
		return;
	if (colons > 1 && rest[0] != '[') {
		for (last = rest + len - 1; *last != ':'; last--)
			;
		if (last > rest && last + 1 < rest + len &&
		    strspn(last + 1, "0123456789") == (size_t)(rest + len - last - 1)) {
			snprintf(out, n, "[%.*s]:%.*s", (int)(last - rest), rest,
				 (int)(rest + len - last - 1), last + 1);
			return;
		}
	}
	put_span(out, n, rest, len);
}

void regname_docker_hostname(const char *key, char *out, size_t n)
{
	char host[REGNAME_HOST_MAX * 2];

	if (n == 0)
		return;
	out[0] = '\0';
	if (strstr(key, "://")) {
		if (go_url_host(key, host, sizeof(host)) == 0 && go_host_port(host, out, n) == 0)
			return;
		docker_fallback(key, out, n);
		if (out[0])
			return;
	}
	put_span(out, n, key, strcspn(key, "/"));
}

/* ---- containers/image and GitLab keys ---- */

void regname_cimage_key(const char *key, int legacy, char *out, size_t n)
{
	/* pkg/docker/config/config.go normalizeAuthFileKey: two TrimPrefix
	 * in a row, then normalizeRegistry. */
	const char *p = key;
	size_t len;

	if (n == 0)
		return;
	if (strncmp(p, "http://", 7) == 0)
		p += 7;
	if (strncmp(p, "https://", 8) == 0)
		p += 8;
	len = (legacy || p != key) ? strcspn(p, "/") : strlen(p);
	put_span(out, n, p, len);
	if (strcmp(out, REGNAME_HUB) == 0 || strcmp(out, REGNAME_HUB_HOST) == 0)
		put_span(out, n, REGNAME_HUB_LEGACY, strlen(REGNAME_HUB_LEGACY));
}

void regname_gitlab_key(const char *key, char *out, size_t n)
{
	/* helpers/docker/auth/auth.go convertToRegistryPath and
	 * pathWithLowerCaseHostname. */
	size_t len, lastslash, lastcolon, i;
	const char *p = key;

	if (n == 0)
		return;
	if (strncasecmp(p, "http://", 7) == 0 || strncasecmp(p, "https://", 8) == 0) {
		p += p[4] == ':' ? 7 : 8;
		put_span(out, n, p, strcspn(p, "/"));
		lower_in_place(out, n);
		if (strcmp(out, REGNAME_HUB_LEGACY) == 0)
			put_span(out, n, REGNAME_HUB, strlen(REGNAME_HUB));
		return;
	}
	len = strlen(p);
	if (len > 0 && p[len - 1] == '/')
		len--;
	lastslash = lastcolon = len;
	for (i = 0; i < len; i++) {
		if (p[i] == '/')
			lastslash = i;
		else if (p[i] == ':')
			lastcolon = i;
	}
	if (lastslash < len && lastcolon < len && lastcolon > lastslash)
		len = lastcolon;   /* an image tag */
	put_span(out, n, p, len);
	lower_in_place(out, strcspn(out, "/"));
}

/* ---- fixkb's own ---- */

int regname_normalise(const char *in, char *out, size_t n, struct err *e)
{
	const char *p = in, *q;
	char host[REGNAME_HOST_MAX];
	size_t len;

	if (!in)
		return err_set(e, "empty registry");
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (strncasecmp(p, "https://", 8) == 0)
		p += 8;
	else if (strncasecmp(p, "http://", 7) == 0)
		p += 7;
	len = strcspn(p, "/ \t\r\n");
	if (len == 0)
		return err_set(e, "empty registry");
	if (len >= sizeof(host))
		return err_set(e, "registry name too long");
	memcpy(host, p, len);
	host[len] = '\0';
	if (!regname_valid_host(host))
		return err_set(e, "not a registry host[:port]");
	q = regname_canonical(host);
	if (strlen(q) >= n)
		return err_set(e, "registry name too long");
	snprintf(out, n, "%s", q);
	for (p = out; *p; p++)
		if (is_upper(*p))
			return 1;
	return 0;
}

/* Docker Hub's hosts besides the registry names, as build logs show them:
 * the token realm and its service name (Hub's challenge is
 * Bearer realm="https://auth.docker.io/token",service="registry.docker.io"),
 * the CDN blob downloads are redirected to, and Hub's web and API hosts
 * (registry.hub.docker.com is the old v1 API). None is a registry name to
 * any client. */
static const char *const hub_service_hosts[] = {
	"auth.docker.io", "registry.docker.io", "production.cloudflare.docker.com",
	"hub.docker.com", "registry.hub.docker.com",
};

static int log_host_byte(char c)
{
	return is_alnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
}

int regname_log_host(const char *host, size_t len, char *out, size_t n)
{
	size_t i;

	if (len == 0 || len >= n)
		return -1;
	for (i = 0; i < len; i++) {
		if (!log_host_byte(host[i]))
			return -1;
		out[i] = to_lower(host[i]);
	}
	out[len] = '\0';
	for (i = 0; i < sizeof(hub_service_hosts) / sizeof(hub_service_hosts[0]); i++)
		if (strcmp(out, hub_service_hosts[i]) == 0)
			break;
	if (regname_is_hub(out) || i < sizeof(hub_service_hosts) / sizeof(hub_service_hosts[0])) {
		if (n <= strlen(REGNAME_HUB))
			return -1;
		snprintf(out, n, "%s", REGNAME_HUB);
	}
	return 0;
}

void regname_loose_host(const char *key, char *out, size_t n)
{
	const char *p = key, *at;
	int sl = go_scheme_len(key);
	size_t len;

	if (n == 0)
		return;
	if (sl > 0 && strncmp(key + sl, "://", 3) == 0)
		p = key + sl + 3;
	len = strcspn(p, "/?#");
	at = memchr(p, '@', len);
	while (at) {
		len -= (size_t)(at + 1 - p);
		p = at + 1;
		at = memchr(p, '@', len);
	}
	put_span(out, n, p, len);
	lower_in_place(out, n);
	if (regname_is_hub(out))
		put_span(out, n, REGNAME_HUB, strlen(REGNAME_HUB));
}
