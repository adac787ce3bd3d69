#include "net/tlssniff.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/url.h"
#include "util/clock.h"
#include "util/hostport.h"

enum { PH_CONNECTING, PH_WRITING, PH_READING, PH_DONE };

/* A TLS 1.2/1.3 ClientHello record: version 3.3, a zero random, no
 * session, three common suites, no compression, and the supported_groups
 * extension (x25519), which every real ClientHello carries. A plain http
 * server answers it with a 400 ("HTTP/1.1 400 Bad Request") once it sees
 * a '\n' to end the "request line": the extension's type, 0x000a, is
 * that byte, as it is in libcurl's and Go's ClientHellos. A TLS server
 * answers with a ServerHello or an alert, both records, not "HTTP/". */
static const unsigned char client_hello[] = {
	0x16, 0x03, 0x01, 0x00, 0x3b,             /* handshake record, 59 bytes */
	0x01, 0x00, 0x00, 0x37,                   /* ClientHello, 55 bytes */
	0x03, 0x03,                               /* TLS 1.2 (1.3 negotiates up) */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x00,                                     /* no session id */
	0x00, 0x06, 0x13, 0x01, 0xc0, 0x2f, 0xc0, 0x2b,
	0x01, 0x00,                               /* null compression only */
	0x00, 0x08,                               /* extensions, 8 bytes */
	0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x1d,   /* supported_groups: x25519 */
};

/* The port of a host[:port] (443 when none). */
static const char *port_of(const char *hp)
{
	const char *c = hp[0] == '[' ? strstr(hp, "]:") : strchr(hp, ':');

	if (!c || (hp[0] != '[' && strchr(c + 1, ':')))
		return "443";
	return hp[0] == '[' ? c + 2 : c + 1;
}

int tlssniff_start(struct tlssniff *s, const char *url, double budget_ms)
{
	struct addrinfo hints, *ai = NULL;
	char hp[300], host[256];
	int fd;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (strncmp(url, "https://", 8) != 0 || url_hostport(url, hp, sizeof(hp)) < 0 ||
	    !url_host_is_loopback(hp))
		return -1;
	hostport_host(hp, host, sizeof(host));
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (getaddrinfo(host, port_of(hp), &hints, &ai) != 0 || !ai)
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS)) {
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	s->fd = fd;
	s->phase = PH_CONNECTING;
	s->budget_end = budget_ms > 0 ? clock_now_ms() + budget_ms : 0;
	return 0;
}

short tlssniff_events(const struct tlssniff *s)
{
	return s->phase == PH_READING ? POLLIN : POLLOUT;
}

/* One non-blocking move of the current phase: the state, PENDING when
 * it has to wait. */
static enum tlssniff_state advance(struct tlssniff *s)
{
	ssize_t n;
	int err = 0;
	socklen_t len = sizeof(err);

	switch (s->phase) {
	case PH_CONNECTING:
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err)
			return TLSSNIFF_OTHER;   /* refused: libcurl says it in its words */
		{
			struct pollfd p = { .fd = s->fd, .events = POLLOUT };

			if (poll(&p, 1, 0) <= 0)
				return TLSSNIFF_PENDING;
		}
		s->connected = 1;
		s->phase = PH_WRITING;
		return TLSSNIFF_PENDING;
	case PH_WRITING:
		n = send(s->fd, client_hello + s->sent, sizeof(client_hello) - s->sent, MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? TLSSNIFF_PENDING : TLSSNIFF_OTHER;
		s->sent += (size_t)n;
		if (s->sent == sizeof(client_hello))
			s->phase = PH_READING;
		return TLSSNIFF_PENDING;
	case PH_READING:
		n = recv(s->fd, s->head + s->got, sizeof(s->head) - s->got, 0);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? TLSSNIFF_PENDING : TLSSNIFF_OTHER;
		if (n == 0)
			return TLSSNIFF_OTHER;
		s->got += (size_t)n;
		if (memcmp(s->head, "HTTP/", s->got) != 0)
			return TLSSNIFF_OTHER;
		return s->got == sizeof(s->head) ? TLSSNIFF_HTTP : TLSSNIFF_PENDING;
	}
	return TLSSNIFF_OTHER;
}

enum tlssniff_state tlssniff_step(struct tlssniff *s)
{
	enum tlssniff_state st;
	int moves;

	if (s->phase == PH_DONE || s->fd < 0)
		return TLSSNIFF_OTHER;
	/* Connect, write and read can all be ready at once on loopback. */
	for (moves = 0; moves < 8; moves++) {
		int phase = s->phase;

		st = advance(s);
		if (st != TLSSNIFF_PENDING) {
			s->phase = PH_DONE;
			return st;
		}
		if (s->phase == phase)
			break;   /* waiting */
	}
	if (s->budget_end > 0 && clock_now_ms() >= s->budget_end) {
		s->phase = PH_DONE;
		return s->connected ? TLSSNIFF_ANSWER_TIMEOUT : TLSSNIFF_CONNECT_TIMEOUT;
	}
	return TLSSNIFF_PENDING;
}

void tlssniff_close(struct tlssniff *s)
{
	if (s && s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
}
