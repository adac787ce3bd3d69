/* http.c — the libcurl multi client: requests, redirects, TLS hooks,
 * classification of failures. See http.h. */
#include "net/http.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "util/clock.h"
#include "util/crypto.h"
#include "util/jsontext.h"
#include "net/ssllib.h"
#include "net/trust.h"
#include "net/url.h"

static int global_done;
static int ssl_ctx_idx = -1;

int http_global_init(struct err *e)
{
	if (global_done)
		return 0;
	if (curllib_load(e) < 0)
		return -1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return err_set(e, "libcurl initialisation failed");
	ssl_ctx_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	global_done = 1;
	return 0;
}

/* ---- TLS hooks ---- */

static int verify_cb(int ok, X509_STORE_CTX *x)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct http_req *r = ssl ? SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ssl_ctx_idx) : NULL;
	X509 *leaf = X509_STORE_CTX_get0_cert(x);

	if (!r)
		return ok;
	if (leaf && !r->tls_subject[0])
		trust_describe_cert(leaf, r->tls_subject, sizeof(r->tls_subject), r->tls_issuer,
				    sizeof(r->tls_issuer), r->tls_not_after, sizeof(r->tls_not_after));
	if (!ok && !r->tls_verify_error) {
		int err = X509_STORE_CTX_get_error(x);

		r->tls_verify_error = err;
		snprintf(r->tls_verify_msg, sizeof(r->tls_verify_msg), "%s",
			 X509_verify_cert_error_string(err));
	}
	return ok;
}

static CURLcode sslctx_cb(CURL *curl, void *sslctx, void *parm)
{
	SSL_CTX *ctx = sslctx;
	struct http_req *r = parm;
	X509_STORE *st = SSL_CTX_get_cert_store(ctx);

	(void)curl;
	SSL_CTX_set_ex_data(ctx, ssl_ctx_idx, r);
	SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx), verify_cb);
	trust_add_to_store(r->trust, st);
	return CURLE_OK;
}

/* ---- response callbacks ---- */

static void reset_response(struct http_req *r)
{
	r->status = 0;
	r->reason[0] = '\0';
	r->http_version[0] = '\0';
	buf_release(&r->resp_body);
	r->resp_body = (struct buf)BUF_INIT(r->body_cap);
	wwwauth_set_release(&r->challenges);
	r->raw_challenge[0] = '\0';
	r->location[0] = '\0';
	r->resp_content_type[0] = '\0';
	r->api_version_header = 0;
	r->header_bytes = 0;
	r->too_large = 0;
	r->curl_code = 0;
	r->error[0] = '\0';
	r->errbuf[0] = '\0';
}

static void trim(const char **p, size_t *n)
{
	while (*n && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*n)--;
	}
	while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t' || (*p)[*n - 1] == '\r' ||
		      (*p)[*n - 1] == '\n'))
		(*n)--;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct http_req *r = ud;
	size_t len = size * nmemb, nl, vl;
	const char *colon, *v;

	r->header_bytes += len;
	if (r->header_bytes > r->header_cap) {
		r->too_large = 1;
		return 0;
	}
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		const char *sp = memchr(p, ' ', len), *sp2;
		size_t keep_bytes = r->header_bytes;

		/* A new response (1xx, or the final one): forget the previous. */
		reset_response(r);
		r->header_bytes = keep_bytes;
		if (!sp)
			return len;
		snprintf(r->http_version, sizeof(r->http_version), "%.*s", (int)(sp - p), p);
		r->status = strtol(sp + 1, NULL, 10);
		sp2 = memchr(sp + 1, ' ', len - (size_t)(sp + 1 - p));
		if (sp2) {
			v = sp2 + 1;
			vl = len - (size_t)(v - p);
			trim(&v, &vl);
			snprintf(r->reason, sizeof(r->reason), "%.*s", (int)vl, v);
		}
		return len;
	}
	colon = memchr(p, ':', len);
	if (!colon)
		return len;
	nl = (size_t)(colon - p);
	v = colon + 1;
	vl = len - nl - 1;
	trim(&v, &vl);
	if (nl == 16 && strncasecmp(p, "WWW-Authenticate", 16) == 0) {
		if (!r->raw_challenge[0])
			snprintf(r->raw_challenge, sizeof(r->raw_challenge), "%.*s", (int)vl, v);
		if (wwwauth_set_add_line(&r->challenges, v, vl) < 0)
			return 0;
	} else if (nl == 8 && strncasecmp(p, "Location", 8) == 0) {
		if (vl < sizeof(r->location))
			snprintf(r->location, sizeof(r->location), "%.*s", (int)vl, v);
	} else if (nl == 12 && strncasecmp(p, "Content-Type", 12) == 0) {
		snprintf(r->resp_content_type, sizeof(r->resp_content_type), "%.*s", (int)vl, v);
	} else if (nl == 30 && strncasecmp(p, "Docker-Distribution-API-Version", 30) == 0) {
		r->api_version_header = vl == 11 && strncmp(v, "registry/2.0", 11) == 0;
	}
	return len;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct http_req *r = ud;
	size_t len = size * nmemb;

	if (buf_append(&r->resp_body, p, len) < 0) {
		r->too_large = 1;
		return 0;
	}
	return len;
}

