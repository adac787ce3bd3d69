/* hostport.h — the host[:port] form registries are named by.
 *
 * A registry is "host", "host:port", "[v6]" or "[v6]:port" (docker's
 * URL.Host). Nothing here resolves a name or touches the network. */
#ifndef FIXKB_UTIL_HOSTPORT_H
#define FIXKB_UTIL_HOSTPORT_H

#include <stddef.h>

/* The host part of hostport into out (cut to n - 1 bytes): brackets of an
 * IPv6 literal removed, a ":port" after the last ':' removed; a bare IPv6
 * literal without brackets (two or more ':') is kept whole, as Go's
 * net.SplitHostPort would refuse to split it. */
void hostport_host(const char *hostport, char *out, size_t n);

#endif
