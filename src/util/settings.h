/* settings.h — the global options every command and probe sees.
 * Filled by main.c from argv and the environment; read-only afterwards. */
#ifndef FIXKB_UTIL_SETTINGS_H
#define FIXKB_UTIL_SETTINGS_H

#include <stddef.h>

#include "util/strlist.h"

enum out_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF, FORMAT_GITHUB };
enum out_lang { LANG_EN, LANG_ZH };

struct settings {
	const char *config_dir;   /* --config DIR (docker config dir), or NULL */
	const char *cacert;       /* --cacert FILE, or NULL */
	double timeout_s;         /* --timeout, whole run (default 10) */
	int verbose;              /* -v */
	int offline;              /* --offline */
	int color;                /* colour on stdout (TTY, no NO_COLOR, no --no-color) */
	enum out_format format;
	enum out_lang lang;
	/* --client: whose token flow the network probe imitates: "buildkit"
	 * (default), "buildkit-daemon", "containerd", "docker-login" or
	 * "podman" (containers/image: podman, buildah, skopeo). */
	const char *client;
	/* --insecure-registry HOST (repeatable): as daemon.json
	 * insecure-registries, host[:port] or an IPv4/IPv6 CIDR. */
	struct strlist insecure_registries;
	/* doctor --push: the image references the build pushes (its --image
	 * arguments). The token_endpoint probe asks their token for
	 * pull,push, as BuildKit asks for a push, and checks the push side.
	 * Borrowed; NULL: the build pushes nothing. */
	const struct strlist *push_images;
};

#define SETTINGS_INIT { .timeout_s = 10.0, .format = FORMAT_TEXT, .lang = LANG_EN }

/* 1 when the build pushes image (it is one of s->push_images). */
int settings_pushes(const struct settings *s, const char *image);

#endif
