/* url.c — origins, host[:port] and loopback. See url.h. */
#include "net/url.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <strings.h>

#include "net/curllib.h"
#include "util/hostport.h"

int url_origin(const char *url, char *out, size_t n)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc = -1;
	size_t i;

	if (curllib_load(NULL) < 0)
		return -1;
	u = curl_url();
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto cleanup;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto cleanup;
	snprintf(out, n, "%s://%s:%s", scheme, host, port);
	for (i = 0; out[i]; i++)
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
	rc = 0;
cleanup:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	if (u)
		curl_url_cleanup(u);
	return rc;
}

int url_hostport(const char *url, char *out, size_t n)
{
	CURLU *u;
	char *host = NULL, *port = NULL;
	int rc = -1;

	if (curllib_load(NULL) < 0)
		return -1;
	u = curl_url();
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto cleanup;
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto cleanup;
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK && port)
		snprintf(out, n, "%s:%s", host, port);
	else
		snprintf(out, n, "%s", host);
	rc = 0;
cleanup:
	curl_free(host);
	curl_free(port);
	if (u)
		curl_url_cleanup(u);
	return rc;
}

int url_host_is_loopback(const char *hostport)
{
	char h[256];
	struct in_addr a4;
	struct in6_addr a6;

	hostport_host(hostport, h, sizeof(h));
	if (strcasecmp(h, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, h, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, h, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}
