/* redact.h — take secrets out of text that came from outside (log lines,
 * server messages) before it is shown.
 *
 * fixkb's own secrets never reach text (sensitive.h); this is for text
 * fixkb did not write: a matched log line may carry a URL with userinfo,
 * an Authorization header, a JWT or a password on a command line. */
#ifndef FIXKB_UTIL_REDACT_H
#define FIXKB_UTIL_REDACT_H

#include <jansson.h>
#include <stddef.h>

/* Copies in[0..n) to out (NUL-terminated, cut to outcap - 1 bytes) with
 *  - URL userinfo ("https://user:pass@host") replaced by "***@",
 *  - "Basic|Bearer <credential>" → "Basic ***",
 *  - JWTs ("eyJ….….…") → "[jwt]",
 *  - values of query/form keys token, access_token, refresh_token,
 *    password, client_secret, identitytoken, auth, secret → "***",
 *  - the argument of -p/--password/--password= → "***",
 *  - JSON "password"/"Secret"/"auth"/"identitytoken"/"token" string
 *    values → "***".
 * Returns the length written. Pure: safe to fuzz. */
size_t redact_text(const char *in, size_t n, char *out, size_t outcap);

/* In place: every run of min (at least 8) or more characters that are
 * letters, digits or in extra becomes "[opaque]"; with mixed, only the
 * runs holding both a letter and a digit. */
void redact_opaque_runs(char *s, const char *extra, size_t min, int mixed);

/* A response body excerpt safe for evidence, as a new JSON value (the
 * caller owns it; JSON null for an empty or NULL body):
 *  - a JSON object or array comes back as JSON, with the string values of
 *    the keys token, access_token, refresh_token, id_token, password,
 *    secret, identitytoken, registrytoken and client_secret (any case)
 *    replaced by "[redacted sha256:…]" fingerprints, JWT-looking runs
 *    ("eyJ" + base64url with one or two dots, 16 bytes or more) inside
 *    other strings replaced by "[jwt]", and every string cut at max bytes
 *    (jsontext_string);
 *  - anything else (truncated JSON, form text, HTML) comes back as one
 *    JSON string: JWT runs → "[jwt]", then redact_text(), then every run
 *    of 20 or more token characters ([A-Za-z0-9-_+=~.]) → "[opaque]",
 *    then cut at max bytes.
 * The intermediate copies are wiped before they are freed. */
json_t *redact_body(const char *body, size_t len, size_t max);

#endif
