/* tokenstate.h — a token flow's state, and how its next request is sent.
 *
 * The flow (net/tokenflow.h, the public interface) is split by step, each
 * step a module that may use only the ones below it:
 *
 *   tokenflow.c        start, dispatch of each response to its step, evidence
 *   tokenprobe.c       the first request without a credential, the challenge
 *   tokenauthorised.c  the request again with the credential (token or Basic)
 *   tokenpush.c        --push: the push side (access claim, or the upload POST)
 *   tokenfetch.c       the token request and its response
 *   tokenstate.c       this: the state, sending a request, ending the flow
 *
 * The pure pieces they use: tokenclient.h (per-client tables), tokenmsg.h
 * (the clients' messages), tokenstep.h (a request as evidence),
 * urlvalues.h (Go's query encoding), tokenresp.h (token responses).
 * Nothing here allocates beyond the request, the steps and the warnings
 * of struct tf_flow, which tf_flow_release frees. */
#ifndef FIXKB_NET_TOKENSTATE_H
#define FIXKB_NET_TOKENSTATE_H

#include <jansson.h>
#include <stddef.h>

#include "util/buf.h"
#include "docker/credential.h"
#include "net/http.h"
#include "net/jwt.h"
#include "net/scope.h"
#include "net/tokenclient.h"
#include "net/tokenmsg.h"

#define TF_HOST_MAX 256
#define TF_MSG_MAX TOKENMSG_MAX

/* Which request the flow is waiting for. */
enum tf_state {
	TF_ST_PROBE_HEAD,    /* HEAD manifest, no credential */
	TF_ST_PROBE_GET,     /* GET manifest after 405 */
	TF_ST_PING,          /* GET /v2/ (docker login way) */
	TF_ST_TOKEN,         /* a token request (f->method) */
	TF_ST_AUTH_HEAD,     /* HEAD manifest with the credential */
	TF_ST_AUTH_GET,      /* GET manifest (or /v2/ for login) with the credential */
	TF_ST_LOGIN_BASIC,   /* GET /v2/ with Basic (docker login, Basic registry) */
	TF_ST_PUSH,          /* --push: POST /v2/<repo>/blobs/uploads/ (a push's first write) */
	TF_ST_PUSH_CANCEL,   /* --push: DELETE the upload that POST started */
};

/* How the credential goes on the wire for a request. */
enum tf_auth { TF_AUTH_NONE, TF_AUTH_BASIC, TF_AUTH_BEARER };

enum tf_outcome {
	TF_PENDING,
	TF_OK,                /* the manifest (login: the token) was granted */
	TF_NO_AUTH_NEEDED,    /* 200 without any credential */
	TF_TOKEN_REJECTED,    /* the token endpoint (or Basic registry) refused the credential */
	TF_EXPIRED,           /* identity/registry token expired or revoked */
	TF_SCOPE_DENIED,      /* token granted, manifest refused (or access claim lacks pull) */
	TF_PUSH_DENIED,       /* --push: pull granted, push refused (access claim, or the upload) */
	TF_NO_CREDENTIALS,    /* needs credentials; anonymous was refused */
	TF_NOT_FOUND,         /* authorised, but the manifest/repository is unknown */
	TF_OUTAGE,            /* 5xx, token endpoint 404 on every method, bad token response */
	TF_RATE_LIMITED,      /* 429 Too Many Requests (token endpoint or registry) */
	TF_NETWORK,           /* not reached: DNS, refused, no connection within the connect budget */
	TF_TIMEOUT,           /* the run's deadline passed first (connected: a slow answer) */
	TF_TLS_UNTRUSTED,
	TF_TLS_OTHER,
	TF_TLS_HTTP_MISMATCH,
	TF_REFUSED,           /* fixkb refused to send credentials (plain http) */
	TF_REALM_OTHER_HOST,  /* fixkb refused: the token realm is on another site */
	TF_REALM_PLAIN_HTTP,  /* fixkb refused: https registry, plain http token realm */
	TF_INTERNAL,
};

/* Where a flow's requests go. send starts r, which the flow has prepared
 * (http_req_init plus its fields); r->done(r, r->arg) must run later, from
 * the transport's own loop and never from inside send, since a callback
 * sends the flow's next request. r stays owned by the flow. */
struct tf_transport {
	void (*send)(struct tf_transport *t, struct http_req *r);
	void *ctx;
};

