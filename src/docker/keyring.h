/* keyring.h — look up what docker-credential-secretservice stored for a
 * server, straight from the Secret Service (libsecret), under a deadline,
 * and say precisely why it cannot be read when it cannot.
 *
 * The item docker-credential-secretservice writes: schema
 * "io.docker.Credentials" (SECRET_SCHEMA_NONE, so libsecret matches the
 * xdg:schema attribute), attributes server=<exact server key>,
 * docker_cli=1, username=<user>, in the default collection. Its `get`
 * searches {server, docker_cli} and treats an empty secret as not found;
 * we search the same way but never unlock (no prompts) and never print
 * the secret: we keep only its fingerprint, and libsecret's copy is freed
 * (libsecret keeps decrypted secrets in wiped secure memory).
 *
 * Bounded without threads of our own: every libsecret/GDBus call is the
 * async form, run on a private GMainContext that we iterate until it
 * completes; a timeout source on that context cancels the shared
 * GCancellable at the deadline, and GDBus completes cancelled calls at
 * once. The bus address is resolved by us first (DBUS_SESSION_BUS_ADDRESS,
 * else $XDG_RUNTIME_DIR/bus) so GLib never autolaunches a bus
 * (dbus-launch is a blocking spawn with no deadline).
 *
 * libsecret (and GLib) are loaded with dlopen by the first lookup that has
 * a bus to talk to, never before: other runs do not pay for mapping them.
 * Without libsecret (meson -Dlibsecret=disabled) keyring_lookup() reports
 * KEYRING_UNSUPPORTED ("built without libsecret"); so it does, saying
 * why, when libsecret-1.so.0 cannot be loaded. */
#ifndef FIXKB_DOCKER_KEYRING_H
#define FIXKB_DOCKER_KEYRING_H

#include <stddef.h>

#include "docker/credential.h"
#include "util/err.h"
#include "util/sensitive.h"

#define KEYRING_MSG_MAX 512
#define KEYRING_PATH_MAX 256

enum keyring_status {
	KEYRING_FOUND,            /* an unlocked item with a non-empty secret */
	KEYRING_ABSENT,           /* no item for that server (or only an empty secret) */
	KEYRING_LOCKED,           /* matching item(s) locked, or the default collection is */
	KEYRING_NO_COLLECTION,    /* the service has no default collection (nothing unlocked it) */
	KEYRING_NO_BUS,           /* no session bus address at all */
	KEYRING_BUS_UNREACHABLE,  /* an address, but connecting failed */
	KEYRING_NO_SERVICE,       /* org.freedesktop.secrets not owned and activation failed */
	KEYRING_TIMED_OUT,
	KEYRING_ERROR,            /* some other Secret Service error (message says) */
	KEYRING_UNSUPPORTED,      /* built without libsecret, or it cannot be loaded */
};

struct keyring_result {
	enum keyring_status status;
	char message[KEYRING_MSG_MAX];        /* library error text, or what we concluded */
	char bus_address[KEYRING_PATH_MAX];   /* the address used ("" when none) */
	int service_owned;                    /* org.freedesktop.secrets had an owner */
	int service_activatable;              /* ... or the bus could start it */
	int items;                            /* matching items */
	int locked_items;                     /* of which locked */
	int collection_locked;                /* default collection locked (-1: unknown) */
	char collection[KEYRING_PATH_MAX];    /* default collection object path, "" if none */
	char item_path[KEYRING_PATH_MAX];     /* the item docker would read */
	char username[CREDENTIAL_USER_MAX];   /* its username attribute */
	char secret_fp[SENSITIVE_FP_MAX];     /* fingerprint of its secret */
	size_t secret_len;
	double ms;
};

#define KEYRING_RESULT_INIT \
	{ KEYRING_ERROR, "", "", 0, 0, 0, 0, -1, "", "", "", "", 0, 0 }

/* Looks up the docker item for server_key (the exact key docker passes to
 * the helper, e.g. "127.0.0.1:5000" or "https://index.docker.io/v1/").
 * Returns 0 with out->status set; -1 (e set) only on an internal failure. */
int keyring_lookup(struct keyring_result *out, const char *server_key,
		   double deadline_ms, struct err *e);

const char *keyring_status_name(enum keyring_status s);   /* "found", "no_bus", ... */
int keyring_available(void);                                /* 1 if built with libsecret */

#endif
