/* jsonedit.h — edit docker's config.json or a containers auth.json and
 * keep the rest of the file.
 *
 * jsonedit_parse reads the text as docker's loader does where it matters
 * for an edit: an empty or all-whitespace file is an empty config
 * (docker's LoadFromReader ignores io.EOF); anything else must be one
 * JSON object. Member order is kept (jansson keeps insertion order), and
 * so is every field docker does not know (docker itself drops those on
 * save; fixkb edits, it does not re-marshal). Two members with one name
 * become one, the last value in the first one's place: Go's decoder keeps
 * the last too. NUL escapes (\u0000) are allowed, as Go allows them.
 * Numbers jansson cannot hold (an integer past 64 bits, a real past
 * double range) make the file refused with jansson's reason.
 *
 * A path names a member: segments joined by '.', each either
 *  - a bare word ([A-Za-z0-9_-]+): a Go struct field, matched as Go's
 *    decoder matches it (case-insensitively, "Auths" is auths); when the
 *    object holds two spellings of it ("auths" and "AUTHS") the edit is
 *    refused, since Go would merge them and no single edit says what the
 *    user meant; or
 *  - a double-quoted key ("ghcr.io", with \" and \\ escapes): a map key,
 *    matched exactly, as docker looks auths and credHelpers keys up.
 * Examples: `credsStore`, `credHelpers."ghcr.io"`, `auths."ghcr.io".auth`.
 *
 * A new member goes where docker would write it, so a file docker wrote
 * stays as docker writes it: among struct fields in the order of docker's
 * ConfigFile / AuthConfig / ProxyConfig declarations (docker/cli
 * configfile/file.go, types/authconfig.go; the same relative order as
 * containers/image's auth.json), among map keys (auths, credHelpers,
 * HttpHeaders, proxies, plugins, aliases, features) in sorted byte
 * order, as Go sorts map keys. When the object's existing members are not
 * in that order (a file edited by hand), the new member is appended.
 * Deleting the last member of a map docker omits when empty
 * (credHelpers, HttpHeaders, ...: `omitempty`) removes the map, as
 * docker's next save would; an emptied `auths` stays "{}", as docker
 * writes it.
 *
 * jsonedit_dump writes the result as docker does (fix/gojson.h).
 * Ownership: jansson's. parse gives a new reference; set steals value
 * (even on error); get returns a borrowed one. Parsed configs hold
 * secrets in jansson's strings: call sensitive_wipe_json_allocations()
 * at start-up (cmd/main.c does). */
#ifndef FIXKB_FIX_JSONEDIT_H
#define FIXKB_FIX_JSONEDIT_H

#include <jansson.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* Segments in a path, at most. */
#define JSONEDIT_DEPTH_MAX 8

/* text[0..len) → *root (a new object). name is for messages. -1 with
 * "'<name>': line L column C: <what>" (jansson's reason, never the text
 * near it, which may be a secret) or "'<name>': not a JSON object". */
int jsonedit_parse(json_t **root, const char *name, const char *text, size_t len,
		   struct err *e);

/* *out = the member at path (borrowed). 1 found, 0 absent (a parent
 * missing too), -1 on a bad path, an ambiguous field, or a parent that is
 * not an object. */
int jsonedit_get(json_t **out, json_t *root, const char *path, struct err *e);

/* Sets the member at path to value (stolen), creating missing parent
 * objects (spelled as in the path) and placing new members as above.
 * -1 when a parent exists but is not an object ("'auths' is a string, not
 * an object"), or as jsonedit_get. */
int jsonedit_set(json_t *root, const char *path, json_t *value, struct err *e);

/* Deletes the member at path: 1 deleted, 0 it was not there, -1 as
 * jsonedit_get. */
int jsonedit_delete(json_t *root, const char *path, struct err *e);

/* root as docker writes it (gojson_dump). */
int jsonedit_dump(struct buf *out, const json_t *root, struct err *e);

#endif
