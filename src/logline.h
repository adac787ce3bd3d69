/* logline.h — read a build log line by line in constant memory, and reduce
 * each line to its "message".
 *
 * Reading. A logline_reader owns one fixed buffer (LOGLINE_BUF_SIZE) and
 * never grows it: a log of any size, with lines of any length, costs the
 * same memory. A line longer than LOGLINE_MAX is cut to its first
 * LOGLINE_MAX bytes and flagged; the rest of it is skipped. Lines are
 * numbered from 1. A final line without a newline is still a line; a
 * 0-byte file has no lines. The reader hands out either single lines
 * (logline_next) or blocks of whole lines (logline_next_block) for
 * callers that scan many lines at once; both views may be mixed.
 *
 * Normalising. CI systems wrap each message in noise: ANSI colours and
 * cursor controls, CRLF, progress bars redrawn with '\r', GitHub Actions
 * and GitLab timestamps, Jenkins "[12:00:01]" prefixes, GitLab section
 * markers, BuildKit "#12 0.345 " step prefixes and buildx "=> " arrows.
 * logline_normalise() removes them so that KB signatures can be written
 * against the bare message ("ERROR: failed to solve: ..."). It is done in
 * two steps, both pure functions of their input:
 *   logline_clean()       drops ANSI escape sequences and applies '\r'
 *                         the way a terminal shows it: of the segments
 *                         between '\r's it keeps the last one with visible
 *                         text (so "a\r\n" keeps "a", "10%\r99%" keeps
 *                         "99%", a GitLab "section_start:..\r\e[0Kx"
 *                         keeps "x"), and
 *   logline_prefix_len()  measures the known prefixes at the start of a
 *                         cleaned line.
 * Apart from unescaping (below), the message is a substring of the
 * cleaned line, and a line with neither ESC nor '\r' in it is its own
 * cleaned line: the matcher relies on this to scan clean stretches of a
 * log in place. */
#ifndef FIXKB_SRC_LOGLINE_H
#define FIXKB_SRC_LOGLINE_H

#include "util/err.h"

#include <stddef.h>
#include <stdio.h>

/* The reader's buffer; also the largest block logline_next_block returns. */
#define LOGLINE_BUF_SIZE (256 * 1024)
/* Longest line kept; longer lines are cut to this many bytes. */
#define LOGLINE_MAX (64 * 1024)

struct logline_reader;

/* One line, borrowed from the reader until its next call. */
struct logline {
	const char *text;    /* not NUL-terminated, no '\n' */
	size_t len;          /* <= LOGLINE_MAX */
	unsigned long no;    /* 1-based line number */
	int cut;             /* the line was longer than LOGLINE_MAX */
};

/* Whole lines, borrowed from the reader until its next call. Every line
 * in [text, text + len) ends with '\n' except, at the end of the input,
 * a last line that had none. A line inside a block may be longer than
 * LOGLINE_MAX (up to LOGLINE_BUF_SIZE): the caller cuts it, as
 * logline_next does. */
struct logline_block {
	const char *text;
	size_t len;
	unsigned long first_no;   /* number of the block's first line */
	unsigned long lines;      /* how many lines the block holds */
};

/* Creates a reader over fp (not owned: the caller closes it). Memory is
 * allocated once, here. A stream with a file descriptor is read with
 * read(2) on it, so nothing may have been read from fp through stdio
 * before; one without (fmemopen) through fread. Returns 0, or -1 with e
 * set. */
int logline_reader_new(struct logline_reader **out, FILE *fp, struct err *e);
/* NULL-safe. */
void logline_reader_free(struct logline_reader *r);

/* Returned by the reader once its deadline has passed (e is set). */
#define LOGLINE_DEADLINE (-2)

/* Stops reading at deadline_ms (clock_now_ms() clock; 0, the default:
 * never): from then on logline_next and logline_next_block return
 * LOGLINE_DEADLINE. A wait for input (a silent pipe) is bounded too; a
 * stream without a file descriptor (fmemopen) is read without a deadline. */
void logline_reader_set_deadline(struct logline_reader *r, double deadline_ms);

/* Where a block may end. buf[0..len) is a run of whole lines ending with
 * '\n'; the function returns the offset of a line start up to which the
 * block may be handed out now (the rest waits for more input, so that a
 * message broken over lines is never split between two blocks), or 0 to
 * wait for more input. It is not consulted once the input has ended or
 * when the buffer is full. logjoin_boundary is one. */
typedef size_t (*logline_boundary_fn)(const char *buf, size_t len, void *arg);

/* Installs fn (NULL: none, the default) for the blocks and lines handed
 * out from now on; arg is passed through. */
void logline_reader_set_boundary(struct logline_reader *r, logline_boundary_fn fn,
				 void *arg);

/* Next line: returns 1 and fills *line, 0 at the end of the input, or -1
 * with e set on a read error, or LOGLINE_DEADLINE. */
int logline_next(struct logline_reader *r, struct logline *line, struct err *e);

/* Next block of whole lines (the rest of the current block if
 * logline_next was used on it): 1, 0 at the end, -1 on a read error, or
 * LOGLINE_DEADLINE. */
int logline_next_block(struct logline_reader *r, struct logline_block *b,
		       struct err *e);

/* Bytes read from fp so far, and lines handed out so far. */
unsigned long long logline_bytes(const struct logline_reader *r);
unsigned long logline_lines(const struct logline_reader *r);

/* Counts '\n' bytes in p[0..n). */
size_t logline_count_newlines(const char *p, size_t n);

/* Drops ANSI escape sequences (CSI, OSC/DCS/APC strings, two- and
 * three-byte escapes) and applies '\r' as described above. in is one
 * line without its '\n'. Writes at most outcap bytes (the result is never
 * longer than n, so outcap >= n never cuts) and returns the length
 * written. in and out must not overlap. No NUL is written. */
size_t logline_clean(const char *in, size_t n, char *out, size_t outcap);
/* A block's lines (n bytes, whole lines but maybe the last) into out (n
 * bytes at least): each cut to LOGLINE_MAX and, where it holds ESC or
 * '\r', logline_clean()ed; the '\n's kept. Returns the length written.
 * Runs of clean lines are copied whole. */
size_t logline_clean_block(const char *p, size_t n, char *out);

/* Length of the known prefixes at the start of an already cleaned line:
 * timestamps, markers, step numbers, arrows, leading blanks, and the
 * wrappers put around a message: GitHub "##[error]" and "::error::",
 * logrus "FATA[0000] ", markdown "> ", "`" and "**", "Error: buildx failed
 * with: " (build-push-action) and Ansible "fatal: [host]: FAILED! => ". */
size_t logline_prefix_len(const char *s, size_t n);

/* JSON-escaped text (a message quoted inside a server log or an API
 * error: \" \\ \/ \n \u003e), unescaped in place, twice more when the
 * result is escaped again; only when s holds a \". Returns the length
 * (never more than n). */
size_t logline_unescape(char *s, size_t n);

/* The message of one raw line (without its '\n'): logline_clean, then the
 * prefixes and trailing blanks removed (and trailing backticks or "**"
 * when the prefixes opened them: `...` and **...**), then
 * logline_unescape. Returns the length written to out (at most outcap,
 * never more than n). The message is a substring of the cleaned line
 * unless it was unescaped; then each run of letters and digits in it still
 * is (so a literal of letters, digits, blanks and punctuation other than
 * '"' and '\\' found in the message is in the raw line too). */
size_t logline_normalise(const char *in, size_t n, char *out, size_t outcap);

#endif
