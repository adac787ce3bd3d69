/* scope.h — registry token scopes (facts §3).
 *
 * Grammar: type:name:action[,action], several joined by spaces. The name
 * may hold host:port ("repository:localhost:5000/img:pull"), so a scope is
 * split at its FIRST ':' (type) and its LAST ':' (actions), never naively.
 * A scope_set merges like BuildKit's parseScopes/normalize: actions are
 * merged per type:name, everything is sorted and de-duplicated
 * ("push,pull" -> "pull,push"). containerd only de-duplicates the strings;
 * scope_set_add_raw keeps that view too. */
#ifndef FIXKB_NET_SCOPE_H
#define FIXKB_NET_SCOPE_H

#include <stddef.h>

#define SCOPE_MAX 512
#define SCOPE_SET_MAX 32
#define SCOPE_ACTIONS_MAX 8

struct scope_entry {
	char type[64];
	char name[SCOPE_MAX];
	char actions[SCOPE_ACTIONS_MAX][32];
	size_t nactions;
};

struct scope_set {
	struct scope_entry e[SCOPE_SET_MAX];
	size_t n;
};

#define SCOPE_SET_INIT { .n = 0 }

/* "repository:<path>:pull" into out. Returns -1 when it does not fit. */
int scope_pull(char *out, size_t n, const char *path);
/* "repository:<path>:pull,push": the scope of a push (containerd
 * core/remotes/docker/scope.go RepositoryScope with push; c/image
 * docker_image_dest.go newImageDestination's "pull,push"). -1 when it
 * does not fit. */
int scope_push(char *out, size_t n, const char *path);

/* Splits one scope ("type:name:a,b"): returns -1 when it has no two ':'. */
int scope_parse(struct scope_entry *out, const char *scope);

/* Adds every space-separated scope in s, merging actions (BuildKit).
 * Malformed scopes (fewer than two ':') are kept as type-only entries so
 * they still reach the server, as BuildKit does. Returns -1 when full. */
int scope_set_add(struct scope_set *set, const char *s);

/* 1 when set already covers every action of every scope in s (BuildKit's
 * "give up on insufficient_scope" test). */
int scope_set_covers(const struct scope_set *set, const char *s);

/* The normalised scopes, sorted: out[i] is "type:name:a,b". Returns the
 * count written (at most max). */
size_t scope_set_strings(const struct scope_set *set, char out[][SCOPE_MAX], size_t max);

/* All of them joined by one space (the POST form's single `scope` field). */
void scope_set_join(const struct scope_set *set, char *out, size_t n);

#endif
