/* t-tokencases — the token flows without a network: every case file in
 * the directory given as argv[1] (tests/tokenflow/, one .json per case) runs the
 * token_endpoint check (checks/token_endpoint.h: the client's flow, then
 * the anonymous one when the credential fails) on a scripted transport,
 * which answers each request with the case's next response and checks
 * that the request is the one the case expects: method, URL with its
 * query, the credential sent and, for a POST, the form's fields. Then the
 * outcome, the client's messages and the verdict must be the expected
 * ones. One TAP line per case; on failure, a diff of what differs.
 *
 * A case file:
 *   { "about": "…", "client": "buildkit", "registry": "reg.example",
 *     "image": "fixkb/tiny:latest",        (absent: login mode, /v2/ only)
 *     "push": true,                        (--push: pull,push and the push side)
 *     "credential": { "username": "alice", "password": "pw" }
 *                 | { "identity_token": "rt" } | { "registry_token": "jwt" },
 *     "exchanges": [ { "request": { "method": "HEAD", "url": "https://…",
 *                                   "auth": "none" | "basic USER:SECRET"
 *                                         | "bearer TOKEN" | "form",
 *                                   "form": { "grant_type": "password", … } },
 *                      "response": { "status": 401, "reason": "…",
 *                                    "headers": [ "WWW-Authenticate: …" ],
 *                                    "body": "text" | {json} }
 *                                | { "error": "network", "message": "…",
 *                                    "connected": true, "connect_timed_out": true } }, … ],
 *     "timeout_s": 10,                      (the run's --timeout the verdict names)
 *     "expect": { "outcome": "ok", "message": "…" | null,
 *                 "message_buildkit_v0_24": "…" | null,
 *                 "anonymous_outcome": "no_credentials" | null,
 *                 "status": "ok", "code": "token_ok",
 *                 "detail_contains": [ "…" ], "warnings_contain": [ "…" ] } }
 * Secrets in the case files are test values. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "checks/token_endpoint.h"
#include "util/clock.h"
#include "net/urlvalues.h"

#define MAX_PENDING 8

/* The scripted transport: requests wait in pending until the loop
 * answers them with the case's exchanges, in order. */
struct fake {
	struct tf_transport t;
	struct http_req *pending[MAX_PENDING];
	size_t npending;
	json_t *exchanges;       /* borrowed */
	size_t next;             /* the next exchange */
	char diff[8192];         /* what differed, as TAP diagnostics */
	size_t difflen;
};

__attribute__((format(printf, 2, 3)))
static void note(struct fake *fk, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fk->difflen >= sizeof(fk->diff) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(fk->diff + fk->difflen, sizeof(fk->diff) - fk->difflen, fmt, ap);
	va_end(ap);
	if (n > 0)
		fk->difflen += (size_t)n < sizeof(fk->diff) - fk->difflen ? (size_t)n
			       : sizeof(fk->diff) - fk->difflen - 1;
}

static void fake_send(struct tf_transport *t, struct http_req *r)
{
	struct fake *fk = t->ctx;

	if (fk->npending == MAX_PENDING) {
		note(fk, "#   more than %d requests at once\n", MAX_PENDING);
		return;
	}
	fk->pending[fk->npending++] = r;
}

/* ---- what was sent ---- */

static int add_field(const char *key, const char *val, void *arg)
{
	return json_object_set_new(arg, key, json_string(val));
}

/* "METHOD URL auth=KIND[ form={…}]", the canonical form both sides of a
 * comparison are put in. */
static void got_request(const struct http_req *r, char *out, size_t n)
{
	char auth[600] = "none", *form = NULL;

	if (r->basic_secret)
		snprintf(auth, sizeof(auth), "basic %s:%.*s", r->basic_user ? r->basic_user : "",
			 (int)r->basic_secret->len, r->basic_secret->data ? r->basic_secret->data : "");
	else if (r->bearer)
		snprintf(auth, sizeof(auth), "bearer %.*s", (int)r->bearer->len,
			 r->bearer->data ? r->bearer->data : "");
	else if (r->body_has_secret)
		snprintf(auth, sizeof(auth), "form");
	if (r->body.len) {
		json_t *o = json_object();

		urlvalues_parse(r->body.data, r->body.len, add_field, o);
		form = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(o);
	}
	snprintf(out, n, "%s %s auth=%s%s%s", r->method, r->url, auth, form ? " form=" : "",
		 form ? form : "");
	free(form);
}

