#include "fix/outcomes.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "fix/atomicfile.h"
#include "fix/statedir.h"

/* [a-z0-9][a-z0-9-]* */
static int slug_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int outcomes_ids_valid(const char *entry, const char *workaround)
{
	const char *slash;

	if (!entry || !workaround || strlen(entry) >= OUTCOMES_ID_MAX ||
	    strlen(workaround) >= OUTCOMES_ID_MAX)
		return 0;
	slash = strchr(entry, '/');
	return slash && slug_valid(entry, (size_t)(slash - entry)) &&
	       slug_valid(slash + 1, strlen(slash + 1)) && slug_valid(workaround, strlen(workaround));
}

int outcomes_path(char *out, size_t n, struct err *e)
{
	char dir[PATH_MAX];
	int w;

	if (statedir_path(dir, sizeof(dir), e) < 0)
		return -1;
	w = snprintf(out, n, "%s/" OUTCOMES_FILE, dir);
	return w < 0 || (size_t)w >= n ? err_set(e, "outcomes log: path too long") : 0;
}

/* The line for one outcome, with its newline (malloc'd). */
static char *make_line(const char *entry, const char *workaround, int ok)
{
	char when[32], *s, *line = NULL;
	time_t now = time(NULL);
	struct tm tm;
	json_t *o = json_object();
	size_t n;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(o, "entry", json_string(entry));
	json_object_set_new(o, "workaround", json_string(workaround));
	json_object_set_new(o, "ok", json_boolean(ok));
	json_object_set_new(o, "fixkb", json_string(FIXKB_VERSION));
	json_object_set_new(o, "time", json_string(when));
	s = json_object_size(o) == 5 ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!s)
		return NULL;
	n = strlen(s);
	line = malloc(n + 2);
	if (line) {
		memcpy(line, s, n);
		line[n] = '\n';
		line[n + 1] = '\0';
	}
	free(s);
	return line;
}

int outcomes_append(const char *path, const char *entry, const char *workaround, int ok,
		    struct err *e)
{
	char def[PATH_MAX], dir[PATH_MAX], base[PATH_MAX], *line;
	ssize_t w;
	size_t n;
	int fd;

	if (!outcomes_ids_valid(entry, workaround))
		return err_set(e, "recording an outcome: not a KB entry and workaround id");
	if (!path) {
		if (outcomes_path(def, sizeof(def), e) < 0 ||
		    atomicfile_split(def, dir, sizeof(dir), base, sizeof(base)) < 0 ||
		    atomicfile_mkdir_all(dir, 0700, e) < 0)
			return -1;
		path = def;
	}
	line = make_line(entry, workaround, ok);
	if (!line)
		return err_set(e, "out of memory");
	n = strlen(line);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		free(line);
		return err_set(e, "recording an outcome in '%s': %s", path, strerror(errno));
	}
	do
		w = write(fd, line, n);   /* one write: the line lands whole */
	while (w < 0 && errno == EINTR);
	free(line);
	if (w != (ssize_t)n) {
		err_set(e, "recording an outcome in '%s': %s", path, w < 0 ? strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	return close(fd) < 0 ? err_set(e, "recording an outcome in '%s': %s", path, strerror(errno)) : 0;
}

const struct outcomes_stat *outcomes_find(const struct outcomes *o, const char *entry,
					  const char *workaround)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->v[i].entry, entry) == 0 && strcmp(o->v[i].workaround, workaround) == 0)
			return &o->v[i];
	return NULL;
}

static int count(struct outcomes *o, const char *entry, const char *workaround, int ok)
{
	struct outcomes_stat *s = (struct outcomes_stat *)outcomes_find(o, entry, workaround), *nv;

	if (!s) {
		nv = realloc(o->v, (o->n + 1) * sizeof(*nv));
		if (!nv)
			return -1;
		o->v = nv;
		s = &o->v[o->n];
		memset(s, 0, sizeof(*s));
		s->entry = strdup(entry);
		s->workaround = strdup(workaround);
		o->n++;
		if (!s->entry || !s->workaround)
			return -1;
	}
	s->runs++;
	s->ok += ok;
	return 0;
}

/* One line: counted, or skipped when it is not a well-formed outcome. */
static int take_line(struct outcomes *o, const char *line, size_t len)
{
	json_t *v = len <= OUTCOMES_LINE_MAX ? json_loadb(line, len, 0, NULL) : NULL;
	const char *en = json_string_value(json_object_get(v, "entry"));
	const char *wa = json_string_value(json_object_get(v, "workaround"));
	json_t *ok = json_object_get(v, "ok");
	int rc = 0;

	o->lines++;
	if (!json_is_boolean(ok) || !outcomes_ids_valid(en, wa))
		o->skipped++;
	else
		rc = count(o, en, wa, json_is_true(ok));
	json_decref(v);
	return rc;
}

int outcomes_read(struct outcomes *o, const char *path, struct err *e)
{
	char def[PATH_MAX], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int rc = 0;

	if (!path) {
		if (outcomes_path(def, sizeof(def), e) < 0)
			return -1;
		path = def;
	}
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : err_set(e, "reading '%s': %s", path, strerror(errno));
	while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len > 0 && take_line(o, line, (size_t)len) < 0)
			rc = err_set(e, "out of memory");
	}
	if (rc == 0 && ferror(f))
		rc = err_set(e, "reading '%s': %s", path, strerror(errno));
	free(line);
	fclose(f);
	return rc;
}

void outcomes_release(struct outcomes *o)
{
	size_t i;

	if (!o)
		return;
	for (i = 0; i < o->n; i++) {
		free(o->v[i].entry);
		free(o->v[i].workaround);
	}
	free(o->v);
	*o = (struct outcomes)OUTCOMES_INIT;
}
