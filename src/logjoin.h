/* logjoin.h — logical messages: one error that tools, terminals and
 * people broke over several physical lines, joined back into one message
 * before the KB's signatures are matched.
 *
 * What continues a message (logjoin_continues), on normalised lines
 * (logline_normalise), with the reason each rule exists:
 *   colon   the line ends with ':' or ',': a Go error chain printed one
 *           link per line ("failed to fetch oauth token: " / "unexpected
 *           status from GET request to …: " / "401 Unauthorized"), a JSON
 *           or list item; one blank line may sit in between;
 *   status  the next line starts with an HTTP status ("401 Unauthorized",
 *           "503 Service Unavailable"): the tail of containerd's
 *           "unexpected status from %s request to %s: %s";
 *   method  the line ends with an HTTP method or the next starts with
 *           "request to ": that format wrapped at a space;
 *   tls     the next line starts with "x509: ", "tls: " or "(possibly
 *           because of": a certificate error continued under its URL;
 *   url     the line ends in the middle of a URL (its last word has "://",
 *           or the whole line is one long URL-like word) and the next line
 *           carries on without a prefix or blank: joined with no space.
 * A logical message spans at most LOGJOIN_LINES physical lines and
 * LOGLINE_MAX bytes; it is reported at its first physical line.
 *
 * Nothing here allocates: callers hand in the scratch (LOGLINE_MAX bytes)
 * and the output buffer, so joining costs constant memory. */
#ifndef FIXKB_SRC_LOGJOIN_H
#define FIXKB_SRC_LOGJOIN_H

#include <stddef.h>

/* The most physical lines one logical message spans. */
#define LOGJOIN_LINES 8

/* Does the message next continue prev? Both are normalised messages;
 * next_bare says the raw next line had no prefix and no leading blank
 * (only then may a URL carry on into it). Returns 1 and sets *glue to 1
 * (join with a space) or 0 (join as is: a split URL), else 0. */
int logjoin_continues(const char *prev, size_t plen, const char *next, size_t nlen,
		      int next_bare, int *glue);

/* Where the logical message containing a physical line starts and ends. */
struct logjoin_span {
	size_t first;            /* offset of its first physical line in buf */
	size_t end;              /* offset just past its last line (before '\n') */
	unsigned long lines;     /* physical lines it spans */
};

/* The logical message around the line starting at buf + line: buf[0..len)
 * holds whole lines ('\n'-separated); the message starts no earlier than
 * offset floor (a line start <= line). Fills *sp and writes the joined
 * message (each line normalised, glued as logjoin_continues says) to out,
 * cut to outcap bytes; returns its length. tmp is scratch of LOGLINE_MAX
 * bytes. */
size_t logjoin_message(const char *buf, size_t len, size_t line, size_t floor,
		       struct logjoin_span *sp, char *out, size_t outcap, char *tmp);

/* For logline_reader_set_boundary: buf[0..len) is a run of whole lines
 * ending with '\n'; returns the offset of the first line of the logical
 * message that holds the last line (0 when they all belong to it), so
 * that a block never ends inside a message whose next line may still
 * come. arg is scratch of LOGLINE_MAX bytes. */
size_t logjoin_boundary(const char *buf, size_t len, void *arg);

#endif
