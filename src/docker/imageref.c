#include "docker/imageref.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "docker/regname.h"

/* ---- references ---- */

static int is_alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* path-component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*, joined by '/'. */
static int valid_path(const char *p)
{
	while (*p) {
		if (!is_alnum_lower(*p))
			return 0;
		while (is_alnum_lower(*p))
			p++;
		while (*p == '.' || *p == '_' || *p == '-') {
			if (*p == '.') {
				p++;
			} else if (*p == '_') {
				p++;
				if (*p == '_')
					p++;
			} else {
				while (*p == '-')
					p++;
			}
			if (!is_alnum_lower(*p))
				return 0;
			while (is_alnum_lower(*p))
				p++;
		}
		if (*p == '/') {
			p++;
			if (!*p)
				return 0;
		} else if (*p) {
			return 0;
		}
	}
	return 1;
}

static int valid_tag(const char *t)
{
	size_t n = strlen(t), i;

	if (n == 0 || n > 128)
		return 0;
	if (!(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!(isalnum((unsigned char)t[i]) || t[i] == '_' || t[i] == '.' || t[i] == '-'))
			return 0;
	return 1;
}

static int valid_digest(const char *d, struct err *e)
{
	const char *colon = strchr(d, ':'), *p;
	size_t hexlen;

	if (!colon || colon == d || !colon[1])
		return err_set(e, "invalid reference format");
	for (p = d; p < colon; p++)
		if (!is_alnum_lower(*p) && !strchr("+._-", *p))
			return err_set(e, "invalid reference format");
	for (p = colon + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("=_-", *p))
			return err_set(e, "invalid reference format");
	if (strncmp(d, "sha256:", 7) == 0) {
		hexlen = strlen(colon + 1);
		for (p = colon + 1; *p; p++)
			if (!isxdigit((unsigned char)*p) || isupper((unsigned char)*p))
				return err_set(e, "invalid checksum digest format");
		if (hexlen != 64)
			return err_set(e, "invalid checksum digest length");
	}
	return 0;
}

int image_ref_parse(struct image_ref *out, const char *ref, struct err *e)
{
	char name[IMAGEREF_NAME_MAX * 2];
	const char *rem, *p;
	char *at, *lastslash, *colon;
	size_t flen, i;
	int hex64 = 1;

	memset(out, 0, sizeof(*out));
	if (!ref || !*ref)
		return err_set(e, "invalid reference format");
	if (strlen(ref) >= sizeof(name))
		return err_set(e, "invalid reference format: repository name must not be more than 255 characters");
	for (i = 0; ref[i]; i++)
		if (!isxdigit((unsigned char)ref[i]) || isupper((unsigned char)ref[i]))
			hex64 = 0;
	if (hex64 && i == 64)
		return err_set(e, "invalid repository name (%s), cannot specify 64-byte hexadecimal strings", ref);

	/* splitDockerDomain (docker/regname.c has the rule) */
	flen = regname_domain_len(ref, strlen(ref));
	if (flen == 0) {
		snprintf(out->domain, sizeof(out->domain), "%s", REGNAME_HUB);
		rem = ref;
	} else {
		if (flen >= sizeof(out->domain))
			return err_set(e, "invalid reference format");
		memcpy(out->domain, ref, flen);
		out->domain[flen] = '\0';
		if (regname_ref_domain(out->domain) != out->domain)   /* index.docker.io */
			snprintf(out->domain, sizeof(out->domain), "%s", REGNAME_HUB);
		rem = ref + flen + 1;
	}
	if (strcmp(out->domain, REGNAME_HUB) == 0 && !strchr(rem, '/'))
		snprintf(name, sizeof(name), "library/%s", rem);
	else
		snprintf(name, sizeof(name), "%s", rem);
	for (p = name; *p; p++) {
		if (isupper((unsigned char)*p)) {
			/* docker names the remainder, tag included */
			return err_set(e, "invalid reference format: repository name (%s) must be lowercase", name);
		}
	}
	if (!regname_valid_host(out->domain))
		return err_set(e, "invalid reference format");

	at = strchr(name, '@');
	if (at) {
		*at = '\0';
		if (strlen(at + 1) >= sizeof(out->digest))
			return err_set(e, "invalid reference format");
		if (valid_digest(at + 1, e) < 0)
			return -1;
		snprintf(out->digest, sizeof(out->digest), "%s", at + 1);
	}
	lastslash = strrchr(name, '/');
	colon = strrchr(lastslash ? lastslash : name, ':');
	if (colon) {
		*colon = '\0';
		if (!valid_tag(colon + 1))
			return err_set(e, "invalid reference format");
		snprintf(out->tag, sizeof(out->tag), "%s", colon + 1);
	}
	if (!*name || !valid_path(name))
		return err_set(e, "invalid reference format");
	if (strlen(out->domain) + 1 + strlen(name) > 255)
		return err_set(e, "invalid reference format: repository name must not be more than 255 characters");
	snprintf(out->path, sizeof(out->path), "%s", name);
	if (!out->tag[0] && !out->digest[0])
		snprintf(out->tag, sizeof(out->tag), "latest");
	snprintf(out->registry, sizeof(out->registry), "%s", regname_canonical(out->domain));
	return 0;
}
