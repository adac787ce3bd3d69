/* daemoncfg.c — daemon.json insecure-registries. See daemoncfg.h. */
#include "docker/daemoncfg.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/hostport.h"

#define DAEMONCFG_FILE_MAX (1 << 20)

static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* An IP literal as 16 bytes, IPv4 as ::ffff:a.b.c.d (Go's net.IP);
 * *v4_text says whether it was written as IPv4. */
static int parse_ip(const char *s, unsigned char out[16], int *v4_text)
{
	*v4_text = inet_pton(AF_INET, s, out + 12) == 1;
	if (*v4_text) {
		memcpy(out, v4_mapped, sizeof(v4_mapped));
		return 0;
	}
	return inet_pton(AF_INET6, s, out) == 1 ? 0 : -1;
}

static int is_v4(const unsigned char ip[16])
{
	return memcmp(ip, v4_mapped, sizeof(v4_mapped)) == 0;
}

/* Byte i of a 128-bit mask with its first `bits` bits set. */
static unsigned char mask_byte(long bits, size_t i)
{
	long b = bits - 8 * (long)i;

	return b >= 8 ? 0xff : b <= 0 ? 0 : (unsigned char)(0xff << (8 - b));
}

/* 1 when cidr ("10.1.0.0/16", "fd00::/8") parses as Go's net.ParseCIDR
 * would and holds the IP literal host (a name never matches), as Go's
 * IPNet.Contains decides: an IPv4 network (IPv4-mapped included) holds
 * only IPv4 hosts (IPv4-mapped included), an IPv6 one only IPv6 hosts. */
static int cidr_contains(const char *cidr, const char *host)
{
	unsigned char net[16], ip[16];
	char addr[64];
	const char *slash = strchr(cidr, '/');
	int v4_text, unused;
	size_t i, plen;
	long bits;

	if (!slash || (size_t)(slash - cidr) >= sizeof(addr))
		return 0;
	plen = strlen(slash + 1);
	if (plen == 0 || plen > 3 || strspn(slash + 1, "0123456789") != plen)
		return 0;
	snprintf(addr, sizeof(addr), "%.*s", (int)(slash - cidr), cidr);
	bits = strtol(slash + 1, NULL, 10);
	if (parse_ip(addr, net, &v4_text) < 0 || parse_ip(host, ip, &unused) < 0 ||
	    bits > (v4_text ? 32 : 128))
		return 0;
	if (v4_text)
		bits += 96;
	for (i = 0; i < 16; i++)   /* the network number: ParseCIDR masks it */
		net[i] &= mask_byte(bits, i);
	if (is_v4(net) != is_v4(ip))
		return 0;
	if (is_v4(net) && bits < 96)
		bits = 96;   /* Go keeps only the IPv4 part of such a mask */
	for (i = 0; i < 16; i++)
		if ((net[i] & mask_byte(bits, i)) != (ip[i] & mask_byte(bits, i)))
			return 0;
	return 1;
}

/* The entry without an http:// or https:// prefix (any case, as dockerd
 * compares the scheme) and without trailing '/', into out. */
static void entry_strip(const char *entry, char *out, size_t n)
{
	size_t l;

	if (strncasecmp(entry, "http://", 7) == 0)
		entry += 7;
	else if (strncasecmp(entry, "https://", 8) == 0)
		entry += 8;
	snprintf(out, n, "%s", entry);
	l = strlen(out);
	while (l && out[l - 1] == '/')
		out[--l] = '\0';
}

int daemoncfg_insecure_entry_matches(const char *entry, const char *registry)
{
	char ent[512], host[256];

	entry_strip(entry, ent, sizeof(ent));
	if (strcmp(ent, registry) == 0)
		return 1;
	hostport_host(registry, host, sizeof(host));
	return strchr(ent, '/') && cidr_contains(ent, host);
}

int daemoncfg_declares_insecure(const char *registry, char *file, size_t n)
{
	const char *path = getenv("FIXKB_DAEMON_JSON");
	json_error_t je;
	json_t *doc = NULL, *list, *v;
	size_t i;
	int hit = 0;
	struct stat st;

	if (!path || !*path)
		path = DAEMONCFG_DEFAULT_PATH;
	if (file && n)
		snprintf(file, n, "%s", path);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > DAEMONCFG_FILE_MAX)
		goto cleanup;
	doc = json_load_file(path, 0, &je);
	list = doc ? json_object_get(doc, "insecure-registries") : NULL;
	json_array_foreach(list, i, v) {
		const char *s = json_string_value(v);

		if (s && daemoncfg_insecure_entry_matches(s, registry)) {
			hit = 1;
			break;
		}
	}
cleanup:
	if (doc)
		json_decref(doc);
	return hit;
}
