#include "net/jwt.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "util/crypto.h"

#define JWT_PART_MAX (64u << 10)   /* a header or claims segment, decoded */

static void copy_str(char *dst, size_t n, json_t *v)
{
	const char *s = json_string_value(v);

	snprintf(dst, n, "%s", s ? s : "");
}

static int get_int(json_t *v, long long *out)
{
	if (json_is_integer(v)) {
		*out = (long long)json_integer_value(v);
		return 1;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);

		/* a cast out of range is undefined: 1e300 means "never" */
		*out = d >= 9.2e18 ? LLONG_MAX : d <= -9.2e18 ? LLONG_MIN : (long long)d;
		return 1;
	}
	return 0;
}

/* Decodes one base64url segment and parses it as a JSON object. */
static json_t *segment_json(const char *p, size_t n, const char *what, struct err *e)
{
	struct sensitive raw = SENSITIVE_INIT;
	struct err de = ERR_INIT;
	json_error_t je;
	json_t *j = NULL;

	if (n > JWT_PART_MAX * 2) {
		err_set(e, "token %s segment is too long (%zu bytes)", what, n);
		goto cleanup;
	}
	if (b64_decode_url(&raw, p, n, &de) < 0) {
		err_set(e, "token %s segment is not base64url", what);
		goto cleanup;
	}
	j = json_loadb(raw.data ? raw.data : "", raw.len, 0, &je);
	if (!j || !json_is_object(j)) {
		err_set(e, "token %s segment is not a JSON object", what);
		if (j)
			json_decref(j);
		j = NULL;
	}
cleanup:
	sensitive_release(&raw);
	return j;
}

int jwt_decode(struct jwt_info *out, const struct sensitive *token, struct err *e)
{
	const char *t = token->data, *d1, *d2;
	json_t *h = NULL, *c = NULL, *aud, *acc;
	size_t i;
	int rc = -1;

	jwt_info_release(out);
	if (!t || !token->len) {
		err_set(e, "empty token");
		goto cleanup;
	}
	d1 = memchr(t, '.', token->len);
	if (!d1) {
		err_set(e, "not a JWT (no '.' separators)");
		goto cleanup;
	}
	d2 = memchr(d1 + 1, '.', token->len - (size_t)(d1 + 1 - t));
	if (!d2)
		d2 = t + token->len;
	h = segment_json(t, (size_t)(d1 - t), "header", e);
	if (!h)
		goto cleanup;
	c = segment_json(d1 + 1, (size_t)(d2 - d1 - 1), "claims", e);
	if (!c)
		goto cleanup;
	copy_str(out->alg, sizeof(out->alg), json_object_get(h, "alg"));
	copy_str(out->typ, sizeof(out->typ), json_object_get(h, "typ"));
	copy_str(out->kid, sizeof(out->kid), json_object_get(h, "kid"));
	out->has_x5c = json_object_get(h, "x5c") != NULL;
	copy_str(out->iss, sizeof(out->iss), json_object_get(c, "iss"));
	copy_str(out->sub, sizeof(out->sub), json_object_get(c, "sub"));
	aud = json_object_get(c, "aud");
	if (json_is_array(aud)) {
		size_t w = 0;
		json_t *a;

		json_array_foreach(aud, i, a) {
			const char *s = json_string_value(a);

			if (s && w < sizeof(out->aud))
				w += (size_t)snprintf(out->aud + w, sizeof(out->aud) - w, "%s%s",
						      w ? "," : "", s);
		}
	} else {
		copy_str(out->aud, sizeof(out->aud), aud);
	}
	out->has_exp = get_int(json_object_get(c, "exp"), &out->exp);
	out->has_iat = get_int(json_object_get(c, "iat"), &out->iat);
	out->has_nbf = get_int(json_object_get(c, "nbf"), &out->nbf);
	acc = json_object_get(c, "access");
	if (json_is_array(acc)) {
		json_t *item;

		out->access = json_array();
		json_array_foreach(acc, i, item) {
			json_t *o = json_object(), *acts = json_array(), *a;
			json_t *ty = json_object_get(item, "type"), *nm = json_object_get(item, "name");
			size_t k;

			json_object_set_new(o, "type", json_string(json_string_value(ty) ? json_string_value(ty) : ""));
			json_object_set_new(o, "name", json_string(json_string_value(nm) ? json_string_value(nm) : ""));
			json_array_foreach(json_object_get(item, "actions"), k, a)
				if (json_is_string(a))
					json_array_append_new(acts, json_string(json_string_value(a)));
			json_object_set_new(o, "actions", acts);
			json_array_append_new(out->access, o);
		}
	}
	rc = 0;
cleanup:
	if (h)
		json_decref(h);
	if (c)
		json_decref(c);
	if (rc < 0)
		jwt_info_release(out);
	return rc;
}

void jwt_info_release(struct jwt_info *j)
{
	if (!j)
		return;
	if (j->access)
		json_decref(j->access);
	memset(j, 0, sizeof(*j));
}

int jwt_allows(const struct jwt_info *j, const char *type, const char *name, const char *action)
{
	size_t i, k;
	json_t *item, *a;

	if (!j->access)
		return 0;
	json_array_foreach(j->access, i, item) {
		const char *ty = json_string_value(json_object_get(item, "type"));
		const char *nm = json_string_value(json_object_get(item, "name"));

		if (!ty || !nm || strcmp(ty, type) != 0 || strcmp(nm, name) != 0)
			continue;
		json_array_foreach(json_object_get(item, "actions"), k, a) {
			const char *s = json_string_value(a);

			if (s && (strcmp(s, action) == 0 || strcmp(s, "*") == 0))
				return 1;
		}
	}
	return 0;
}

static json_t *str_or_null(const char *s)
{
	json_t *j;

	if (!s[0])
		return json_null();
	j = json_string(s);
	return j ? j : json_string("(not valid UTF-8)");
}

json_t *jwt_info_json(const struct jwt_info *j, long long now_s)
{
	json_t *o = json_object();

	json_object_set_new(o, "alg", str_or_null(j->alg));
	json_object_set_new(o, "typ", str_or_null(j->typ));
	if (j->kid[0])
		json_object_set_new(o, "kid", str_or_null(j->kid));
	if (j->has_x5c)
		json_object_set_new(o, "x5c", json_true());
	json_object_set_new(o, "iss", str_or_null(j->iss));
	json_object_set_new(o, "sub", str_or_null(j->sub));
	json_object_set_new(o, "aud", str_or_null(j->aud));
	json_object_set_new(o, "exp", j->has_exp ? json_integer(j->exp) : json_null());
	json_object_set_new(o, "iat", j->has_iat ? json_integer(j->iat) : json_null());
	json_object_set_new(o, "nbf", j->has_nbf ? json_integer(j->nbf) : json_null());
	json_object_set_new(o, "access", j->access ? json_deep_copy(j->access) : json_null());
	if (j->has_exp)
		json_object_set_new(o, "expired", json_boolean(j->exp <= now_s));
	if (j->has_nbf && j->nbf > now_s)
		json_object_set_new(o, "not_yet_valid", json_true());
	return o;
}
