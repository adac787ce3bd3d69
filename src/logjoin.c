#include "logjoin.h"

#include <string.h>

#include "logline.h"

#define EDGE 32

/* What the continuation rules look at in one normalised line. */
struct edge {
	size_t len;            /* of the normalised message; 0: blank */
	char head[EDGE];       /* its first bytes */
	size_t hn;
	char tail[EDGE];       /* its last bytes */
	size_t tn;
	int url_tail;          /* it ends inside a URL */
	int words;             /* it has a blank (a prompt "Password:" has none) */
	int url_head;          /* its first word is all URL characters, >= 8 */
	int bare;              /* the raw line had no prefix and no leading blank */
};

static int starts(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && memcmp(s, w, k) == 0;
}

static int ends(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && memcmp(s + n - k, w, k) == 0;
}

static int urlish(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-._~:/?#[]@!$&'()*+,;=%", c));
}

/* A normalised message ends inside a URL: its last word has "://", or it
 * is one long URL-like word (the middle of a URL wrapped at the terminal
 * width). */
static int ends_in_url(const char *s, size_t n)
{
	size_t i = n, k;

	if (n == 0 || !urlish(s[n - 1]))
		return 0;
	while (i > 0 && s[i - 1] != ' ' && s[i - 1] != '"' && s[i - 1] != '\t')
		i--;
	for (k = i; k + 3 <= n; k++)
		if (memcmp(s + k, "://", 3) == 0)
			return n >= 60;
	return i == 0 && n >= 60;
}

/* The first word (up to a blank) is at least 8 URL characters: the rest
 * of a URL wrapped onto this line, not a new message. */
static int url_word(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] != ' ' && s[i] != '\t') {
		if (!urlish(s[i]))
			return 0;
		i++;
	}
	return i >= 8;
}

static void edge_of(const char *raw, size_t rn, char *tmp, struct edge *ed)
{
	size_t n = logline_normalise(raw, rn > LOGLINE_MAX ? LOGLINE_MAX : rn, tmp, LOGLINE_MAX);

	ed->len = n;
	ed->hn = n < EDGE ? n : EDGE;
	memcpy(ed->head, tmp, ed->hn);
	ed->tn = n < EDGE ? n : EDGE;
	memcpy(ed->tail, tmp + n - ed->tn, ed->tn);
	ed->url_tail = ends_in_url(tmp, n);
	ed->words = memchr(tmp, ' ', n) != NULL;
	ed->url_head = url_word(tmp, n);
	ed->bare = rn > 0 && raw[0] != ' ' && raw[0] != '\t' &&
		   logline_prefix_len(raw, rn < 256 ? rn : 256) == 0;
}

/* "Error:", "Using ", "Status:": a capitalised word opening a message. */
static int opens_message(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 3 || s[0] < 'A' || s[0] > 'Z')
		return 0;
	while (i < n && s[i] >= 'a' && s[i] <= 'z')
		i++;
	return i > 1 && i < n && (s[i] == ':' || s[i] == ' ');
}

static int edges_continue(const struct edge *p, const struct edge *n, int *glue)
{
	static const char *const methods[] = {
		" GET", " POST", " HEAD", " PUT", " PATCH", " DELETE", NULL,
	};
	const char *t = p->tail, *h = n->head;
	size_t k;

	*glue = 1;
	if (p->len == 0 || n->len == 0)
		return 0;
	if ((t[p->tn - 1] == ':' || t[p->tn - 1] == ',') && p->words)
		return 1;
	if (n->hn >= 5 && (h[0] == '4' || h[0] == '5') && h[1] >= '0' && h[1] <= '9' &&
	    h[2] >= '0' && h[2] <= '9' && h[3] == ' ' && h[4] >= 'A' && h[4] <= 'Z')
		return 1;
	for (k = 0; methods[k]; k++)
		if (ends(t, p->tn, methods[k]) ||
		    (p->len == strlen(methods[k]) - 1 && ends(t, p->tn, methods[k] + 1)))
			return 1;
	if (starts(h, n->hn, "request to ") || starts(h, n->hn, "x509: ") ||
	    starts(h, n->hn, "tls: ") || starts(h, n->hn, "(possibly because of"))
		return 1;
	if (p->url_tail && n->bare && n->url_head && !opens_message(h, n->hn)) {
		*glue = 0;
		return 1;
	}
	return 0;
}

