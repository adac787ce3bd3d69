#include "audit/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/dockerfile.h"
#include "audit/dockerignore.h"
#include "audit/gitignore.h"
#include "audit/safefs.h"
#include "audit/shellrc.h"
#include "docker/authfile.h"
#include "docker/dockercfg.h"
#include "util/buf.h"
#include "util/clock.h"

#define WALK_FILE_MAX DOCKERCFG_FILE_MAX

enum ent_kind { ENT_SUBDIR, ENT_DOCKERFILE, ENT_DOCKERFILE_LINK, ENT_IGNORE, ENT_CANDIDATE };

struct ent {
	size_t off;              /* into names */
	enum ent_kind kind;
};

struct dirlist {
	struct buf names;        /* NUL-separated */
	struct ent *e;
	size_t n, cap, nsub;
	int has_gitignore;
};

struct ctxlevel {
	size_t base;                       /* length of walker.path at the context */
	char dockerfile[NAME_MAX + 1];
	char ignore[NAME_MAX + 1];         /* the ignore file in force, "" for none */
	struct dockerignore di;
	int refused;                       /* BuildKit refuses the ignore file: no build */
	int copy_all_line;
};

struct gilevel {
	size_t base;
	struct gitignore gi;
};

struct walker {
	struct audit_report *r;
	const struct walk_opts *o;
	char path[PATH_MAX * 2];
	size_t len;
	size_t rootlen;
	struct gilevel gi[WALK_MAX_DEPTH + 1];
	int ngi;
	struct ctxlevel *ctx;
	int nctx;
	int stopped;
	int oom;
};

/* ---- small helpers ---- */

static const char *ename(const struct dirlist *d, size_t i)
{
	return d->names.data + d->e[i].off;
}

static void display(const struct walker *w, const char *path, char *out, size_t n)
{
	const char *cwd = w->r->cwd;
	size_t cl = strlen(cwd);

	if (w->o->home) {
		homes_display(w->o->home, path, out, n);
		if (out[0] == '~')
			return;
	}
	if (cl > 1 && strncmp(path, cwd, cl) == 0 && path[cl] == '/')
		snprintf(out, n, "%s", path + cl + 1);
	else
		snprintf(out, n, "%s", path);
}

/* A finding's location for the file `full` found by this walk; shown
 * must outlive loc. */
static void file_loc(const struct walker *w, struct audit_loc *loc, const char *full,
		     char *shown, size_t n)
{
	display(w, full, shown, n);
	memset(loc, 0, sizeof(*loc));
	loc->user = w->o->home ? w->o->home->user : NULL;
	loc->path = full;
	loc->display = shown;
	loc->ident = full + w->rootlen + (full[w->rootlen] == '/');
}

/* w->path + "/" + name into out. */
static int child_path(const struct walker *w, const char *name, char *out, size_t n)
{
	return snprintf(out, n, "%s/%s", w->path, name) < (int)n ? 0 : -1;
}

static int is_candidate(const char *name)
{
	return strcmp(name, "config.json") == 0 || strcmp(name, "auth.json") == 0 ||
	       strcmp(name, ".dockercfg") == 0 || shellrc_is_env_name(name);
}

static int list_add(struct dirlist *d, const char *name, enum ent_kind kind)
{
	struct ent *ne;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;

		ne = realloc(d->e, cap * sizeof(*ne));
		if (!ne)
			return -1;
		d->e = ne;
		d->cap = cap;
	}
	d->e[d->n].off = d->names.len;
	d->e[d->n].kind = kind;
	if (buf_append(&d->names, name, strlen(name) + 1) < 0)
		return -1;
	d->n++;
	return 0;
}

static void list_release(struct dirlist *d)
{
	buf_release(&d->names);
	free(d->e);
	d->e = NULL;
	d->n = d->cap = 0;
}

