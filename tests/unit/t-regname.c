/* t-regname — registry names per client (src/docker/regname.c), one
 * table per rule. The expected values come from the clients' sources
 * named in regname.c; docker/cli's own TestConvertToHostname cases
 * (cli/config/credentials/file_store_test.go) are all in the
 * ConvertToHostname table. */
#include "docker/regname.h"
#include "tap.h"

#define CLI REGNAME_DOCKER_CLI
#define BK REGNAME_BUILDKIT
#define CTD REGNAME_CONTAINERD
#define CIM REGNAME_CIMAGE
#define GL REGNAME_GITLAB
#define HUBKEY REGNAME_HUB_AUTH_KEY
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const enum regname_client clients[] = { CLI, BK, CTD, CIM, GL };

static void test_hub(void)
{
	/* host, then: docker CLI, BuildKit, containerd, containers/image, GitLab */
	static const struct { const char *host; int hub[5]; } t[] = {
		{ "docker.io", { 1, 1, 1, 1, 1 } },
		{ "index.docker.io", { 1, 1, 1, 1, 1 } },
		{ "registry-1.docker.io", { 0, 1, 1, 1, 0 } },
		{ "registry.hub.docker.com", { 0, 0, 0, 0, 0 } },
		{ "auth.docker.io", { 0, 0, 0, 0, 0 } },
		{ "Docker.io", { 0, 0, 0, 0, 0 } },
		{ "INDEX.DOCKER.IO", { 0, 0, 0, 0, 0 } },
		{ "Registry-1.Docker.io", { 0, 0, 0, 0, 0 } },
		{ "docker.io:443", { 0, 0, 0, 0, 0 } },
		{ "https://index.docker.io/v1/", { 0, 0, 0, 0, 0 } },
		{ "docker.io.", { 0, 0, 0, 0, 0 } },
		{ "ghcr.io", { 0, 0, 0, 0, 0 } },
		{ "localhost", { 0, 0, 0, 0, 0 } },
		{ "", { 0, 0, 0, 0, 0 } },
	};
	size_t i, c;

	for (i = 0; i < N(t); i++) {
		int any = 0;

		for (c = 0; c < N(clients); c++) {
			is_int(regname_client_is_hub(t[i].host, clients[c]), t[i].hub[c], "%s: '%s' is %sDocker Hub",
			       regname_client_name(clients[c]), t[i].host, t[i].hub[c] ? "" : "not ");
			any |= t[i].hub[c];
		}
		is_int(regname_is_hub(t[i].host), any, "fixkb: '%s' %s", t[i].host, any ? "is Hub" : "is not Hub");
		ok(strcmp(regname_canonical(t[i].host), any ? "docker.io" : t[i].host) == 0,
		   "fixkb registry of '%s': %s", t[i].host, regname_canonical(t[i].host));
	}
	ok(!regname_client_is_hub(NULL, CLI) && !regname_is_hub(NULL), "NULL is not Hub");
}

static void test_auth_key(void)
{
	static const struct { const char *registry; enum regname_client c; const char *key; } t[] = {
		{ "docker.io", CLI, HUBKEY },                   /* configfile/file.go getAuthConfigKey */
		{ "index.docker.io", CLI, HUBKEY },
		{ "registry-1.docker.io", CLI, "registry-1.docker.io" },   /* not Hub to the CLI */
		{ "docker.io", BK, HUBKEY },
		{ "index.docker.io", BK, HUBKEY },
		{ "registry-1.docker.io", BK, HUBKEY },         /* authconfigprovider.go */
		{ "Docker.io", CLI, "Docker.io" },
		{ "Docker.io", BK, "Docker.io" },
		{ "ghcr.io", CLI, "ghcr.io" },
		{ "localhost:5000", BK, "localhost:5000" },
		{ "[::1]:5000", CLI, "[::1]:5000" },
		/* no single key for the others: the registry back */
		{ "docker.io", CTD, "docker.io" },
		{ "docker.io", CIM, "docker.io" },
		{ "docker.io", GL, "docker.io" },
	};
	size_t i;

	for (i = 0; i < N(t); i++)
		is_str(regname_auth_key(t[i].registry, t[i].c), t[i].key, "%s: key for '%s'",
		       regname_client_name(t[i].c), t[i].registry);
	is_str(regname_request_host("docker.io"), "registry-1.docker.io", "requests for docker.io go to registry-1");
	is_str(regname_request_host("index.docker.io"), "registry-1.docker.io", "and for index.docker.io");
	is_str(regname_request_host("registry-1.docker.io"), "registry-1.docker.io", "registry-1 itself");
	is_str(regname_request_host("Docker.io"), "Docker.io", "Docker.io is not Hub: asked as written");
	is_str(regname_request_host("ghcr.io"), "ghcr.io", "others as they are");
}

