/* helperstore.h — put a credential into a docker credential helper, or
 * take it out, the way `docker login` and `docker logout` do.
 *
 * docker-credential-helpers' client package (client.Store, client.Erase)
 * as the docker CLI's native store runs it (registry-auth-facts §4):
 *   store:  `docker-credential-<name> store`, stdin the JSON
 *           {"ServerURL": <key>, "Username": <user>, "Secret": <secret>}
 *           (Username "<token>" when Secret is an identity token);
 *   erase:  `docker-credential-<name> erase`, stdin the bare server key.
 * Exit 0 is success; anything else is a failure whose message the
 * helper printed on stdout (docker-credential-pass and -secretservice
 * print errors there, not on stderr). The failure text is kept only in
 * credhelper_redact's form (cut at any "Secret"), since a helper may echo
 * its input. The program runs as credhelper_get runs it: found on PATH,
 * never through a shell, with the environment cut to
 * credhelper_env_keep, under a deadline.
 *
 * The stdin JSON holds the secret: it is built in memory that is wiped
 * before it is freed, and goes nowhere but the helper's stdin. */
#ifndef FIXKB_DOCKER_HELPERSTORE_H
#define FIXKB_DOCKER_HELPERSTORE_H

#include "docker/credential.h"
#include "util/err.h"

/* Stores cred under server_key in helper name. -1 with e set:
 * "docker-credential-pass store: exit status 1: pass not initialized: …",
 * "… not found in PATH", "… timed out". */
int helperstore_store(const char *name, const char *server_key, const struct credential *cred,
		      double deadline_ms, struct err *e);

/* Erases server_key from helper name. A helper that has nothing under
 * the key succeeds for secretservice; pass says "is not in the password
 * store", which counts as success here (nothing was there to erase). */
int helperstore_erase(const char *name, const char *server_key, double deadline_ms,
		      struct err *e);

#endif
