/* strlist.h — a fixed-capacity list of borrowed strings: what a
 * repeatable option (--registry, --insecure-registry) collects. The
 * strings belong to argv; the list owns nothing and needs no release. */
#ifndef FIXKB_UTIL_STRLIST_H
#define FIXKB_UTIL_STRLIST_H

#define STRLIST_MAX 64

struct strlist {
	const char *items[STRLIST_MAX];
	int n;
};

#endif
