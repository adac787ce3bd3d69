#include "audit/shellrc.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "audit/safefs.h"
#include "docker/dockercfg.h"
#include "util/buf.h"
#include "util/sensitive.h"

#define VAR "DOCKER_AUTH_CONFIG"
#define VARLEN 18

const char *const shellrc_files[] = {
	".profile", ".bashrc", ".bash_profile", ".bash_login", ".bash_aliases", ".zshenv",
	".zshrc", ".zprofile", ".zlogin", ".kshrc", ".mkshrc", ".cshrc", ".tcshrc", ".login",
	".config/fish/config.fish", ".pam_environment", ".envrc", ".env", NULL
};

int shellrc_is_env_name(const char *name)
{
	size_t n = strlen(name);

	if (strcmp(name, ".env") == 0 || (strncmp(name, ".env.", 5) == 0 && n > 5))
		return 1;
	return n > 4 && strcmp(name + n - 4, ".env") == 0;
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static int word_is(const char *p, const char *end, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(end - p) >= n && memcmp(p, w, n) == 0 &&
	       (p + n == end || p[n] == ' ' || p[n] == '\t');
}

/* Past the keywords and flags that may come before the name; NULL when
 * the line starts with something else. */
static const char *past_prefix(const char *p, const char *end)
{
	static const char *const kw[] = { "export", "declare", "typeset", "readonly", "local",
					  "setenv", "set", NULL };
	int i, moved = 1;

	while (moved) {
		moved = 0;
		p = skip_blanks(p, end);
		for (i = 0; kw[i]; i++) {
			if (word_is(p, end, kw[i])) {
				p += strlen(kw[i]);
				moved = 1;
			}
		}
		if (p < end && *p == '-') {          /* -x, -gx, --export */
			while (p < end && *p != ' ' && *p != '\t')
				p++;
			moved = 1;
		}
	}
	return p;
}

/* The value after the name, as a pointer and length (quotes stripped). */
static void value_of(const char *p, const char *end, const char **v, size_t *n)
{
	if (p < end && *p == '=')
		p++;
	p = skip_blanks(p, end);
	if (end - p >= 8 && memcmp(p, "DEFAULT=", 8) == 0)
		p += 8;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == ';'))
		end--;
	if (end - p >= 2 && (*p == '\'' || *p == '"') && end[-1] == *p) {
		p++;
		end--;
	}
	*v = p;
	*n = (size_t)(end - p);
}

static int report(struct audit_report *r, const struct audit_loc *at, int line, const char *v,
		  size_t vn, int dotenv)
{
	struct audit_loc loc = *at;
	const char *shown = loc.display ? loc.display : loc.path;
	char fp[SENSITIVE_FP_MAX + 32];

	if (vn == 0)
		snprintf(fp, sizeof(fp), "the value set earlier");
	else if (*v == '$' || *v == '`')
		snprintf(fp, sizeof(fp), "a value computed when it runs");
	else
		fingerprint_bytes(v, vn, fp);
	loc.line = line;
	loc.subject = VAR;
	return audit_add(r, RULE_DOCKER_AUTH_CONFIG_EXPORTED, &loc, NULL,
			 dotenv ? "%s:%d sets " VAR " (%s): a .env file is read by compose and other "
			 "tools and is easily copied or committed with the registry credentials in "
			 "it; keep them in a credential helper" :
			 "%s:%d exports " VAR " (%s): every program started from your shell "
			 "inherits the registry credentials, and they override docker login for "
			 "the registries they name; use a credential helper",
			 shown, line, fp);
}

int shellrc_scan_text(struct audit_report *r, const struct audit_loc *loc, const char *text,
		      size_t len, int dotenv)
{
	const char *p = text, *end = text + len, *nl, *s, *v;
	size_t vn;
	int line = 0;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		line++;
		s = skip_blanks(p, nl);
		if (s >= nl || *s == '#')
			continue;
		s = past_prefix(s, nl);
		if (nl - s < VARLEN || memcmp(s, VAR, VARLEN) != 0)
			continue;
		s += VARLEN;
		if (s < nl && *s != '=' && *s != ' ' && *s != '\t' && *s != '\r')
			continue;
		value_of(s, nl > s && nl[-1] == '\r' ? nl - 1 : nl, &v, &vn);
		return report(r, loc, line, v, vn, dotenv) < 0 ? -1 : 1;
	}
	return 0;
}

int shellrc_scan_home(struct audit_report *r, const struct audit_home *h)
{
	struct buf b = BUF_INIT(DOCKERCFG_FILE_MAX);
	struct err e = ERR_INIT;
	char path[PATH_MAX + 64], shown[PATH_MAX + 64];
	const char *base = h->current && h->env_home[0] ? h->env_home : h->home;
	const char *root = h->current ? "/" : h->home;
	int i, missing, rc = 0;

	for (i = 0; shellrc_files[i] && rc >= 0; i++) {
		struct audit_loc loc = { h->user, path, shown, NULL, 0, NULL, NULL };

		snprintf(path, sizeof(path), "%s/%s", base, shellrc_files[i]);
		homes_display(h, path, shown, sizeof(shown));
		err_clear(&e);
		missing = 0;
		if (safefs_read(&b, root, path, DOCKERCFG_FILE_MAX, NULL, &missing, &e) < 0) {
			audit_note(r, path, "%s", e.msg);
		} else if (!missing) {
			rc = shellrc_scan_text(r, &loc, b.data, b.len,
					       shellrc_is_env_name(shellrc_files[i]));
		}
		buf_release(&b);
		b = (struct buf)BUF_INIT(DOCKERCFG_FILE_MAX);
	}
	return rc < 0 ? -1 : 0;
}
