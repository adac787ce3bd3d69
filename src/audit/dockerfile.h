/* dockerfile.h — the audit rules on a Dockerfile's instructions.
 *
 * The lexer follows BuildKit's frontend/dockerfile/parser: parser
 * directives (# escape=`) only at the top, comment lines dropped even
 * inside a continuation, a line ending in the escape character continues
 * the instruction, empty continuation lines are skipped, and heredoc
 * bodies (RUN/COPY/ADD <<EOF ... EOF, <<-EOF strips tabs) are not read as
 * instructions. Each instruction carries the line it starts on.
 *
 * Rules:
 *  - dockerfile-secret-arg: ARG or ENV whose name BuildKit's
 *    SecretsUsedInArgOrEnv check calls a secret (dockerfile2llb/
 *    validations.go at 73ed682: a '_'-separated part, any case, that is
 *    apikey, auth, credential(s), key, password, pword, passwd, secret or
 *    token, unless a part is public, file or version);
 *  - dockerfile-copies-credentials: COPY/ADD of a docker or containers
 *    credential file (.docker, .dockercfg, containers/auth.json), or of
 *    .npmrc, .netrc, .git-credentials, .pypirc, or anything copied into a
 *    .docker directory. */
#ifndef FIXKB_AUDIT_DOCKERFILE_H
#define FIXKB_AUDIT_DOCKERFILE_H

#include <stddef.h>

#include "audit/report.h"

struct dockerfile_scan {
	int copy_all_line;     /* first COPY/ADD of the whole context ("." or "*"), 0: none */
	int instructions;
};

/* 1 when BuildKit's check would call an ARG/ENV name a secret. */
int dockerfile_secret_name(const char *name);

/* Runs the rules on a Dockerfile held in memory; findings are located at
 * loc (path, user, ...) with the instruction's line. Returns -1 on OOM. */
int dockerfile_audit(struct audit_report *r, const struct audit_loc *loc, const char *text,
		     size_t len, struct dockerfile_scan *out);

/* 1 when a Dockerfile is named so: Dockerfile, dockerfile, Containerfile,
 * <name>.Dockerfile, Dockerfile.<name> (not an ignore file). */
int dockerfile_is_name(const char *name);

#endif
