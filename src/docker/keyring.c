/* keyring.c — the docker item in the Secret Service, read under a deadline.
 * See keyring.h for why every call is async on a private main context. */
#include "docker/keyring.h"

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/clock.h"

const char *keyring_status_name(enum keyring_status s)
{
	switch (s) {
	case KEYRING_FOUND: return "found";
	case KEYRING_ABSENT: return "absent";
	case KEYRING_LOCKED: return "locked";
	case KEYRING_NO_COLLECTION: return "no_collection";
	case KEYRING_NO_BUS: return "no_bus";
	case KEYRING_BUS_UNREACHABLE: return "bus_unreachable";
	case KEYRING_NO_SERVICE: return "no_service";
	case KEYRING_TIMED_OUT: return "timed_out";
	case KEYRING_ERROR: return "error";
	case KEYRING_UNSUPPORTED: return "unsupported";
	}
	return "error";
}

#if HAVE_LIBSECRET

#include <libsecret/secret.h>

#include "util/dynlib.h"

#define SECRETS_NAME "org.freedesktop.secrets"
#define KEYRING_SONAME "libsecret-1.so.0"

/* libsecret, and GLib with it, are loaded by the first lookup
 * (util/dynlib.h): most runs never read the keyring, and mapping and
 * relocating GLib cost every start. These are the functions this file
 * calls, some through GLib's macros (G_DBUS_PROXY, G_IO_ERROR,
 * G_VARIANT_TYPE, SECRET_TYPE_SERVICE); lib.p_<name> holds each, typed
 * from the headers, and the #defines below send every call through it
 * (## keeps the X() arguments from expanding into those #defines). A
 * name missing here fails the link (libsecret is not linked). */
#define KEYRING_SYMS(X) \
	X(g_bus_get) \
	X(g_bus_get_finish) \
	X(g_cancellable_cancel) \
	X(g_cancellable_new) \
	X(g_clear_error) \
	X(g_dbus_connection_call) \
	X(g_dbus_connection_call_finish) \
	X(g_dbus_connection_set_exit_on_close) \
	X(g_dbus_proxy_get_object_path) \
	X(g_dbus_proxy_get_type) \
	X(g_error_matches) \
	X(g_hash_table_lookup) \
	X(g_hash_table_unref) \
	X(g_io_error_quark) \
	X(g_list_free_full) \
	X(g_main_context_iteration) \
	X(g_main_context_new) \
	X(g_main_context_pop_thread_default) \
	X(g_main_context_push_thread_default) \
	X(g_main_context_unref) \
	X(g_object_ref) \
	X(g_object_unref) \
	X(g_source_attach) \
	X(g_source_destroy) \
	X(g_source_set_callback) \
	X(g_source_unref) \
	X(g_timeout_source_new) \
	X(g_type_check_instance_cast) \
	X(g_variant_get) \
	X(g_variant_iter_free) \
	X(g_variant_iter_loop) \
	X(g_variant_new) \
	X(g_variant_type_checked_) \
	X(g_variant_unref) \
	X(secret_attributes_build) \
	X(secret_collection_for_alias) \
	X(secret_collection_for_alias_finish) \
	X(secret_collection_get_locked) \
	X(secret_item_get_attributes) \
	X(secret_item_get_locked) \
	X(secret_item_get_secret) \
	X(secret_item_load_secret) \
	X(secret_item_load_secret_finish) \
	X(secret_service_get_type) \
	X(secret_service_open) \
	X(secret_service_open_finish) \
	X(secret_service_search) \
	X(secret_service_search_finish) \
	X(secret_value_get) \
	X(secret_value_unref)

static struct {
#define X(name) __typeof__(name) *p_##name;
	KEYRING_SYMS(X)
#undef X
} lib;
static const char *const lib_names[] = {
#define X(name) #name,
	KEYRING_SYMS(X)
#undef X
};
static void **const lib_slots[] = {
#define X(name) (void **)&lib.p_##name,
	KEYRING_SYMS(X)
#undef X
};
static struct dynlib libsecret = {
	.soname = KEYRING_SONAME, .names = lib_names, .slots = lib_slots,
	.n = sizeof(lib_names) / sizeof(lib_names[0]),
};