static void test_domain(void)
{
	/* name, the domain splitDockerDomain finds ("" = Docker Hub), the domain kept */
	static const struct { const char *name, *domain, *kept; } t[] = {
		{ "alpine", "", "" },
		{ "alpine:3.19", "", "" },
		{ "library/alpine", "", "" },
		{ "user/img:tag", "", "" },
		{ "foo/bar/baz", "", "" },
		{ "docker.io/alpine", "docker.io", "docker.io" },
		{ "index.docker.io/library/alpine", "index.docker.io", "docker.io" },
		{ "registry-1.docker.io/library/alpine", "registry-1.docker.io", "registry-1.docker.io" },
		{ "Docker.io/library/alpine", "Docker.io", "Docker.io" },
		{ "localhost/x", "localhost", "localhost" },
		{ "localhost:5000/x", "localhost:5000", "localhost:5000" },
		{ "localhostx/y", "", "" },
		{ "Localhost/x", "Localhost", "Localhost" },      /* upper case: a host */
		{ "Foo/bar", "Foo", "Foo" },
		{ "fOO/bar", "fOO", "fOO" },
		{ "host:5000/x", "host:5000", "host:5000" },
		{ "[::1]:5000/x", "[::1]:5000", "[::1]:5000" },
		{ "127.0.0.1/x", "127.0.0.1", "127.0.0.1" },
		{ "ghcr.io/o/i:tag", "ghcr.io", "ghcr.io" },
		{ "ghcr.io", "", "" },                            /* one component: a Hub image */
		{ "/x", "", "" },
	};
	char got[REGNAME_HOST_MAX];
	size_t i, d;

	for (i = 0; i < N(t); i++) {
		d = regname_domain_len(t[i].name, strlen(t[i].name));
		snprintf(got, sizeof(got), "%.*s", (int)d, t[i].name);
		is_str(got, t[i].domain, "split '%s'", t[i].name);
		is_str(regname_ref_domain(got), t[i].kept, "domain kept for '%s'", t[i].name);
	}
	is_int(regname_domain_len("ghcr.io/x", 4), 0, "only len bytes are read");
}

static void test_valid_host(void)
{
	static const struct { const char *h; int ok; } t[] = {
		{ "ghcr.io", 1 }, { "a", 1 }, { "a-b.c", 1 }, { "a--b", 1 }, { "A.B", 1 },
		{ "host:5000", 1 }, { "127.0.0.1:5000", 1 }, { "[::1]", 1 }, { "[::1]:5000", 1 },
		{ "[fe80::1:ABCD]:1", 1 },
		{ "", 0 }, { "-a", 0 }, { "a-", 0 }, { "a-.b", 0 }, { ".a", 0 }, { "a.", 0 }, { "a..b", 0 },
		{ "a_b", 0 }, { "host:", 0 }, { "host:port", 0 }, { "host:5000:1", 0 }, { "[]", 0 },
		{ "[::1", 0 }, { "[::g]", 0 }, { "[::ffff:1.2.3.4]:5000", 0 }, { "::1", 0 },
		{ "a b", 0 }, { "user@host", 0 },
	};
	size_t i;

	for (i = 0; i < N(t); i++)
		is_int(regname_valid_host(t[i].h), t[i].ok, "host '%s' %s", t[i].h, t[i].ok ? "valid" : "invalid");
	ok(!regname_valid_host(NULL), "NULL invalid");
}

