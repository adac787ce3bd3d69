/* redact.h — take secrets out of text that came from outside (log lines,
 * server messages) before it is shown.
 *
 * fixkb's own secrets never reach text (sensitive.h); this is for text
 * fixkb did not write: a matched log line may carry a URL with userinfo,
 * an Authorization header, a JWT or a password on a command line. */
#ifndef FIXKB_UTIL_REDACT_H
#define FIXKB_UTIL_REDACT_H

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

#endif