int logjoin_continues(const char *prev, size_t plen, const char *next, size_t nlen,
		      int next_bare, int *glue)
{
	struct edge p, n;

	memset(&p, 0, sizeof(p));
	memset(&n, 0, sizeof(n));
	p.len = plen;
	p.tn = plen < EDGE ? plen : EDGE;
	memcpy(p.tail, prev + plen - p.tn, p.tn);
	p.url_tail = ends_in_url(prev, plen);
	p.words = memchr(prev, ' ', plen) != NULL;
	n.len = nlen;
	n.url_head = url_word(next, nlen);
	n.hn = nlen < EDGE ? nlen : EDGE;
	memcpy(n.head, next, n.hn);
	n.bare = next_bare;
	return edges_continue(&p, &n, glue);
}

/* End (offset of '\n' or len) of the line starting at off. */
static size_t line_end(const char *buf, size_t len, size_t off)
{
	const char *nl = memchr(buf + off, '\n', len - off);

	return nl ? (size_t)(nl - buf) : len;
}

/* Start of the line before the one starting at off (off > 0). */
static size_t line_before(const char *buf, size_t off)
{
	const char *nl = off >= 2 ? memrchr(buf, '\n', off - 1) : NULL;

	return nl ? (size_t)(nl - buf) + 1 : 0;
}

static void edge_at(const char *buf, size_t len, size_t off, char *tmp, struct edge *ed)
{
	edge_of(buf + off, line_end(buf, len, off) - off, tmp, ed);
}

/* The rules of edges_continue that look only at the next line's head
 * (a status, "request to", x509, tls; the rest of a URL when the line
 * before ends in one). */
static int head_may_continue(const struct edge *n)
{
	const char *h = n->head;

	return (n->hn >= 5 && (h[0] == '4' || h[0] == '5')) ||
	       starts(h, n->hn, "request to ") || starts(h, n->hn, "x509: ") ||
	       starts(h, n->hn, "tls: ") || starts(h, n->hn, "(possibly because of") ||
	       (n->bare && n->url_head);
}

/* A raw line the normaliser changes only by its prefix and trailing
 * blanks, backticks and bold: no ESC, '\r' or backslash, and not cut. */
static int raw_plain(const char *s, size_t n)
{
	return n <= LOGLINE_MAX && !memchr(s, 0x1b, n) && !memchr(s, '\r', n) &&
	       !memchr(s, '\\', n);
}

/* Before normalising the line before a message: can it end the way a
 * continued line ends (':', ',', a method) or be blank once normalised?
 * Only a plain line is ruled out, so the answer is never a wrong "no". */
static int raw_tail_may_continue(const char *s, size_t n)
{
	size_t k;
	char c;

	if (!raw_plain(s, n))
		return 1;
	k = logline_prefix_len(s, n);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '`' ||
			 s[n - 1] == '*'))
		n--;
	if (k >= n)
		return 1;   /* blank once normalised: the caller may bridge it */
	c = s[n - 1];
	return c == ':' || c == ',' || (c >= 'A' && c <= 'Z');
}

/* Before normalising the line after a message whose tail does not carry
 * on: can its head (after the prefix) carry on? Same rule: never a wrong
 * "no". */
static int raw_head_may_continue(const char *s, size_t n)
{
	size_t k;

	if (!raw_plain(s, n))
		return 1;
	k = logline_prefix_len(s, n);
	s += k;
	n -= k;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == 0 || (n >= 5 && (s[0] == '4' || s[0] == '5')) ||
	       starts(s, n, "request to ") || starts(s, n, "x509: ") || starts(s, n, "tls: ") ||
	       starts(s, n, "(possibly because of");
}

/* The rules that look only at a line's tail: ':' or ',' after words, a
 * method, a URL. */
static int tail_may_continue(const struct edge *p)
{
	char c = p->tn ? p->tail[p->tn - 1] : 0;

	return p->len == 0 || c == ':' || c == ',' || (c >= 'A' && c <= 'Z') || p->url_tail;
}

/* Walks back from the line at cur (whose edge is *ce) while the lines
 * before continue into it, not below floor; one blank line is bridged
 * after a line ending with ':'. Returns the first line; *count grows. */
static size_t walk_back(const char *buf, size_t len, size_t cur, size_t floor,
			struct edge *ce, unsigned long *count, char *tmp)
{
	struct edge pe, ppe;
	size_t p, pp;
	int glue;