static void test_docker_hostname(void)
{
	static const struct { const char *key, *host; } t[] = {
		/* docker/cli TestConvertToHostname, all of it */
		{ "127.0.0.1", "127.0.0.1" },
		{ "::1", "::1" },
		{ "[::1]", "[::1]" },
		{ "example.com", "example.com" },
		{ "http://example.com", "example.com" },
		{ "https://example.com", "example.com" },
		{ "https://example.com/", "example.com" },
		{ "https://example.com/v2/", "example.com" },
		{ "unix:///var/run/docker.sock", "unix:" },
		{ "ftp://example.com", "example.com" },
		{ "127.0.0.1:6556", "127.0.0.1:6556" },
		{ "::1:6556", "::1:6556" },
		{ "[::1]:6556", "[::1]:6556" },
		{ "example.com:6555", "example.com:6555" },
		{ "https://127.0.0.1:6555/v2/", "127.0.0.1:6555" },
		{ "https://::1:6555/v2/", "[::1]:6555" },
		{ "https://[::1]:6555/v2/", "[::1]:6555" },
		{ "http://example.com:6555", "example.com:6555" },
		{ "https://example.com:6555", "example.com:6555" },
		{ "https://example.com:6555/v2/", "example.com:6555" },
		/* the odd ones */
		{ "https://index.docker.io/v1/", "index.docker.io" },
		{ "ghcr.io/owner", "ghcr.io" },
		{ "HTTPS://ghcr.io/", "ghcr.io" },          /* Go lower-cases the scheme */
		{ "https://Ghcr.IO/", "Ghcr.IO" },          /* ... not the host */
		{ "https://user:pw@ghcr.io/v2/", "ghcr.io" },
		{ "https://u@s@ghcr.io/", "ghcr.io" },      /* the last '@' ends the user info */
		{ "https://ghcr.io?x=1", "ghcr.io" },
		{ "https://ghcr.io#v2", "ghcr.io" },
		{ "https://ghcr.io:/v2/", "ghcr.io" },      /* an empty port is no port */
		{ "https://[::1]/v2/", "::1" },             /* no port: the brackets go */
		{ "https://[fe80::1%25eth0]:5000/", "[fe80::1%eth0]:5000" },
		{ "https://h%C3%A9.example/", "h\xc3\xa9.example" },
		{ "https://::1/v2/", "[:]:1" },             /* hostFromURLFallback: addr ":" port "1" */
		{ "https://ghcr.io:abc/x", "ghcr.io:abc" },  /* Parse fails: the fallback */
		{ "https://ho st/x", "ho st" },
		{ "https://%41bc/x", "%41bc" },              /* ASCII may not be escaped in a host */
		{ "https://ghcr.io/%zz", "ghcr.io" },
		{ "https://bad<user>@ghcr.io/", "bad<user>@ghcr.io" },
		{ "http://", "http:" },
		{ "1http://x/y", "x" },
		{ "localhost:5000/x", "localhost:5000" },
		{ "", "" },
	};
	char out[REGNAME_HOST_MAX], small[5];
	size_t i;

	for (i = 0; i < N(t); i++) {
		regname_docker_hostname(t[i].key, out, sizeof(out));
		is_str(out, t[i].host, "docker CLI ConvertToHostname('%s')", t[i].key);
	}
	regname_docker_hostname("https://example.com:6555/", small, sizeof(small));
	is_str(small, "exam", "cut to the buffer");
}

