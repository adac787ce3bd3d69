/* matcher.h — find KB signatures in build logs, fast.
 *
 * A signature is a required literal plus a PCRE2 regex, written against
 * the normalised message of a line (logline.h), optionally with the named
 * groups registry, status, url and method (any other named group can be
 * read with matcher_match_group). A line matches a signature when its
 * message contains the literal (ASCII case ignored) and the regex matches
 * the message. The literal is the contract that makes scanning fast, so it
 * must really be required by the regex: kb lint checks that on examples.
 *
 * How it runs (matcher_scan_stream):
 *   1. Blocks of whole lines come from a logline_reader (constant memory).
 *      A block with no ESC and no '\r' is scanned in place; otherwise its
 *      lines are first cleaned (logline_clean) into a second buffer. Each
 *      message is a substring of its cleaned line, so no literal is missed
 *      and ANSI colour inside a literal does not hide it.
 *   2. One Vectorscan database of all the literals (caseless) scans the
 *      whole block in one call; hits are kept as a bitmap of end offsets,
 *      so the order Vectorscan reports them in does not matter.
 *   3. Only a line with a hit is normalised, joined with the lines its
 *      message was broken over (logjoin.h: the reader never ends a block
 *      inside such a message); the match is reported at the message's
 *      first line. The same database, run on the message, says which
 *      literals it holds, hence which patterns can match. A literal must
 *      therefore sit within one physical line.
 *   4. PCRE2 (JIT) runs those patterns and takes the captures. Any PCRE2
 *      construct works (back-references, lookaround).
 * Vectorscan is used for literals only: Debian's Vectorscan 5.4.9 misses
 * regex matches depending on buffer alignment when two regexes share a
 * long prefix (also with HS_FLAG_PREFILTER), while its literal matcher
 * held up under randomised tests; see t-matcher. Lines with a literal are
 * rare in real logs, so PCRE2 on them costs nothing measurable.
 * Callbacks come in line order, and within a line in pattern order.
 *
 * Ownership and threads. A struct matcher is immutable once compiled and
 * may be shared by threads. Scanning needs a struct matcher_scratch, which
 * holds the Vectorscan scratch, PCRE2 match data and the line and block
 * buffers (about 420 KiB once it scanned a stream): one per thread,
 * never used by two scans at once. A scratch is
 * tied to the matcher it was made for. */
#ifndef FIXKB_SRC_MATCHER_H
#define FIXKB_SRC_MATCHER_H

#include "util/err.h"

#include <stddef.h>
#include <stdio.h>

/* The most patterns one matcher takes. */
#define MATCHER_MAX_PATTERNS 65536

struct matcher_pattern {
	int id;               /* the caller's value, handed back in matches */
	const char *literal;  /* required substring: non-empty, no CR, LF, ESC */
	const char *regex;    /* PCRE2 syntax; case-sensitive unless (?i) */
	int single_line;      /* confirmed on its line alone: a line whose only
			       * literal hits are such patterns' is not joined
			       * with its neighbours (logjoin.h), which saves
			       * the joining where such literals are frequent */
};

/* The named groups the matcher looks up for every pattern. */
enum matcher_cap {
	MATCHER_CAP_REGISTRY,
	MATCHER_CAP_STATUS,
	MATCHER_CAP_URL,
	MATCHER_CAP_METHOD,
	MATCHER_CAP_COUNT
};

/* A part of the message: msg[off .. off + len) when set. */
struct matcher_span {
	size_t off;
	size_t len;
	int set;
};

/* One confirmed match; every pointer is borrowed for the callback only. */
struct matcher_match {
	size_t pattern;            /* index into the array given to compile */
	int id;                    /* that pattern's id */
	unsigned long line;        /* 1-based line number (scan_line: as given) */
	const char *msg;           /* the normalised message, not NUL-terminated */
	size_t msg_len;
	struct matcher_span whole; /* what the regex matched */
	struct matcher_span cap[MATCHER_CAP_COUNT];
	/* What the normaliser took off the line's start (a CI timestamp, a
	 * BuildKit step number, ...), as the log has it: prefix[0..prefix_len)
	 * when scanned from a stream, else NULL and 0. */
	const char *prefix;
	size_t prefix_len;
	const void *priv_code;     /* private: for matcher_match_group */
	const size_t *priv_ovector;
};