	while (*count < LOGJOIN_LINES && cur > floor) {
		p = line_before(buf, cur);
		if (p < floor)
			break;
		if (ce->len > 0 && !head_may_continue(ce) &&
		    !raw_tail_may_continue(buf + p, line_end(buf, len, p) - p))
			break;
		edge_at(buf, len, p, tmp, &pe);
		if (pe.len == 0) {
			if (*count + 1 >= LOGJOIN_LINES || p <= floor)
				break;
			pp = line_before(buf, p);
			if (pp < floor)
				break;
			edge_at(buf, len, pp, tmp, &ppe);
			if (ppe.len == 0 || ppe.tail[ppe.tn - 1] != ':')
				break;
			cur = pp;
			*ce = ppe;
			*count += 2;
			continue;
		}
		if (!edges_continue(&pe, ce, &glue))
			break;
		cur = p;
		*ce = pe;
		(*count)++;
	}
	return cur;
}

/* Walks forward from the line at last (edge *le) while the next lines
 * continue it. Returns the start of the last line of the message. */
static size_t walk_forward(const char *buf, size_t len, size_t last, struct edge *le,
			   unsigned long *count, char *tmp)
{
	struct edge ne, nne;
	size_t n, nn;
	int glue;

	while (*count < LOGJOIN_LINES && le->len > 0) {
		n = line_end(buf, len, last) + 1;
		if (n >= len)
			break;
		if (!tail_may_continue(le) && !raw_head_may_continue(buf + n, line_end(buf, len, n) - n))
			break;
		edge_at(buf, len, n, tmp, &ne);
		if (ne.len == 0) {
			nn = line_end(buf, len, n) + 1;
			if (le->tail[le->tn - 1] != ':' || *count + 1 >= LOGJOIN_LINES || nn >= len)
				break;
			edge_at(buf, len, nn, tmp, &nne);
			if (!edges_continue(le, &nne, &glue))
				break;
			last = nn;
			*le = nne;
			*count += 2;
			continue;
		}
		if (!edges_continue(le, &ne, &glue))
			break;
		last = n;
		*le = ne;
		(*count)++;
	}
	return last;
}

/* Normalises the lines of buf[first..end) into out, glued. */
static size_t join_lines(const char *buf, size_t len, size_t first, size_t end,
			 char *out, size_t outcap, char *tmp)
{
	struct edge prev, cur;
	size_t off = first, o = 0, e, n;
	int have = 0, glue;

	while (off <= end && off < len) {
		e = line_end(buf, len, off);
		edge_at(buf, len, off, tmp, &cur);
		if (cur.len > 0) {
			/* a space unless a URL carries on (a bridged blank line
			 * follows a ':' and gets one too) */
			if (have && (!edges_continue(&prev, &cur, &glue) || glue) && o < outcap)
				out[o++] = ' ';
			n = logline_normalise(buf + off, e - off > LOGLINE_MAX ? LOGLINE_MAX : e - off,
					      tmp, LOGLINE_MAX);
			if (n > outcap - o)
				n = outcap - o;
			memcpy(out + o, tmp, n);
			o += n;
			prev = cur;
			have = 1;
		}
		off = e + 1;
	}
	return o;
}

size_t logjoin_message(const char *buf, size_t len, size_t line, size_t floor,
		       struct logjoin_span *sp, char *out, size_t outcap, char *tmp)
{
	struct edge first_e, last_e;
	unsigned long count = 1;
	size_t first, last;

	/* the line itself is normalised into out: alone, it is the message */
	edge_at(buf, len, line, outcap >= LOGLINE_MAX ? out : tmp, &first_e);
	last_e = first_e;
	first = walk_back(buf, len, line, floor, &first_e, &count, tmp);
	last = walk_forward(buf, len, line, &last_e, &count, tmp);
	sp->first = first;
	sp->end = line_end(buf, len, last);
	sp->lines = count;
	if (count == 1) {
		size_t n = sp->end - first;

		if (outcap >= LOGLINE_MAX)
			return last_e.len;
		return logline_normalise(buf + first, n > LOGLINE_MAX ? LOGLINE_MAX : n, out,
					 outcap);
	}
	return join_lines(buf, len, first, sp->end, out, outcap, tmp);
}

size_t logjoin_boundary(const char *buf, size_t len, void *arg)
{
	struct edge le;
	unsigned long count = 1;
	size_t last;

	if (len == 0)
		return 0;
	last = line_before(buf, len);
	edge_at(buf, len, last, arg, &le);
	return walk_back(buf, len, last, 0, &le, &count, arg);
}