static void test_cimage_key(void)
{
	static const struct { const char *key; int legacy; const char *want; } t[] = {
		{ "docker.io", 0, "index.docker.io" },
		{ "registry-1.docker.io", 0, "index.docker.io" },
		{ "index.docker.io", 0, "index.docker.io" },
		{ "https://index.docker.io/v1/", 0, "index.docker.io" },
		{ "http://registry-1.docker.io/v2/", 0, "index.docker.io" },
		{ "Docker.io", 0, "Docker.io" },
		{ "quay.io/a/b", 0, "quay.io/a/b" },     /* a namespaced key keeps its path */
		{ "quay.io/a/b", 1, "quay.io" },         /* legacy files know hosts only */
		{ "https://quay.io/v1/", 0, "quay.io" },
		{ "http://https://x/y", 0, "x" },        /* two TrimPrefix in a row */
		{ "HTTPS://quay.io/", 0, "HTTPS://quay.io/" },
		{ "host:5000", 0, "host:5000" },
	};
	char out[REGNAME_HOST_MAX];
	size_t i;

	for (i = 0; i < N(t); i++) {
		regname_cimage_key(t[i].key, t[i].legacy, out, sizeof(out));
		is_str(out, t[i].want, "containers/image key '%s'%s", t[i].key, t[i].legacy ? " (legacy)" : "");
	}
}

static void test_gitlab_key(void)
{
	static const struct { const char *key, *want; } t[] = {
		{ "https://index.docker.io/v1/", "docker.io" },
		{ "HTTPS://Index.Docker.IO/v1/", "docker.io" },
		{ "index.docker.io", "index.docker.io" },        /* without a scheme: as is */
		{ "docker.io", "docker.io" },
		{ "registry-1.docker.io", "registry-1.docker.io" },
		{ "https://registry-1.docker.io/", "registry-1.docker.io" },
		{ "GHCR.io/Owner/Img:tag", "ghcr.io/Owner/Img" },
		{ "http://Host:5000/v2/", "host:5000" },
		{ "host:5000", "host:5000" },
		{ "host:5000/x:1", "host:5000/x" },
		{ "ghcr.io/", "ghcr.io" },
		{ "ftp://ghcr.io", "ftp://ghcr.io" },
	};
	char out[REGNAME_HOST_MAX];
	size_t i;

	for (i = 0; i < N(t); i++) {
		regname_gitlab_key(t[i].key, out, sizeof(out));
		is_str(out, t[i].want, "GitLab key '%s'", t[i].key);
	}
}

static void test_normalise(void)
{
	static const struct { const char *in, *out; int rc; } t[] = {
		{ "ghcr.io", "ghcr.io", 0 },
		{ "https://ghcr.io/", "ghcr.io", 0 },
		{ "HTTPS://ghcr.io/v2/", "ghcr.io", 0 },
		{ "http://host:5000/v2/", "host:5000", 0 },
		{ "\t ghcr.io ", "ghcr.io", 0 },
		{ "docker.io", "docker.io", 0 },
		{ "index.docker.io", "docker.io", 0 },
		{ "registry-1.docker.io", "docker.io", 0 },
		{ "https://index.docker.io/v1/", "docker.io", 0 },
		{ "https://registry-1.docker.io/v2/", "docker.io", 0 },
		{ "localhost", "localhost", 0 },
		{ "[::1]:5000", "[::1]:5000", 0 },
		{ "GHCR.io", "GHCR.io", 1 },
		{ "DOCKER.IO", "DOCKER.IO", 1 },                  /* not Hub to any client */
		{ "Index.Docker.io", "Index.Docker.io", 1 },
		{ "a b", "a", 0 },
		{ "", NULL, -1 },
		{ "https://", NULL, -1 },
		{ "bad_host!", NULL, -1 },
		{ "host:port", NULL, -1 },
		{ "[::ffff:1.2.3.4]:5000", NULL, -1 },
		{ "user@ghcr.io", NULL, -1 },
	};
	char out[REGNAME_HOST_MAX];
	struct err e = ERR_INIT;
	size_t i;
	int rc;

	for (i = 0; i < N(t); i++) {
		err_clear(&e);
		rc = regname_normalise(t[i].in, out, sizeof(out), &e);
		is_int(rc, t[i].rc, "normalise '%s' rc", t[i].in);
		if (rc >= 0)
			is_str(out, t[i].out, "normalise '%s'", t[i].in);
		else
			ok(e.set, "normalise '%s' says why: %s", t[i].in, e.msg);
	}
	err_clear(&e);
	ok(regname_normalise("ghcr.io", out, 4, &e) < 0 && strstr(e.msg, "too long"), "too small buffer refused");
	err_clear(&e);
	ok(regname_normalise(NULL, out, sizeof(out), &e) < 0, "NULL refused");
}

