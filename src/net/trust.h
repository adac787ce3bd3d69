/* trust.h — the trust anchors a registry's TLS certificate is checked
 * against, beyond the system store.
 *
 * TLS is always verified (peer and host name). The anchors are the
 * system store (libcurl's, always) plus, for one registry:
 *  - --cacert FILE (settings->cacert);
 *  - SSL_CERT_FILE, unless it names libcurl's own system bundle;
 *  - docker's certs.d: every *.crt in <root>/<registry>/, in name order,
 *    where <root> is FIXKB_DOCKER_CERTS_D or /etc/docker/certs.d and
 *    <registry> is the host[:port] as written (docker's layout, e.g.
 *    /etc/docker/certs.d/reg.example:5000/ca.crt).
 * Each file may hold several PEM certificates; at most TRUST_MAX_FILES
 * files are looked at, files over 4 MiB or not regular are listed but not
 * read. One struct trust is loaded per registry and borrowed by all its
 * requests (struct http_req.trust). */
#ifndef FIXKB_NET_TRUST_H
#define FIXKB_NET_TRUST_H

#include <jansson.h>
#include <stddef.h>

#include "net/curllib.h"   /* <curl/curl.h>; trust_load loads libcurl */
#include "net/ssllib.h"    /* OpenSSL's types and functions, loaded with libcurl */
#include "util/err.h"
#include "util/settings.h"

#define TRUST_MAX_FILES 16
#define TRUST_CERTS_D_DEFAULT "/etc/docker/certs.d"

struct trust {
	STACK_OF(X509) *certs;                 /* every certificate read; owned */
	char files[TRUST_MAX_FILES][512];      /* the files looked at, in order */
	int file_ok[TRUST_MAX_FILES];          /* 1 when the file gave >= 1 certificate */
	size_t nfiles;
	char certs_d[512];                     /* the certs.d directory looked at ("" if none) */
};

#define TRUST_INIT { .certs = NULL, .nfiles = 0, .certs_d = "" }

/* Loads the anchors for registry (host[:port]; NULL or "" skips certs.d,
 * and so does a name with '/' or a "." / ".." that would leave the
 * root). t is overwritten. A missing or unreadable file is listed with
 * file_ok 0, not an error: returns -1 (e set) only when out of memory or
 * when libcurl cannot be loaded (net/curllib.h: this loads it).
 * Release t with trust_release() either way. */
int trust_load(struct trust *t, const struct settings *s, const char *registry,
	       struct err *e);
/* Frees the certificates; t may then be loaded again. NULL-safe. */
void trust_release(struct trust *t);

/* Evidence: {"extra_ca_files": [{"file", "loaded"}], "certs_d": path or
 * null, "system_store": true}. A new reference. */
json_t *trust_json(const struct trust *t);

/* The number of certificates loaded (0 for NULL t). */
int trust_count(const struct trust *t);

/* Points the easy handle h at the system store in its cheapest form and,
 * when t adds anchors, keeps libcurl from sharing a cached store between
 * handles (each request's store then holds its registry's anchors). Call
 * before the transfer starts; t may be NULL. */
void trust_curl_setup(CURL *h, const struct trust *t);

/* Adds t's certificates to st (a request's store, from libcurl's
 * CURLOPT_SSL_CTX_FUNCTION); t may be NULL. */
void trust_add_to_store(const struct trust *t, X509_STORE *st);

/* Describes the certificate a server presented: subject and issuer as
 * RFC 2253 lines (non-ASCII kept as UTF-8), notAfter as OpenSSL prints it
 * ("Jan  1 00:00:00 2030 GMT"). Each out is "" when it cannot be read. */
void trust_describe_cert(X509 *cert, char *subject, size_t sn, char *issuer, size_t in,
			 char *not_after, size_t nn);

/* 1 when an X509_V_ERR_* code means "no chain to a trusted anchor" (an
 * unknown or self-signed CA: fixed by adding an anchor), 0 for the other
 * failures (expired, wrong name, bad signature...). */
int trust_error_is_untrusted(long verify_error);

#endif
