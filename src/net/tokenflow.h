/* tokenflow.h — the registry token flows, as each client runs them.
 *
 * Facts §1–§3. A flow is a state machine on an http_client (src/net/http.h),
 * so any number run concurrently under one deadline:
 *
 *  - TF_CLIENT_BUILDKIT (default; the buildx/buildctl client fetches the
 *    token): HEAD /v2/<name>/manifests/<ref> (GET on 405), take the 401's
 *    challenge; Bearer: POST the OAuth2 form (client_id=buildkit-client),
 *    GET with Basic on 401/404/405-with-username; Basic: send Basic;
 *    then the manifest again with the credential.
 *  - TF_CLIENT_CONTAINERD: the same with client_id=containerd-client and
 *    GET fallback on 400 too.
 *  - TF_CLIENT_BUILDKIT_DAEMON (BUILDKIT_NO_CLIENT_TOKEN=1, old clients):
 *    GET first, POST on 401/404/405-with-username.
 *  - TF_CLIENT_DOCKER_LOGIN: GET /v2/, then the realm with Basic and
 *    account=&client_id=docker&offline_token=true, no scope (or POST
 *    grant_type=refresh_token for an identity token).
 * Without a secret every client fetches an anonymous token (GET, no
 * Basic). Every request is recorded as a step with the credential shown
 * only as "Basic alice:sha256:…" and response bodies redacted.
 *
 * tf_check runs the flow with the credential and, when that fails, the
 * same flow anonymously, and turns both into a verdict: a probe status and
 * a cause code (DESIGN.md §4). */
#ifndef FIXKB_NET_TOKENFLOW_H
#define FIXKB_NET_TOKENFLOW_H

#include <jansson.h>
#include <stddef.h>

#include "util/buf.h"
#include "checks/checks.h"
#include "docker/credential.h"
#include "net/http.h"
#include "net/jwt.h"
#include "net/scope.h"

#define TF_HOST_MAX 256
#define TF_MSG_MAX 1536

enum tf_client {
	TF_CLIENT_BUILDKIT,
	TF_CLIENT_BUILDKIT_DAEMON,
	TF_CLIENT_CONTAINERD,
	TF_CLIENT_DOCKER_LOGIN,
};

enum tf_method { TF_NONE, TF_GET, TF_POST };

enum tf_outcome {
	TF_PENDING,
	TF_OK,                /* the manifest (login: the token) was granted */
	TF_NO_AUTH_NEEDED,    /* 200 without any credential */
	TF_TOKEN_REJECTED,    /* the token endpoint (or Basic registry) refused the credential */
	TF_EXPIRED,           /* identity/registry token expired or revoked */
	TF_SCOPE_DENIED,      /* token granted, manifest refused (or access claim lacks pull) */
	TF_NO_CREDENTIALS,    /* needs credentials; anonymous was refused */
	TF_NOT_FOUND,         /* authorised, but the manifest/repository is unknown */
	TF_OUTAGE,            /* 5xx, token endpoint 404 on every method, bad token response */
	TF_NETWORK,
	TF_TLS_UNTRUSTED,
	TF_TLS_OTHER,
	TF_TLS_HTTP_MISMATCH,
	TF_REFUSED,           /* fixkb refused to send credentials (plain http) */
	TF_REALM_OTHER_HOST,  /* fixkb refused: the token realm is on another site */
	TF_REALM_PLAIN_HTTP,  /* fixkb refused: https registry, plain http token realm */
	TF_INTERNAL,
};

struct tf_config {
	enum tf_client client;
	char registry[TF_HOST_MAX];   /* normalised host[:port] ("docker.io" for Hub) */
	char repo[256];               /* "fixkb/tiny"; "" = ping /v2/ only (docker login way) */
	char ref[160];                /* tag or digest ("latest") */
	const struct credential *cred;   /* borrowed; NULL or empty: anonymous */
	const struct trust *trust;  /* borrowed, may be NULL */
	int insecure_declared;        /* daemon.json insecure-registries lists it */
	char scheme[8];               /* "" = https first (plain http only for loopback/insecure) */
	double deadline_ms;
};

struct tf_flow {
	struct tf_config cfg;
	struct http_client *hc;
	struct http_req req;
	int state;
	char host[TF_HOST_MAX];       /* where requests go (registry-1.docker.io for Hub) */
	char scheme[8];
	int plain_http;               /* https answered as plain http: fell back (loopback/insecure) */
	enum http_errclass https_error;   /* why https was given up */
	int anonymous;                /* no secret and no registry token */
	/* the challenge */
	char challenge_scheme[16];
	char realm[HTTP_URL_MAX];
	char service[256];
	char raw_challenge[1024];
	struct scope_set scopes;      /* BuildKit's normalised view */
	char scope_list[SCOPE_SET_MAX][SCOPE_MAX];   /* as sent */
	size_t nscopes;
	enum tf_method method;
	int tried_post, tried_get, scope_retries;
	int auth_basic;               /* the current request was issued with Basic */
	struct sensitive token;
	struct jwt_info jwt;
	int jwt_ok, jwt_lacks_pull;
	long expires_in;              /* as effective (0 -> 60) */
	/* the result */
	enum tf_outcome outcome;
	char summary[TF_MSG_MAX];     /* one line for the detail */
	char message[TF_MSG_MAX];     /* what the client prints (classic wording) */
	char message_v024[TF_MSG_MAX];/* BuildKit >= v0.24 rewrite of credentialed token errors */
	char tls_subject[256], tls_issuer[256], tls_error[256];
	json_t *steps;
	json_t *warnings;
	int finished;
	void (*on_finish)(struct tf_flow *f, void *arg);
	void *arg;
};

