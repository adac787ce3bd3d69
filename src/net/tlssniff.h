/* tlssniff.h — what a loopback port answers a TLS ClientHello with,
 * before libcurl makes a real TLS attempt there.
 *
 * docker's containerd resolver sends https first to a registry on
 * localhost:PORT and retries over plain http when the answer's first
 * record header reads "HTTP/" (containerd core/remotes/docker
 * resolver.go httpFallback: tls.RecordHeaderError with RecordHeader
 * "HTTP/"). fixkb does the same, but a TLS attempt through libcurl costs
 * an OpenSSL context per connection (a millisecond of CPU each, twenty
 * for twenty local registries) only to read those five bytes. So for a
 * loopback host fixkb first sends a minimal ClientHello itself and reads
 * the first five bytes of the answer: "HTTP/" decides it as containerd
 * decides it; anything else (a TLS record, a closed connection, a
 * refused port) hands the request to libcurl for the real attempt, as
 * before. Everything is non-blocking; http_client_run polls the socket
 * with its transfers. */
#ifndef FIXKB_NET_TLSSNIFF_H
#define FIXKB_NET_TLSSNIFF_H

#include <stddef.h>

enum tlssniff_state {
	TLSSNIFF_PENDING,          /* still connecting, writing or waiting */
	TLSSNIFF_HTTP,             /* the port answered "HTTP/": plain http */
	TLSSNIFF_OTHER,            /* anything else: let libcurl try TLS */
	TLSSNIFF_CONNECT_TIMEOUT,  /* no connection within the budget */
	TLSSNIFF_ANSWER_TIMEOUT,   /* connected; no answer within the budget */
};

struct tlssniff {
	int fd;
	int phase;                 /* connecting, writing, reading (tlssniff.c) */
	size_t sent, got;
	char head[5];
	double budget_end;         /* clock_now_ms() clock; 0: none */
	int connected;
};

/* Whether a request to url (https, a loopback IP literal or localhost)
 * can be sniffed, and starts it: connect begun, budget_ms (0: none) for
 * the connection and the answer together. 0 started, -1 not (not
 * loopback, no address, no socket: use libcurl directly). */
int tlssniff_start(struct tlssniff *s, const char *url, double budget_ms);
/* Advances on whatever the socket allows now (never blocks) and checks
 * the budget. */
enum tlssniff_state tlssniff_step(struct tlssniff *s);
/* poll() events to wait for now. */
short tlssniff_events(const struct tlssniff *s);
/* Closes the socket; NULL-safe and idempotent. */
void tlssniff_close(struct tlssniff *s);

#endif