/* ---- request set-up ---- */

void http_req_init(struct http_req *r, const char *method, const char *url)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->method, sizeof(r->method), "%s", method);
	snprintf(r->url, sizeof(r->url), "%s", url);
	r->header_cap = HTTP_HEADER_CAP;
	r->body_cap = HTTP_BODY_CAP;
	r->resp_body = (struct buf)BUF_INIT(HTTP_BODY_CAP);
	r->follow_redirects = 1;
}

static void drop_easy(struct http_req *r)
{
	if (r->sniffing) {
		tlssniff_close(&r->sniff);
		r->sniffing = 0;
	}
	if (r->easy) {
		if (r->in_multi && r->client)
			curl_multi_remove_handle(r->client->multi, r->easy);
		curl_easy_cleanup(r->easy);
	}
	r->easy = NULL;
	r->in_multi = 0;
	if (r->hdrs)   /* a request never started: libcurl may not be loaded */
		curl_slist_free_all(r->hdrs);
	r->hdrs = NULL;
	sensitive_release(&r->auth_line);
	memset(&r->auth_node, 0, sizeof(r->auth_node));
}

/* Takes r off the client's list of requests in flight. */
static void unlist(struct http_client *c, struct http_req *r)
{
	size_t i;

	for (i = 0; i < c->nact; i++)
		if (c->act[i] == r) {
			c->act[i] = c->act[--c->nact];
			return;
		}
}

void http_req_release(struct http_req *r)
{
	if (!r)
		return;
	if (r->client && (r->in_multi || r->sniffing))
		unlist(r->client, r);
	drop_easy(r);
	sensitive_release(&r->body);
	buf_release(&r->resp_body);
	wwwauth_set_release(&r->challenges);
	if (r->redirect_log)
		json_decref(r->redirect_log);
	r->redirect_log = NULL;
}

static int build_auth(struct http_req *r)
{
	struct sensitive raw = SENSITIVE_INIT;
	char *b64 = NULL;
	size_t ul, hl;
	int rc = -1;

	if (r->basic_secret) {
		const char *u = r->basic_user ? r->basic_user : "";

		ul = strlen(u);
		raw.data = malloc(ul + 1 + r->basic_secret->len + 1);
		if (!raw.data)
			goto cleanup;
		memcpy(raw.data, u, ul);
		raw.data[ul] = ':';
		if (r->basic_secret->len)
			memcpy(raw.data + ul + 1, r->basic_secret->data, r->basic_secret->len);
		raw.len = ul + 1 + r->basic_secret->len;
		raw.data[raw.len] = '\0';
		b64 = b64_encode_std(raw.data, raw.len);
		if (!b64)
			goto cleanup;
		hl = strlen(b64);
		r->auth_line.data = malloc(hl + 32);
		if (!r->auth_line.data)
			goto cleanup;
		r->auth_line.len = (size_t)snprintf(r->auth_line.data, hl + 32,
						    "Authorization: Basic %s", b64);
	} else if (r->bearer && r->bearer->len) {
		hl = r->bearer->len;
		r->auth_line.data = malloc(hl + 32);
		if (!r->auth_line.data)
			goto cleanup;
		memcpy(r->auth_line.data, "Authorization: Bearer ", 22);
		memcpy(r->auth_line.data + 22, r->bearer->data, hl);
		r->auth_line.len = 22 + hl;
		r->auth_line.data[r->auth_line.len] = '\0';
	} else {
		return 0;
	}
	r->auth_node.data = r->auth_line.data;
	r->auth_node.next = r->hdrs;
	rc = 0;
cleanup:
	if (b64) {
		explicit_bzero(b64, strlen(b64));
		free(b64);
	}
	sensitive_release(&raw);
	return rc;
}

