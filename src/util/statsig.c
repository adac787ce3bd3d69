#include "util/statsig.h"

#include <string.h>

void statsig_take(const char *path, struct statsig *out)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (stat(path, &st) != 0)
		return;
	out->exists = 1;
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	out->size = st.st_size;
	out->mode = st.st_mode;
	out->mtime = st.st_mtim;
	out->ctime = st.st_ctim;
}

static int ts_eq(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

int statsig_same(const struct statsig *a, const struct statsig *b)
{
	if (a->exists != b->exists)
		return 0;
	if (!a->exists)
		return 1;
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mode == b->mode &&
	       ts_eq(a->mtime, b->mtime) && ts_eq(a->ctime, b->ctime);
}
