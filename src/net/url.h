/* url.h — the URL and host rules the HTTP client and the token flows
 * share: what an origin is (for dropping credentials on a redirect),
 * the host[:port] of a URL (for matching a registry), and which hosts are
 * loopback (where plain http may carry credentials).
 *
 * URLs are parsed by libcurl's URL API, as the requests themselves are,
 * so the rules and the transfers can never disagree on what a URL means. */
#ifndef FIXKB_NET_URL_H
#define FIXKB_NET_URL_H

#include <stddef.h>

/* "scheme://host:port" of url into out (cut to n - 1 bytes): scheme and
 * host lower-cased, the scheme's default port filled in when the URL has
 * none. Two URLs are the same origin when these strings are equal.
 * Returns 0, or -1 when libcurl cannot parse url or cannot be loaded
 * (out untouched; net/curllib.h: this loads it). */
int url_origin(const char *url, char *out, size_t n);

/* The host[:port] part of url into out, as written (no default port, the
 * host's case kept; an IPv6 host keeps its brackets). Returns 0, or -1
 * when libcurl cannot parse url or cannot be loaded (out untouched). */
int url_hostport(const char *url, char *out, size_t n);

/* 1 for localhost (any case), 127.0.0.0/8 and ::1, with or without a port
 * ("127.0.0.1:5000", "[::1]:5000"); 0 otherwise. Names other than
 * localhost are never resolved. */
int url_host_is_loopback(const char *hostport);

#endif