struct tf_config {
	enum tokenclient client;
	char registry[TF_HOST_MAX];   /* normalised host[:port] ("docker.io" for Hub) */
	char repo[256];               /* "fixkb/tiny"; "" = ping /v2/ only (docker login way) */
	char ref[160];                /* tag or digest ("latest") */
	int push;                     /* the build pushes repo: ask for pull,push and check push */
	const struct credential *cred;   /* borrowed; NULL or empty: anonymous */
	const struct trust *trust;       /* borrowed, may be NULL */
	int insecure_declared;        /* daemon.json insecure-registries lists it */
	char scheme[8];               /* "" = https first (plain http only for loopback/insecure) */
	double deadline_ms;
	double timeout_s;             /* the run's --timeout, for what the verdict says (0: unknown) */
};

struct tf_flow {
	struct tf_config cfg;
	struct tf_transport *transport;   /* borrowed */
	struct http_req req;
	enum tf_state state;
	void (*dispatch)(struct http_req *r, void *arg);   /* tokenflow.c's; every response goes there */
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
	enum tokenclient_method method;
	int tried_post, tried_get, scope_retries;
	int auth_basic;               /* the current request was issued with Basic */
	struct sensitive token;
	struct jwt_info jwt;
	int jwt_ok, jwt_lacks_pull, jwt_lacks_push;
	char push_location[HTTP_URL_MAX];   /* --push: the upload the POST started ("" none) */
	long push_status;             /* --push: what the upload POST answered */
	long manifest_status;         /* the authorised manifest request's status (2xx, 404) */
	long expires_in;              /* as effective (0 -> 60) */
	/* the result */
	enum tf_outcome outcome;
	char summary[TF_MSG_MAX];     /* one line for the detail */
	char message[TF_MSG_MAX];     /* what the client prints (classic wording) */
	char message_v024[TF_MSG_MAX];/* BuildKit >= v0.24 rewrite of credentialed token errors */
	char tls_subject[256], tls_issuer[256], tls_error[256];
	int timeout_connected;        /* TF_TIMEOUT: a connection was made (a slow answer) */
	int timeout_token;            /* TF_TIMEOUT: the token endpoint, not the registry, was waited for */
	json_t *steps;
	json_t *warnings;
	int finished;
	void (*on_finish)(struct tf_flow *f, void *arg);
	void *arg;
};

/* Releases the previous request and sends the next one in state (url may
 * be the previous request's own URL): auth
 * says what credential to attach (Basic: cfg.cred; Bearer: f->token);
 * body (may be NULL) is the OAuth2 form, which holds a secret (copied
 * into wiped memory). Its response goes to f->dispatch. */
void tokenstate_issue(struct tf_flow *f, enum tf_state state, const char *method,
		      const char *url, enum tf_auth auth, const struct buf *body);

/* The registry request of a step: docker login's GET /v2/ in login_state,
 * a pull's HEAD of the manifest in pull_state (c/image: GET, in
 * TF_ST_PROBE_GET or TF_ST_AUTH_GET). */
void tokenstate_issue_registry(struct tf_flow *f, enum tf_state login_state,
			       enum tf_state pull_state, enum tf_auth auth);
/* A flow's first request, without a credential: GET /v2/ (TF_ST_PING)
 * for docker login and c/image, which ping and keep that challenge
 * (docker_client.go detectPropertiesHelper); else HEAD the manifest. */
void tokenstate_issue_first(struct tf_flow *f);

/* Ends the flow with outcome o and a printf summary, then runs on_finish.
 * Set f->message (what the client prints) before, when there is one. */
void tokenstate_finish(struct tf_flow *f, enum tf_outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Adds a warning (a printf line) to the flow's evidence. */
void tokenstate_warn(struct tf_flow *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Ends the flow as TF_RATE_LIMITED for the registry's own 429 (Docker
 * Hub's pull limit answers the manifest request so). */
void tokenstate_rate_limited(struct tf_flow *f, const struct http_req *r);

/* "<scheme>://<host><path>" of the registry. */
void tokenstate_base_url(const struct tf_flow *f, char *out, size_t n, const char *path);
/* "<scheme>://<host>/v2/<repo>/manifests/<ref>". */
void tokenstate_manifest_url(const struct tf_flow *f, char *out, size_t n);
/* The scopes as one space-separated string (the POST form's "scope"). */
void tokenstate_scopes_joined(const struct tf_flow *f, char *out, size_t n);

/* A non-empty secret is configured. */
int tokenstate_has_secret(const struct tf_flow *f);
/* The configured username ("" when none). */
const char *tokenstate_user(const struct tf_flow *f);
/* The flow checks a login (GET /v2/, no scope): docker login, or no
 * repository given. */
int tokenstate_is_login(const struct tf_flow *f);
/* The flow is containers/image's (--client podman). */
int tokenstate_is_cimage(const struct tf_flow *f);

#endif