/* Reads a file of this directory (not following a symlink) into b. */
static int read_here(struct walker *w, int dfd, const char *name, struct buf *b)
{
	char full[PATH_MAX * 2];
	struct err e = ERR_INIT;
	struct stat st;
	int fd, rc;

	child_path(w, name, full, sizeof(full));
	fd = safefs_openat(dfd, name, 0);
	if (fd < 0) {
		audit_note(w->r, full, "cannot read '%s': %s", full, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		audit_note(w->r, full, "cannot read '%s': %s", full, strerror(errno));
		return -1;
	}
	rc = safefs_read_fd(b, fd, &st, WALK_FILE_MAX, full, &e);
	close(fd);
	if (rc < 0)
		audit_note(w->r, full, "%s", e.msg);
	return rc;
}

/* ---- one directory's entries ---- */

static int classify(struct walker *w, int dfd, struct dirlist *d, const char *name,
		    unsigned char type)
{
	struct stat st;

	if (type == DT_UNKNOWN) {
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return 0;
		type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG :
		       S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
	}
	if (type == DT_DIR) {
		if (strcmp(name, ".git") == 0 || strcmp(name, "node_modules") == 0)
			return 0;
		if (d->nsub >= WALK_DIR_MAX) {
			if (d->nsub++ == WALK_DIR_MAX)
				audit_note(w->r, w->path, "'%s' has more than %d subdirectories: the rest "
					   "are not walked", w->path, WALK_DIR_MAX);
			return 0;
		}
		d->nsub++;
		return list_add(d, name, ENT_SUBDIR);
	}
	w->r->files++;
	if (type != DT_REG && type != DT_LNK) {
		if (dockerfile_is_name(name) || is_candidate(name))
			audit_note(w->r, w->path, "'%s/%s': not a regular file; not read", w->path, name);
		return 0;
	}
	if (strcmp(name, ".gitignore") == 0 && type == DT_REG)
		d->has_gitignore = 1;
	else if (dockerfile_is_name(name))
		return list_add(d, name, type == DT_LNK ? ENT_DOCKERFILE_LINK : ENT_DOCKERFILE);
	else if (strlen(name) >= 13 && strcmp(name + strlen(name) - 13, ".dockerignore") == 0)
		return list_add(d, name, ENT_IGNORE);
	if (type == DT_REG && is_candidate(name))
		return list_add(d, name, ENT_CANDIDATE);
	return 0;
}

static int read_entries(struct walker *w, DIR *dir, struct dirlist *d)
{
	struct dirent *de;

	for (;;) {
		errno = 0;
		de = readdir(dir);
		if (!de)
			break;
		if (de->d_name[0] == '.' && (!de->d_name[1] ||
					    (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (classify(w, dirfd(dir), d, de->d_name, de->d_type) < 0)
			return -1;
	}
	if (errno)
		audit_note(w->r, w->path, "reading '%s' stopped: %s", w->path, strerror(errno));
	return 0;
}

/* ---- .gitignore ---- */

static void push_gitignore(struct walker *w, int dfd)
{
	struct buf b = BUF_INIT(WALK_FILE_MAX);
	struct gilevel *g;

	if (w->ngi > WALK_MAX_DEPTH)
		return;
	if (read_here(w, dfd, ".gitignore", &b) == 0) {
		g = &w->gi[w->ngi];
		g->base = w->len;
		g->gi = (struct gitignore)GITIGNORE_INIT;
		if (gitignore_parse(&g->gi, b.data, b.len) < 0)
			w->oom = 1;
		w->ngi++;
	}
	buf_release(&b);
}

static int gitignored(const struct walker *w, const char *name)
{
	char rel[PATH_MAX * 2];
	int i, m;

	for (i = w->ngi - 1; i >= 0; i--) {
		size_t base = w->gi[i].base;

		if (w->len > base)
			snprintf(rel, sizeof(rel), "%s/%s", w->path + base + 1, name);
		else
			snprintf(rel, sizeof(rel), "%s", name);
		m = gitignore_match(&w->gi[i].gi, rel, name, 1);
		if (m >= 0)
			return m;
	}
	return 0;
}

/* ---- build contexts ---- */

static int has_entry(const struct dirlist *d, enum ent_kind kind, const char *name)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->e[i].kind == kind && strcmp(ename(d, i), name) == 0)
			return 1;
	return 0;
}

static void load_ignore(struct walker *w, int dfd, const struct dirlist *d, struct ctxlevel *c)
{
	struct buf b = BUF_INIT(WALK_FILE_MAX);
	struct err e = ERR_INIT;
	char specific[NAME_MAX + 16], full[PATH_MAX * 2];

	snprintf(specific, sizeof(specific), "%s.dockerignore", c->dockerfile);
	if (has_entry(d, ENT_IGNORE, specific))
		snprintf(c->ignore, sizeof(c->ignore), "%s", specific);
	else if (has_entry(d, ENT_IGNORE, ".dockerignore"))
		snprintf(c->ignore, sizeof(c->ignore), ".dockerignore");
	if (!c->ignore[0])
		return;
	if (read_here(w, dfd, c->ignore, &b) < 0) {
		c->ignore[0] = '\0';
	} else if (dockerignore_parse(&c->di, b.data, b.len, &e) < 0) {
		child_path(w, c->ignore, full, sizeof(full));
		audit_note(w->r, full, "BuildKit refuses '%s' (%s): builds of this context fail "
			   "before sending anything", full, e.msg);
		c->refused = 1;
	}
	buf_release(&b);
}

static int read_dockerfile(struct walker *w, int dfd, const char *name, int link, struct buf *b)
{
	char full[PATH_MAX * 2];
	struct err e = ERR_INIT;

	if (!link)
		return read_here(w, dfd, name, b);
	child_path(w, name, full, sizeof(full));
	if (safefs_read(b, w->o->confine, full, WALK_FILE_MAX, NULL, NULL, &e) < 0) {
		audit_note(w->r, full, "%s", e.msg);
		return -1;
	}
	return 0;
}

static int push_context(struct walker *w, int dfd, const struct dirlist *d, size_t i)
{
	struct buf b = BUF_INIT(WALK_FILE_MAX);
	struct dockerfile_scan scan;
	char full[PATH_MAX * 2], shown[PATH_MAX * 2];
	struct audit_loc loc;
	struct ctxlevel *c;
	int rc = 0;

	if (read_dockerfile(w, dfd, ename(d, i), d->e[i].kind == ENT_DOCKERFILE_LINK, &b) < 0) {
		buf_release(&b);
		return 0;
	}
	w->r->dockerfiles++;
	child_path(w, ename(d, i), full, sizeof(full));
	file_loc(w, &loc, full, shown, sizeof(shown));
	rc = dockerfile_audit(w->r, &loc, b.data, b.len, &scan);
	buf_release(&b);
	if (rc < 0 || w->nctx >= WALK_CONTEXTS_MAX)
		return rc;
	c = &w->ctx[w->nctx++];
	memset(c, 0, sizeof(*c));
	c->di = (struct dockerignore)DOCKERIGNORE_INIT;
	c->base = w->len;
	snprintf(c->dockerfile, sizeof(c->dockerfile), "%s", ename(d, i));
	c->copy_all_line = scan.copy_all_line;
	load_ignore(w, dfd, d, c);
	return 0;
}

static int context_finding(struct walker *w, const struct ctxlevel *c, const char *full,
			   const char *rel, size_t held)
{
	char shown[PATH_MAX * 2], df[PATH_MAX * 2], dfshown[PATH_MAX * 2], subject[PATH_MAX * 2];
	char tail[PATH_MAX * 2 + 128];
	struct audit_loc loc;

	snprintf(df, sizeof(df), "%.*s/%s", (int)c->base, w->path, c->dockerfile);
	display(w, df, dfshown, sizeof(dfshown));
	snprintf(subject, sizeof(subject), "%s: %s", c->dockerfile, rel);
	file_loc(w, &loc, full, shown, sizeof(shown));
	loc.subject = subject;
	if (c->copy_all_line)
		snprintf(tail, sizeof(tail), "the COPY/ADD of the whole context at %s:%d puts it in "
			 "the image", dfshown, c->copy_all_line);
	else
		snprintf(tail, sizeof(tail), "the builder receives it, and a `COPY . .` would put it "
			 "in the image");
	return audit_add(w->r, RULE_CREDENTIAL_IN_BUILD_CONTEXT, &loc, NULL,
			 "%s holds %zu registry credential%s and is in the build context of %s, not "
			 "excluded by %s: %s", shown, held, held == 1 ? "" : "s", dfshown,
			 c->ignore[0] ? c->ignore : "a .dockerignore (there is none)", tail);
}

/* How many registry credentials a candidate file holds (0: not one). */
static size_t credentials_held(struct walker *w, const char *name, const char *full,
			       const struct buf *b)
{
	struct dockercfg cfg = DOCKERCFG_INIT;
	struct authfile af = AUTHFILE_INIT;
	struct err e = ERR_INIT;
	size_t held = 0, i;
	char shown[PATH_MAX * 2];
	struct audit_loc loc;
	int r;

	if (shellrc_is_env_name(name)) {
		file_loc(w, &loc, full, shown, sizeof(shown));
		r = shellrc_scan_text(w->r, &loc, b->data, b->len, 1);
		if (r < 0)
			w->oom = 1;
		return r > 0;
	}
	if (strcmp(name, "config.json") == 0) {
		if (dockercfg_load_text(&cfg, full, b->data, b->len, &e) == 0)
			for (i = 0; i < cfg.nauths; i++)
				held += dockercfg_entry_has_credential(&cfg.auths[i]);
	} else if (authfile_load_text(&af, full, strcmp(name, ".dockercfg") == 0, b->data, b->len,
				      &e) == 0) {
		for (i = 0; i < af.nauths; i++)
			held += !sensitive_is_empty(&af.auths[i].auth) ||
				!sensitive_is_empty(&af.auths[i].identity_token);
	}
	dockercfg_release(&cfg);
	authfile_release(&af);
	return held;
}

static int candidate(struct walker *w, int dfd, const char *name)
{
	struct buf b = BUF_INIT(WALK_FILE_MAX);
	char full[PATH_MAX * 2], rel[PATH_MAX * 2];
	size_t held;
	int i, rc = 0;

	if (child_path(w, name, full, sizeof(full)) < 0 || read_here(w, dfd, name, &b) < 0) {
		buf_release(&b);
		return 0;
	}
	held = credentials_held(w, name, full, &b);
	buf_release(&b);
	for (i = 0; held && i < w->nctx && rc == 0; i++) {
		const struct ctxlevel *c = &w->ctx[i];

		snprintf(rel, sizeof(rel), "%s", full + c->base + 1);
		if (c->refused || dockerignore_excluded(&c->di, rel))
			continue;
		rc = context_finding(w, c, full, rel, held);
	}
	return rc;
}

/* ---- the walk ---- */

static int walk_dir(struct walker *w, int dfd, int depth);

static int descend(struct walker *w, int dfd, const char *name, int depth)
{
	size_t saved = w->len, nl = strlen(name);
	int cfd;

	if (w->len + nl + 2 >= sizeof(w->path)) {
		audit_note(w->r, w->path, "'%s/%s': path too long, not walked", w->path, name);
		return 0;
	}
	w->path[w->len] = '/';
	memcpy(w->path + w->len + 1, name, nl + 1);
	w->len += nl + 1;
	cfd = safefs_openat(dfd, name, 1);
	if (cfd < 0) {
		audit_note(w->r, w->path, "cannot read '%s': %s", w->path, strerror(errno));
	} else if (depth + 1 > WALK_MAX_DEPTH) {
		audit_note(w->r, w->path, "'%s' is more than %d directories deep: not walked",
			   w->path, WALK_MAX_DEPTH);
		close(cfd);
	} else if (walk_dir(w, cfd, depth + 1) < 0) {
		w->len = saved;
		w->path[saved] = '\0';
		return -1;
	}
	w->len = saved;
	w->path[saved] = '\0';
	return 0;
}

static int process(struct walker *w, int dfd, struct dirlist *d, int depth)
{
	size_t i;
	int any_df = 0;

	if (d->has_gitignore)
		push_gitignore(w, dfd);
	for (i = 0; i < d->n; i++) {
		if (d->e[i].kind != ENT_DOCKERFILE && d->e[i].kind != ENT_DOCKERFILE_LINK)
			continue;
		any_df = 1;
		if (push_context(w, dfd, d, i) < 0)
			return -1;
	}
	w->r->build_contexts += any_df;
	for (i = 0; i < d->n; i++)
		if (d->e[i].kind == ENT_CANDIDATE && candidate(w, dfd, ename(d, i)) < 0)
			return -1;
	for (i = 0; i < d->n && !w->stopped; i++) {
		if (d->e[i].kind != ENT_SUBDIR)
			continue;
		if (strcmp(ename(d, i), ".docker") != 0 && gitignored(w, ename(d, i)) == 1)
			continue;
		if (descend(w, dfd, ename(d, i), depth) < 0)
			return -1;
	}
	return w->oom ? -1 : 0;
}

static int walk_dir(struct walker *w, int dfd, int depth)
{
	struct dirlist d = { BUF_INIT((size_t)WALK_DIR_MAX * (NAME_MAX + 1)), NULL, 0, 0, 0, 0 };
	int ngi = w->ngi, nctx = w->nctx, rc = 0;
	DIR *dir;

	if (clock_now_ms() > w->o->deadline_ms) {
		if (!w->stopped)
			audit_note(w->r, w->o->root, "the walk of '%s' stopped at the deadline after %zu "
				   "directories (raise --timeout)", w->o->root, w->r->dirs);
		w->stopped = 1;
		close(dfd);
		return 0;
	}
	dir = fdopendir(dfd);
	if (!dir) {
		audit_note(w->r, w->path, "cannot read '%s': %s", w->path, strerror(errno));
		close(dfd);
		return 0;
	}
	w->r->dirs++;
	if (read_entries(w, dir, &d) < 0 || process(w, dirfd(dir), &d, depth) < 0)
		rc = -1;
	while (w->nctx > nctx)
		dockerignore_release(&w->ctx[--w->nctx].di);
	while (w->ngi > ngi)
		gitignore_release(&w->gi[--w->ngi].gi);
	list_release(&d);
	closedir(dir);
	return rc;
}

int walk_tree(struct audit_report *r, const struct walk_opts *o)
{
	struct walker *w;
	struct err e = ERR_INIT;
	struct stat st;
	double t0 = clock_now_ms();
	int fd, rc;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -1;
	w->ctx = calloc(WALK_CONTEXTS_MAX, sizeof(*w->ctx));
	if (!w->ctx) {
		free(w);
		return -1;
	}
	w->r = r;
	w->o = o;
	snprintf(w->path, sizeof(w->path), "%s", o->root);
	w->len = w->rootlen = strlen(w->path);
	fd = safefs_open(o->confine, o->root, 1, &st, NULL, &e);
	if (fd < 0) {
		audit_note(r, o->root, "%s", e.msg);
		rc = 0;
	} else {
		rc = walk_dir(w, fd, 0);
	}
	r->walk_ms += clock_now_ms() - t0;
	free(w->ctx);
	free(w);
	return rc;
}
