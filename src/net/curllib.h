/* curllib.h — libcurl, loaded when a run first talks to the network:
 * libcurl and the ~25 libraries it pulls in (GnuTLS through librtmp,
 * Kerberos, LDAP, SASL, libssh2, ...) cost every start of every command
 * to map and relocate, and most runs (--offline, kb, explain, audit
 * without --online) never make a request.
 *
 * Include this instead of <curl/curl.h>. The libcurl functions fixkb
 * calls are #defined to slots of `curllib`, typed from <curl/curl.h>,
 * which curllib_load fills (util/dynlib.h); libcurl is not linked, so a
 * function used but missing here fails the link. curl_easy_setopt and
 * curl_easy_getinfo stay curl.h's type-checking macros, which call those
 * names as functions: curllib.c defines them, forwarding to libcurl's.
 *
 * curllib_load must have succeeded before any curl_* call: the net
 * entry points that use libcurl (http_global_init, trust_load,
 * url_origin, url_hostport) call it first. */
#ifndef FIXKB_NET_CURLLIB_H
#define FIXKB_NET_CURLLIB_H

#include <curl/curl.h>

#include "util/err.h"

#define CURLLIB_SONAME "libcurl.so.4"

#define CURLLIB_SYMS(X) \
	X(curl_easy_cleanup) \
	X(curl_easy_getinfo) \
	X(curl_easy_init) \
	X(curl_easy_setopt) \
	X(curl_easy_strerror) \
	X(curl_free) \
	X(curl_global_init) \
	X(curl_multi_add_handle) \
	X(curl_multi_cleanup) \
	X(curl_multi_info_read) \
	X(curl_multi_init) \
	X(curl_multi_perform) \
	X(curl_multi_poll) \
	X(curl_multi_remove_handle) \
	X(curl_slist_append) \
	X(curl_slist_free_all) \
	X(curl_url) \
	X(curl_url_cleanup) \
	X(curl_url_get) \
	X(curl_url_set) \
	X(curl_version_info)

struct curllib {
#define X(name) __typeof__(name) *p_##name;
	CURLLIB_SYMS(X)
#undef X
};
extern struct curllib curllib;

/* Loads libcurl once; 0, or -1 with e (may be NULL) saying why it cannot
 * be loaded (every later call gives the same answer). Not thread-safe:
 * fixkb talks to the network from one thread. */
int curllib_load(struct err *e);

#define curl_easy_cleanup (*curllib.p_curl_easy_cleanup)
#define curl_easy_init (*curllib.p_curl_easy_init)
#define curl_easy_strerror (*curllib.p_curl_easy_strerror)
#define curl_free (*curllib.p_curl_free)
#define curl_global_init (*curllib.p_curl_global_init)
#define curl_multi_add_handle (*curllib.p_curl_multi_add_handle)
#define curl_multi_cleanup (*curllib.p_curl_multi_cleanup)
#define curl_multi_info_read (*curllib.p_curl_multi_info_read)
#define curl_multi_init (*curllib.p_curl_multi_init)
#define curl_multi_perform (*curllib.p_curl_multi_perform)
#define curl_multi_poll (*curllib.p_curl_multi_poll)
#define curl_multi_remove_handle (*curllib.p_curl_multi_remove_handle)
#define curl_slist_append (*curllib.p_curl_slist_append)
#define curl_slist_free_all (*curllib.p_curl_slist_free_all)
#define curl_url (*curllib.p_curl_url)
#define curl_url_cleanup (*curllib.p_curl_url_cleanup)
#define curl_url_get (*curllib.p_curl_url_get)
#define curl_url_set (*curllib.p_curl_url_set)
#define curl_version_info (*curllib.p_curl_version_info)

#endif
