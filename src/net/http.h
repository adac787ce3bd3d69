/* http.h — HTTP for the network probes, on libcurl's multi interface.
 *
 * One struct http_client (a CURLM) drives any number of struct http_req
 * concurrently under one overall deadline; each request also has its own
 * deadline. A request's `done` callback runs when it has finished (with a
 * response or an error) and may start further requests on the same
 * client: that is how the token flows run as state machines side by side.
 *
 *   struct http_client hc;
 *   http_client_init(&hc, settings, &e);
 *   struct http_req r; http_req_init(&r, "GET", url);
 *   r.deadline_ms = ...; r.done = cb; r.arg = flow;
 *   http_client_add(&hc, &r);  ...  http_client_run(&hc, deadline);
 *   http_req_release(&r); http_client_release(&hc);
 *
 * Safety (DESIGN.md §7):
 *  - TLS is always verified (peer and host), against the system store plus
 *    --cacert FILE, SSL_CERT_FILE and docker's certs.d for the registry
 *    (`/etc/docker/certs.d/<host:port>/NAME.crt`; root overridable with
 *    FIXKB_DOCKER_CERTS_D) — see net/trust.h.
 *  - Redirects are followed here, not by libcurl: at most HTTP_MAX_REDIRECTS,
 *    http(s) only. Credentials (Basic, Bearer) are dropped when the target
 *    is another origin (scheme, host or port); a request whose body holds a
 *    credential is never re-sent to another origin (the redirect is
 *    reported instead).
 *  - Credentials never go over plain http except to loopback
 *    (url_host_is_loopback, net/url.h) or to the registry the caller names
 *    in insecure_host (declared insecure: docker/daemoncfg.h): such a
 *    request fails with HTTP_ERR_REFUSED before anything is sent.
 *  - Response headers and bodies are capped (header_cap, body_cap); past a
 *    cap the transfer is aborted with HTTP_ERR_TOO_LARGE.
 *  - The Authorization header is built in wiped memory and handed to
 *    libcurl by reference (libcurl still formats it into its own send
 *    buffer, which fixkb cannot wipe). */
#ifndef FIXKB_NET_HTTP_H
#define FIXKB_NET_HTTP_H

#include <jansson.h>
#include <stddef.h>

#include "net/curllib.h"   /* <curl/curl.h>; libcurl loaded by http_global_init */
#include "util/buf.h"
#include "util/err.h"
#include "util/sensitive.h"
#include "util/settings.h"
#include "net/tlssniff.h"
#include "net/wwwauth.h"

#define HTTP_URL_MAX 4096
#define HTTP_HEADER_CAP (64u << 10)       /* response header bytes */
#define HTTP_BODY_CAP (1u << 20)          /* token responses */
#define HTTP_BODY_CAP_SMALL (64u << 10)   /* registry error bodies */
#define HTTP_MAX_REDIRECTS 5

enum http_errclass {
	HTTP_RESPONSE = 0,          /* an HTTP response arrived (any status) */
	HTTP_ERR_NETWORK,           /* resolve / connect / send / receive failed */
	HTTP_ERR_TIMEOUT,           /* the request's or the run's deadline passed (see connected) */
	HTTP_ERR_TLS_UNTRUSTED,     /* the chain does not lead to a trusted CA */
	HTTP_ERR_TLS_OTHER,         /* expired, not yet valid, name mismatch, handshake */
	HTTP_ERR_TLS_HTTP_MISMATCH, /* https to a port that speaks plain http */
	HTTP_ERR_TOO_LARGE,         /* header or body cap hit */
	HTTP_ERR_REDIRECT,          /* too many redirects, or one that was refused */
	HTTP_ERR_PROTOCOL,          /* not HTTP: empty reply, garbage */
	HTTP_ERR_REFUSED,           /* fixkb refused to send (credentials over plain http) */
	HTTP_ERR_INTERNAL,          /* out of memory, bad URL */
};

struct trust;   /* net/trust.h */
struct http_client;