#undef g_object_ref   /* GLib's typeof-casting macro form */
#define g_bus_get (*lib.p_g_bus_get)
#define g_bus_get_finish (*lib.p_g_bus_get_finish)
#define g_cancellable_cancel (*lib.p_g_cancellable_cancel)
#define g_cancellable_new (*lib.p_g_cancellable_new)
#define g_clear_error (*lib.p_g_clear_error)
#define g_dbus_connection_call (*lib.p_g_dbus_connection_call)
#define g_dbus_connection_call_finish (*lib.p_g_dbus_connection_call_finish)
#define g_dbus_connection_set_exit_on_close (*lib.p_g_dbus_connection_set_exit_on_close)
#define g_dbus_proxy_get_object_path (*lib.p_g_dbus_proxy_get_object_path)
#define g_dbus_proxy_get_type (*lib.p_g_dbus_proxy_get_type)
#define g_error_matches (*lib.p_g_error_matches)
#define g_hash_table_lookup (*lib.p_g_hash_table_lookup)
#define g_hash_table_unref (*lib.p_g_hash_table_unref)
#define g_io_error_quark (*lib.p_g_io_error_quark)
#define g_list_free_full (*lib.p_g_list_free_full)
#define g_main_context_iteration (*lib.p_g_main_context_iteration)
#define g_main_context_new (*lib.p_g_main_context_new)
#define g_main_context_pop_thread_default (*lib.p_g_main_context_pop_thread_default)
#define g_main_context_push_thread_default (*lib.p_g_main_context_push_thread_default)
#define g_main_context_unref (*lib.p_g_main_context_unref)
#define g_object_ref (*lib.p_g_object_ref)
#define g_object_unref (*lib.p_g_object_unref)
#define g_source_attach (*lib.p_g_source_attach)
#define g_source_destroy (*lib.p_g_source_destroy)
#define g_source_set_callback (*lib.p_g_source_set_callback)
#define g_source_unref (*lib.p_g_source_unref)
#define g_timeout_source_new (*lib.p_g_timeout_source_new)
#define g_type_check_instance_cast (*lib.p_g_type_check_instance_cast)
#define g_variant_get (*lib.p_g_variant_get)
#define g_variant_iter_free (*lib.p_g_variant_iter_free)
#define g_variant_iter_loop (*lib.p_g_variant_iter_loop)
#define g_variant_new (*lib.p_g_variant_new)
#define g_variant_type_checked_ (*lib.p_g_variant_type_checked_)
#define g_variant_unref (*lib.p_g_variant_unref)
#define secret_attributes_build (*lib.p_secret_attributes_build)
#define secret_collection_for_alias (*lib.p_secret_collection_for_alias)
#define secret_collection_for_alias_finish (*lib.p_secret_collection_for_alias_finish)
#define secret_collection_get_locked (*lib.p_secret_collection_get_locked)
#define secret_item_get_attributes (*lib.p_secret_item_get_attributes)
#define secret_item_get_locked (*lib.p_secret_item_get_locked)
#define secret_item_get_secret (*lib.p_secret_item_get_secret)
#define secret_item_load_secret (*lib.p_secret_item_load_secret)
#define secret_item_load_secret_finish (*lib.p_secret_item_load_secret_finish)
#define secret_service_get_type (*lib.p_secret_service_get_type)
#define secret_service_open (*lib.p_secret_service_open)
#define secret_service_open_finish (*lib.p_secret_service_open_finish)
#define secret_service_search (*lib.p_secret_service_search)
#define secret_service_search_finish (*lib.p_secret_service_search_finish)
#define secret_value_get (*lib.p_secret_value_get)
#define secret_value_unref (*lib.p_secret_value_unref)

