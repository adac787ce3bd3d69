#include "net/tokenresp.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "util/rfc3339.h"

/* A non-empty string member, or NULL. */
static const char *nonempty_string(const json_t *obj, const char *key)
{
	const char *v = json_string_value(json_object_get(obj, key));

	return v && *v ? v : NULL;
}

/* Why the body is not JSON, in the words of Go's json.Decoder where the
 * case is a common one (an HTML error page, an empty or cut-off body), so
 * the message reads as the client's; jansson's own text otherwise. */
static void not_json_detail(char *out, size_t cap, const char *body, size_t len,
			    const json_error_t *je)
{
	size_t i = 0;
	unsigned char c;

	while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r'))
		i++;
	if (i == len) {
		snprintf(out, cap, "EOF");
		return;
	}
	c = (unsigned char)body[i];
	if (!strchr("{[\"-0123456789tfn", c) && c >= 0x20 && c < 0x7f) {
		snprintf(out, cap, "invalid character '%s%c' looking for beginning of value",
			 c == '\'' ? "\\" : "", c);
		return;
	}
	if (json_error_code(je) == json_error_premature_end_of_input) {
		snprintf(out, cap, "unexpected EOF");
		return;
	}
	snprintf(out, cap, "%s", je->text);
}

void tokresp_parse(struct tokresp *out, const char *body, size_t len, int post)
{
	json_error_t je;
	json_t *j = NULL, *ei;
	const char *at, *t, *ia;

	memset(out, 0, sizeof(*out));
	out->expires_in = TOKRESP_DEFAULT_EXPIRES_IN;
	out->status = TOKRESP_NOT_JSON;
	/* The token lives in jansson strings until j is freed: the wiping
	 * allocator (sensitive_wipe_json_allocations) clears them. Like Go's
	 * json.Decoder.Decode, only the first value counts: what follows it
	 * is never read. */
	j = len ? json_loadb(body, len, JSON_DISABLE_EOF_CHECK, &je) : NULL;
	if (!j) {
		if (len == 0)
			je.text[0] = '\0';
		not_json_detail(out->detail, sizeof(out->detail), body, len, &je);
		return;
	}
	if (!json_is_object(j)) {
		snprintf(out->detail, sizeof(out->detail), "not a JSON object");
		goto done;
	}
	at = nonempty_string(j, "access_token");
	t = nonempty_string(j, "token");
	ia = json_string_value(json_object_get(j, "issued_at"));
	ei = json_object_get(j, "expires_in");
	out->has_access_token = at != NULL;
	out->has_token = t != NULL;
	out->has_refresh_token = json_object_get(j, "refresh_token") != NULL;
	if (ia) {
		out->has_issued_at = 1;
		snprintf(out->issued_at, sizeof(out->issued_at), "%s", ia);
		if (!rfc3339_valid(ia)) {
			out->status = TOKRESP_BAD_ISSUED_AT;
			goto done;
		}
	}
	if (json_is_integer(ei)) {
		out->has_expires_in = 1;
		out->expires_in_given = (long long)json_integer_value(ei);
		if (out->expires_in_given > 0)
			out->expires_in = (long)out->expires_in_given;
	}
	if (post || at)
		t = at;
	if (!t) {
		out->status = TOKRESP_NO_TOKEN;
		goto done;
	}
	out->status = sensitive_set(&out->token, t, strlen(t)) < 0 ? TOKRESP_OOM : TOKRESP_OK;
done:
	json_decref(j);
}

void tokresp_release(struct tokresp *r)
{
	if (r)
		sensitive_release(&r->token);
}