static int sends_credentials(const struct http_req *r)
{
	return r->basic_secret || (r->bearer && r->bearer->len) || r->body_has_secret;
}

/* Refuses credentials over plain http except to loopback / declared insecure. */
static int plain_http_refused(struct http_req *r)
{
	char hp[512];

	if (strncasecmp(r->url, "http://", 7) != 0 || !sends_credentials(r))
		return 0;
	if (url_hostport(r->url, hp, sizeof(hp)) < 0)
		return 1;
	if (url_host_is_loopback(hp))
		return 0;
	if (r->insecure_host && strcmp(r->insecure_host, hp) == 0)
		return 0;
	snprintf(r->error, sizeof(r->error),
		 "not sending credentials over plain http to %s (neither loopback nor declared "
		 "insecure)", hp);
	return 1;
}

/* Is the request's host loopback (127.0.0.0/8, ::1, localhost)? */
static int to_loopback(const struct http_req *r)
{
	char hp[512];

	return url_hostport(r->url, hp, sizeof(hp)) == 0 && url_host_is_loopback(hp);
}

/* Protocols, TLS verification and the trust anchors, the callbacks. */
static void setup_transfer(CURL *h, struct http_req *r)
{
	curl_easy_setopt(h, CURLOPT_PRIVATE, r);
	curl_easy_setopt(h, CURLOPT_URL, r->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	/* Go's ProxyFromEnvironment never proxies a loopback host (docker,
	 * BuildKit, skopeo: golang.org/x/net/http/httpproxy useProxy), where
	 * libcurl would follow http_proxy there too. */
	if (to_loopback(r))
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	trust_curl_setup(h, r->trust);
	curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, sslctx_cb);
	curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	/* A HEAD response's Content-Length describes a body that is never sent
	 * (a large manifest index is fine): the cap applies to bodies read. */
	if (strcmp(r->method, "HEAD") != 0)
		curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->body_cap);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "fixkb/" FIXKB_VERSION);
}

