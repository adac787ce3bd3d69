/* main.c — argv to the command table to an exit status. The only place
 * that exits. Global options may come before or after the command.
 *
 * Hidden listings for scripts (the man-page check, the shell completions;
 * documented in fixkb(1), LISTINGS FOR SCRIPTS), tab-separated:
 *   fixkb --list-commands       NAME <TAB> SUMMARY, one per command
 *   fixkb --list-options        the global options (opt_print_listing)
 *   fixkb CMD --list-options    CMD's own options, from its option table */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fixkb-version.h"
#include "cmd/cmd.h"
#include "kb.h"
#include "util/msg.h"
#include "cmd/opt.h"
#include "util/sensitive.h"
#include "util/settings.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, const struct settings *s);
	const char *summary;
};

static const struct command commands[] = {
	{ "doctor", cmd_doctor, "check every registry's credentials before a build" },
	{ "explain", cmd_explain, "name the cause of a failed build from its log" },
	{ "fix", cmd_fix, "remediate a registry's credentials (dry-run unless --apply)" },
	{ "audit", cmd_audit, "audit a machine or build context for credential risks" },
	{ "kb", cmd_kb, "list, show and lint the knowledge base" },
	{ "probe", cmd_probe, "run one probe and show its evidence" },
};

static const char *format_arg, *lang_arg, *timeout_arg;
static int verbose_flag, no_color_flag, offline_flag;
static struct settings settings = SETTINGS_INIT;

static const struct opt global_opts[] = {
	{ "config", 0, OPT_STRING, &settings.config_dir, "DIR", "docker config directory (default $DOCKER_CONFIG or ~/.docker)" },
	{ "cacert", 0, OPT_STRING, &settings.cacert, "FILE", "extra CA certificate(s) to trust" },
	{ "timeout", 0, OPT_STRING, &timeout_arg, "SEC", "deadline for the whole run (default 10)" },
	{ "verbose", 'v', OPT_FLAG, &verbose_flag, NULL, "detail and per-probe timing" },
	{ "format", 0, OPT_STRING, &format_arg, "F", "text (default), json, sarif or github" },
	{ "lang", 0, OPT_STRING, &lang_arg, "L", "en (default) or zh" },
	{ "no-color", 0, OPT_FLAG, &no_color_flag, NULL, "never colour the output" },
	{ "offline", 0, OPT_FLAG, &offline_flag, NULL, "run no probe that touches the network" },
	{ "insecure-registry", 0, OPT_LIST, &settings.insecure_registries, "HOST", "treat HOST (host[:port] or an IPv4 CIDR) as daemon.json insecure-registries does" },
	{ "client", 0, OPT_STRING, &settings.client, "NAME", "token flow to imitate: buildkit (default), buildkit-daemon, containerd, docker-login, podman (containers/image: podman, buildah, skopeo)" },
	OPT_TABLE_END,
};

int cmd_wants_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

static void print_help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: fixkb <command> [options]\n\n"
		"Finds out why a container build cannot authenticate to its registry, and fixes it.\n\n"
		"commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nglobal options (before or after the command):\n");
	opt_print_help(f, global_opts);
	fprintf(f, "  -h, --help                   help (also: fixkb <command> --help)\n"
		"      --version                print the version and the knowledge base's\n\n"
		"exit status: 0 nothing wrong, 1 problems found, 2 usage error or unreadable input\n");
}

static int settings_finish(void)
{
	char *end;

	settings.verbose = verbose_flag;
	settings.offline = offline_flag;
	if (format_arg) {
		if (strcmp(format_arg, "text") == 0)
			settings.format = FORMAT_TEXT;
		else if (strcmp(format_arg, "json") == 0)
			settings.format = FORMAT_JSON;
		else if (strcmp(format_arg, "sarif") == 0)
			settings.format = FORMAT_SARIF;
		else if (strcmp(format_arg, "github") == 0)
			settings.format = FORMAT_GITHUB;
		else
			return msg_usage("unknown format '%s' (text, json, sarif, github)", format_arg);
	}
	if (lang_arg) {
		if (strcmp(lang_arg, "en") == 0)
			settings.lang = LANG_EN;
		else if (strcmp(lang_arg, "zh") == 0)
			settings.lang = LANG_ZH;
		else
			return msg_usage("unknown language '%s' (en, zh)", lang_arg);
	}
	if (timeout_arg) {
		settings.timeout_s = strtod(timeout_arg, &end);
		if (end == timeout_arg || *end || !(settings.timeout_s > 0) ||
		    settings.timeout_s > 3600)
			return msg_usage("invalid --timeout '%s' (seconds, > 0, at most 3600)",
					 timeout_arg);
	}
	if (settings.client && strcmp(settings.client, "buildkit") != 0 &&
	    strcmp(settings.client, "buildkit-daemon") != 0 &&
	    strcmp(settings.client, "containerd") != 0 &&
	    strcmp(settings.client, "docker-login") != 0 &&
	    strcmp(settings.client, "podman") != 0)
		return msg_usage("unknown --client '%s' (buildkit, buildkit-daemon, containerd, docker-login, podman)",
				 settings.client);
	settings.color = settings.format == FORMAT_TEXT && !no_color_flag &&
			 !(getenv("NO_COLOR") && getenv("NO_COLOR")[0]) && isatty(STDOUT_FILENO);
	return 0;
}

