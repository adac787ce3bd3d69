/* dockerfile.h — the base images a Dockerfile pulls, as BuildKit's
 * dockerfile frontend reads its FROM lines, and the build secrets and SSH
 * agents its RUN steps mount.
 *
 * ARGs declared before the first FROM are substituted (${V}, $V,
 * ${V:-d}, ${V-d}, ${V:+a}, ${V+a}; an ARG without a default stays
 * unset, as only --build-arg would set it); "scratch", earlier stage
 * names (AS name, case-insensitive) and duplicates are left out; flags
 * (--platform=…) are skipped. Line continuations, comments, blank lines
 * inside a continuation and the escape parser directive are handled.
 * The references are returned as written after substitution: parse them
 * with image_ref_parse (docker/imageref.h). */
#ifndef FIXKB_DOCKER_DOCKERFILE_H
#define FIXKB_DOCKER_DOCKERFILE_H

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"

#define DOCKERFILE_MAX (4u * 1024u * 1024u)   /* bigger Dockerfiles are refused */

/* *out becomes a JSON array (owned) of the FROM references in order.
 * Returns -1 with e set when the file cannot be read (util/fileio: not a
 * regular file, more than DOCKERFILE_MAX bytes, missing, ...) or on OOM. */
int dockerfile_from_images(json_t **out, const char *path, struct err *e);
/* The same on a Dockerfile held in memory; -1 only on OOM. */
int dockerfile_from_images_text(json_t **out, const char *text, size_t len, struct err *e);

/* *out becomes a JSON array (owned) of the secret and ssh mounts of its
 * RUN instructions, in order, each
 *   {"type": "secret"|"ssh", "id": ID, "target": PATH (when given),
 *    "env": NAME (when given), "required": bool, "line": N}
 * where N is the line the RUN starts on and ID is the one the build
 * client must supply, as BuildKit's frontend derives it
 * (instructions/commands_runmount.go parseMount, dockerfile2llb
 * dispatchSecret/dispatchSSH): the id= (or source=/src=) field, else for
 * a secret the base name of its target, for ssh "default". Fields are
 * read as BuildKit's parseMount reads them (comma-separated key=value,
 * keys case-insensitive, `required` alone meaning true); global ARGs are
 * substituted. Only the --mount flags before the command count; other
 * mount types, and a secret with neither id nor target (BuildKit refuses
 * it), are left out. -1 as dockerfile_from_images. */
int dockerfile_run_mounts(json_t **out, const char *path, struct err *e);
int dockerfile_run_mounts_text(json_t **out, const char *text, size_t len, struct err *e);

#endif