/* 0 when libsecret is loaded; -1 with out saying why it cannot be. */
static int load_lib(struct keyring_result *out)
{
	if (dynlib_load(&libsecret, NULL) == 0)
		return 0;
	out->status = KEYRING_UNSUPPORTED;
	snprintf(out->message, sizeof(out->message), "libsecret is not usable here: %s",
		 libsecret.error);
	return -1;
}

int keyring_available(void)
{
	return 1;
}

/* The schema docker-credential-secretservice uses (secretservice.c). */
static const SecretSchema docker_schema = {
	"io.docker.Credentials", SECRET_SCHEMA_NONE,
	{
		{ "label", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "docker_cli", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ NULL, 0 },
	},
	0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

struct kctx {
	GMainContext *mc;
	GCancellable *cancel;
	GSource *timer;
	GAsyncResult *res;   /* of the call in flight, once it completed */
	int timed_out;
};

static void op_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct kctx *k = data;

	(void)src;
	k->res = g_object_ref(res);
}

static gboolean on_deadline(gpointer data)
{
	struct kctx *k = data;

	k->timed_out = 1;
	g_cancellable_cancel(k->cancel);
	return G_SOURCE_REMOVE;
}

/* Iterates our context until the call in flight completes (cancellation
 * at the deadline makes it complete promptly); returns its result, owned. */
static GAsyncResult *wait_op(struct kctx *k)
{
	GAsyncResult *r;

	while (!k->res)
		g_main_context_iteration(k->mc, TRUE);
	r = k->res;
	k->res = NULL;
	return r;
}

