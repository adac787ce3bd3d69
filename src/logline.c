#include "logline.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/bytescan.h"
#include "util/clock.h"
#include "util/hexdigit.h"

#define ESC 0x1b

struct logline_reader {
	FILE *fp;
	char *buf;                 /* LOGLINE_BUF_SIZE bytes */
	size_t start, end;         /* unconsumed bytes in buf */
	unsigned long long bytes;  /* read from fp so far */
	unsigned long next_no;     /* number of the next line handed out */
	double deadline_ms;        /* clock_now_ms() clock; 0: none */
	int eof;
	int stopped;               /* eof because the deadline passed */
	int skipping;              /* discarding the tail of a cut line */
	const char *cur, *cur_end; /* rest of the current block */
	logline_boundary_fn boundary;   /* where a block may end, or NULL */
	void *boundary_arg;
};

int logline_reader_new(struct logline_reader **out, FILE *fp, struct err *e)
{
	struct logline_reader *r;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return err_set(e, "reading log: out of memory");
	r->buf = malloc(LOGLINE_BUF_SIZE);
	if (!r->buf) {
		free(r);
		return err_set(e, "reading log: out of memory");
	}
	r->fp = fp;
	r->next_no = 1;
	*out = r;
	return 0;
}

void logline_reader_set_deadline(struct logline_reader *r, double deadline_ms)
{
	r->deadline_ms = deadline_ms;
}

void logline_reader_set_boundary(struct logline_reader *r, logline_boundary_fn fn,
				 void *arg)
{
	r->boundary = fn;
	r->boundary_arg = arg;
}

/* The caller's boundary: hand out buf[start..start+len) only up to the
 * start of the message the last line belongs to, unless the input ended
 * or the buffer is full. 0: wait for more input. */
static size_t held_back(const struct logline_reader *r, size_t len)
{
	size_t cut;

	if (!r->boundary || r->eof || len == 0)
		return len;
	cut = r->boundary(r->buf + r->start, len, r->boundary_arg);
	if (cut > 0 && cut <= len)
		return cut;
	return (r->start == 0 && r->end == LOGLINE_BUF_SIZE) ? len : 0;
}

/* One read(2) on fd, not fread: fread keeps reading until its buffer is
 * full, so on a terminal it would need Ctrl-D twice. With a deadline,
 * poll() bounds the wait on a pipe or terminal that stays silent, and the
 * clock check bounds a source that never ends (/dev/zero answers every
 * read at once). Bytes read, 0 at the end, -1 on error, LOGLINE_DEADLINE. */
static ssize_t read_fd(struct logline_reader *r, int fd, char *p, size_t cap,
		       struct err *e)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	double left;
	ssize_t n;
	int pr;

	for (;;) {
		if (r->deadline_ms > 0) {
			left = r->deadline_ms - clock_now_ms();
			if (left <= 0)
				return LOGLINE_DEADLINE;
			pr = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left + 1);
			if (pr < 0 && errno != EINTR)
				return err_set(e, "reading log: %s", strerror(errno));
			if (pr <= 0)
				continue;
		}
		n = read(fd, p, cap);
		if (n >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN)
			return err_set(e, "reading log: %s", strerror(errno));
	}
}

void logline_reader_free(struct logline_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r);
}

/* Tops the buffer up: 1 if bytes were added, 0 at the end, -1 on error,
 * LOGLINE_DEADLINE. */
static int reader_fill(struct logline_reader *r, struct err *e)
{
	size_t n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->eof || r->end == LOGLINE_BUF_SIZE)
		return 0;
	if (fileno(r->fp) >= 0) {
		ssize_t got = read_fd(r, fileno(r->fp), r->buf + r->end,
				      LOGLINE_BUF_SIZE - r->end, e);

		if (got < 0)
			return (int)got;   /* reader_block says why at LOGLINE_DEADLINE */
		n = (size_t)got;
	} else {
		n = fread(r->buf + r->end, 1, LOGLINE_BUF_SIZE - r->end, r->fp);
		if (n == 0 && ferror(r->fp))
			return err_set(e, "reading log: %s", strerror(errno ? errno : EIO));
	}
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += n;
	r->bytes += n;
	return 1;
}

/* The next run of whole lines, not yet counted: 1, 0 at the end, -1,
 * LOGLINE_DEADLINE. */
static int reader_block(struct logline_reader *r, const char **p, size_t *len,
			struct err *e)
{
	const char *nl;
	int rc;

