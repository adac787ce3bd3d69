/* jwt.h — read a registry token's header and claims, for evidence only.
 *
 * Decodes the first two base64url segments with jansson. The signature is
 * never verified (fixkb has no key and does not need one: the registry
 * decides) and never kept or shown. The token itself is a secret: it only
 * ever comes in as a struct sensitive. What jwt_info holds is not secret
 * (iss, aud, sub, exp, access) and may go into evidence. */
#ifndef FIXKB_NET_JWT_H
#define FIXKB_NET_JWT_H

#include <jansson.h>

#include "util/err.h"
#include "util/sensitive.h"

#define JWT_FIELD_MAX 256

struct jwt_info {
	char alg[32];
	char typ[32];
	char kid[128];               /* "" when absent (x5c form) */
	int has_x5c;
	char iss[JWT_FIELD_MAX];
	char sub[JWT_FIELD_MAX];
	char aud[JWT_FIELD_MAX];     /* a string aud, or the array joined by ',' */
	int has_exp, has_iat, has_nbf;
	long long exp, iat, nbf;     /* seconds since the epoch */
	json_t *access;              /* array of {type, name, actions[]} (owned), or NULL */
};

#define JWT_INFO_INIT { "", "", "", 0, "", "", "", 0, 0, 0, 0, 0, 0, NULL }

/* Decodes token ("h.c.s"; a token with 2 segments is accepted too).
 * Returns -1 with a message that never quotes the token when it is not a
 * JWT (registry tokens need not be: that is not an error for a client). */
int jwt_decode(struct jwt_info *out, const struct sensitive *token, struct err *e);
void jwt_info_release(struct jwt_info *j);

/* 1 when the access claim grants action on type:name ("repository",
 * "fixkb/tiny", "pull"); "*" in actions counts. 0 otherwise (also when
 * there is no access claim). */
int jwt_allows(const struct jwt_info *j, const char *type, const char *name, const char *action);

/* The evidence form: {alg, typ, kid?, iss, sub, aud, exp, iat, nbf,
 * access, expired?} — never the signature. now_s: current time. */
json_t *jwt_info_json(const struct jwt_info *j, long long now_s);

#endif
