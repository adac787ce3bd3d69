/* masktext.h — a file's text with its secrets replaced by fingerprints,
 * for showing a diff of it.
 *
 * fix shows the diff of every file it would write; both sides go through
 * here first, so no diff ever shows a secret, and a changed secret still
 * shows as a changed line ("[redacted sha256:1a2b3c4d…, 20 bytes]" on
 * each side, from sensitive.h's fingerprint of the value).
 *
 * masktext_json lexes JSON text string by string (a string followed by
 * ':' is a member name) and replaces
 *  - the string value of a member whose name is a secret's (auth,
 *    password, identitytoken, registrytoken, and the token and secret
 *    names of helper and token-endpoint JSON: masktext_secret_name;
 *    matched as Go matches field names, case-insensitively), and
 *  - any other string, name or value, in which redact_text (util/redact.h)
 *    finds a secret (URL userinfo, a Basic or Bearer credential, a JWT,
 *    key=value pairs of secret names)
 * by "[redacted <fingerprint of the decoded string>]". Text between
 * strings goes through redact_text. It needs no valid JSON (a malformed
 * config is what some fixes repair): a string left open at the end of a
 * line is masked to the end of that line when it follows a secret's
 * name, and redacted otherwise. Lines stay lines: the output has the same
 * number of lines as the input, each the masked form of its own.
 *
 * masktext_lines, for files that are not JSON (.dockerignore, a TOML
 * file), puts each line through redact_text.
 *
 * out is the caller's (buf_release wipes it); the input holds secrets and
 * is only read. Intermediate copies are wiped. Pure: safe to fuzz. */
#ifndef FIXKB_FIX_MASKTEXT_H
#define FIXKB_FIX_MASKTEXT_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* 1 when a member named name[0..n) holds a secret. */
int masktext_secret_name(const char *name, size_t n);

/* Appends the masked text; -1 (out of memory, out's cap) with a message. */
int masktext_json(struct buf *out, const char *text, size_t len, struct err *e);
int masktext_lines(struct buf *out, const char *text, size_t len, struct err *e);

#endif
