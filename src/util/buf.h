/* buf.h — a growable byte buffer with a hard cap.
 *
 * Everything read from a file, a subprocess, the network or a log goes
 * through a buf whose cap is a named limit, so hostile input can only
 * ever cost `max` bytes. data is always NUL-terminated once anything was
 * appended; BUF_INIT allocates nothing. */
#ifndef FIXKB_UTIL_BUF_H
#define FIXKB_UTIL_BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;      /* hard cap on len */
	int truncated;   /* an append was refused or cut because of max */
};

#define BUF_INIT(maxbytes) { NULL, 0, 0, (maxbytes), 0 }

/* Appends n bytes; past max it keeps what fits, sets truncated and
 * returns -1. Returns -1 on allocation failure too. */
int buf_append(struct buf *b, const void *p, size_t n)
	__attribute__((warn_unused_result));
int buf_appendf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_appends(struct buf *b, const char *s);

/* Releases the memory, wiping it first (a buf may have held a secret). */
void buf_release(struct buf *b);
/* Hands the NUL-terminated data to the caller (never NULL) and resets b. */
char *buf_detach(struct buf *b, size_t *len);

#endif