static void want_request(const json_t *req, char *out, size_t n)
{
	const char *auth = json_string_value(json_object_get(req, "auth"));
	json_t *form = json_object_get(req, "form");
	char *fs = form ? json_dumps(form, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	snprintf(out, n, "%s %s auth=%s%s%s", json_string_value(json_object_get(req, "method")),
		 json_string_value(json_object_get(req, "url")), auth ? auth : "none",
		 fs ? " form=" : "", fs ? fs : "");
	free(fs);
}

/* ---- the scripted answer ---- */

/* s, or dflt when s is NULL. */
static const char *or(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

static enum http_errclass errclass_named(const char *name)
{
	int c;

	for (c = HTTP_ERR_NETWORK; c <= HTTP_ERR_INTERNAL; c++)
		if (name && strcmp(http_errclass_name((enum http_errclass)c), name) == 0)
			return (enum http_errclass)c;
	return HTTP_ERR_INTERNAL;
}

/* One header line, as http.c's header callback takes it. */
static void take_header(struct http_req *r, const char *line)
{
	const char *colon = strchr(line, ':'), *v;

	if (!colon)
		return;
	v = colon + 1 + strspn(colon + 1, " \t");
	if (strncasecmp(line, "WWW-Authenticate:", 17) == 0) {
		if (!r->raw_challenge[0])
			snprintf(r->raw_challenge, sizeof(r->raw_challenge), "%s", v);
		wwwauth_set_add_line(&r->challenges, v, strlen(v));
	} else if (strncasecmp(line, "Content-Type:", 13) == 0) {
		snprintf(r->resp_content_type, sizeof(r->resp_content_type), "%s", v);
	} else if (strncasecmp(line, "Location:", 9) == 0) {
		snprintf(r->location, sizeof(r->location), "%s", v);
	}
}

static void answer(struct http_req *r, const json_t *resp)
{
	const json_t *body = json_object_get(resp, "body"), *h;
	const char *reason = json_string_value(json_object_get(resp, "reason"));
	size_t i;

	r->finished = 1;
	snprintf(r->final_url, sizeof(r->final_url), "%s", r->url);
	if (json_object_get(resp, "error")) {
		r->errclass = errclass_named(json_string_value(json_object_get(resp, "error")));
		snprintf(r->error, sizeof(r->error), "%s",
			 or(json_string_value(json_object_get(resp, "message")), "scripted error"));
		r->connected = json_is_true(json_object_get(resp, "connected"));
		r->connect_timed_out = json_is_true(json_object_get(resp, "connect_timed_out"));
		return;
	}
	r->errclass = HTTP_RESPONSE;
	r->status = (long)json_integer_value(json_object_get(resp, "status"));
	snprintf(r->reason, sizeof(r->reason), "%s", reason ? reason : http_status_text(r->status));
	snprintf(r->http_version, sizeof(r->http_version), "HTTP/1.1");
	json_array_foreach(json_object_get(resp, "headers"), i, h)
		take_header(r, json_string_value(h));
	if (json_is_string(body)) {
		if (buf_append(&r->resp_body, json_string_value(body), json_string_length(body)) < 0)
			r->errclass = HTTP_ERR_TOO_LARGE;
	} else if (body) {
		char *s = json_dumps(body, JSON_COMPACT);

		if (!s || buf_append(&r->resp_body, s, strlen(s)) < 0)
			r->errclass = HTTP_ERR_TOO_LARGE;
		free(s);
	}
	r->credentials_dropped = json_is_true(json_object_get(resp, "credentials_dropped"));
}

/* Answers the pending requests until none is left (a callback may send
 * the next one). */
static void fake_run(struct fake *fk)
{
	char got[4096], want[4096];

	while (fk->npending) {
		struct http_req *r = fk->pending[0];
		json_t *ex = json_array_get(fk->exchanges, fk->next);

		memmove(fk->pending, fk->pending + 1, --fk->npending * sizeof(*fk->pending));
		got_request(r, got, sizeof(got));
		if (!ex) {
			note(fk, "#   request %zu was not expected:\n#     got:  %s\n", fk->next + 1, got);
			r->errclass = HTTP_ERR_INTERNAL;
			snprintf(r->error, sizeof(r->error), "no scripted response");
		} else {
			want_request(json_object_get(ex, "request"), want, sizeof(want));
			if (strcmp(got, want) != 0)
				note(fk, "#   request %zu differs:\n#     want: %s\n#     got:  %s\n",
				     fk->next + 1, want, got);
			answer(r, json_object_get(ex, "response"));
		}
		fk->next++;
		if (r->done)
			r->done(r, r->arg);
	}
}

/* ---- the case ---- */

static int set_credential(struct credential *c, const json_t *j)
{
	const char *user = json_string_value(json_object_get(j, "username"));
	const char *pw = json_string_value(json_object_get(j, "password"));
	const char *it = json_string_value(json_object_get(j, "identity_token"));
	const char *rt = json_string_value(json_object_get(j, "registry_token"));

	snprintf(c->username, sizeof(c->username), "%s", user ? user : "");
	if (it) {
		c->identity_token = 1;
		pw = it;
	}
	if (pw && sensitive_set(&c->secret, pw, strlen(pw)) < 0)
		return -1;
	if (rt && sensitive_set(&c->registry_token, rt, strlen(rt)) < 0)
		return -1;
	return 0;
}

static void set_config(struct tf_config *cfg, const json_t *cs, const struct credential *cred)
{
	const char *client = json_string_value(json_object_get(cs, "client"));
	const char *reg = json_string_value(json_object_get(cs, "registry"));
	const char *image = json_string_value(json_object_get(cs, "image"));
	const char *colon = image ? strrchr(image, ':') : NULL;

	memset(cfg, 0, sizeof(*cfg));
	if (tokenclient_from_name(client, &cfg->client) < 0)
		cfg->client = TOKENCLIENT_BUILDKIT;
	snprintf(cfg->registry, sizeof(cfg->registry), "%s", reg ? reg : "reg.example");
	if (image) {
		snprintf(cfg->repo, sizeof(cfg->repo), "%.*s",
			 (int)(colon ? (size_t)(colon - image) : strlen(image)), image);
		snprintf(cfg->ref, sizeof(cfg->ref), "%s", colon ? colon + 1 : "latest");
	}
	snprintf(cfg->scheme, sizeof(cfg->scheme), "%s",
		 or(json_string_value(json_object_get(cs, "scheme")), "https"));
	cfg->cred = cred;
	cfg->deadline_ms = clock_now_ms() + 10000;
	cfg->timeout_s = json_number_value(json_object_get(cs, "timeout_s"));
	cfg->push = json_is_true(json_object_get(cs, "push"));
}

/* want (a JSON string or null) against got (NULL: absent). */
static void compare(struct fake *fk, const char *what, const json_t *want, const char *got)
{
	const char *w = json_string_value(want);

	if (!want && !json_is_null(want))
		return;   /* not asserted */
	if ((!w && !got) || (w && got && strcmp(w, got) == 0))
		return;
	note(fk, "#   %s differs:\n#     want: %s\n#     got:  %s\n", what, w ? w : "(none)",
	     got ? got : "(none)");
}

/* Every string in want (an array) must occur in got. */
static void contains(struct fake *fk, const char *what, const json_t *want, const char *got)
{
	size_t i;
	json_t *s;

	json_array_foreach(want, i, s)
		if (!strstr(got, json_string_value(s)))
			note(fk, "#   %s lacks \"%s\":\n#     got: %s\n", what, json_string_value(s), got);
}

static void check_result(struct fake *fk, const json_t *ex, struct token_endpoint_check *k)
{
	enum probe_status st;
	char code[PROBE_CODE_MAX], detail[PROBE_DETAIL_MAX * 2];
	json_t *ev = json_object(), *flow, *anon;
	char *warnings;

	token_endpoint_verdict(k, &st, code, sizeof(code), detail, sizeof(detail), ev);
	flow = json_object_get(ev, "flow");
	anon = json_object_get(ev, "anonymous_flow");
	if (fk->next < json_array_size(fk->exchanges))
		note(fk, "#   %zu scripted exchange(s) left unused, from request %zu\n",
		     json_array_size(fk->exchanges) - fk->next, fk->next + 1);
	compare(fk, "outcome", json_object_get(ex, "outcome"),
		json_string_value(json_object_get(flow, "outcome")));
	compare(fk, "message", json_object_get(ex, "message"),
		json_string_value(json_object_get(flow, "message")));
	compare(fk, "message_buildkit_v0_24", json_object_get(ex, "message_buildkit_v0_24"),
		json_string_value(json_object_get(flow, "message_buildkit_v0_24")));
	compare(fk, "anonymous_outcome", json_object_get(ex, "anonymous_outcome"),
		anon ? json_string_value(json_object_get(anon, "outcome")) : NULL);
	compare(fk, "status", json_object_get(ex, "status"), probe_status_name(st));
	compare(fk, "code", json_object_get(ex, "code"), code);
	contains(fk, "detail", json_object_get(ex, "detail_contains"), detail);
	warnings = json_dumps(json_object_get(flow, "warnings"), JSON_COMPACT);
	contains(fk, "warnings", json_object_get(ex, "warnings_contain"), warnings ? warnings : "");
	free(warnings);
	json_decref(ev);
}

static void run_case(const char *dir, const char *name)
{
	char path[1024];
	json_error_t je;
	json_t *cs;
	struct fake fk = { .difflen = 0 };
	struct credential cred = CREDENTIAL_INIT;
	struct tf_config cfg;
	struct token_endpoint_check k;
	const json_t *cj;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cs = json_load_file(path, 0, &je);
	if (!cs || !json_is_array(json_object_get(cs, "exchanges")) ||
	    !json_is_object(json_object_get(cs, "expect"))) {
		ok(0, "%s: a case file (exchanges, expect)", name);
		printf("#   %s:%d: %s\n", path, je.line, cs ? "no exchanges or expect" : je.text);
		json_decref(cs);
		return;
	}
	cj = json_object_get(cs, "credential");
	if (cj && set_credential(&cred, cj) < 0)
		note(&fk, "#   out of memory\n");
	set_config(&cfg, cs, cj ? &cred : NULL);
	fk.t.send = fake_send;
	fk.t.ctx = &fk;
	fk.exchanges = json_object_get(cs, "exchanges");
	if (token_endpoint_check_start(&k, &fk.t, &cfg) < 0)
		note(&fk, "#   could not start the check\n");
	fake_run(&fk);
	check_result(&fk, json_object_get(cs, "expect"), &k);
	if (!ok(fk.difflen == 0, "%s: %s", name,
		or(json_string_value(json_object_get(cs, "about")), "")))
		fputs(fk.diff, stdout);
	token_endpoint_check_release(&k);
	credential_release(&cred);
	json_decref(cs);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	DIR *d;
	struct dirent *de;
	char *names[512];
	size_t n = 0, i;

	if (argc < 2 || !(d = opendir(argv[1]))) {
		printf("Bail out! usage: t-tokencases DIR (a directory of case files)\n");
		return 1;
	}
	while ((de = readdir(d)) && n < sizeof(names) / sizeof(names[0])) {
		size_t l = strlen(de->d_name);

		if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	ok(n >= 30, "%zu case files in %s", n, argv[1]);
	for (i = 0; i < n; i++) {
		run_case(argv[1], names[i]);
		free(names[i]);
	}
	return tap_done();
}