static void set_msg(struct keyring_result *out, enum keyring_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_msg(struct keyring_result *out, enum keyring_status st, const char *fmt, ...)
{
	va_list ap;

	out->status = st;
	va_start(ap, fmt);
	vsnprintf(out->message, sizeof(out->message), fmt, ap);
	va_end(ap);
}

/* A failed call: timeout, or the given status with GLib's message. */
static void fail_with(struct keyring_result *out, struct kctx *k, GError *gerr,
		      enum keyring_status st, const char *what)
{
	if (k->timed_out || g_error_matches(gerr, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		set_msg(out, KEYRING_TIMED_OUT, "%s: no answer before the deadline", what);
	else
		set_msg(out, st, "%s: %s", what, gerr ? gerr->message : "unknown error");
}

/* DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus (what GLib and
 * libdbus try before autolaunching). 0 when there is none. */
static int session_address(char *out, size_t len)
{
	const char *a = getenv("DBUS_SESSION_BUS_ADDRESS"), *rt = getenv("XDG_RUNTIME_DIR");
	char p[KEYRING_PATH_MAX];
	struct stat st;

	if (a && *a) {
		snprintf(out, len, "%s", a);
		return 1;
	}
	if (rt && *rt) {
		snprintf(p, sizeof(p), "%s/bus", rt);
		if (stat(p, &st) == 0 && S_ISSOCK(st.st_mode)) {
			snprintf(out, len, "unix:path=%s", p);
			return 1;
		}
	}
	out[0] = '\0';
	return 0;
}

static GVariant *bus_call(struct kctx *k, GDBusConnection *bus, const char *method,
			  GVariant *args, const GVariantType *type, GError **gerr)
{
	GAsyncResult *r;
	GVariant *v;

	g_dbus_connection_call(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			       "org.freedesktop.DBus", method, args, type,
			       G_DBUS_CALL_FLAGS_NONE, -1, k->cancel, op_done, k);
	r = wait_op(k);
	v = g_dbus_connection_call_finish(bus, r, gerr);
	g_object_unref(r);
	return v;
}

/* Is the Secret Service there, or can the bus start it? */
static int check_service(struct keyring_result *out, struct kctx *k, GDBusConnection *bus)
{
	GError *gerr = NULL;
	GVariant *v;
	GVariantIter *it = NULL;
	const char *name;

	v = bus_call(k, bus, "NameHasOwner", g_variant_new("(s)", SECRETS_NAME),
		     G_VARIANT_TYPE("(b)"), &gerr);
	if (!v) {
		fail_with(out, k, gerr, KEYRING_BUS_UNREACHABLE, "asking the bus for " SECRETS_NAME);
		g_clear_error(&gerr);
		return -1;
	}
	g_variant_get(v, "(b)", &out->service_owned);
	g_variant_unref(v);
	if (out->service_owned)
		return 0;
	v = bus_call(k, bus, "ListActivatableNames", NULL, G_VARIANT_TYPE("(as)"), &gerr);
	if (!v) {
		fail_with(out, k, gerr, KEYRING_BUS_UNREACHABLE, "listing activatable names");
		g_clear_error(&gerr);
		return -1;
	}
	g_variant_get(v, "(as)", &it);
	while (g_variant_iter_loop(it, "&s", &name))
		if (strcmp(name, SECRETS_NAME) == 0)
			out->service_activatable = 1;
	g_variant_iter_free(it);
	g_variant_unref(v);
	if (!out->service_activatable) {
		set_msg(out, KEYRING_NO_SERVICE,
			"no Secret Service on the session bus: %s has no owner and cannot be "
			"activated (is gnome-keyring-daemon or another provider running?)",
			SECRETS_NAME);
		return -1;
	}
	return 0;
}

/* Reads the unlocked item's username and secret fingerprint. */
static int read_item(struct keyring_result *out, struct kctx *k, SecretItem *item)
{
	GHashTable *attrs;
	GAsyncResult *r;
	GError *gerr = NULL;
	SecretValue *val;
	const char *user, *data;
	gsize len = 0;
	gboolean okay;

	snprintf(out->item_path, sizeof(out->item_path), "%s",
		 g_dbus_proxy_get_object_path(G_DBUS_PROXY(item)));
	attrs = secret_item_get_attributes(item);
	user = attrs ? g_hash_table_lookup(attrs, "username") : NULL;
	snprintf(out->username, sizeof(out->username), "%s", user ? user : "");
	if (attrs)
		g_hash_table_unref(attrs);

	secret_item_load_secret(item, k->cancel, op_done, k);
	r = wait_op(k);
	okay = secret_item_load_secret_finish(item, r, &gerr);
	g_object_unref(r);
	if (!okay) {
		fail_with(out, k, gerr, KEYRING_ERROR, "loading the secret");
		g_clear_error(&gerr);
		return -1;
	}
	val = secret_item_get_secret(item);
	data = val ? secret_value_get(val, &len) : NULL;
	fingerprint_bytes(data, data ? len : 0, out->secret_fp);
	out->secret_len = data ? len : 0;
	if (val)
		secret_value_unref(val);   /* secure memory: wiped on free */
	if (out->secret_len == 0)
		set_msg(out, KEYRING_ABSENT, "the item exists but its secret is empty "
			"(docker-credential-secretservice treats that as not found)");
	else
		set_msg(out, KEYRING_FOUND, "found");
	return 0;
}

/* No usable item: is it because the default collection is missing or locked? */
static void check_default_collection(struct keyring_result *out, struct kctx *k,
				     SecretService *svc)
{
	SecretCollection *col;
	GAsyncResult *r;
	GError *gerr = NULL;

	secret_collection_for_alias(svc, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
				    k->cancel, op_done, k);
	r = wait_op(k);
	col = secret_collection_for_alias_finish(r, &gerr);
	g_object_unref(r);
	if (gerr) {
		fail_with(out, k, gerr, KEYRING_ERROR, "reading the default collection");
		g_clear_error(&gerr);
		return;
	}
	if (!col) {
		set_msg(out, KEYRING_NO_COLLECTION,
			"the Secret Service has no default collection (nothing created or unlocked "
			"the 'login' keyring; docker-credential-secretservice store fails with "
			"'Object does not exist at path')");
		return;
	}
	snprintf(out->collection, sizeof(out->collection), "%s",
		 g_dbus_proxy_get_object_path(G_DBUS_PROXY(col)));
	out->collection_locked = secret_collection_get_locked(col) ? 1 : 0;
	g_object_unref(col);
}

static void set_no_bus(struct keyring_result *out)
{
	set_msg(out, KEYRING_NO_BUS, "%s",
		getenv("DISPLAY") && *getenv("DISPLAY")
		? "no session bus: DBUS_SESSION_BUS_ADDRESS is unset and there is no "
		  "$XDG_RUNTIME_DIR/bus (the helper would try to autolaunch one with dbus-launch)"
		: "no session bus: DBUS_SESSION_BUS_ADDRESS is unset and there is no "
		  "$XDG_RUNTIME_DIR/bus; the helper fails with 'Cannot autolaunch D-Bus "
		  "without X11 $DISPLAY'");
}

/* Our private main context, pushed as the thread default, with a timer
 * that cancels everything at the deadline. -1 (out says why) when no
 * time is left. */
static int kctx_start(struct kctx *k, struct keyring_result *out, double deadline_ms)
{
	double left = clock_left_ms(deadline_ms);

	if (left <= 0) {
		set_msg(out, KEYRING_TIMED_OUT, "no time left before the deadline");
		return -1;
	}
	k->mc = g_main_context_new();
	k->cancel = g_cancellable_new();
	k->timer = g_timeout_source_new((guint)left + 1);
	g_source_set_callback(k->timer, on_deadline, k, NULL);
	g_source_attach(k->timer, k->mc);
	g_main_context_push_thread_default(k->mc);
	return 0;
}

/* After kctx_start, once every object made on the context is released. */
static void kctx_release(struct kctx *k)
{
	if (k->timer) {
		g_source_destroy(k->timer);
		g_source_unref(k->timer);
	}
	if (k->cancel)
		g_object_unref(k->cancel);
	if (k->mc) {
		/* Let anything the cancelled calls queued run, then drop it. */
		while (g_main_context_iteration(k->mc, FALSE))
			;
		if (k->res)
			g_object_unref(k->res);
		g_main_context_unref(k->mc);
	}
}

/* The session bus, ours to unref; NULL (out says why) when unreachable. */
static GDBusConnection *open_bus(struct keyring_result *out, struct kctx *k)
{
	GDBusConnection *bus;
	GAsyncResult *r;
	GError *gerr = NULL;

	g_bus_get(G_BUS_TYPE_SESSION, k->cancel, op_done, k);
	r = wait_op(k);
	bus = g_bus_get_finish(r, &gerr);
	g_object_unref(r);
	if (!bus) {
		fail_with(out, k, gerr, KEYRING_BUS_UNREACHABLE, "connecting to the session bus");
		g_clear_error(&gerr);
		return NULL;
	}
	/* The shared connection must not take fixkb down if the bus goes. */
	g_dbus_connection_set_exit_on_close(bus, FALSE);
	return bus;
}

/* A Secret Service session, ours to unref; NULL (out says why). */
static SecretService *open_service(struct keyring_result *out, struct kctx *k)
{
	SecretService *svc;
	GAsyncResult *r;
	GError *gerr = NULL;

	secret_service_open(SECRET_TYPE_SERVICE, NULL, SECRET_SERVICE_OPEN_SESSION,
			    k->cancel, op_done, k);
	r = wait_op(k);
	svc = secret_service_open_finish(r, &gerr);
	g_object_unref(r);
	if (!svc) {
		fail_with(out, k, gerr, out->service_owned ? KEYRING_ERROR : KEYRING_NO_SERVICE,
			  out->service_owned ? "opening the Secret Service"
					     : "activating the Secret Service");
		g_clear_error(&gerr);
	}
	return svc;
}

/* What the helper's get searches: {server, docker_cli=1} (+ xdg:schema),
 * but without SECRET_SEARCH_UNLOCK: we never trigger a prompt. *items
 * (ours to free) and the counts in out; *usable is the LAST unlocked
 * item, borrowed from *items: the helper's get (secretservice.c) walks
 * every result and keeps overwriting its answer, so the last one wins.
 * -1 (out says why) when the search fails. */
static int search_items(struct keyring_result *out, struct kctx *k, SecretService *svc,
			const char *server_key, GList **items, SecretItem **usable)
{
	GHashTable *attrs;
	GAsyncResult *r;
	GError *gerr = NULL;
	GList *l;

	attrs = secret_attributes_build(&docker_schema, "server", server_key,
					"docker_cli", "1", NULL);
	secret_service_search(svc, &docker_schema, attrs, SECRET_SEARCH_ALL,
			      k->cancel, op_done, k);
	r = wait_op(k);
	*items = secret_service_search_finish(svc, r, &gerr);
	g_object_unref(r);
	g_hash_table_unref(attrs);
	if (gerr) {
		fail_with(out, k, gerr, KEYRING_ERROR, "searching the Secret Service");
		g_clear_error(&gerr);
		return -1;
	}
	for (l = *items; l; l = l->next) {
		out->items++;
		if (secret_item_get_locked(l->data))
			out->locked_items++;
		else
			*usable = l->data;
	}
	return 0;
}

/* No unlocked item: locked items, a locked or missing default
 * collection, or nothing for that server. */
static void explain_unusable(struct keyring_result *out, struct kctx *k, SecretService *svc,
			     const char *server_key)
{
	check_default_collection(out, k, svc);
	if (out->status == KEYRING_TIMED_OUT || out->status == KEYRING_NO_COLLECTION ||
	    out->message[0])
		return;
	if (out->locked_items)
		set_msg(out, KEYRING_LOCKED, "%d matching item%s, all locked: "
			"docker-credential-secretservice cannot unlock without a prompt and "
			"reports 'credentials not found in native keychain'",
			out->locked_items, out->locked_items == 1 ? "" : "s");
	else if (out->collection_locked == 1)
		set_msg(out, KEYRING_LOCKED, "the default collection %s is locked: no item is "
			"visible and the helper cannot unlock it without a prompt", out->collection);
	else
		set_msg(out, KEYRING_ABSENT, "no item for server '%s' in the Secret Service",
			server_key);
}

int keyring_lookup(struct keyring_result *out, const char *server_key,
		   double deadline_ms, struct err *e)
{
	struct kctx k = { NULL, NULL, NULL, NULL, 0 };
	GDBusConnection *bus = NULL;
	SecretService *svc = NULL;
	GList *items = NULL;
	SecretItem *usable = NULL;
	double t0 = clock_now_ms();

	(void)e;
	*out = (struct keyring_result)KEYRING_RESULT_INIT;
	if (!session_address(out->bus_address, sizeof(out->bus_address))) {
		set_no_bus(out);
		goto cleanup;
	}
	if (load_lib(out) < 0 || kctx_start(&k, out, deadline_ms) < 0)
		goto cleanup;
	bus = open_bus(out, &k);
	if (!bus || check_service(out, &k, bus) < 0)
		goto cleanup;
	svc = open_service(out, &k);
	if (!svc || search_items(out, &k, svc, server_key, &items, &usable) < 0)
		goto cleanup;
	if (usable)
		read_item(out, &k, usable);
	else
		explain_unusable(out, &k, svc, server_key);
cleanup:
	if (k.mc)
		g_main_context_pop_thread_default(k.mc);
	if (items)
		g_list_free_full(items, g_object_unref);
	if (svc)
		g_object_unref(svc);
	if (bus)
		g_object_unref(bus);
	kctx_release(&k);
	out->ms = clock_now_ms() - t0;
	return 0;
}

#else /* !HAVE_LIBSECRET */

int keyring_available(void)
{
	return 0;
}

int keyring_lookup(struct keyring_result *out, const char *server_key,
		   double deadline_ms, struct err *e)
{
	(void)server_key;
	(void)deadline_ms;
	(void)e;
	*out = (struct keyring_result)KEYRING_RESULT_INIT;
	out->status = KEYRING_UNSUPPORTED;
	snprintf(out->message, sizeof(out->message), "built without libsecret");
	return 0;
}

#endif