	for (;;) {
		if (r->skipping) {
			nl = memchr(r->buf + r->start, '\n', r->end - r->start);
			if (nl) {
				r->start = (size_t)(nl - r->buf) + 1;
				r->skipping = 0;
			} else {
				r->start = r->end;
			}
		}
		if (!r->skipping && r->end > r->start) {
			nl = memrchr(r->buf + r->start, '\n', r->end - r->start);
			if (nl || r->eof) {
				*p = r->buf + r->start;
				*len = nl ? (size_t)(nl - *p) + 1 : r->end - r->start;
				if (nl)
					*len = held_back(r, *len);
			}
			if ((nl || r->eof) && *len > 0) {
				r->start += *len;
				return 1;
			}
			if (r->start == 0 && r->end == LOGLINE_BUF_SIZE) {
				/* One line fills the buffer: hand out its head, with a
				 * '\n' written where the cut tail was, and skip the
				 * rest. LOGLINE_MAX + 1 bytes so callers see it is cut. */
				r->buf[LOGLINE_MAX + 1] = '\n';
				*p = r->buf;
				*len = LOGLINE_MAX + 2;
				r->start = r->end;
				r->skipping = 1;
				return 1;
			}
		}
		if (r->eof && r->start == r->end) {
			if (!r->stopped)
				return 0;
			err_set(e, "reading log: stopped at the deadline");
			return LOGLINE_DEADLINE;
		}
		rc = reader_fill(r, e);
		if (rc == LOGLINE_DEADLINE) {
			/* What was read is still handed out, a last line
			 * without its '\n' included (an error printed by a job
			 * that then hangs); then LOGLINE_DEADLINE. */
			r->eof = r->stopped = 1;
			continue;
		}
		if (rc < 0)
			return rc;
		if (rc == 0 && r->eof && r->start == r->end)
			return 0;
	}
}

int logline_next_block(struct logline_reader *r, struct logline_block *b,
		       struct err *e)
{
	const char *p;
	size_t len, nl;
	int rc;

	if (r->cur < r->cur_end) {
		p = r->cur;
		len = (size_t)(r->cur_end - r->cur);
	} else {
		rc = reader_block(r, &p, &len, e);
		if (rc <= 0)
			return rc;
	}
	r->cur = r->cur_end = NULL;
	nl = logline_count_newlines(p, len);
	b->text = p;
	b->len = len;
	b->first_no = r->next_no;
	b->lines = nl + (p[len - 1] != '\n');
	r->next_no += b->lines;
	return 1;
}

int logline_next(struct logline_reader *r, struct logline *line, struct err *e)
{
	const char *p, *nl;
	size_t len;
	int rc;

	if (r->cur >= r->cur_end) {
		rc = reader_block(r, &p, &len, e);
		if (rc <= 0)
			return rc;
		r->cur = p;
		r->cur_end = p + len;
	}
	nl = memchr(r->cur, '\n', (size_t)(r->cur_end - r->cur));
	len = nl ? (size_t)(nl - r->cur) : (size_t)(r->cur_end - r->cur);
	line->text = r->cur;
	line->cut = len > LOGLINE_MAX;
	line->len = line->cut ? LOGLINE_MAX : len;
	line->no = r->next_no++;
	r->cur = nl ? nl + 1 : r->cur_end;
	return 1;
}

unsigned long long logline_bytes(const struct logline_reader *r)
{
	return r->bytes;
}

unsigned long logline_lines(const struct logline_reader *r)
{
	return r->next_no - 1;
}

size_t logline_count_newlines(const char *p, size_t n)
{
	return bytescan_count(p, n, '\n');
}

/* in[i] is ESC: returns the index just past the escape sequence. */
static size_t ansi_skip(const char *in, size_t n, size_t i)
{
	unsigned char c;

	if (++i >= n)
		return n;
	c = (unsigned char)in[i];
	if (c == '[') {
		/* CSI: parameters, intermediates, one final byte. */
		for (i++; i < n && in[i] >= 0x30 && in[i] <= 0x3f; i++)
			;
		for (; i < n && in[i] >= 0x20 && in[i] <= 0x2f; i++)
			;
		if (i < n && in[i] >= 0x40 && in[i] <= 0x7e)
			i++;
		return i;
	}
	if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {
		/* OSC, DCS, SOS, PM, APC: a string ended by BEL or ESC '\'. */
		for (i++; i < n; i++) {
			if (in[i] == 0x07)
				return i + 1;
			if (in[i] == ESC)
				return (i + 1 < n && in[i + 1] == '\\') ? i + 2 : i;
		}
		return n;
	}
	if (c >= 0x20 && c <= 0x2f) {
		/* nF escapes such as ESC ( B. */
		while (i < n && in[i] >= 0x20 && in[i] <= 0x2f)
			i++;
		if (i < n && in[i] >= 0x30 && in[i] <= 0x7e)
			i++;
		return i;
	}
	if (c >= 0x30 && c <= 0x7e)
		return i + 1;
	return i;   /* a lone ESC: drop it, keep what follows */
}