/* "0.1.0" for a release (vcs_tag falls back to the project version
 * outside git; a tag "v0.1.0" on a clean tree names it too), else the
 * release and git's description: "0.1.0 (git 68e6161-dirty)". */
static void print_version_line(void)
{
	const char *git = FIXKB_GIT_DESCRIBE;

	if (strcmp(git, FIXKB_VERSION) == 0 ||
	    (git[0] == 'v' && strcmp(git + 1, FIXKB_VERSION) == 0))
		printf("fixkb %s\n", FIXKB_VERSION);
	else
		printf("fixkb %s (git %s)\n", FIXKB_VERSION, git);
}

/* `fixkb --version`: the program's version, then the kb it would use. */
static int print_version(void)
{
	struct err e = ERR_INIT;
	struct kb *kb = NULL;
	char digest[65];
	int rc = EXIT_OK;

	print_version_line();
	if (kb_load(&kb, &e) < 0)
		return msg_error("loading the knowledge base: %s", e.msg);
	if (kb_digest(kb, digest) < 0) {
		rc = msg_error("hashing the knowledge base: out of memory");
		goto cleanup;
	}
	printf("kb: %zu entries, sha256:%.16s (%s)\n", kb_count(kb), digest, kb_origin(kb));
cleanup:
	kb_free(kb);
	return rc;
}

/* `fixkb --list-commands` and `fixkb --list-options`. --help and
 * --version are handled by run(), not by the table: listed here. */
static int list_global(const char *what)
{
	size_t i;

	if (strcmp(what, "--list-commands") == 0) {
		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			printf("%s\t%s\n", commands[i].name, commands[i].summary);
		return EXIT_OK;
	}
	opt_print_listing(stdout, global_opts);
	printf("--help\t-h\t\tflag\thelp (also: fixkb <command> --help)\n"
	       "--version\t\t\tflag\tprint the version and the knowledge base's\n");
	return EXIT_OK;
}

/* `fixkb CMD --list-options`: CMD's own option table, as its --help
 * prints it through opt_print_help, listed on the real standard output
 * while the rest of that help goes to /dev/null. */
static int list_command_options(const struct command *c)
{
	char *help_argv[] = { "--help", NULL };
	FILE *out = NULL;
	int saved, null_fd, rc;

	if (fflush(stdout) != 0)
		return msg_error("writing standard output failed");
	saved = dup(STDOUT_FILENO);
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved >= 0)
		out = fdopen(saved, "w");
	if (!out || null_fd < 0 || dup2(null_fd, STDOUT_FILENO) < 0) {
		rc = msg_error("--list-options: redirecting standard output: %s", strerror(errno));
		if (out)
			fclose(out);
		else if (saved >= 0)
			close(saved);
		if (null_fd >= 0)
			close(null_fd);
		return rc;
	}
	close(null_fd);
	opt_set_listing(out);
	rc = c->fn(1, help_argv, &settings);
	opt_set_listing(NULL);
	fflush(stdout);
	if (dup2(fileno(out), STDOUT_FILENO) < 0)
		rc = msg_error("--list-options: restoring standard output: %s", strerror(errno));
	if (fclose(out) != 0)
		rc = msg_error("writing standard output failed");
	return rc;
}

static int run(int argc, char **argv)
{
	struct err e = ERR_INIT;
	char **rest;
	int nrest = 0, rc;
	size_t i;

	rest = calloc((size_t)argc + 1, sizeof(*rest));
	if (!rest)
		return msg_error("out of memory");
	if (opt_extract(global_opts, argc - 1, argv + 1, rest, &nrest, &e) < 0) {
		free(rest);
		return msg_usage("%s", e.msg);
	}
	rc = settings_finish();
	if (rc)
		goto cleanup;
	if (nrest == 0) {
		print_help(msg_stream());
		rc = EXIT_USAGE;
		goto cleanup;
	}
	if (strcmp(rest[0], "--help") == 0 || strcmp(rest[0], "-h") == 0 ||
	    strcmp(rest[0], "help") == 0) {
		print_help(stdout);
		rc = EXIT_OK;
		goto cleanup;
	}
	if (strcmp(rest[0], "--version") == 0 || strcmp(rest[0], "version") == 0) {
		rc = print_version();
		goto cleanup;
	}
	if (nrest == 1 && (strcmp(rest[0], "--list-commands") == 0 ||
			   strcmp(rest[0], "--list-options") == 0)) {
		rc = list_global(rest[0]);
		goto cleanup;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(rest[0], commands[i].name) != 0)
			continue;
		if (nrest == 2 && strcmp(rest[1], "--list-options") == 0)
			rc = list_command_options(&commands[i]);
		else
			rc = commands[i].fn(nrest - 1, rest + 1, &settings);
		goto cleanup;
	}
	rc = msg_usage("unknown command '%s'", rest[0]);
cleanup:
	free(rest);
	return rc;
}

int main(int argc, char **argv)
{
	int rc;

	sensitive_wipe_json_allocations();
	rc = run(argc, argv);

	/* A full disk or closed pipe on stdout must not pass silently. */
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		msg_error("writing standard output failed");
		if (rc == EXIT_OK)
			rc = EXIT_USAGE;
	}
	return rc;
}