/* The request's deadline and connect budget, the method and its body. */
static void setup_timing_and_method(CURL *h, struct http_req *r)
{
	double left = r->deadline_ms > 0 ? r->deadline_ms - clock_now_ms() : 0;

	if (r->deadline_ms > 0) {
		long ms = left < 1 ? 1 : (long)left;

		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms);
	}
	if (r->connect_timeout_ms > 0 && (r->deadline_ms <= 0 || r->connect_timeout_ms < left))
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)r->connect_timeout_ms);
	if (strcmp(r->method, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (strcmp(r->method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body.data ? r->body.data : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body.len);
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
}

/* Expect:, Accept, Content-Type, then Authorization in front (wiped memory). */
static int setup_headers(CURL *h, struct http_req *r)
{
	struct curl_slist *l = curl_slist_append(NULL, "Expect:");

	if (!l)
		return -1;
	r->hdrs = l;
	if (r->accept) {
		char a[512];

		snprintf(a, sizeof(a), "Accept: %s", r->accept);
		if (!(l = curl_slist_append(r->hdrs, a)))
			return -1;
	}
	if (r->content_type && strcmp(r->method, "POST") == 0) {
		char a[256];

		snprintf(a, sizeof(a), "Content-Type: %s", r->content_type);
		if (!(l = curl_slist_append(r->hdrs, a)))
			return -1;
	}
	if (build_auth(r) < 0)
		return -1;
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, r->auth_node.data ? &r->auth_node : r->hdrs);
	return 0;
}

static int setup_easy(struct http_req *r)
{
	CURL *h = curl_easy_init();

	if (!h)
		return -1;
	r->easy = h;
	setup_transfer(h, r);
	setup_timing_and_method(h, r);
	return setup_headers(h, r);
}

/* ---- the client ---- */

int http_client_init(struct http_client *c, const struct settings *s, struct err *e)
{
	memset(c, 0, sizeof(*c));
	if (http_global_init(e) < 0)
		return -1;
	c->settings = s;
	c->multi = curl_multi_init();
	if (!c->multi)
		return err_set(e, "libcurl: cannot create a multi handle");
	return 0;
}

void http_client_release(struct http_client *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nact; i++) {
		struct http_req *r = c->act[i];

		if (r->easy && r->in_multi)
			curl_multi_remove_handle(c->multi, r->easy);
		r->in_multi = 0;
		if (r->sniffing) {
			tlssniff_close(&r->sniff);
			r->sniffing = 0;
		}
	}
	free(c->act);
	free(c->pending);
	if (c->multi)
		curl_multi_cleanup(c->multi);
	memset(c, 0, sizeof(*c));
}

static int push(struct http_req ***arr, size_t *n, size_t *cap, struct http_req *r)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct http_req **g = realloc(*arr, ncap * sizeof(*g));

		if (!g)
			return -1;
		*arr = g;
		*cap = ncap;
	}
	(*arr)[(*n)++] = r;
	return 0;
}

static void complete(struct http_client *c, struct http_req *r)
{
	r->finished = 1;
	r->ms = clock_now_ms() - r->t0;
	if (!r->final_url[0])
		snprintf(r->final_url, sizeof(r->final_url), "%s", r->url);
	if (push(&c->pending, &c->npending, &c->cappending, r) < 0 && r->done) {
		/* No memory to queue it: run the callback now. */
		r->done(r, r->arg);
	}
}

static int start(struct http_client *c, struct http_req *r)
{
	if (plain_http_refused(r)) {
		r->errclass = HTTP_ERR_REFUSED;
		return -1;
	}
	if (setup_easy(r) < 0 || push(&c->act, &c->nact, &c->capact, r) < 0) {
		r->errclass = HTTP_ERR_INTERNAL;
		snprintf(r->error, sizeof(r->error), "could not set up the request (out of memory)");
		return -1;
	}
	if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK) {
		c->nact--;
		r->errclass = HTTP_ERR_INTERNAL;
		snprintf(r->error, sizeof(r->error), "libcurl refused the request");
		return -1;
	}
	r->in_multi = 1;
	return 0;
}

int http_client_add(struct http_client *c, struct http_req *r)
{
	r->client = c;
	r->t0 = clock_now_ms();
	r->finished = 0;
	r->redirects = 0;
	r->credentials_dropped = 0;
	r->final_url[0] = '\0';
	reset_response(r);
	r->tls_subject[0] = r->tls_issuer[0] = r->tls_not_after[0] = '\0';
	r->tls_verify_error = 0;
	r->tls_verify_msg[0] = '\0';
	r->connected = r->connect_timed_out = 0;
	if (r->sniff_plain && tlssniff_start(&r->sniff, r->url, r->connect_timeout_ms) == 0) {
		r->sniffing = 1;
		if (push(&c->act, &c->nact, &c->capact, r) == 0)
			return 0;
		drop_easy(r);
	}
	if (start(c, r) < 0) {
		drop_easy(r);
		complete(c, r);
	}
	return 0;
}

/* Was the server reached? CURLINFO_CONNECT_TIME_T is 0 until the TCP
 * connection is made (any connection of the request, redirects included). */
static void note_connected(struct http_req *r)
{
	curl_off_t t = 0;

	if (r->easy && curl_easy_getinfo(r->easy, CURLINFO_CONNECT_TIME_T, &t) == CURLE_OK && t > 0)
		r->connected = 1;
}