struct http_req {
	/* --- request (set before http_client_add) --- */
	char method[8];                    /* GET, HEAD, POST */
	char url[HTTP_URL_MAX];
	const char *content_type;          /* POST body type (borrowed) */
	struct sensitive body;             /* POST body; owned (may hold a password) */
	int body_has_secret;               /* never carry this body to another origin */
	const char *basic_user;            /* Basic credential when basic_secret is set */
	const struct sensitive *basic_secret;   /* borrowed; NULL: no Basic */
	const struct sensitive *bearer;    /* borrowed; NULL: no Bearer */
	const char *accept;                /* Accept header (borrowed) or NULL */
	const struct trust *trust;         /* borrowed, may be NULL */
	const char *insecure_host;         /* host[:port] declared insecure, or NULL */
	size_t header_cap, body_cap;
	double deadline_ms;                /* absolute; 0: only the run's deadline */
	double connect_timeout_ms;         /* TCP + TLS handshake budget; 0: up to the deadline */
	int follow_redirects;
	/* https to a loopback port that may speak plain http: fixkb reads
	 * the port's answer to a ClientHello before any TLS attempt
	 * (net/tlssniff.h) and ends with HTTP_ERR_TLS_HTTP_MISMATCH when it
	 * is plain http. */
	int sniff_plain;
	void (*done)(struct http_req *r, void *arg);
	void *arg;

	/* --- response --- */
	int finished;
	enum http_errclass errclass;
	long status;
	char reason[128];                  /* the server's reason phrase, or the standard one */
	char http_version[12];             /* "HTTP/1.1", "HTTP/2" */
	struct buf resp_body;              /* capped; wiped on release (may hold a token) */
	struct wwwauth_set challenges;     /* header order; parsed per line */
	char raw_challenge[1024];          /* the first WWW-Authenticate line, as sent */
	char location[HTTP_URL_MAX];
	char resp_content_type[128];
	int api_version_header;            /* Docker-Distribution-API-Version: registry/2.0 seen */
	char final_url[HTTP_URL_MAX];      /* after redirects */
	int redirects;
	int credentials_dropped;           /* a redirect left the origin: credentials not sent on */
	json_t *redirect_log;              /* array of {status, from, to, credentials}; owned */
	int curl_code;
	char error[512];                   /* curl's message or fixkb's reason; "" on success */
	char tls_subject[256];             /* the presented leaf, when TLS failed or was inspected */
	char tls_issuer[256];
	char tls_not_after[64];
	long tls_verify_error;             /* X509_V_ERR_*, 0 when none */
	/* The TCP connection was made (the server was reached): a timeout
	 * then means a slow answer, not an unreachable server. */
	int connected;
	/* HTTP_ERR_TIMEOUT before the deadline: the connect budget
	 * (connect_timeout_ms) ran out with no connection. */
	int connect_timed_out;
	char tls_verify_msg[128];
	double ms;

	/* --- private --- */
	struct http_client *client;
	CURL *easy;
	struct curl_slist *hdrs;           /* ordinary headers (curl-allocated) */
	struct curl_slist auth_node;       /* Authorization, points into auth_line */
	struct sensitive auth_line;
	size_t header_bytes;
	int too_large;
	int in_multi;
	struct tlssniff sniff;
	int sniffing;                      /* sniff holds an open socket */
	double t0;
	char errbuf[CURL_ERROR_SIZE];
};

struct http_client {
	CURLM *multi;
	const struct settings *settings;
	struct http_req **act;             /* in the multi handle */
	size_t nact, capact;
	struct http_req **pending;         /* finished, callbacks not yet run */
	size_t npending, cappending;
};

/* Global libcurl set-up; idempotent, call from the main thread. */
int http_global_init(struct err *e);

int http_client_init(struct http_client *c, const struct settings *s, struct err *e);
void http_client_release(struct http_client *c);

/* Prepares r (zeroed) for method and url, with the default caps. */
void http_req_init(struct http_req *r, const char *method, const char *url);
/* Frees the response and the body (wiped). r may be re-initialised after. */
void http_req_release(struct http_req *r);

/* Starts r on c. Returns 0; on failure to start, r finishes at once with
 * HTTP_ERR_INTERNAL/REFUSED and its callback runs from http_client_run. */
int http_client_add(struct http_client *c, struct http_req *r);

/* Drives every request until none is active or deadline_ms passes; then
 * the rest finish with HTTP_ERR_TIMEOUT. Callbacks run from here. */
void http_client_run(struct http_client *c, double deadline_ms);

const char *http_errclass_name(enum http_errclass c);   /* "network", "tls_untrusted_ca", ... */

/* The standard reason phrase for a status ("Unauthorized"), "" if unknown. */
const char *http_status_text(long status);

/* http.c's own, in httperr.c: sets r->errclass, r->error and r->curl_code
 * from a finished transfer's result (r->connected already noted). */
void http_classify(struct http_req *r, CURLcode rc);

#endif
