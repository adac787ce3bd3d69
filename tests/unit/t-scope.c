/* Scope strings (facts §3): pull scope, host:port names, BuildKit merge. */
#include <string.h>

#include "net/scope.h"
#include "tap.h"

int main(void)
{
	struct scope_set s = SCOPE_SET_INIT;
	struct scope_entry e;
	char out[SCOPE_SET_MAX][SCOPE_MAX], j[2048];
	size_t n;

	scope_pull(j, sizeof(j), "owner/img");
	is_str(j, "repository:owner/img:pull", "pull scope");
	scope_pull(j, sizeof(j), "library/alpine");
	is_str(j, "repository:library/alpine:pull", "hub library scope");
	is_int(scope_pull(j, 10, "owner/img"), -1, "too long is an error");

	is_int(scope_parse(&e, "repository:localhost:5000/img:pull,push"), 0, "host:port scope parses");
	is_str(e.type, "repository", "type");
	is_str(e.name, "localhost:5000/img", "name keeps host:port");
	is_int(e.nactions, 2, "two actions");
	is_str(e.actions[0], "pull", "sorted actions: pull");
	is_str(e.actions[1], "push", "sorted actions: push");
	is_int(scope_parse(&e, "repository:foo"), -1, "one ':' is malformed");
	is_int(scope_parse(&e, "registry:catalog:*"), 0, "catalog scope");
	is_str(e.actions[0], "*", "wildcard action");

	/* BuildKit normalize: merge per name, sort names and actions. */
	scope_set_add(&s, "repository:b:push");
	scope_set_add(&s, "repository:a:pull repository:b:pull");
	scope_set_add(&s, "repository:a:pull");
	n = scope_set_strings(&s, out, SCOPE_SET_MAX);
	is_int(n, 2, "merged to two names");
	is_str(out[0], "repository:a:pull", "a first");
	is_str(out[1], "repository:b:pull,push", "push,pull -> pull,push");
	scope_set_join(&s, j, sizeof(j));
	is_str(j, "repository:a:pull repository:b:pull,push", "space-joined for the POST form");
	ok(scope_set_covers(&s, "repository:b:pull"), "covers b:pull");
	ok(scope_set_covers(&s, "repository:b:push,pull"), "covers b:push,pull");
	ok(!scope_set_covers(&s, "repository:c:pull"), "does not cover c");
	ok(!scope_set_covers(&s, "repository:a:push"), "does not cover a:push");

	/* Sort on type:name, not the whole string ('/' < ':'). */
	memset(&s, 0, sizeof(s));
	scope_set_add(&s, "repository:a/b:pull");
	scope_set_add(&s, "repository:a:pull");
	n = scope_set_strings(&s, out, SCOPE_SET_MAX);
	is_str(out[0], "repository:a:pull", "key sort: a before a/b");
	is_str(out[1], "repository:a/b:pull", "key sort: a/b second");
	(void)n;
	return tap_done();
}