static int is_redirect(long s)
{
	return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
}

/* Sets up the next hop of a redirect; returns 1 when r was re-started,
 * 0 when r is finished (not followed, or refused). */
static int follow(struct http_client *c, struct http_req *r)
{
	char next[HTTP_URL_MAX], o1[600], o2[600];
	CURLU *u = NULL;
	char *nu = NULL;
	json_t *hop;
	int cross, rc = 0;
	long st = r->status;

	if (r->redirects >= HTTP_MAX_REDIRECTS) {
		r->errclass = HTTP_ERR_REDIRECT;
		snprintf(r->error, sizeof(r->error), "stopped after %d redirects (last to '%.300s')",
			 HTTP_MAX_REDIRECTS, r->location);
		return 0;
	}
	u = curl_url();
	if (!u || curl_url_set(u, CURLUPART_URL, r->url, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, r->location, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &nu, 0) != CURLUE_OK ||
	    (strncasecmp(nu, "http://", 7) != 0 && strncasecmp(nu, "https://", 8) != 0) ||
	    strlen(nu) >= sizeof(next)) {
		r->errclass = HTTP_ERR_REDIRECT;
		snprintf(r->error, sizeof(r->error), "redirect to an unusable location '%.300s'",
			 r->location);
		goto cleanup;
	}
	snprintf(next, sizeof(next), "%s", nu);
	cross = url_origin(r->url, o1, sizeof(o1)) < 0 ||
		url_origin(next, o2, sizeof(o2)) < 0 || strcmp(o1, o2) != 0;
	if (!r->redirect_log)
		r->redirect_log = json_array();
	hop = json_object();
	json_object_set_new(hop, "status", json_integer(st));
	json_object_set_new(hop, "from", jsontext_string(r->url, strlen(r->url), 600));
	json_object_set_new(hop, "to", jsontext_string(next, strlen(next), 600));
	if (cross && r->body_has_secret && (st == 307 || st == 308)) {
		json_object_set_new(hop, "followed", json_false());
		json_array_append_new(r->redirect_log, hop);
		r->errclass = HTTP_ERR_REDIRECT;
		snprintf(r->error, sizeof(r->error),
			 "not following a %ld redirect to another host (%.200s): the request body "
			 "holds credentials", st, o2);
		goto cleanup;
	}
	json_object_set_new(hop, "credentials",
			    json_string(!sends_credentials(r) ? "none" : cross ? "dropped" : "kept"));
	json_array_append_new(r->redirect_log, hop);
	if (cross && sends_credentials(r)) {
		r->basic_secret = NULL;
		r->basic_user = NULL;
		r->bearer = NULL;
		r->credentials_dropped = 1;
	}
	if ((st == 303 && strcmp(r->method, "HEAD") != 0) ||
	    ((st == 301 || st == 302) && strcmp(r->method, "POST") == 0)) {
		snprintf(r->method, sizeof(r->method), "GET");
		sensitive_release(&r->body);
		r->body_has_secret = 0;
	}
	drop_easy(r);
	snprintf(r->url, sizeof(r->url), "%s", next);
	r->redirects++;
	reset_response(r);
	if (start(c, r) < 0) {
		drop_easy(r);
		goto cleanup;
	}
	rc = 1;
cleanup:
	curl_free(nu);
	if (u)
		curl_url_cleanup(u);
	return rc;
}

static void transfer_done(struct http_client *c, struct http_req *r, CURLcode rc)
{
	long code = 0;

	unlist(c, r);
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
	note_connected(r);
	if (code && !r->status)
		r->status = code;
	if (!r->reason[0] && r->status)
		snprintf(r->reason, sizeof(r->reason), "%s", http_status_text(r->status));
	http_classify(r, rc);
	curl_multi_remove_handle(c->multi, r->easy);
	r->in_multi = 0;
	if (r->errclass == HTTP_RESPONSE && r->follow_redirects && is_redirect(r->status) &&
	    r->location[0]) {
		if (follow(c, r))
			return;
	}
	drop_easy(r);
	complete(c, r);
}

