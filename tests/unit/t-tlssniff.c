/* net/tlssniff: what a loopback port answers a ClientHello with, against
 * small servers forked here on 127.0.0.1, one per behaviour. */
#include "net/tlssniff.h"
#include "tap.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/clock.h"

enum behaviour { ANSWER_HTTP_AFTER_NEWLINE, ANSWER_TLS_ALERT, ANSWER_SPLIT_HTTP, SILENT, CLOSE_AT_ONCE };

/* The first bytes the server read, for the ClientHello checks. */
static unsigned char seen[64];
static size_t nseen;

/* A listening socket on 127.0.0.1; its port in *port. */
static int listen_any(int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

/* The server: one connection, then b; what it read goes back to the
 * parent through report. */
static void serve(int lfd, enum behaviour b, int report)
{
	unsigned char buf[512];
	size_t got = 0;
	ssize_t n;
	int c = accept(lfd, NULL, NULL);

	if (c < 0)
		_exit(1);
	if (b == CLOSE_AT_ONCE) {
		close(c);
		_exit(0);
	}
	/* read until a '\n' (a Go http server's request line) or 300 ms */
	while (got < sizeof(buf)) {
		struct pollfd p = { .fd = c, .events = POLLIN };

		if (poll(&p, 1, 300) <= 0 || (n = read(c, buf + got, sizeof(buf) - got)) <= 0)
			break;
		got += (size_t)n;
		if (memchr(buf, '\n', got))
			break;
	}
	if (write(report, buf, got < 64 ? got : 64) < 0)
		_exit(1);
	close(report);
	if (b == ANSWER_HTTP_AFTER_NEWLINE && memchr(buf, '\n', got)) {
		static const char r[] = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n400 Bad Request";

		if (write(c, r, sizeof(r) - 1) < 0)
			_exit(1);
	} else if (b == ANSWER_TLS_ALERT) {
		static const unsigned char alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46 };

		if (write(c, alert, sizeof(alert)) < 0)
			_exit(1);
	} else if (b == ANSWER_SPLIT_HTTP) {
		if (write(c, "HT", 2) < 0)
			_exit(1);
		usleep(50000);
		if (write(c, "TP/1.0 400 Bad Request\r\n\r\n", 26) < 0)
			_exit(1);
	} else if (b == SILENT) {
		sleep(2);
	}
	usleep(100000);
	_exit(0);
}

/* Sniffs url's port (a server with behaviour b when b >= 0) to the end,
 * with budget_ms; the final state, and *ms how long it took. */
static enum tlssniff_state run(int b, double budget_ms, double *ms, int closed_port)
{
	struct tlssniff s;
	enum tlssniff_state st = TLSSNIFF_OTHER;
	char url[128];
	int port = 0, lfd = listen_any(&port), rp[2];
	pid_t pid = -1;
	double t0 = clock_now_ms();

	nseen = 0;
	if (lfd < 0 || pipe(rp) < 0)
		return TLSSNIFF_OTHER;
	if (closed_port) {
		close(lfd);   /* nothing listens there now */
		lfd = -1;
	} else if ((pid = fork()) == 0) {
		close(rp[0]);
		serve(lfd, (enum behaviour)b, rp[1]);
	}
	close(rp[1]);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/v2/x/manifests/latest", port);
	if (tlssniff_start(&s, url, budget_ms) == 0) {
		while ((st = tlssniff_step(&s)) == TLSSNIFF_PENDING) {
			struct pollfd p = { .fd = s.fd, .events = tlssniff_events(&s) };

			poll(&p, 1, 10);
		}
		tlssniff_close(&s);
	}
	*ms = clock_now_ms() - t0;
	if (pid > 0) {
		ssize_t n = read(rp[0], seen, sizeof(seen));

		nseen = n > 0 ? (size_t)n : 0;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	close(rp[0]);
	if (lfd >= 0)
		close(lfd);
	return st;
}

int main(void)
{
	struct tlssniff s;
	double ms;

	signal(SIGPIPE, SIG_IGN);
	ok(tlssniff_start(&s, "https://registry.example.com:5000/v2/", 0) < 0,
	   "not a loopback host: not sniffed");
	ok(tlssniff_start(&s, "http://127.0.0.1:5000/v2/", 0) < 0, "plain http: not sniffed");

	is_int(run(ANSWER_HTTP_AFTER_NEWLINE, 2000, &ms, 0), TLSSNIFF_HTTP,
	       "a plain http server answers the ClientHello: HTTP (%.1f ms)", ms);
	ok(nseen >= 5 && seen[0] == 0x16 && seen[1] == 0x03 && seen[5] == 0x01,
	   "the server read a TLS handshake record holding a ClientHello");
	ok(memchr(seen, '\n', nseen) != NULL,
	   "the ClientHello holds a '\\n' (supported_groups), so a Go http server answers it");
	is_int(run(ANSWER_SPLIT_HTTP, 2000, &ms, 0), TLSSNIFF_HTTP, "\"HTTP/\" in two reads: HTTP");
	is_int(run(ANSWER_TLS_ALERT, 2000, &ms, 0), TLSSNIFF_OTHER,
	       "a TLS record back: OTHER (libcurl makes the real attempt)");
	is_int(run(CLOSE_AT_ONCE, 2000, &ms, 0), TLSSNIFF_OTHER, "closed without a word: OTHER");
	is_int(run(-1, 2000, &ms, 1), TLSSNIFF_OTHER, "nothing listening: OTHER (%.1f ms)", ms);
	is_int(run(SILENT, 200, &ms, 0), TLSSNIFF_ANSWER_TIMEOUT,
	       "connected, no answer: ANSWER_TIMEOUT");
	ok(ms >= 190 && ms < 1500, "... after the 200 ms budget (%.0f ms)", ms);
	return tap_done();
}