/* Copies in[0..n) without escape sequences. */
static size_t strip_ansi(const char *in, size_t n, char *out, size_t outcap)
{
	size_t i = 0, o = 0, run;
	const char *esc;

	while (i < n) {
		esc = memchr(in + i, ESC, n - i);
		run = (esc ? (size_t)(esc - in) : n) - i;
		if (run > outcap - o)
			run = outcap - o;
		memcpy(out + o, in + i, run);
		o += run;
		if (!esc || o == outcap)
			break;
		i = ansi_skip(in, n, (size_t)(esc - in));
	}
	return o;
}

size_t logline_clean(const char *in, size_t n, char *out, size_t outcap)
{
	const char *cr;
	size_t seg_end = n, o;

	/* What a terminal would show: the last '\r'-separated segment that
	 * has visible text (so CRLF and "text\r\e[0m" keep "text"). */
	for (;;) {
		cr = memrchr(in, '\r', seg_end);
		if (!cr)
			return strip_ansi(in, seg_end, out, outcap);
		o = strip_ansi(cr + 1, seg_end - (size_t)(cr + 1 - in), out, outcap);
		if (o > 0)
			return o;
		seg_end = (size_t)(cr - in);
	}
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t digits(const char *s, size_t n, size_t i)
{
	size_t j = i;

	while (j < n && is_digit(s[j]))
		j++;
	return j - i;
}

/* "2024-03-20T10:11:12.1234567Z " (GitHub Actions; GitLab adds a stream
 * marker such as "00O+ " after it). Also "2024-03-20 10:11:12 ". */
static size_t iso_timestamp(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i, j;

	if (n < sizeof(shape) - 1)
		return 0;
	for (i = 0; i < sizeof(shape) - 1; i++) {
		char want = shape[i];

		if (want == 'd' ? !is_digit(s[i]) :
		    want == 'T' ? s[i] != 'T' && s[i] != ' ' : s[i] != want)
			return 0;
	}
	if (i < n && (s[i] == '.' || s[i] == ',') && digits(s, n, i + 1) > 0)
		i += 1 + digits(s, n, i + 1);
	if (i < n && s[i] == 'Z') {
		i++;
	} else if (i + 3 <= n && (s[i] == '+' || s[i] == '-') &&
		   digits(s, n, i + 1) >= 2) {
		i += 3;
		if (i < n && s[i] == ':')
			i++;
		i += digits(s, n, i);
	}
	if (i < n && s[i] != ' ' && s[i] != '\t')
		return 0;
	if (i < n)
		i++;
	/* GitLab: two hex digits of stream id, O or E, optional '+'. */
	j = i;
	if (j + 3 <= n && strchr("0123456789abcdef", s[j]) && s[j] &&
	    strchr("0123456789abcdef", s[j + 1]) && s[j + 1] &&
	    (s[j + 2] == 'O' || s[j + 2] == 'E')) {
		j += 3;
		if (j < n && s[j] == '+')
			j++;
		if (j == n || s[j] == ' ')
			i = j + (j < n);
	}
	return i;
}

/* "[10:11:12] ", "[2024-03-20T10:11:12.123Z] " (Jenkins timestamper,
 * GitLab's raw timestamps). Only timestamp characters, with a ':'. */
static size_t bracket_timestamp(const char *s, size_t n)
{
	size_t i;
	int colon = 0, digit = 0;

	if (n < 3 || s[0] != '[')
		return 0;
	for (i = 1; i < n && i <= 40 && s[i] != ']'; i++) {
		if (s[i] == ':')
			colon = 1;
		else if (is_digit(s[i]))
			digit = 1;
		else if (!strchr("-.,TZ+/ ", s[i]) || !s[i])
			return 0;
	}
	if (i >= n || s[i] != ']' || !colon || !digit)
		return 0;
	i++;
	if (i < n && s[i] == ' ')
		i++;
	return i;
}

/* BuildKit plain progress: "#12 0.345 " or "#12 ". */
static size_t buildkit_step(const char *s, size_t n)
{
	size_t i, d;

	if (n < 2 || s[0] != '#' || !(d = digits(s, n, 1)))
		return 0;
	i = 1 + d;
	if (i < n && s[i] != ' ')
		return 0;
	if (i == n)
		return i;
	i++;
	d = digits(s, n, i);
	if (d && i + d < n && s[i + d] == '.' && digits(s, n, i + d + 1)) {
		size_t j = i + d + 1 + digits(s, n, i + d + 1);

		if (j == n || s[j] == ' ')
			i = j + (j < n);
	}
	return i;
}

/* buildx/compose TTY progress: "=> ", "=> => # ". */
static size_t arrows(const char *s, size_t n)
{
	size_t i = 0;

	while (i + 2 <= n && s[i] == '=' && s[i + 1] == '>' &&
	       (i + 2 == n || s[i + 2] == ' '))
		i += 2 + (i + 2 < n);
	if (i > 0 && i + 2 <= n && s[i] == '#' && s[i + 1] == ' ')
		i += 2;
	return i;
}

/* GitLab "section_start:1700000000:name[collapsed=true]" markers whose
 * '\r' was lost (with it, logline_clean already dropped them). */
static size_t section_marker(const char *s, size_t n)
{
	static const char *const kinds[] = { "section_start:", "section_end:" };
	size_t i = 0, k, d;

	for (k = 0; k < 2; k++) {
		size_t kl = strlen(kinds[k]);

		if (n >= kl && memcmp(s, kinds[k], kl) == 0) {
			i = kl;
			break;
		}
	}
	if (!i || !(d = digits(s, n, i)) || i + d >= n || s[i + d] != ':')
		return 0;
	i += d + 1;
	while (i < n && (s[i] == '_' || s[i] == '-' || s[i] == '.' || is_digit(s[i]) ||
			 (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		i++;
	if (i < n && s[i] == '[') {
		const char *close = memchr(s + i, ']', n - i);

		if (close)
			i = (size_t)(close - s) + 1;
	}
	return i;
}

/* s[0..n) starts with the NUL-terminated word w. */
static int starts(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && memcmp(s, w, k) == 0;
}

/* Logrus text format: "FATA[0000] ", "ERRO[0012] " (four capitals,
 * digits in brackets, blanks). */
static size_t logrus_level(const char *s, size_t n)
{
	size_t i, d;

	if (n < 7)
		return 0;
	for (i = 0; i < 4; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	if (s[4] != '[' || !(d = digits(s, n, 5)) || 5 + d >= n || s[5 + d] != ']')
		return 0;
	i = 6 + d;
	if (i < n && s[i] != ' ')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

/* "fatal: [host]: FAILED! => " and "failed: [host] (item=x) => "
 * (Ansible task results). */
static size_t ansible_result(const char *s, size_t n)
{
	const char *arrow;
	size_t lim = n < 300 ? n : 300;

	if (!starts(s, n, "fatal: [") && !starts(s, n, "failed: ["))
		return 0;
	arrow = memmem(s, lim, "=> ", 3);
	return arrow ? (size_t)(arrow - s) + 3 : 0;
}

/* Wrappers people and CI systems put around a message: GitHub workflow
 * commands, logrus levels, markdown quotes, backticks and bold, the
 * build-push-action "buildx failed with: " and Ansible results. */
static size_t wrapper(const char *s, size_t n)
{
	static const char *const words[] = {
		"##[error]", "##[warning]", "##[notice]", "Error: buildx failed with: ",
		"Error: buildx call failed with: ", "buildx failed with: ",
		"buildx call failed with: ", "```", "`", "**", "> ", NULL,
	};
	size_t k;

	/* most lines open with none of them: one look at the first byte */
	if (n == 0 || !strchr("#Eb`*>:fABCDEFGHIJKLMNOPQRSTUVWXYZ", s[0]))
		return 0;
	for (k = 0; words[k]; k++)
		if (s[0] == words[k][0] && starts(s, n, words[k]))
			return strlen(words[k]);
	if (n > 4 && s[0] == ':' && s[1] == ':' && (starts(s, n, "::error") ||
	    starts(s, n, "::warning") || starts(s, n, "::notice"))) {
		const char *end = memmem(s + 2, n - 2, "::", 2);

		return end ? (size_t)(end - s) + 2 : 0;
	}
	k = logrus_level(s, n);
	return k ? k : ansible_result(s, n);
}

size_t logline_prefix_len(const char *s, size_t n)
{
	size_t i = 0, prev;

	do {
		prev = i;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		i += iso_timestamp(s + i, n - i);
		i += bracket_timestamp(s + i, n - i);
		i += section_marker(s + i, n - i);
		i += buildkit_step(s + i, n - i);
		i += arrows(s + i, n - i);
		i += wrapper(s + i, n - i);
	} while (i != prev);
	return i;
}


/* One pass of JSON string unescaping in place; returns the new length. */
static size_t unescape_pass(char *s, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		char c = s[i];

		if (c != '\\' || i + 1 == n) {
			s[o++] = s[i++];
			continue;
		}
		c = s[i + 1];
		if (c == '"' || c == '\\' || c == '/') {
			s[o++] = c;
			i += 2;
		} else if (c == 'n' || c == 'r' || c == 't') {
			s[o++] = ' ';
			i += 2;
		} else if (c == 'u' && i + 6 <= n && s[i + 2] == '0' && s[i + 3] == '0' &&
			   hexdigit_value(s[i + 4]) >= 0 && hexdigit_value(s[i + 4]) < 8 && hexdigit_value(s[i + 5]) >= 0 &&
			   hexdigit_value(s[i + 4]) * 16 + hexdigit_value(s[i + 5]) >= 0x20) {
			s[o++] = (char)(hexdigit_value(s[i + 4]) * 16 + hexdigit_value(s[i + 5]));
			i += 6;
		} else {
			s[o++] = s[i++];
		}
	}
	return o;
}

/* s holds a backslash-quote pair (JSON-escaped text). */
static int has_escaped_quote(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while ((p = memchr(p, '\\', (size_t)(end - p))) && p + 1 < end) {
		if (p[1] == '"')
			return 1;
		p += 2;
	}
	return 0;
}

size_t logline_unescape(char *s, size_t n)
{
	int pass;

	for (pass = 0; pass < 3 && has_escaped_quote(s, n); pass++)
		n = unescape_pass(s, n);
	return n;
}

size_t logline_normalise(const char *in, size_t n, char *out, size_t outcap)
{
	size_t len, skip;
	int trimmed, tick = 0, bold = 0;

	len = logline_clean(in, n, out, outcap);
	skip = logline_prefix_len(out, len);
	if (skip && out) {
		/* a markdown wrapper opened: its closing part is trimmed too */
		tick = memchr(out, '`', skip) != NULL;
		bold = memmem(out, skip, "**", 2) != NULL;
		memmove(out, out + skip, len - skip);
		len -= skip;
	}
	do {
		trimmed = 0;
		while (len > 0 && (out[len - 1] == ' ' || out[len - 1] == '\t' ||
				   (tick && out[len - 1] == '`'))) {
			len--;
			trimmed = 1;
		}
		if (bold && len >= 2 && out[len - 1] == '*' && out[len - 2] == '*') {
			len -= 2;
			trimmed = 1;
		}
	} while (trimmed);
	return logline_unescape(out, len);
}

size_t logline_clean_block(const char *p, size_t n, char *out)
{
	const char *end = p + n, *dirty, *nl, *line_end, *stop;
	size_t o = 0, len;

	/* The next ESC or '\r', in one pass for both. */
	dirty = bytescan_find2(p, n, ESC, '\r');
	while (p < end) {
		/* The clean lines before the next dirty one go in one copy
		 * when they are too short together for any to need a cut
		 * (most of a CI log: one line in ten has a colour code). */
		stop = dirty ? memrchr(p, '\n', (size_t)(dirty - p)) : end - 1;
		if (stop && stop >= p && (size_t)(stop - p) <= LOGLINE_MAX) {
			len = (size_t)(stop - p) + 1;   /* through that '\n', or to the end */
			memcpy(out + o, p, len);
			o += len;
			p += len;
			continue;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		line_end = nl ? nl : end;
		len = (size_t)(line_end - p);
		if (len > LOGLINE_MAX)
			len = LOGLINE_MAX;
		if (dirty && dirty < line_end) {
			o += logline_clean(p, len, out + o, len);
			dirty = bytescan_find2(line_end, (size_t)(end - line_end), ESC, '\r');
		} else {
			memcpy(out + o, p, len);
			o += len;
		}
		if (nl)
			out[o++] = '\n';
		p = nl ? nl + 1 : end;
	}
	return o;
}