/* ---- pure helpers (unit-tested) ---- */

const char *tf_client_name(enum tf_client c);   /* "buildkit", "buildkit-daemon", ... */
const char *tf_client_id(enum tf_client c);     /* "buildkit-client", "containerd-client", "docker" */
const char *tf_outcome_name(enum tf_outcome o);

/* Go's url.QueryEscape: [A-Za-z0-9-_.~] kept, ' ' -> '+', the rest %XX. */
int tf_query_escape(struct buf *out, const char *s, size_t len);

struct tf_kv {
	const char *key;
	const char *val;   /* may be secret bytes */
	size_t len;
};

/* Go's url.Values.Encode: keys sorted (stable within a key), each pair
 * escaped. out is wiped on release, so values may be secret. */
int tf_encode_values(struct buf *out, const struct tf_kv *kv, size_t n);

/* The GET token URL: realm's own query merged with kv, sorted and
 * encoded as Go does ("...?scope=repository%3Afixkb%2Ftiny%3Apull&service=x").
 * Returns -1 when it does not fit. */
int tf_token_get_url(char *out, size_t n, const char *realm, const struct tf_kv *kv, size_t nkv);

/* The first token request and the fallback after a failed one, per client
 * (facts §2.2–§2.4); TF_NONE when there is none. */
enum tf_method tf_first_method(enum tf_client c, int has_secret);
enum tf_method tf_fallback(enum tf_client c, enum tf_method failed, long status, int has_username);

/* "failed to fetch oauth token: unexpected status from GET request to URL: 401 Unauthorized"
 * (anonymous: "failed to fetch anonymous token: ..."). */
void tf_fetch_message(char *out, size_t n, int anonymous, const char *method, const char *url,
		      long status, const char *reason);
/* BuildKit >= v0.24 (credentialed only): registry-error JSON becomes
 * "<code lower, _ -> space>: <message>" (only the code when the message is
 * the code's default); any other body is appended after ": ", cut at 256
 * bytes. Anonymous: same as tf_fetch_message. */
void tf_fetch_message_v024(char *out, size_t n, int anonymous, const char *method,
			   const char *url, long status, const char *reason,
			   const char *body, size_t len);

/* containerd's scope list: sorted, de-duplicated strings. BuildKit's:
 * scope_set (merged, normalised). Fills out (SCOPE_MAX each); returns n. */
size_t tf_scopes_for(enum tf_client c, const char *context_scope, char *const *challenge,
		     size_t nchallenge, char out[][SCOPE_MAX], size_t max);

/* 1 when s is an RFC 3339 timestamp Go's time.Time accepts. */
int tf_rfc3339_valid(const char *s);

/* "Basic alice:sha256:1a2b3c4d…, 7 bytes" — never the secret. */
void tf_credential_desc(char *out, size_t n, const char *scheme, const char *user,
			const struct sensitive *secret);

/* ---- flows ---- */

/* Starts f (zeroed by this call) on hc; on_finish (may be NULL) runs when
 * it ends, from http_client_run. Returns -1 only on OOM. */
int tf_flow_start(struct tf_flow *f, struct http_client *hc, const struct tf_config *cfg,
		  void (*on_finish)(struct tf_flow *, void *), void *arg);
/* Marks an unfinished flow as timed out (after http_client_run returned). */
void tf_flow_settle(struct tf_flow *f);
void tf_flow_release(struct tf_flow *f);
json_t *tf_flow_json(const struct tf_flow *f);

/* ---- the check: credentialed flow, anonymous when it fails, verdict ---- */

struct tf_check {
	struct tf_config cfg;
	struct tf_flow main;
	struct tf_flow anon;
	int anon_started;
	struct http_client *hc;
};

int tf_check_start(struct tf_check *k, struct http_client *hc, const struct tf_config *cfg);
/* After http_client_run: status, cause code, detail and evidence (a new
 * object merged into *evidence, which must be an object). */
void tf_check_verdict(struct tf_check *k, enum probe_status *status, char *code, size_t codelen,
		      char *detail, size_t detaillen, json_t *evidence);
void tf_check_release(struct tf_check *k);

#endif
