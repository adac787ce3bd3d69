/* matchreg.c — the registry a match names (matcher.h). */
#include "matcher.h"

#include <string.h>

#include "docker/regname.h"

int matcher_registry_canon(const char *host, size_t len, char *out,
			   size_t outcap)
{
	return regname_log_host(host, len, out, outcap);
}

int matcher_registry_from_url(const char *url, size_t len, char *out,
			      size_t outcap)
{
	size_t i = 0, start, end, at;

	while (i < len && (url[i] == ' ' || url[i] == '"' || url[i] == '\''))
		i++;
	/* An optional scheme. */
	for (end = i; end < len && ((url[end] >= 'a' && url[end] <= 'z') ||
				    (url[end] >= 'A' && url[end] <= 'Z') ||
				    url[end] == '+' || url[end] == '-' || url[end] == '.');
	     end++)
		;
	if (end > i && end + 3 <= len && memcmp(url + end, "://", 3) == 0)
		i = end + 3;
	start = i;
	for (end = start; end < len && !strchr("/?# \t\"'", url[end]) && url[end];
	     end++)
		;
	/* Drop user info. */
	for (at = end; at > start; at--)
		if (url[at - 1] == '@') {
			start = at;
			break;
		}
	return matcher_registry_canon(url + start, end - start, out, outcap);
}

/* Whether s[0..n) holds "://" (a URL rather than a host or reference). */
static int has_scheme(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 3 <= n; i++)
		if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/')
			return 1;
	return 0;
}

int matcher_match_registry(const struct matcher_match *mm, char *out,
			   size_t outcap)
{
	const struct matcher_span *reg = &mm->cap[MATCHER_CAP_REGISTRY];
	const struct matcher_span *url = &mm->cap[MATCHER_CAP_URL];
	const char *p, *slash;
	size_t first;

	if (reg->set && reg->len > 0) {
		p = mm->msg + reg->off;
		if (has_scheme(p, reg->len))
			return matcher_registry_from_url(p, reg->len, out, outcap);
		slash = memchr(p, '/', reg->len);
		if (!slash)   /* a bare host */
			return matcher_registry_canon(p, reg->len, out, outcap);
		/* An image reference: docker's rule says whether its first
		 * component is a host (docker/regname.h). */
		first = regname_domain_len(p, reg->len);
		if (first)
			return matcher_registry_canon(p, first, out, outcap);
		return matcher_registry_canon(REGNAME_HUB, strlen(REGNAME_HUB), out, outcap);
	}
	if (url->set && url->len > 0)
		return matcher_registry_from_url(mm->msg + url->off, url->len, out,
						 outcap);
	return -1;
}
