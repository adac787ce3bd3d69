/* t-imageref — image references (docker's ParseNormalizedNamed); the
 * registry-name rules themselves are t-regname's. */
#include "docker/imageref.h"
#include "t-lib-cfg.h"

static void test_refs(void)
{
	static const struct { const char *in, *domain, *registry, *path, *tag, *digest; } t[] = {
		{ "alpine", "docker.io", "docker.io", "library/alpine", "latest", "" },
		{ "alpine:3.19", "docker.io", "docker.io", "library/alpine", "3.19", "" },
		{ "user/img", "docker.io", "docker.io", "user/img", "latest", "" },
		{ "docker.io/alpine", "docker.io", "docker.io", "library/alpine", "latest", "" },
		{ "index.docker.io/library/alpine", "docker.io", "docker.io", "library/alpine", "latest", "" },
		{ "registry-1.docker.io/library/alpine", "registry-1.docker.io", "docker.io", "library/alpine", "latest", "" },
		{ "ghcr.io/o/i:tag", "ghcr.io", "ghcr.io", "o/i", "tag", "" },
		{ "host:5000/x/y@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "host:5000", "host:5000", "x/y", "", "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
		{ "localhost/x", "localhost", "localhost", "x", "latest", "" },
		{ "localhost:5000/x:1", "localhost:5000", "localhost:5000", "x", "1", "" },
		{ "foo/bar/baz", "docker.io", "docker.io", "foo/bar/baz", "latest", "" },
		{ "a.b/c__d-e.f", "a.b", "a.b", "c__d-e.f", "latest", "" },
		{ "[::1]:5000/x", "[::1]:5000", "[::1]:5000", "x", "latest", "" },
		{ "Docker.io/library/alpine", "Docker.io", "Docker.io", "library/alpine", "latest", "" },
		{ "INDEX.docker.io/x/y", "INDEX.docker.io", "INDEX.docker.io", "x/y", "latest", "" },
	};
	static const struct { const char *in, *err; } bad[] = {
		{ "Alpine", "invalid reference format: repository name (library/Alpine) must be lowercase" },
		{ "ghcr.io/Owner/img", "must be lowercase" },
		{ "", "invalid reference format" },
		{ "alpine:", "invalid reference format" },
		{ "a//b", "invalid reference format" },
		{ "alpine@sha256:123", "invalid checksum digest length" },
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "cannot specify 64-byte hexadecimal strings" },
		{ "-x/y", "invalid reference format" },
		{ "[::ffff:1.2.3.4]:5000/x", "invalid reference format" },   /* DomainRegexp: hex and ':' only */
		{ "Upper/Case", "invalid reference format" },                 /* "Upper" is a host, "Case" upper-case */
	};
	struct image_ref r;
	struct err e = ERR_INIT;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err_clear(&e);
		if (!ok(image_ref_parse(&r, t[i].in, &e) == 0, "parse %s", t[i].in)) {
			diag(e.msg);
			continue;
		}
		is_str(r.domain, t[i].domain, "%s: domain", t[i].in);
		is_str(r.registry, t[i].registry, "%s: registry", t[i].in);
		is_str(r.path, t[i].path, "%s: path", t[i].in);
		is_str(r.tag, t[i].tag, "%s: tag", t[i].in);
		is_str(r.digest, t[i].digest, "%s: digest", t[i].in);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		ok(image_ref_parse(&r, bad[i].in, &e) < 0 && strstr(e.msg, bad[i].err), "reject '%s': %s", bad[i].in, e.msg);
	}
}

int main(void)
{
	scratch_init();
	test_refs();
	scratch_done();
	return tap_done();
}