/* Return 0 to go on, anything else to stop the scan. */
typedef int (*matcher_cb)(const struct matcher_match *mm, void *arg);

struct matcher;
struct matcher_scratch;

struct matcher_stats {
	unsigned long long bytes;  /* read from the stream */
	unsigned long lines;       /* lines in the stream */
	unsigned long candidates;  /* lines with a literal hit (normalised) */
	unsigned long matches;     /* callbacks made */
};

/* Compiles n patterns (n may be 0). On error, *out is NULL, e names the
 * pattern by index and says what is wrong (with the offset for a regex
 * syntax error), and -1 is returned. *out belongs to the caller. */
int matcher_compile(struct matcher **out, const struct matcher_pattern *p,
		    size_t n, struct err *e);
/* NULL-safe. */
void matcher_free(struct matcher *m);

size_t matcher_count(const struct matcher *m);

/* A scratch for one thread; *out belongs to the caller. */
int matcher_scratch_new(struct matcher_scratch **out, const struct matcher *m,
			struct err *e);
/* NULL-safe. */
void matcher_scratch_free(struct matcher_scratch *s);

/* Scans one message that is already normalised (logline_normalise); line
 * is only passed through to the matches. Returns 0 when done, 1 when the
 * callback stopped the scan, -1 with e set on an internal error. */
int matcher_scan_line(const struct matcher *m, struct matcher_scratch *s,
		      const char *msg, size_t len, unsigned long line,
		      matcher_cb cb, void *arg, struct err *e);

/* Reads fp to its end (or until the callback stops it) and reports every
 * match. s may be NULL (a scratch is made for the call); st may be NULL.
 * Returns 0, 1 if stopped by the callback, or -1 with e set (read error). */
int matcher_scan_stream(const struct matcher *m, struct matcher_scratch *s,
			FILE *fp, matcher_cb cb, void *arg,
			struct matcher_stats *st, struct err *e);

/* matcher_scan_stream that stops reading at deadline_ms (clock_now_ms()
 * clock; 0: never), waits for input included (logline_reader_set_deadline).
 * Returns as matcher_scan_stream, or MATCHER_DEADLINE when the deadline
 * stopped it: what was read by then has been scanned, st counts it. */
#define MATCHER_DEADLINE 2
int matcher_scan_stream_until(const struct matcher *m, struct matcher_scratch *s,
			      FILE *fp, double deadline_ms, matcher_cb cb, void *arg,
			      struct matcher_stats *st, struct err *e);

/* Any named group of the matched pattern: 0 and *out filled (out->set is 0
 * if the group did not take part), or -1 if the pattern has no such group. */
int matcher_match_group(const struct matcher_match *mm, const char *name,
			struct matcher_span *out);
/* Copies a span of mm->msg as a NUL-terminated string cut to outcap - 1
 * bytes ("" when unset). Returns the length copied. */
size_t matcher_match_copy(const struct matcher_match *mm,
			  const struct matcher_span *sp, char *out, size_t outcap);

/* The registry a match names: the registry group (a bare host, an image
 * reference with a '/', or a URL), else the host of the url group. Canonical form as
 * matcher_registry_canon. 0, or -1 if neither group gives a host. */
int matcher_match_registry(const struct matcher_match *mm, char *out,
			   size_t outcap);

/* Host[:port] of a URL ("https://u@ghcr.io/token?x" -> "ghcr.io",
 * "http://127.0.0.1:5000/v2/" -> "127.0.0.1:5000"; the scheme may be
 * missing), canonicalised. 0, or -1 if there is no host or it does not fit
 * in outcap. */
int matcher_registry_from_url(const char *url, size_t len, char *out,
			      size_t outcap);

/* regname_log_host: lower-cases a registry host and maps Docker Hub's
 * names and service hosts (index.docker.io, registry-1.docker.io,
 * auth.docker.io, ...) to "docker.io". 0, or -1 if it is empty, not a
 * host or does not fit. */
int matcher_registry_canon(const char *host, size_t len, char *out,
			   size_t outcap);

/* "vectorscan 5.4.9 + pcre2 10.42 JIT": the engines in use. */
const char *matcher_backend(void);

#endif
