/* The URL and host rules of net/url.h and util/hostport.h: origins (which
 * decide whether a redirect keeps credentials), a URL's host[:port]
 * (matched against registries), loopback (where plain http may carry
 * credentials). */
#include <stdio.h>
#include <string.h>

#include "net/url.h"
#include "util/hostport.h"
#include "tap.h"

/* fn(url, out) as a string (static): "(error)" when fn fails. */
static const char *url_call(int (*fn)(const char *, char *, size_t), const char *url)
{
	static char o[600];

	snprintf(o, sizeof(o), "(untouched)");
	if (fn(url, o, sizeof(o)) < 0)
		return "(error)";
	return o;
}

static const char *origin(const char *url)
{
	return url_call(url_origin, url);
}

static const char *hostport(const char *url)
{
	return url_call(url_hostport, url);
}

static const char *host_of(const char *hp)
{
	static char o[256];

	hostport_host(hp, o, sizeof(o));
	return o;
}

/* 1 when two URLs have the same origin. */
static int same_origin(const char *a, const char *b)
{
	char oa[600];

	snprintf(oa, sizeof(oa), "%s", origin(a));
	return strcmp(oa, origin(b)) == 0;
}

static void test_origin(void)
{
	char small[12];

	is_str(origin("HTTPS://Reg.Example/v2/"), "https://reg.example:443", "origin: lower case, default https port");
	is_str(origin("http://reg.example/token"), "http://reg.example:80", "origin: default http port");
	is_str(origin("https://reg.example:8443/v2/x?y#z"), "https://reg.example:8443", "origin: explicit port, path dropped");
	is_str(origin("https://alice:pw@reg.example/v2/"), "https://reg.example:443", "origin: userinfo is not part of it");
	is_str(origin("https://[::1]:5000/v2/"), "https://[::1]:5000", "origin: IPv6 literal keeps its brackets");
	ok(same_origin("https://reg.example:443/a", "https://reg.example/b") &&
	   same_origin("https://REG.example/b", "https://reg.example/c"),
	   "origin: the default port written out and a host's case do not make another origin");
	ok(!same_origin("http://reg.example/", "https://reg.example/"),
	   "origin: http and https are different origins");
	ok(!same_origin("https://reg.example/", "https://reg.example:5000/"),
	   "origin: another port is another origin");
	ok(!same_origin("https://a.reg.example/", "https://reg.example/"),
	   "origin: a subdomain is another origin");
	is_str(origin("not a url"), "(error)", "origin: -1 for what libcurl cannot parse");
	snprintf(small, sizeof(small), "untouched");
	ok(url_origin("https://", small, sizeof(small)) < 0 && strcmp(small, "untouched") == 0,
	   "origin: out untouched on failure");
	ok(url_origin("https://reg.example/", small, sizeof(small)) == 0 && strlen(small) == sizeof(small) - 1,
	   "origin: cut to n - 1 bytes");
}

static void test_hostport(void)
{
	is_str(hostport("http://127.0.0.1:5000/token?x"), "127.0.0.1:5000", "hostport: host:port");
	is_str(hostport("https://ghcr.io/token"), "ghcr.io", "hostport: no port written, none added");
	is_str(hostport("https://ghcr.io:443/token"), "ghcr.io:443", "hostport: a written default port is kept");
	is_str(hostport("https://Reg.Example:5000/"), "Reg.Example:5000", "hostport: case kept");
	is_str(hostport("https://u:p@reg.example:5000/v2/"), "reg.example:5000", "hostport: userinfo dropped");
	is_str(hostport("https://[::1]:5000/v2/"), "[::1]:5000", "hostport: IPv6 literal with brackets");
	is_str(hostport("::not a url"), "(error)", "hostport: -1 for what libcurl cannot parse");
}

static void test_loopback(void)
{
	ok(url_host_is_loopback("127.0.0.1:5000"), "loopback: 127.0.0.1:5000");
	ok(url_host_is_loopback("127.9.8.7"), "loopback: all of 127/8");
	ok(url_host_is_loopback("localhost:5000"), "loopback: localhost:5000");
	ok(url_host_is_loopback("LocalHost"), "loopback: localhost in any case");
	ok(url_host_is_loopback("[::1]:5000"), "loopback: [::1]:5000");
	ok(url_host_is_loopback("[::1]"), "loopback: [::1]");
	ok(url_host_is_loopback("::1"), "loopback: bare ::1");
	ok(!url_host_is_loopback("128.0.0.1:5000"), "loopback: not 128.0.0.1");
	ok(!url_host_is_loopback("126.255.255.255"), "loopback: not 126.255.255.255");
	ok(!url_host_is_loopback("0.0.0.0:5000"), "loopback: not 0.0.0.0");
	ok(!url_host_is_loopback("[::2]:5000"), "loopback: not ::2");
	ok(!url_host_is_loopback("ghcr.io"), "loopback: not ghcr.io");
	ok(!url_host_is_loopback("localhost.example.com"), "loopback: not a name that starts with localhost");
	ok(!url_host_is_loopback("127.0.0.1.nip.io:5000"), "loopback: not a name that starts with 127.0.0.1");
	ok(!url_host_is_loopback(""), "loopback: not the empty string");
}

static void test_hostport_host(void)
{
	char small[4];

	is_str(host_of("reg.example:5000"), "reg.example", "host: port removed");
	is_str(host_of("reg.example"), "reg.example", "host: no port");
	is_str(host_of("[::1]:5000"), "::1", "host: brackets and port removed");
	is_str(host_of("[fd00::1]"), "fd00::1", "host: brackets removed");
	is_str(host_of("fd00::1"), "fd00::1", "host: a bare IPv6 literal is kept whole");
	is_str(host_of("[::1"), "::1", "host: unclosed bracket");
	hostport_host("registry:1", small, sizeof(small));
	is_str(small, "reg", "host: cut to n - 1 bytes");
}

int main(void)
{
	test_origin();
	test_hostport();
	test_loopback();
	test_hostport_host();
	return tap_done();
}
