/* daemon.json insecure-registries (docker/daemoncfg.h).
 *
 * The expectations follow dockerd's registry package, moby/moby
 * daemon/pkg/registry/config.go (read at 0c73c459):
 *  - loadInsecureRegistries strips an "http://" or "https://" prefix
 *    (scheme compared in lower case), then an entry that parses as a CIDR
 *    (net.ParseCIDR, IPv4 or IPv6) joins InsecureRegistryCIDRs, and any
 *    other entry becomes an IndexConfigs key, as written;
 *  - isSecureIndex looks the registry's host[:port] up in IndexConfigs
 *    (an exact, case-sensitive map key: "reg" and "reg:5000" are
 *    different registries), then isCIDRMatch splits the port off
 *    (net.SplitHostPort) and tests the host's IP against each CIDR.
 * Where fixkb differs on purpose the case says so: it never resolves a
 * host name for the CIDR test (dockerd does), and it strips trailing '/'
 * (dockerd refuses to start on such an entry). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker/daemoncfg.h"
#include "t-lib-cfg.h"

static const struct {
	const char *entry, *registry;
	int want;
	const char *why;
} cases[] = {
	{ "reg.local:5000", "reg.local:5000", 1, "host:port, exact" },
	{ "reg.local", "reg.local", 1, "host, exact" },
	{ "reg.local", "reg.local:5000", 0, "host does not cover host:port" },
	{ "reg.local:5000", "reg.local", 0, "host:port does not cover host" },
	{ "reg.local:443", "reg.local", 0, "no default port: :443 is not the bare host" },
	{ "reg.local:5000", "reg.local:5001", 0, "another port" },
	{ "Reg.Local:5000", "reg.local:5000", 0, "case-sensitive, as a map key" },
	{ "other.local:5000", "reg.local:5000", 0, "another host" },
	{ "reg.local:5000", "sub.reg.local:5000", 0, "no suffix match" },
	{ "http://reg.local:5000", "reg.local:5000", 1, "http:// stripped" },
	{ "https://reg.local:5000", "reg.local:5000", 1, "https:// stripped" },
	{ "https://reg.local:5000//", "reg.local:5000", 1, "scheme and trailing slashes stripped (fixkb only)" },
	{ "http://reg.local", "reg.local:5000", 0, "http:// does not imply a port" },
	{ "[fd00::1]:5000", "[fd00::1]:5000", 1, "IPv6 host:port, exact" },
	{ "10.1.0.0/16", "10.1.2.3:5000", 1, "IPv4 CIDR, registry with a port" },
	{ "10.1.0.0/16", "10.1.2.3", 1, "IPv4 CIDR, registry without a port" },
	{ "10.1.0.0/16", "10.2.0.1:5000", 0, "outside the CIDR" },
	{ "10.1.2.3/32", "10.1.2.3:80", 1, "/32: that address" },
	{ "10.1.2.3/32", "10.1.2.4:80", 0, "/32: no other" },
	{ "10.1.200.7/16", "10.1.3.4", 1, "host bits in the CIDR are masked (ParseCIDR)" },
	{ "0.0.0.0/0", "203.0.113.9:443", 1, "/0 covers every IPv4 address" },
	{ "192.168.0.0/16", "192.169.0.1:80", 0, "next /16 is outside" },
	{ "http://10.1.0.0/16", "10.1.2.3:5000", 1, "CIDR after http://" },
	{ "10.1.0.0/16", "reg.local:5000", 0, "a name is not resolved for a CIDR (fixkb only)" },
	{ "10.1.0.0/33", "10.1.2.3", 0, "an invalid prefix length covers nothing" },
	{ "10.1.0.0/16abc", "10.1.2.3", 0, "a prefix length with trailing junk covers nothing" },
	{ "10.1.0.0/", "10.1.2.3", 0, "an empty prefix length covers nothing" },
	{ "HTTP://reg.local:5000", "reg.local:5000", 1, "HTTP:// stripped (scheme in any case)" },
	{ "Https://10.1.0.0/16", "10.1.2.3", 1, "Https:// stripped before a CIDR" },
	{ "ftp://reg.local:5000", "reg.local:5000", 0, "another scheme is not stripped" },
	{ "fd00::/8", "[fd00::1]:5000", 1, "IPv6 CIDR, bracketed host with a port" },
	{ "fd00::/8", "fd00::1", 1, "IPv6 CIDR, bare host" },
	{ "fd00::/8", "[fe80::1]:5000", 0, "outside the IPv6 CIDR" },
	{ "2001:db8::1/128", "[2001:db8::1]", 1, "/128: that address" },
	{ "2001:db8::/33", "[2001:db8:8000::1]", 0, "/33: bit 33 differs" },
	{ "::/0", "[2001:db8::1]:443", 1, "::/0 covers every IPv6 address" },
	{ "::/0", "10.1.2.3", 0, "::/0 does not cover IPv4 (Go compares IPv4 with IPv4 only)" },
	{ "0.0.0.0/0", "[2001:db8::1]", 0, "0.0.0.0/0 does not cover IPv6" },
	{ "10.1.0.0/16", "[::ffff:10.1.2.3]:5000", 1, "an IPv4-mapped host is IPv4 (Go's To4)" },
	{ "::ffff:10.1.0.0/112", "10.1.2.3", 1, "an IPv4-mapped network is IPv4: /112 is a /16" },
	{ "::ffff:10.1.0.0/112", "10.2.0.1", 0, "an IPv4-mapped network: outside its /16" },
	{ "10.1.0.0/16", "[fd00::1]", 0, "an IPv6 host is not in an IPv4 CIDR" },
	{ "::ffff:10.1.0.0/80", "[::1]", 1, "masked to ::/80 first, so an IPv6 network" },
	{ "::ffff:10.1.0.0/80", "10.1.2.3", 0, "masked to ::/80: no IPv4 host" },
};

static void test_entries(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(daemoncfg_insecure_entry_matches(cases[i].entry, cases[i].registry), cases[i].want,
		       "entry '%s' vs registry '%s': %s", cases[i].entry, cases[i].registry, cases[i].why);
}

static int declared(const char *registry, char *file, size_t n)
{
	return daemoncfg_declares_insecure(registry, file, n);
}

static void test_file(void)
{
	char file[512];
	const char *path;
	FILE *f;

	path = put("etc/daemon.json", "{\"debug\":true,\"insecure-registries\":[\"reg.local:5000\","
				       "\"http://other:80/\",\"10.1.0.0/16\",42,null]}");
	setenv("FIXKB_DAEMON_JSON", path, 1);
	ok(declared("reg.local:5000", file, sizeof(file)), "file: exact host:port");
	is_str(file, spath("etc/daemon.json"), "file: reports the daemon.json read");
	ok(!declared("reg.local", file, sizeof(file)), "file: host without the port is not listed");
	ok(declared("other:80", file, sizeof(file)), "file: scheme and '/' stripped");
	ok(declared("10.1.2.3:5000", NULL, 0), "file: CIDR match (file may be NULL)");
	ok(!declared("10.2.0.1:5000", file, sizeof(file)), "file: outside the CIDR; non-strings skipped");

	put("etc/daemon.json", "{\"insecure-registries\":\"reg.local:5000\"}");
	ok(!declared("reg.local:5000", file, sizeof(file)), "file: a string instead of a list declares nothing");
	put("etc/daemon.json", "{\"insecure-registries\":[\"reg.local:5000\"]");
	ok(!declared("reg.local:5000", file, sizeof(file)), "file: malformed JSON declares nothing");
	put("etc/daemon.json", "{\"registry-mirrors\":[\"reg.local:5000\"]}");
	ok(!declared("reg.local:5000", file, sizeof(file)), "file: other keys declare nothing");

	/* Over the 1 MiB cap: valid JSON, padded, is not read at all. */
	f = fopen(spath("etc/daemon.json"), "w");
	if (!f)
		exit(99);
	fputs("{\"insecure-registries\":[\"reg.local:5000\"]}", f);
	for (int i = 0; i < (1 << 20); i += 64)
		fputs("                                                                ", f);
	fclose(f);
	ok(!declared("reg.local:5000", file, sizeof(file)), "file: over 1 MiB is not read");

	rm_rel("etc/daemon.json");
	ok(!declared("reg.local:5000", file, sizeof(file)), "file: missing file declares nothing");
	is_str(file, spath("etc/daemon.json"), "file: the missing path is still reported");
	setenv("FIXKB_DAEMON_JSON", spath("etc"), 1);
	ok(!declared("reg.local:5000", file, sizeof(file)), "file: a directory declares nothing");

	setenv("FIXKB_DAEMON_JSON", "", 1);
	declared("reg.local:5000", file, sizeof(file));
	is_str(file, DAEMONCFG_DEFAULT_PATH, "file: empty FIXKB_DAEMON_JSON means /etc/docker/daemon.json");
	unsetenv("FIXKB_DAEMON_JSON");
	declared("reg.local:5000", file, sizeof(file));
	is_str(file, "/etc/docker/daemon.json", "file: the default path");
}

int main(void)
{
	scratch_init();
	test_entries();
	test_file();
	scratch_done();
	return tap_done();
}