static void test_log_host(void)
{
	static const struct { const char *in, *want; } t[] = {
		{ "ghcr.io", "ghcr.io" },
		{ "Docker.IO", "docker.io" },
		{ "index.docker.io", "docker.io" },
		{ "Registry-1.Docker.io", "docker.io" },
		{ "auth.docker.io", "docker.io" },
		{ "registry.docker.io", "docker.io" },
		{ "production.cloudflare.docker.com", "docker.io" },
		{ "hub.docker.com", "docker.io" },
		{ "registry.hub.docker.com", "docker.io" },
		{ "Registry.Example.COM:8443", "registry.example.com:8443" },
		{ "[::1]:5000", "[::1]:5000" },
		{ "my_host", "my_host" },
		{ "docker.io.evil.example", "docker.io.evil.example" },
	};
	char out[64], tiny[9];
	size_t i;

	for (i = 0; i < N(t); i++) {
		out[0] = '\0';
		ok(regname_log_host(t[i].in, strlen(t[i].in), out, sizeof(out)) == 0, "log host '%s' taken", t[i].in);
		is_str(out, t[i].want, "log host '%s'", t[i].in);
	}
	ok(regname_log_host("bad host", 8, out, sizeof(out)) < 0, "a space is not a host");
	ok(regname_log_host("a/b", 3, out, sizeof(out)) < 0, "a '/' is not a host");
	ok(regname_log_host("", 0, out, sizeof(out)) < 0, "empty refused");
	ok(regname_log_host("ghcr.io", 7, out, 7) < 0, "does not fit: refused");
	ok(regname_log_host("auth.docker.io", 8, tiny, sizeof(tiny)) == 0 && strcmp(tiny, "auth.doc") == 0,
	   "only len bytes are read");
	ok(regname_log_host("index.d", 7, tiny, sizeof(tiny)) == 0, "a short host fits");
}

static void test_loose_host(void)
{
	static const struct { const char *in, *want; } t[] = {
		{ "https://GHCR.io/", "ghcr.io" },
		{ "HTTPS://u:p@ghcr.io/v2/?x", "ghcr.io" },
		{ "ghcr.io/owner", "ghcr.io" },
		{ "ghcr.io", "ghcr.io" },
		{ "registry-1.docker.io", "docker.io" },
		{ "Index.Docker.IO", "docker.io" },
		{ "https://index.docker.io/v1/", "docker.io" },
		{ "host:5000", "host:5000" },
	};
	char out[REGNAME_HOST_MAX];
	size_t i;

	for (i = 0; i < N(t); i++) {
		regname_loose_host(t[i].in, out, sizeof(out));
		is_str(out, t[i].want, "loose host of '%s'", t[i].in);
	}
}

int main(void)
{
	test_hub();
	test_auth_key();
	test_domain();
	test_valid_host();
	test_docker_hostname();
	test_cimage_key();
	test_gitlab_key();
	test_normalise();
	test_log_host();
	test_loose_host();
	return tap_done();
}