static void dispatch(struct http_client *c)
{
	while (c->npending) {
		struct http_req *r = c->pending[0];

		memmove(c->pending, c->pending + 1, (c->npending - 1) * sizeof(*c->pending));
		c->npending--;
		if (r->done)
			r->done(r, r->arg);
	}
}

/* A sniff that ended: plain http decides the request (as containerd's
 * fallback reads the same five bytes); a timeout ends it as libcurl's
 * would; anything else goes on to libcurl's TLS attempt. */
static void sniff_done(struct http_client *c, struct http_req *r, enum tlssniff_state st)
{
	int connected = r->sniff.connected;
	double budget = r->connect_timeout_ms;

	unlist(c, r);
	drop_easy(r);   /* closes the sniff */
	r->connected = connected;
	switch (st) {
	case TLSSNIFF_HTTP:
		r->errclass = HTTP_ERR_TLS_HTTP_MISMATCH;
		snprintf(r->error, sizeof(r->error), "the port answered a TLS ClientHello with "
			 "plain http (\"HTTP/\"): it does not speak TLS");
		break;
	case TLSSNIFF_CONNECT_TIMEOUT:
		r->errclass = HTTP_ERR_TIMEOUT;
		r->connect_timed_out = 1;
		snprintf(r->error, sizeof(r->error), "Connection timed out after %.0f milliseconds",
			 budget);
		break;
	case TLSSNIFF_ANSWER_TIMEOUT:
		r->errclass = HTTP_ERR_TIMEOUT;
		snprintf(r->error, sizeof(r->error), "no answer to a TLS ClientHello within %.0f "
			 "milliseconds", budget);
		break;
	default:
		if (start(c, r) == 0)
			return;
		drop_easy(r);
		break;
	}
	complete(c, r);
}

/* Steps every sniff; fills w (cap entries) with the sockets still
 * waiting. Returns how many. */
static unsigned step_sniffs(struct http_client *c, struct curl_waitfd *w, unsigned cap)
{
	unsigned n = 0;
	size_t i = 0;

	while (i < c->nact) {
		struct http_req *r = c->act[i];
		enum tlssniff_state st;

		if (!r->sniffing) {
			i++;
			continue;
		}
		st = tlssniff_step(&r->sniff);
		if (st != TLSSNIFF_PENDING) {
			sniff_done(c, r, st);   /* c->act[i] is now another request */
			continue;
		}
		if (n < cap) {
			w[n].fd = r->sniff.fd;
			w[n].events = (short)(tlssniff_events(&r->sniff) == POLLIN ? CURL_WAIT_POLLIN
										  : CURL_WAIT_POLLOUT);
			w[n].revents = 0;
			n++;
		}
		i++;
	}
	return n;
}

void http_client_run(struct http_client *c, double deadline_ms)
{
	for (;;) {
		struct curl_waitfd wait[64];
		CURLMsg *msg;
		int running = 0, left_msgs;
		unsigned nw;
		double left;

		dispatch(c);
		if (!c->nact)
			break;
		left = deadline_ms - clock_now_ms();
		if (left <= 0) {
			while (c->nact) {
				struct http_req *r = c->act[--c->nact];

				if (r->easy)
					curl_multi_remove_handle(c->multi, r->easy);
				r->in_multi = 0;
				note_connected(r);
				drop_easy(r);
				r->errclass = HTTP_ERR_TIMEOUT;
				snprintf(r->error, sizeof(r->error),
					 "the probe's deadline passed before an answer came");
				complete(c, r);
			}
			continue;
		}
		nw = step_sniffs(c, wait, sizeof(wait) / sizeof(wait[0]));
		curl_multi_perform(c->multi, &running);
		while ((msg = curl_multi_info_read(c->multi, &left_msgs)) != NULL) {
			struct http_req *r = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
			if (r)
				transfer_done(c, r, msg->data.result);
		}
		/* sniffs wait here too: a short nap while any is waiting, so
		 * its budget is checked in time */
		if (c->nact && !c->npending)
			curl_multi_poll(c->multi, wait, nw, nw ? 10 : left > 200 ? 200 : (int)left + 1,
					NULL);
	}
}
