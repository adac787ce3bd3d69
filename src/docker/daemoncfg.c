/* daemoncfg.c — daemon.json insecure-registries. See daemoncfg.h. */
#include "docker/daemoncfg.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/hostport.h"

#define DAEMONCFG_FILE_MAX (1 << 20)

static int cidr4_contains(const char *cidr, const char *host)
{
	char net[64];
	const char *slash = strchr(cidr, '/');
	struct in_addr a, b;
	long bits;
	uint32_t mask;

	if (!slash || (size_t)(slash - cidr) >= sizeof(net))
		return 0;
	snprintf(net, sizeof(net), "%.*s", (int)(slash - cidr), cidr);
	bits = strtol(slash + 1, NULL, 10);
	if (bits < 0 || bits > 32 || inet_pton(AF_INET, net, &a) != 1 ||
	    inet_pton(AF_INET, host, &b) != 1)
		return 0;
	mask = bits == 0 ? 0 : 0xFFFFFFFFu << (32 - bits);
	return (ntohl(a.s_addr) & mask) == (ntohl(b.s_addr) & mask);
}

int daemoncfg_insecure_entry_matches(const char *entry, const char *registry)
{
	char ent[512], host[256];
	size_t l;

	if (strncmp(entry, "http://", 7) == 0)
		entry += 7;
	else if (strncmp(entry, "https://", 8) == 0)
		entry += 8;
	snprintf(ent, sizeof(ent), "%s", entry);
	l = strlen(ent);
	while (l && ent[l - 1] == '/')
		ent[--l] = '\0';
	if (strcmp(ent, registry) == 0)
		return 1;
	hostport_host(registry, host, sizeof(host));
	return strchr(ent, '/') && cidr4_contains(ent, host);
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
