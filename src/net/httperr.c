/* httperr.c — status texts, error class names, and the class of a
 * finished transfer (http.h). */
#include "net/http.h"

#include <stdio.h>
#include <string.h>

#include "net/trust.h"
#include "util/clock.h"

const char *http_status_text(long status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	}
	return "";
}

const char *http_errclass_name(enum http_errclass c)
{
	switch (c) {
	case HTTP_RESPONSE: return "response";
	case HTTP_ERR_NETWORK: return "network";
	case HTTP_ERR_TIMEOUT: return "timeout";
	case HTTP_ERR_TLS_UNTRUSTED: return "tls_untrusted_ca";
	case HTTP_ERR_TLS_OTHER: return "tls_other";
	case HTTP_ERR_TLS_HTTP_MISMATCH: return "tls_http_mismatch";
	case HTTP_ERR_TOO_LARGE: return "too_large";
	case HTTP_ERR_REDIRECT: return "redirect";
	case HTTP_ERR_PROTOCOL: return "protocol";
	case HTTP_ERR_REFUSED: return "refused";
	case HTTP_ERR_INTERNAL: return "internal";
	}
	return "internal";
}

void http_classify(struct http_req *r, CURLcode rc)
{
	const char *m = r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc);

	r->curl_code = (int)rc;
	if (rc == CURLE_OK) {
		r->errclass = HTTP_RESPONSE;
		return;
	}
	snprintf(r->error, sizeof(r->error), "%s", m);
	if (r->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
		r->errclass = HTTP_ERR_TOO_LARGE;
		if (r->header_bytes > r->header_cap)
			snprintf(r->error, sizeof(r->error),
				 "response headers exceeded %zu bytes; transfer aborted", r->header_cap);
		else
			snprintf(r->error, sizeof(r->error),
				 "response body exceeded %zu bytes; transfer aborted", r->body_cap);
		return;
	}
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		r->errclass = HTTP_ERR_TIMEOUT;
		r->connect_timed_out = !r->connected && r->connect_timeout_ms > 0 &&
				       (r->deadline_ms <= 0 || clock_now_ms() < r->deadline_ms - 20);
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		r->errclass = HTTP_ERR_NETWORK;
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
		if (strstr(m, "wrong version number") || strstr(m, "packet length too long") ||
		    strstr(m, "record layer failure")) {
			r->errclass = HTTP_ERR_TLS_HTTP_MISMATCH;
			return;
		}
		r->errclass = trust_error_is_untrusted(r->tls_verify_error) ? HTTP_ERR_TLS_UNTRUSTED
									: HTTP_ERR_TLS_OTHER;
		return;
	case CURLE_GOT_NOTHING:
		r->errclass = HTTP_ERR_PROTOCOL;
		snprintf(r->error, sizeof(r->error), "the server closed the connection without "
			 "answering (%s)", m);
		return;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_UNSUPPORTED_PROTOCOL:
		r->errclass = HTTP_ERR_PROTOCOL;
		if (rc == CURLE_WEIRD_SERVER_REPLY || strstr(m, "HTTP/0.9"))
			snprintf(r->error, sizeof(r->error), "the server did not answer with HTTP: "
				 "not an HTTP status line (%s)", m);
		return;
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		r->errclass = HTTP_ERR_PROTOCOL;
		return;
	case CURLE_OUT_OF_MEMORY:
	case CURLE_URL_MALFORMAT:
		r->errclass = HTTP_ERR_INTERNAL;
		return;
	default:
		r->errclass = HTTP_ERR_NETWORK;
		return;
	}
}

